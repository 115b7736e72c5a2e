import { sqlFingerprint } from '@legacybridge/core';
import { createRecordingLogger } from '@legacybridge/core/testing';
import * as transportMcp from '@legacybridge/transport-mcp';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type HttpService, parseApiKeys, serveHttp } from '../src/index.js';
import {
  createTestDatabase,
  describeWhen,
  postgresDeps,
  postgresUnavailable,
  type TestDatabase,
} from './support/pg-deps.js';

// Counts the MCP servers the endpoint builds, so the test can tell reuse from one-per-request.
vi.mock(import('@legacybridge/transport-mcp'), async (original) => {
  const actual = await original();
  return { ...actual, createMcpServer: vi.fn(actual.createMcpServer) };
});
const built = () => vi.mocked(transportMcp.createMcpServer).mock.calls.length;

const unavailable = await postgresUnavailable();

/**
 * /mcp lends pooled server instances to requests. Per-request state must stay per request: two API
 * keys' concurrent calls each log their own caller, and 2026-07-28 and 2025-11-25 clients running
 * at the same time each get their own answers, while far fewer servers are built than requests.
 */
describeWhen('postgres', '/mcp with reused server instances', unavailable, () => {
  let database: TestDatabase;
  let service: HttpService;
  let deps: ReturnType<typeof postgresDeps>;
  const logger = createRecordingLogger();
  beforeAll(async () => {
    database = await createTestDatabase();
    deps = postgresDeps(database.url, { logger });
    const keys = parseApiKeys('alice:alice-key-0123456789,bob:bob-key-9876543210');
    if (keys.isErr()) throw new Error(keys.error);
    service = await serveHttp({
      deps,
      host: '127.0.0.1',
      port: 0,
      auth: { required: true, apiKeys: keys.value },
    });
  });
  afterAll(async () => {
    await service?.close();
    await deps?.db.close();
    await database?.drop();
  });

  const url = () => new URL(`${service.url}/mcp`);
  const headers = (key: string) => ({ requestInit: { headers: { 'X-API-Key': key } } });

  async function modern(key: string): Promise<Client> {
    const client = new Client(
      { name: 'pool-test', version: '1.0.0' },
      { versionNegotiation: { mode: 'auto' } },
    );
    await client.connect(new StreamableHTTPClientTransport(url(), headers(key)));
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    return client;
  }
  async function legacy(key: string): Promise<V1Client> {
    const client = new V1Client({ name: 'pool-test-v1', version: '1.0.0' });
    await client.connect(new V1StreamableHTTPClientTransport(url(), headers(key)));
    expect(client.getServerVersion()?.name).toBe('legacybridge');
    return client;
  }

  // Each caller's SQL has its own shape (so its own fingerprint in the `query` log line) and
  // answers a value that names the call, so a crossed answer or a crossed caller shows.
  const aliceSql = (i: number) => `SELECT id, 'alice-${i}' AS tag FROM orders WHERE id = ${(i % 50) + 1}`;
  const bobSql = (i: number) => `SELECT customer, 'bob-${i}' AS tag FROM orders WHERE id = ${(i % 50) + 1}`;

  it('concurrent calls of two API keys and two protocol eras each keep their caller and answer', async () => {
    const aliceModern = await modern('alice-key-0123456789');
    const bobModern = await modern('bob-key-9876543210');
    const aliceLegacy = await legacy('alice-key-0123456789');
    const bobLegacy = await legacy('bob-key-9876543210');
    try {
      logger.clear();
      const buildsBefore = built();
      const calls: Promise<void>[] = [];
      const perClient = 30;
      const clients = [
        { client: aliceModern, sql: aliceSql, who: 'alice', base: 0 },
        { client: bobModern, sql: bobSql, who: 'bob', base: 0 },
        { client: aliceLegacy, sql: aliceSql, who: 'alice', base: 1000 },
        { client: bobLegacy, sql: bobSql, who: 'bob', base: 1000 },
      ];
      // Eight calls in flight per client: 32 exchanges overlapping on the pool at any time.
      for (const { client, sql, who, base } of clients) {
        let next = 0;
        const worker = async () => {
          while (next < perClient) {
            const i = base + next++;
            const result = await client.callTool({ name: 'run_query', arguments: { sql: sql(i) } });
            expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
            const rows = (result.structuredContent as { rows: unknown[][] }).rows;
            expect(rows).toEqual([
              [who === 'alice' ? (i % 50) + 1 : `customer ${(i % 50) + 1}`, `${who}-${i}`],
            ]);
          }
        };
        for (let w = 0; w < 8; w++) calls.push(worker());
      }
      await Promise.all(calls);

      const queries = logger.lines.filter((l) => l.message === 'query');
      expect(queries).toHaveLength(4 * perClient);
      const aliceHashes = new Set(
        [...Array(perClient).keys()].flatMap((i) => [aliceSql(i), aliceSql(1000 + i)]).map(sqlFingerprint),
      );
      const bobHashes = new Set(
        [...Array(perClient).keys()].flatMap((i) => [bobSql(i), bobSql(1000 + i)]).map(sqlFingerprint),
      );
      for (const line of queries) {
        const hash = String(line.context.sqlHash);
        const expected = aliceHashes.has(hash) ? 'alice' : bobHashes.has(hash) ? 'bob' : 'unknown';
        expect(line.context.caller).toBe(expected);
      }
      expect(queries.filter((l) => l.context.caller === 'alice')).toHaveLength(2 * perClient);

      // 120 tool calls, at most 32 at a time: reuse, not one server per request.
      expect(built() - buildsBefore).toBeLessThanOrEqual(40);
    } finally {
      await Promise.all([aliceModern.close(), bobModern.close(), aliceLegacy.close(), bobLegacy.close()]);
    }
  });

  it('a reused instance answers a 2025 client as a fresh one would, after modern traffic', async () => {
    // Modern traffic first, so every pooled modern instance has served 2026-07-28; the legacy pool
    // is separate, and instances come back with no negotiated version or client identity.
    const first = await modern('alice-key-0123456789');
    await first.callTool({ name: 'run_query', arguments: { sql: 'SELECT 1 AS one' } });
    await first.close();
    const client = await legacy('bob-key-9876543210');
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('run_query');
      const result = await client.callTool({ name: 'describe_table', arguments: { table: 'orders' } });
      expect(result.isError).toBeFalsy();
      // A 2025 answer never carries the 2026-07-28 cache hints.
      expect(JSON.stringify(await client.listTools())).not.toContain('ttlMs');
    } finally {
      await client.close();
    }
  });

  it('a client cannot leave a logging level on a pooled instance: logging/setLevel does not exist', async () => {
    // The SDK keeps a per-instance level map only for servers declaring the logging capability;
    // ours declare none, so the method is refused and there is nothing to reset between requests.
    const client = await legacy('alice-key-0123456789');
    try {
      await expect(client.setLoggingLevel('debug')).rejects.toMatchObject({ code: -32601 });
    } finally {
      await client.close();
    }
  });

  it('bodies the SDK refuses are still refused: not JSON (400), over 4 MiB (413), GET (405)', async () => {
    const post = (body: string) =>
      fetch(url(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'x-api-key': 'alice-key-0123456789',
        },
        body,
      });
    const notJson = await post('{"jsonrpc": "2.0", "id": 1, "method":');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const huge = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'x', params: { pad: 'x'.repeat(4_200_000) } }),
    );
    expect(huge.status).toBe(413);
    const get = await fetch(url(), {
      headers: { 'x-api-key': 'alice-key-0123456789', accept: 'text/event-stream' },
    });
    expect(get.status).toBe(405);
    // And the pool still serves: a normal call after the refusals.
    const client = await modern('alice-key-0123456789');
    try {
      const result = await client.callTool({ name: 'run_query', arguments: { sql: 'SELECT 2 AS two' } });
      expect((result.structuredContent as { rows: unknown[][] }).rows).toEqual([[2]]);
    } finally {
      await client.close();
    }
  });

  it('a request without a key is still 401 and one with a key still reaches its own caller', async () => {
    const res = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(res.status).toBe(401);
  });
});
