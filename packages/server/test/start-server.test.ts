import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecordingLogger } from '@legacybridge/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/start-server.js';

const dir = mkdtempSync(join(tmpdir(), 'lb-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { XDG_CACHE_HOME: join(dir, 'cache') };

describe('startServer (embedded, http)', () => {
  it('serves /health on a free port, logs startup without secrets, and closes', async () => {
    const logger = createRecordingLogger();
    const demoPath = join(dir, 'demo.db');
    const server = (await startServer({ transport: 'http', port: 0, env, logger, demoPath }))._unsafeUnwrap();
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${server.url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'healthy', service: 'legacybridge' });
      const starting = logger.lines.find((l) => l.message === 'starting');
      expect(starting?.context).toMatchObject({ transport: 'http', dialect: 'sqlite' });
      expect(String(starting?.context.database)).toContain(demoPath);
      expect(logger.lines.some((l) => l.message === 'listening')).toBe(true);
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    expect(logger.lines.at(-1)?.message).toBe('stopped');
    // Idempotent.
    await server.close();
  });

  it('reports a port already in use as ListenFailed', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const failure = (
        await startServer({
          transport: 'http',
          port,
          env,
          logger: createRecordingLogger(),
          demoPath: join(dir, 'd2.db'),
        })
      )._unsafeUnwrapErr();
      expect(failure).toMatchObject({ kind: 'ListenFailed' });
      expect(failure.kind === 'ListenFailed' && failure.message).toContain('EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it('reports configuration problems without starting anything', async () => {
    const logger = createRecordingLogger();
    const failure = (
      await startServer({ transport: 'http', port: 0, env: { ...env, DB_POOL_SIZE: 'abc' }, logger })
    )._unsafeUnwrapErr();
    expect(failure.kind).toBe('InvalidConfig');
    expect(failure.kind === 'InvalidConfig' && failure.failures.map((f) => f.variable)).toEqual([
      'DB_POOL_SIZE',
    ]);
    expect(logger.lines).toHaveLength(0);
  });
});
