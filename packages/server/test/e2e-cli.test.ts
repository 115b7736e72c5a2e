import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoDatabase } from '../src/demo/ensure-demo.js';
import {
  CLI_PATH,
  connectStdio,
  createSandbox,
  requireBuiltCli,
  runCli,
  type Sandbox,
  textOf,
} from './support/cli-harness.js';

let sandbox: Sandbox;
beforeAll(() => {
  requireBuiltCli();
  sandbox = createSandbox();
});
afterAll(() => sandbox?.remove());

const STACK_TRACE = /\n\s+at .+:\d+:\d+/;

describe('legacybridge CLI: usage and configuration errors', () => {
  it('--help prints usage to stdout and exits 0', async () => {
    const run = await runCli(['--help'], sandbox.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage:');
    expect(run.stdout).toContain('--transport');
    expect(run.stdout).toContain('sqlite://');
  });

  it('--version prints the package version and exits 0', async () => {
    const run = await runCli(['--version'], sandbox.env);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--transport', 'carrier-pigeon'], /--transport must be stdio or http/],
    [['--port', 'x', '--transport', 'http'], /--port must be a whole number/],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const run = await runCli(args, sandbox.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('an unsupported scheme exits 2 listing the supported ones', async () => {
    const run = await runCli(['--url', 'foo://x'], sandbox.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unsupported scheme "foo:"/);
    expect(run.stderr).toMatch(/Supported schemes: .*sqlite:\/\//);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.stdout).toBe('');
  });

  it('a missing SQLite file exits 2 naming the path, without a crash', async () => {
    const run = await runCli(['--url', 'sqlite:///nonexistent/x.db'], sandbox.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('/nonexistent/x.db');
    expect(run.stderr).toMatch(/does not exist/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('DB_POOL_SIZE=abc exits 2 naming the variable, with every other bad variable too', async () => {
    const run = await runCli([], { ...sandbox.env, DB_POOL_SIZE: 'abc', LOG_FORMAT: 'yaml' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DB_POOL_SIZE must be a whole number/);
    expect(run.stderr).toMatch(/LOG_FORMAT must be json or text/);
    expect(run.stdout).toBe('');
  });

  it('a missing DATABASE_URL_FILE exits 2 naming DATABASE_URL_FILE', async () => {
    const run = await runCli([], { ...sandbox.env, DATABASE_URL_FILE: join(sandbox.dir, 'no-such-secret') });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DATABASE_URL_FILE/);
  });

  it.each([
    ['--url', ['--url', 'db2://u:hunter2@127.0.0.1:1/db'], {}],
    ['positional', ['db2://u:hunter2@127.0.0.1:1/db'], {}],
    ['DATABASE_URL', [], { DATABASE_URL: 'db2://u:hunter2@127.0.0.1:1/db', LOG_LEVEL: 'debug' }],
  ])('a password in an unsupported URL (%s) never reaches stderr', async (_how, args, env) => {
    const run = await runCli(args, { ...sandbox.env, ...env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unsupported scheme "db2:"/);
    expect(run.stderr).toMatch(/mysql:\/\/.*postgres:\/\/.*sqlite:\/\//);
    expect(run.stderr + run.stdout).not.toContain('hunter2');
  });

  it.each([
    ['postgres', 'postgres://u:hunter2@127.0.0.1:1/db'],
    ['mysql', 'mysql://u:hunter2@127.0.0.1:1/db'],
  ])(
    'an unreachable %s database is a clear tool error, and its password never reaches stderr',
    async (_db, url) => {
      const conn = await connectStdio('v1', { ...sandbox.env, DATABASE_URL: url, LOG_LEVEL: 'debug' });
      try {
        const result = await conn.client.callTool({ name: 'list_tables', arguments: {} });
        expect(result.isError).toBe(true);
        expect(textOf(result)).toMatch(/unreachable/i);
        expect(textOf(result)).not.toContain('hunter2');
      } finally {
        await conn.close();
      }
      expect(conn.stderr()).not.toContain('hunter2');
      expect(conn.stderr()).toContain('127.0.0.1:1');
    },
  );
});

describe('legacybridge CLI: database sources', () => {
  it('DATABASE_URL_FILE names the database to serve', async () => {
    const db = join(sandbox.dir, 'from-secret.db');
    ensureDemoDatabase(db);
    const secret = join(sandbox.dir, 'db-url');
    writeFileSync(secret, `sqlite://${db}\n`);
    const conn = await connectStdio('v1', { ...sandbox.env, DATABASE_URL_FILE: secret });
    try {
      const result = await conn.client.callTool({
        name: 'run_query',
        arguments: { sql: 'SELECT count(*) AS n FROM EMPMST' },
      });
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { rows: unknown[][] }).rows[0]![0]).toBe(80);
      expect(conn.stderr()).toContain(db);
    } finally {
      await conn.close();
    }
  });

  it('SQLITE_PATH to a missing file generates the demo there', async () => {
    const path = join(sandbox.dir, 'custom', 'erp.db');
    const conn = await connectStdio('v2-auto', { ...sandbox.env, SQLITE_PATH: path });
    try {
      const result = await conn.client.callTool({ name: 'describe_table', arguments: { table: 'ORDHDR' } });
      expect(result.isError).toBeFalsy();
      const fks = (result.structuredContent as { foreignKeys: { referencedTable: { name: string } }[] })
        .foreignKeys;
      expect(fks.map((f) => f.referencedTable.name)).toContain('CUSTMST');
      expect(conn.stderr()).toContain(path);
    } finally {
      await conn.close();
    }
  });
});

describe('legacybridge CLI: concurrent first starts', () => {
  it('four servers starting at once on an empty cache publish one intact demo file', async () => {
    const fresh = createSandbox();
    try {
      const runs = await Promise.all([1, 2, 3, 4].map(() => runCli([], fresh.env)));
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      // Exactly one process published the file; the others found it or lost the race cleanly.
      expect(runs.filter((run) => run.stderr.includes('(generated)'))).toHaveLength(1);
      const db = new Database(fresh.demoPath, { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.prepare('SELECT count(*) AS n FROM ORDHDR').get()).toEqual({ n: 2000 });
      } finally {
        db.close();
      }
      expect(readdirSync(dirname(fresh.demoPath))).toEqual([basename(fresh.demoPath)]);
    } finally {
      fresh.remove();
    }
  });
});

describe('legacybridge CLI: stdout is the MCP channel only', () => {
  it('every stdout line is a JSON-RPC message, even with debug logging and a tool call', async () => {
    const child = spawn(process.execPath, [CLI_PATH], {
      env: { ...sandbox.env, LOG_LEVEL: 'debug' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const send = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    await waitFor(() => stdout.includes('"id":1'), 10_000);
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_tables', arguments: {} } });
    await waitFor(() => stdout.includes('"id":2'), 10_000);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.end();
    expect(await exited).toBe(0);
    const lines = stdout.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(stdout).toContain('CUSTMST');
    // The logs went to stderr instead.
    expect(stderr).toMatch(/DEBUG/);
    expect(stderr).toMatch(/starting/);
  });
});

describe('legacybridge CLI: shutdown', () => {
  it('SIGTERM closes a stdio server with exit 0 and logs it', async () => {
    const child = spawn(process.execPath, [CLI_PATH], { env: sandbox.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    await waitFor(() => stderr.includes('starting'), 10_000);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/shutting down.*SIGTERM/);
    expect(stderr).toMatch(/stopped/);
  });

  it('closing stdin ends a stdio server with exit 0', async () => {
    const child = spawn(process.execPath, [CLI_PATH], { env: sandbox.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.end();
    expect(await exited).toBe(0);
  });
});

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for the server');
    await new Promise((r) => setTimeout(r, 20));
  }
}
