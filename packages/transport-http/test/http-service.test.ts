import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type HttpService, serveHttp } from '../src/index.js';
import { call } from './support/http.js';
import {
  createTestDatabase,
  describeWhen,
  postgresDeps,
  postgresUnavailable,
  type TestDatabase,
} from './support/pg-deps.js';

const unavailable = await postgresUnavailable();

describeWhen('postgres', 'the HTTP service over PostgreSQL', unavailable, () => {
  let database: TestDatabase;
  let service: HttpService;
  let deps: ReturnType<typeof postgresDeps>;
  beforeAll(async () => {
    database = await createTestDatabase();
    deps = postgresDeps(database.url);
    service = await serveHttp({ deps, host: '127.0.0.1', port: 0, version: '9.9.9' });
  });
  afterAll(async () => {
    await service?.close();
    await deps?.db.close();
    await database?.drop();
  });

  it('/health is liveness JSON', async () => {
    const res = await call(`${service.url}/health`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'healthy', service: 'legacybridge' });
    expect(Number.isNaN(Date.parse(res.json.timestamp))).toBe(false);
  });

  it('/ready pings the database', async () => {
    const res = await call(`${service.url}/ready`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ready', database: 'connected' });
  });

  it('GET /v1/tables lists, filters and pages', async () => {
    const all = await call(`${service.url}/v1/tables`);
    expect(all.status).toBe(200);
    const names = all.json.tables.map((t: { schema?: string; name: string }) => `${t.schema}.${t.name}`);
    expect(names).toEqual(expect.arrayContaining(['public.orders', 'sales.customers']));
    const filtered = await call(`${service.url}/v1/tables?schema=sales`);
    expect(filtered.json.tables.map((t: { name: string }) => t.name)).toEqual(['customers']);
    const page = await call(`${service.url}/v1/tables?limit=1`);
    expect(page.json.tables).toHaveLength(1);
    expect(typeof page.json.nextCursor).toBe('string');
    const next = await call(
      `${service.url}/v1/tables?limit=1&cursor=${encodeURIComponent(page.json.nextCursor)}`,
    );
    expect(next.status).toBe(200);
    expect(next.json.tables[0].name).not.toBe(page.json.tables[0].name);
  });

  it('GET /v1/tables/:table describes a table, schema-qualified too', async () => {
    const plain = await call(`${service.url}/v1/tables/orders`);
    expect(plain.status).toBe(200);
    expect(plain.json.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'customer', 'total']);
    const qualified = await call(`${service.url}/v1/tables/sales.customers`);
    expect(qualified.status).toBe(200);
    expect(qualified.json.table).toMatchObject({ schema: 'sales', name: 'customers' });
    const bySchema = await call(`${service.url}/v1/tables/customers?schema=sales`);
    expect(bySchema.json.table.name).toBe('customers');
  });

  it('an unknown table is a 404 problem with suggestions', async () => {
    const res = await call(`${service.url}/v1/tables/ordrs`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.json).toMatchObject({ status: 404, kind: 'ObjectNotFound', title: 'Not Found' });
    expect(res.json.suggestions).toContain('orders');
  });

  it('GET /v1/join-path answers a path, a 404 with suggestions, or a 400 when no path exists', async () => {
    const same = await call(`${service.url}/v1/join-path?from=orders&to=public.orders`);
    expect(same.status).toBe(200);
    expect(same.json).toEqual({
      from: { schema: 'public', name: 'orders' },
      to: { schema: 'public', name: 'orders' },
      hops: [],
      sql: 'FROM public.orders',
    });
    const typo = await call(`${service.url}/v1/join-path?from=orders&to=ordrs`);
    expect(typo.status).toBe(404);
    expect(typo.json.suggestions).toContain('orders');
    // Nothing relates orders.customer (text) to sales.customers.id (integer).
    const none = await call(`${service.url}/v1/join-path?from=orders&to=sales.customers&max_hops=2`);
    expect(none.status).toBe(400);
    expect(none.json.detail).toContain('no join path from public.orders to sales.customers within 2 hops');
    expect((await call(`${service.url}/v1/join-path?from=orders&to=x&max_hops=99`)).status).toBe(400);
  });

  it('GET /v1/search finds tables by comment', async () => {
    const res = await call(`${service.url}/v1/search?q=buy`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain('customers');
    expect((await call(`${service.url}/v1/search`)).status).toBe(400);
  });

  it('POST /v1/query runs read-only SQL with max_rows', async () => {
    const res = await call(`${service.url}/v1/query`, {
      json: { sql: 'SELECT id, total FROM orders ORDER BY id', max_rows: 3 },
    });
    expect(res.status).toBe(200);
    expect(res.json.rows).toEqual([
      [1, '1.50'],
      [2, '3.00'],
      [3, '4.50'],
    ]);
    expect(res.json).toMatchObject({ rowCount: 3, truncated: true });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'total']);
  });

  it.each([
    [{ sql: 'DELETE FROM orders' }, 400, 'ReadOnlyViolation'],
    [{ sql: 'SELEC 1' }, 400, undefined],
    [{ sql: 'SELECT 1/0' }, 422, 'DriverError'],
    [{ sql: 'SELECT 1', max_rows: 'many' }, 400, 'InvalidInput'],
    [{}, 400, 'InvalidInput'],
  ])('POST /v1/query %j → %i %s', async (body, status, kind) => {
    const res = await call(`${service.url}/v1/query`, { json: body });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    if (kind) expect(res.json.kind).toBe(kind);
    expect(res.text).not.toMatch(/at .+\.(ts|js):\d+/);
    expect(res.text).not.toContain(database.name);
  });

  it('a JSON body is read whatever its Content-Type (curl -d sends form encoding)', async () => {
    const res = await call(`${service.url}/v1/query`, {
      method: 'POST',
      body: '{"sql":"SELECT 2 AS two"}',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    expect(res.json.rows).toEqual([[2]]);
  });

  it('a body that is not JSON is a 400 problem', async () => {
    const res = await call(`${service.url}/v1/query`, {
      method: 'POST',
      body: '{"sql":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json.kind).toBe('InvalidInput');
  });

  it('POST /v1/query answers alike on the direct path and through the router (trailing slash, case)', async () => {
    // `/v1/query` exactly is served before the router's route walk; other spellings take the routes.
    for (const path of ['/v1/query', '/v1/query/', '/V1/Query']) {
      const ok = await call(`${service.url}${path}`, { json: { sql: 'SELECT 3 AS three' } });
      expect(ok.status, path).toBe(200);
      expect(ok.headers.get('cache-control'), path).toBe('no-store');
      expect(ok.json.rows, path).toEqual([[3]]);
      const invalid = await call(`${service.url}${path}`, { json: { sql: 42 } });
      expect([invalid.status, invalid.json.kind], path).toEqual([400, 'InvalidInput']);
      const notJson = await call(`${service.url}${path}`, { method: 'POST', body: '{"sql":' });
      expect([notJson.status, notJson.json.kind, notJson.json.detail], path).toEqual([
        400,
        'InvalidInput',
        'The body is not valid JSON.',
      ]);
      const huge = await call(`${service.url}${path}`, {
        method: 'POST',
        body: JSON.stringify({ sql: `SELECT '${'x'.repeat(1024 * 1024)}'` }),
      });
      expect([huge.status, huge.json.kind], path).toEqual([413, 'InvalidInput']);
    }
    // GET is not a query: the direct path is POST only, the router answers the rest (404 here).
    expect((await call(`${service.url}/v1/query`)).status).toBe(404);
  });

  it('POST /v1/explain returns the plan', async () => {
    const res = await call(`${service.url}/v1/explain`, {
      json: { sql: 'SELECT * FROM orders WHERE id = 1' },
    });
    expect(res.status).toBe(200);
    expect(res.json.dialect).toBe('postgres');
    expect(res.json.text).toMatch(/Scan/);
  });

  it('/v1/openapi.json is a valid OpenAPI 3.1 document covering the six operations', async () => {
    const res = await call(`${service.url}/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(res.json));
    expect(result.valid, JSON.stringify(result)).toBe(true);
    expect(Object.keys(res.json.paths).sort()).toEqual([
      '/v1/explain',
      '/v1/join-path',
      '/v1/query',
      '/v1/search',
      '/v1/tables',
      '/v1/tables/{table}',
    ]);
    const params = res.json.paths['/v1/search'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(['q', 'limit']);
  });

  it('an MCP v2 client in auto mode lists tools and queries over /mcp', async () => {
    const client = new Client(
      { name: 'http-test', version: '1.0.0' },
      { versionNegotiation: { mode: 'auto' } },
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`)));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([
        'describe_table',
        'explain_query',
        'find_join_path',
        'list_tables',
        'run_query',
        'search_schema',
      ]);
      const result = await client.callTool({
        name: 'run_query',
        arguments: { sql: 'SELECT count(*)::int AS n FROM orders' },
      });
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { rows: unknown[][] }).rows[0]?.[0]).toBe(50);
    } finally {
      await client.close();
    }
  });

  it('an MCP v1 client (2025-11-25) works against the same endpoint', async () => {
    const client = new V1Client({ name: 'http-test-v1', version: '1.0.0' });
    await client.connect(new V1StreamableHTTPClientTransport(new URL(`${service.url}/mcp`)));
    try {
      const result = await client.callTool({ name: 'describe_table', arguments: { table: 'orders' } });
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { table: { name: string } }).table.name).toBe('orders');
    } finally {
      await client.close();
    }
  });

  it('a wrong Host is 403; unknown paths are JSON 404s', async () => {
    // fetch forbids setting Host; the service allows any Host here, so check through a guarded one.
    const res = await call(`${service.url}/nope`);
    expect(res.status).toBe(404);
    expect(res.json.kind).toBe('NotFound');
  });
});
