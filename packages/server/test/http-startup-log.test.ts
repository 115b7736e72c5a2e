import { CONFIG_VARIABLES } from '@legacybridge/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from './support/cli-harness.js';
import {
  call,
  createTestDatabase,
  describeWhen,
  postgresUnavailable,
  type ServerProcess,
  startHttp,
  type TestDatabase,
} from './support/http-harness.js';

/**
 * The startup configuration line of the built CLI (issue 5 item 4): one structured line naming every
 * configuration variable with its effective value, and no secret — URL password, DB_PASSWORD,
 * API_KEYS, a Redis password — anywhere in stderr, also after serving requests and shutting down.
 */

// Trust authentication ignores passwords, so the server runs with all of these set.
const URL_PASSWORD = 'url-pw-Zq81startup';
const DB_PASSWORD = 'dbpw-Kx77startup';
const API_KEY = 'apikey-Vv42startup-0123456789';
const REDIS_PASSWORD = 'redispw-Lm33startup';
const SECRETS = [URL_PASSWORD, DB_PASSWORD, API_KEY, REDIS_PASSWORD];

const pgDown = await postgresUnavailable();

describeWhen('postgres', 'startup configuration log', pgDown, () => {
  let database: TestDatabase;
  let sandbox: Sandbox;
  let server: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    sandbox = createSandbox();
    const url = new URL(database.url);
    url.password = URL_PASSWORD;
    server = await startHttp({
      ...sandbox.env,
      DATABASE_URL: url.toString(),
      DB_PASSWORD,
      API_KEYS: `ci:${API_KEY}`,
      API_KEY_REQUIRED: 'true',
      // Never contacted: neither the rate limit nor the query cache is on.
      REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:1/0`,
      DB_POOL_SIZE: '3',
      QUERY_TIMEOUT: '7.5',
    });
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    sandbox?.remove();
    await database?.drop();
  });

  function entries() {
    return server
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { message: string; config?: Record<string, unknown> });
  }

  it('logs every variable once, with effective values and secrets redacted', () => {
    const lines = entries().filter((e) => e.message === 'configuration');
    expect(lines).toHaveLength(1);
    const config = lines[0]?.config as Record<string, unknown>;
    expect((lines[0] as { poolMax?: number }).poolMax).toBe(9); // 3 + 2 × 3, as the adapter got it
    expect(Object.keys(config).sort()).toEqual(Object.keys(CONFIG_VARIABLES).sort());
    const dbName = new URL(database.url).pathname;
    expect(config.DATABASE_URL).toBe(`postgres://postgres:***@127.0.0.1:5432${dbName}`);
    expect(config.DB_PASSWORD).toBe('***');
    expect(config.API_KEYS).toBe('***');
    expect(config.REDIS_URL).toBe('redis://:***@127.0.0.1:1/0');
    // Set, defaulted, derived and overridden values, in the units an operator writes.
    expect(config.DB_POOL_SIZE).toBe(3);
    expect(config.DB_MAX_OVERFLOW).toBe(6);
    expect(config.QUERY_TIMEOUT).toBe(7.5);
    expect(config.DB_TIMEOUT).toBe(30);
    expect(config.APP_PORT).toBe(0);
    expect(config.LOG_FORMAT).toBe('json');
    expect(config.API_KEY_REQUIRED).toBe(true);
    expect(config.METRICS_PORT).toBeNull();
    expect(config.SQLITE_PATH).toBeNull();
  });

  it('never writes a secret to stderr, also after requests and shutdown', async () => {
    const ok = await call(`${server.url}/v1/query`, {
      headers: { authorization: `Bearer ${API_KEY}` },
      json: { sql: 'SELECT id FROM orders WHERE id = 1' },
    });
    expect(ok.status).toBe(200);
    const wrong = await call(`${server.url}/v1/tables`, { headers: { 'x-api-key': `${API_KEY}x` } });
    expect(wrong.status).toBe(401);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const stderr = server.stderr();
    expect(stderr).toContain('"message":"stopped"');
    for (const secret of SECRETS) expect(stderr).not.toContain(secret);
  });
});
