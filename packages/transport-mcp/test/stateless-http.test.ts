import { createFakeDatabase, type FakeDatabase, fakeDeps } from '@legacybridge/core/testing';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createMcpServer } from '../src/index.js';
import { textOf } from './support/clients.js';

/**
 * createMcpServer in the SDK's stateless HTTP entry, which builds one server per request. The client's
 * fetch calls the handler directly (no socket), so this is the real SDK request path minus the network.
 */

// Queries on ORDDTL hang until their signal aborts; everything else answers from the fake.
function hangingOrdDtl(): { db: FakeDatabase; state: { started: boolean; aborted: boolean } } {
  const state = { started: false, aborted: false };
  const db = createFakeDatabase({
    execute: (query, context) =>
      query.sql.includes('ORDDTL')
        ? new Promise((resolve) => {
            state.started = true;
            context.signal.addEventListener('abort', () => {
              state.aborted = true;
              resolve(undefined);
            });
          })
        : undefined,
  });
  return { db, state };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('stateless HTTP (one server per request)', () => {
  let handler: McpHttpHandler | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.close();
    await handler?.close();
  });

  async function connectHttp(mode: 'auto' | 'legacy', db: FakeDatabase, timeoutMs = 30_000) {
    let built = 0;
    const deps = fakeDeps(db, { timeoutMs });
    handler = createMcpHandler(() => {
      built++;
      return createMcpServer({ deps, caller: 'http' });
    });
    const h = handler;
    const transport = new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
      fetch: (url, init) => h.fetch(new Request(url, init)),
    });
    client = new Client(
      { name: 'legacybridge-http-test', version: '1.0.0' },
      { versionNegotiation: { mode } },
    );
    await client.connect(transport);
    return { client, built: () => built, logger: deps.logger };
  }

  it('serves 2026-07-28 clients, builds a server per request, and cancels the database query', async () => {
    const { db, state } = hangingOrdDtl();
    const { client, built } = await connectHttp('auto', db);
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const before = built();
    const result = await client.callTool({
      name: 'run_query',
      arguments: { sql: 'SELECT COUNT(*) FROM CUSTMST' },
    });
    expect(textOf(result).split('\n').slice(0, 2)).toEqual(['count', '3']);
    expect(built()).toBeGreaterThan(before);

    const controller = new AbortController();
    const call = client
      .callTool(
        { name: 'run_query', arguments: { sql: 'SELECT * FROM ORDDTL' } },
        { signal: controller.signal },
      )
      .then(
        () => 'resolved',
        () => 'rejected',
      );
    await until(() => state.started);
    controller.abort();
    expect(await call).toBe('rejected');
    await until(() => state.aborted && db.running === 0);
  });

  it('serves 2025-11-25 clients; their cancel cannot reach a stateless request, the timeout ends it', async () => {
    const { db, state } = hangingOrdDtl();
    const { client, logger } = await connectHttp('legacy', db, 300);
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    const listed = await client.callTool({ name: 'list_tables', arguments: { pattern: 'ORD*' } });
    expect(textOf(listed)).toContain('\nORDDTL|');

    const controller = new AbortController();
    const call = client
      .callTool(
        { name: 'run_query', arguments: { sql: 'SELECT * FROM ORDDTL' } },
        { signal: controller.signal },
      )
      .catch(() => undefined);
    await until(() => state.started);
    controller.abort();
    await call;
    // Known gap (TOOLCHAIN trap 8): the 2025 notifications/cancelled arrives as its own stateless
    // request and names a request id no live server knows. If the SDK starts forwarding it, this
    // turns red: then drop the caveat from README "Known gaps".
    await until(() => db.running === 0);
    expect(state.aborted).toBe(true);
    const outcomes = logger.lines.filter((l) => l.message === 'query').map((l) => l.context.errorKind);
    expect(outcomes).toEqual(['Timeout']);
  });
});
