import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../adapter-postgres/test/tcp-proxy.js';
import { createLifecycle, serveHttp } from '../src/index.js';
import { call } from './support/http.js';
import {
  ADMIN_URL,
  createTestDatabase,
  describeWhen,
  postgresDeps,
  postgresUnavailable,
  type TestDatabase,
  withDatabase,
} from './support/pg-deps.js';

const unavailable = await postgresUnavailable();

/** Statements still running in the test database, other than this check (cancelled means gone). */
async function activeQueries(db: TestDatabase): Promise<number> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    for (let i = 0; i < 20; i++) {
      const { rows } = await client.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()",
        [db.name],
      );
      if (rows[0].n === 0) return 0;
      await new Promise((r) => setTimeout(r, 100));
    }
    return -1;
  } finally {
    await client.end();
  }
}

// The statement guard refuses pg_sleep (it holds a session without reading): slow queries are
// cross joins instead. About a second here; the endless one would take hours.
const SLOW_SQL = 'SELECT count(*) FROM generate_series(1, 3000) a, generate_series(1, 3000) b';
const ENDLESS_SQL = 'SELECT count(*) FROM generate_series(1, 1000000) a, generate_series(1, 1000000) b';

describeWhen('postgres', 'readiness and graceful shutdown', unavailable, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('/ready is 503 while the database is cut off and 200 again after; /health stays 200', async () => {
    const target = new URL(database.url);
    let proxy: TcpProxy | undefined = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const proxied = new URL(database.url);
    proxied.port = String(proxy.port);
    const deps = postgresDeps(proxied.toString(), { acquireTimeoutMs: 1000 });
    const service = await serveHttp({ deps, host: '127.0.0.1', port: 0, readinessTimeoutMs: 1000 });
    try {
      expect((await call(`${service.url}/ready`)).status).toBe(200);
      await proxy.cut();
      const down = await call(`${service.url}/ready`);
      expect(down.status).toBe(503);
      expect(down.json).toMatchObject({ status: 'not_ready', database: 'disconnected' });
      expect(down.json.error).toMatch(/^database /);
      expect(down.text).not.toContain(String(proxy.port));
      expect((await call(`${service.url}/health`)).status).toBe(200);
      await proxy.restore();
      let back = 0;
      for (let i = 0; i < 20 && back !== 200; i++) {
        back = (await call(`${service.url}/ready`)).status;
        if (back !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(back).toBe(200);
    } finally {
      await service.close();
      await deps.db.close();
      await proxy.close();
      proxy = undefined;
    }
  });

  it('/ready is 503 with a closed database port', async () => {
    const deps = postgresDeps(withDatabase('postgres://postgres@127.0.0.1:1/x', 'x'), {
      acquireTimeoutMs: 1000,
    });
    const service = await serveHttp({ deps, host: '127.0.0.1', port: 0, readinessTimeoutMs: 1000 });
    try {
      const res = await call(`${service.url}/ready`);
      expect(res.status).toBe(503);
      expect(res.json.database).toBe('disconnected');
      expect((await call(`${service.url}/health`)).status).toBe(200);
    } finally {
      await service.close();
      await deps.db.close();
    }
  });

  it('close() lets an in-flight slow query finish and refuses new connections', async () => {
    const deps = postgresDeps(database.url);
    const service = await serveHttp({ deps, host: '127.0.0.1', port: 0, shutdownTimeoutMs: 10_000 });
    try {
      const slow = call(`${service.url}/v1/query`, {
        json: { sql: SLOW_SQL.replace('count(*)', 'count(*), 42 AS answer') },
      });
      await new Promise((r) => setTimeout(r, 300));
      const started = performance.now();
      const closing = service.close();
      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(answer.json.rows[0][1]).toBe(42);
      await closing;
      expect(performance.now() - started).toBeLessThan(5000);
      await expect(fetch(`${service.url}/health`)).rejects.toThrow();
    } finally {
      await deps.db.close();
    }
  });

  it('a draining lifecycle turns /ready 503 (load balancers stop sending) while /health stays 200', async () => {
    const deps = postgresDeps(database.url);
    const lifecycle = createLifecycle();
    const service = await serveHttp({ deps, host: '127.0.0.1', port: 0, lifecycle });
    try {
      expect((await call(`${service.url}/ready`)).status).toBe(200);
      lifecycle.drain();
      const res = await call(`${service.url}/ready`);
      expect(res.status).toBe(503);
      expect(res.json).toMatchObject({ status: 'not_ready', reason: 'shutting_down' });
      expect(res.headers.get('connection')).toBe('close');
      expect((await call(`${service.url}/health`)).status).toBe(200);
    } finally {
      await service.close();
      await deps.db.close();
    }
  });

  it('at the deadline the remaining query is cancelled at the database and still answered', async () => {
    const deps = postgresDeps(database.url);
    const service = await serveHttp({ deps, host: '127.0.0.1', port: 0, shutdownTimeoutMs: 500 });
    try {
      const slow = call(`${service.url}/v1/query`, { json: { sql: ENDLESS_SQL } });
      await new Promise((r) => setTimeout(r, 300));
      const started = performance.now();
      const closing = service.close();
      const answer = await slow;
      expect(answer.status).toBe(503);
      expect(answer.json.kind).toBe('Cancelled');
      await closing;
      expect(performance.now() - started).toBeLessThan(4000);
      expect(await activeQueries(database)).toBe(0);
    } finally {
      await deps.db.close();
    }
  });

  it('the same holds for a tool call over /mcp', async () => {
    const deps = postgresDeps(database.url);
    const service = await serveHttp({ deps, host: '127.0.0.1', port: 0, shutdownTimeoutMs: 500 });
    try {
      const body = {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'run_query', arguments: { sql: ENDLESS_SQL } },
      };
      const slow = call(`${service.url}/mcp`, {
        json: body,
        headers: { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
      });
      await new Promise((r) => setTimeout(r, 300));
      const closing = service.close();
      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(answer.text).toMatch(/cancelled/i);
      await closing;
    } finally {
      await deps.db.close();
    }
  });
});
