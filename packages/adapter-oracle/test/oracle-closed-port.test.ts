import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toPublicMessage } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOracleAdapter } from '../src/index.js';

/**
 * The real node-oracledb Thin driver against ports where no Oracle listens: these need no server,
 * so they run everywhere. A closed port and a listener that never answers must both end in a clear
 * ConnectionFailed within seconds, without the password.
 */

const PASSWORD = 'hunter2-oracle';

describe('node-oracledb Thin against a closed port', () => {
  it('fails with ConnectionFailed within a few seconds, password-free', async () => {
    const db = createOracleAdapter({ url: `oracle://u:${PASSWORD}@127.0.0.1:1/FREEPDB1` });
    const started = performance.now();
    const failure = (await db.ping())._unsafeUnwrapErr();
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(failure.kind).toBe('ConnectionFailed');
    expect(failure.originalCode).toMatch(/^NJS-5\d\d$/);
    expect(`${failure.message} ${failure.publicDetail ?? ''} ${toPublicMessage(failure)}`).not.toContain(
      PASSWORD,
    );
    // Every port method answers the same way; nothing is left open.
    const query = await db.executeReadOnly(unsafeAssumeReadOnly('SELECT 1 FROM dual', 'oracle'), {
      maxRows: 1,
      maxBytes: 1_000,
      timeoutMs: 1_000,
    });
    expect(query._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    expect((await db.listTables())._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    expect(db.poolStats()).toMatchObject({ size: 0, active: 0, idle: 0, waiting: 0 });
    await db.close();
  });

  describe('a listener that accepts and never answers', () => {
    let server: Server;
    let port = 0;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => {});
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('gives up after connect_timeout with ConnectionFailed', async () => {
      const db = createOracleAdapter({
        url: `oracle://u:${PASSWORD}@127.0.0.1:${port}/FREEPDB1?connect_timeout=1`,
      });
      const started = performance.now();
      const failure = (await db.ping())._unsafeUnwrapErr();
      const elapsed = performance.now() - started;
      expect(failure.kind).toBe('ConnectionFailed');
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(3_500);
      expect(failure.message).not.toContain(PASSWORD);
      await db.close();
    });
  });
});

// The server's built CLI, as users run it: the closed-port check of issue 7.
const CLI = fileURLToPath(new URL('../../server/dist/cli.js', import.meta.url));

describe('legacybridge doctor --url oracle://… (built CLI)', () => {
  it('an unreachable Oracle fails within seconds with exit 3, no password and no stack', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the server first (pnpm -r run build)`);
    const home = mkdtempSync(join(tmpdir(), 'lb-oracle-doctor-'));
    try {
      const started = performance.now();
      const run = await runCli(['doctor', '--url', `oracle://u:${PASSWORD}@127.0.0.1:1/FREEPDB1`], {
        PATH: process.env.PATH ?? '',
        HOME: home,
        XDG_CACHE_HOME: join(home, 'cache'),
      });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(
        /cannot reach the oracle database at oracle:\/\/u:\*\*\*@127\.0\.0\.1:1\/FREEPDB1: ConnectionFailed/,
      );
      expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
      expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
