import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import { CLI_PATH, requireBuiltCli } from './cli-harness.js';

/** Helpers for end-to-end tests of the HTTP service: the built CLI on a free port, a scratch database, fetch. */

export const ADMIN_URL =
  process.env.LEGACYBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are read by property path
  readonly json: any;
}

export async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Reply> {
  const { json, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    ...(json !== undefined
      ? {
          method: rest.method ?? 'POST',
          body: JSON.stringify(json),
          headers: { 'content-type': 'application/json', ...rest.headers },
        }
      : {}),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: body };
}

/** A throwaway database `lb_httpe2e_<random>` with 50 `orders`, dropped by `drop()`. */
export async function createTestDatabase() {
  const name = `lb_httpe2e_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    'CREATE TABLE orders (id integer PRIMARY KEY, total numeric); INSERT INTO orders SELECT g, g FROM generate_series(1, 50) g',
  );
  await client.end();
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
export type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

export async function unavailable(check: () => Promise<unknown>, what: string): Promise<string | undefined> {
  try {
    await check();
    return undefined;
  } catch (error) {
    return `${what} unreachable (${(error as Error).message})`;
  }
}

export const postgresUnavailable = () =>
  unavailable(async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
    c.on('error', () => {});
    try {
      await c.connect();
    } finally {
      await c.end().catch(() => {});
    }
  }, 'PostgreSQL (LEGACYBRIDGE_TEST_POSTGRES_URL)');

/** `describe` when the service answers; a loud skip, or a failure when LEGACYBRIDGE_REQUIRE_DB names it. */
export function describeWhen(service: string, title: string, why: string | undefined, body: () => void) {
  if (why === undefined) return describe(title, body);
  const listed = (process.env.LEGACYBRIDGE_REQUIRE_DB ?? '').split(',').map((s) => s.trim().toLowerCase());
  if (listed.includes(service) || listed.includes('all')) {
    return it(`${title}: ${service} is required by LEGACYBRIDGE_REQUIRE_DB but unavailable`, () => {
      throw new Error(why);
    });
  }
  console.warn(`[legacybridge] skipping ${title}: ${why}`);
  return describe.skip(`${title} (skipped: ${why})`, body);
}

export interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  stderr(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

export async function startHttp(env: Record<string, string>): Promise<ServerProcess> {
  requireBuiltCli();
  const child = spawn(process.execPath, [CLI_PATH, '--transport', 'http', '--port', '0'], {
    env: { ...env, LOG_FORMAT: 'json' },
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in 15 s:\n${stderr}`)), 15_000);
    child.stderr.on('data', (d) => {
      stderr += d;
      for (const line of stderr.split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { message: string; url?: string };
        if (entry.message === 'listening' && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}:\n${stderr}`)));
  });
  return { child, url, exited, stderr: () => stderr };
}
