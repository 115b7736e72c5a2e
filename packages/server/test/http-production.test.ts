import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy } from '../../adapter-postgres/test/tcp-proxy.js';
import { createSandbox, runCli, type Sandbox } from './support/cli-harness.js';
import {
  call,
  createTestDatabase,
  describeWhen,
  postgresUnavailable,
  type ServerProcess,
  startHttp,
  type TestDatabase,
  unavailable,
} from './support/http-harness.js';

/**
 * The production HTTP service end to end: the built CLI, spawned as operators run it, against the
 * real PostgreSQL and Redis — API keys from a secret file, a limit shared by two processes through
 * Redis, readiness following the database, and SIGTERM during a slow query.
 */

const REDIS_URL = process.env.LEGACYBRIDGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const redisUnavailable = () =>
  unavailable(async () => {
    const r = new Redis(REDIS_URL, {
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    r.on('error', () => {});
    try {
      await r.connect();
      await r.ping();
    } finally {
      r.disconnect();
    }
  }, 'Redis (LEGACYBRIDGE_TEST_REDIS_URL)');

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

const SLOW_SQL = 'SELECT count(*), 42 AS answer FROM generate_series(1, 3000) a, generate_series(1, 3000) b';
const ENDLESS_SQL = 'SELECT count(*) FROM generate_series(1, 1000000) a, generate_series(1, 1000000) b';

const pgDown = await postgresUnavailable();
const redisDown = await redisUnavailable();

describeWhen('postgres', 'legacybridge --transport http in production', pgDown, () => {
  let database: TestDatabase;
  let sandbox: Sandbox;
  const KEY = `lb_${randomBytes(16).toString('hex')}`;
  const keysFile = () => join(sandbox.dir, 'api-keys');
  beforeAll(async () => {
    database = await createTestDatabase();
    sandbox = createSandbox();
    writeFileSync(keysFile(), `ci:${KEY},ops:${KEY}-ops\n`);
  });
  afterAll(async () => {
    sandbox?.remove();
    await database?.drop();
  });
  const env = (extra: Record<string, string> = {}) => ({
    ...sandbox.env,
    DATABASE_URL: database.url,
    APP_ENV: 'production',
    API_KEY_REQUIRED: 'true',
    API_KEYS_FILE: keysFile(),
    ...extra,
  });

  it('refuses to start in production without API keys unless ALLOW_UNAUTHENTICATED=true', async () => {
    const refused = await runCli(['--transport', 'http', '--port', '0'], env({ API_KEY_REQUIRED: 'false' }));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/API_KEY_REQUIRED must be true .*ALLOW_UNAUTHENTICATED=true/);
    const noKeys = await runCli(['--transport', 'http', '--port', '0'], { ...env(), API_KEYS_FILE: '' });
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toMatch(/API_KEYS \(or API_KEYS_FILE\) must name at least one/);
    const allowed = await startHttp(env({ API_KEY_REQUIRED: 'false', ALLOW_UNAUTHENTICATED: 'true' }));
    try {
      expect((await call(`${allowed.url}/v1/tables`)).status).toBe(200);
    } finally {
      allowed.child.kill('SIGTERM');
      expect(await allowed.exited).toBe(0);
    }
  });

  describeWhen('redis', 'two replicas sharing Redis', redisDown, () => {
    const prefix = `lbtest:${randomBytes(6).toString('hex')}:`;
    let a: ServerProcess;
    let b: ServerProcess;
    beforeAll(async () => {
      const shared = env({
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_REQUESTS: '5',
        RATE_LIMIT_WINDOW: '60',
        REDIS_URL,
        RATE_LIMIT_KEY_PREFIX: prefix,
      });
      [a, b] = await Promise.all([startHttp(shared), startHttp(shared)]);
    });
    afterAll(async () => {
      a?.child.kill('SIGKILL');
      b?.child.kill('SIGKILL');
      await deleteKeys(prefix);
    });

    it('no key, a wrong key, a key differing in the last character → 401; /health stays open', async () => {
      const last = `${KEY.slice(0, -1)}${KEY.endsWith('0') ? '1' : '0'}`;
      const attempts: Record<string, string>[] = [
        {},
        { 'x-api-key': 'wrong' },
        { 'x-api-key': last },
        { authorization: `Bearer ${last}` },
      ];
      for (const headers of attempts) {
        const res = await call(`${a.url}/v1/tables`, { headers });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toContain('Bearer');
        expect(res.json.kind).toBe('Unauthorized');
      }
      expect((await call(`${a.url}/mcp`, { method: 'POST', json: {} })).status).toBe(401);
      expect((await call(`${a.url}/health`)).status).toBe(200);
      expect((await call(`${a.url}/ready`)).status).toBe(200);
      expect(a.stderr()).not.toContain(KEY);
    });

    it('a plain curl of the REST API works with the right key', async () => {
      const { stdout } = await promisify(execFile)('curl', [
        '-sS',
        '-H',
        `X-API-Key: ${KEY}-ops`,
        '-H',
        'content-type: application/json',
        '-d',
        '{"sql":"SELECT count(*)::int AS n FROM orders"}',
        `${b.url}/v1/query`,
      ]);
      expect(JSON.parse(stdout).rows).toEqual([[50]]);
    });

    it('the 6th request of one caller in the window is 429, alternating between the two processes', async () => {
      // The `ci` key has not been counted yet: the 401s above counted against the client address.
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await call(`${(i % 2 === 0 ? a : b).url}/v1/tables`, { headers: { 'x-api-key': KEY } });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
          expect(res.headers.get('ratelimit')).toMatch(/^"legacybridge";r=0;t=\d+$/);
        }
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      expect(a.stderr()).not.toContain(KEY);
      expect(b.stderr()).not.toContain(KEY);
    });
  });

  it('/ready is 503 while the database is cut off and 200 once it is back; /health stays 200', async () => {
    const target = new URL(database.url);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const proxied = new URL(database.url);
    proxied.port = String(proxy.port);
    const server = await startHttp(env({ DATABASE_URL: proxied.toString(), DB_TIMEOUT: '1' }));
    const headers = { 'x-api-key': KEY };
    try {
      expect((await call(`${server.url}/ready`)).status).toBe(200);
      await proxy.cut();
      const down = await call(`${server.url}/ready`);
      expect(down.status).toBe(503);
      expect(down.json).toMatchObject({ status: 'not_ready', database: 'disconnected' });
      expect((await call(`${server.url}/health`)).status).toBe(200);
      await proxy.restore();
      let status = 0;
      for (let i = 0; i < 20 && status !== 200; i++) {
        status = (await call(`${server.url}/ready`)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(200);
      expect((await call(`${server.url}/v1/tables`, { headers })).status).toBe(200);
    } finally {
      server.child.kill('SIGKILL');
      await proxy.close();
    }
  });

  it('/ready is 503 with a closed database port', async () => {
    const server = await startHttp(
      env({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', DB_TIMEOUT: '1' }),
    );
    try {
      const res = await call(`${server.url}/ready`);
      expect(res.status).toBe(503);
      expect(res.text).not.toContain('127.0.0.1:1');
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('SIGTERM during a slow query: the query finishes and is answered, then the process exits 0', async () => {
    const server = await startHttp(env({ SHUTDOWN_TIMEOUT: '20' }));
    const slow = call(`${server.url}/v1/query`, { json: { sql: SLOW_SQL }, headers: { 'x-api-key': KEY } });
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.json.rows[0][1]).toBe(42);
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toMatch(/"message":"draining"/);
    expect(server.stderr()).toMatch(/"message":"stopped"/);
  });

  it('SIGTERM past SHUTDOWN_TIMEOUT: the query is cancelled and answered 503, the process exits 0', async () => {
    const server = await startHttp(env({ SHUTDOWN_TIMEOUT: '0.5' }));
    const slow = call(`${server.url}/v1/query`, {
      json: { sql: ENDLESS_SQL },
      headers: { 'x-api-key': KEY },
    });
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    server.child.kill('SIGTERM');
    const answer = await slow;
    expect(answer.status).toBe(503);
    expect(answer.json.kind).toBe('Cancelled');
    expect(await server.exited).toBe(0);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('API keys configuration', () => {
  it('an unparsable API_KEYS stops startup naming the variable, without echoing a key', async () => {
    const sandbox = createSandbox({ API_KEY_REQUIRED: 'true', API_KEYS: 'ci:s3cr3tvalue,ci:other' });
    try {
      const run = await runCli(['--transport', 'http', '--port', '0'], sandbox.env);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/API_KEYS/);
      expect(run.stderr).not.toContain('s3cr3tvalue');
    } finally {
      sandbox.remove();
    }
  });
});
