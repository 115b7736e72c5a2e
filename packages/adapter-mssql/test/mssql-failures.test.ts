import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { DatabasePort } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMssqlAdapter } from '../src/index.js';

/**
 * Real sockets, real tedious: what an operator sees when the server is not there, or is not SQL
 * Server. These need no SQL Server and always run.
 */

const LIMITS = { maxRows: 10, maxBytes: 10_000, timeoutMs: 5_000 };
const open: DatabasePort[] = [];
const servers: Server[] = [];
const sockets = new Set<Socket>();

afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

function adapter(url: string, connectTimeoutMs = 2_000): DatabasePort {
  const db = createMssqlAdapter({ url, connectTimeoutMs });
  open.push(db);
  return db;
}

/** A TCP server that accepts and then does `onConnection` (stay silent, or hang up). */
async function tcpServer(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('unreachable servers', () => {
  it('a closed port answers ConnectionFailed within a few seconds, without the password', async () => {
    const db = adapter('mssql://sa:Sup3rSecret!@127.0.0.1:1/db');
    const started = performance.now();
    const failure = (await db.ping())._unsafeUnwrapErr();
    expect(failure.kind).toBe('ConnectionFailed');
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(JSON.stringify({ ...failure, cause: undefined })).not.toContain('Sup3rSecret');
    const query = (
      await db.executeReadOnly(unsafeAssumeReadOnly('SELECT 1', 'mssql'), LIMITS)
    )._unsafeUnwrapErr();
    expect(query.kind).toBe('ConnectionFailed');
  });

  it('a listener that never speaks TDS answers ConnectionFailed after the connect timeout', async () => {
    const port = await tcpServer(() => {});
    const db = adapter(`mssql://sa:x@127.0.0.1:${port}/db`, 800);
    const started = performance.now();
    const failure = (await db.listTables())._unsafeUnwrapErr();
    const elapsed = performance.now() - started;
    expect(failure.kind).toBe('ConnectionFailed');
    expect(elapsed).toBeGreaterThanOrEqual(700);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('a server that hangs up at once answers ConnectionFailed', async () => {
    const port = await tcpServer((socket) => socket.destroy());
    const failure = (await adapter(`sqlserver://sa:x@127.0.0.1:${port}/db`).ping())._unsafeUnwrapErr();
    expect(failure.kind).toBe('ConnectionFailed');
  });

  it('a failed connection leaves the pool empty and reusable', async () => {
    const db = adapter('mssql://sa:x@127.0.0.1:1/db');
    for (let i = 0; i < 3; i++) expect((await db.ping())._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    expect(db.poolStats()).toMatchObject({ size: 0, active: 0, waiting: 0 });
  });
});

const CLI = fileURLToPath(new URL('../../server/dist/cli.js', import.meta.url));

describe('legacybridge doctor (the built CLI)', () => {
  it('fails within a few seconds with a clear connection message, no stack and no password', async () => {
    expect(existsSync(CLI), `${CLI} is missing: build packages/server first`).toBe(true);
    const started = performance.now();
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'doctor', '--url', 'mssql://sa:Xy9secret@127.0.0.1:1/db'], {
        env: { ...process.env, DATABASE_URL: '', DB_PASSWORD: '' },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    const elapsed = performance.now() - started;
    const all = `${stdout}${stderr}`;
    expect(code).toBe(3); // DOCTOR_EXIT.unreachable
    expect(elapsed).toBeLessThan(10_000);
    expect(all).toMatch(/cannot reach the mssql database/);
    expect(all).toMatch(/ConnectionFailed/);
    expect(all).not.toContain('Xy9secret');
    expect(all).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  }, 20_000);
});
