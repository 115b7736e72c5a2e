import { createFakeDatabase, type FakeDatabase } from '@legacybridge/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientKind, type Connection, connect, testDeps, textOf } from './support/clients.js';

// MCP cancellation must reach the database: the request's AbortSignal is the one the adapter sees.
const KINDS: ClientKind[] = ['v2-auto', 'v2-legacy', 'v1'];

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(KINDS)('cancellation from a %s client', (kind) => {
  let connection: Connection | undefined;
  afterEach(async () => {
    await connection?.close();
    connection = undefined;
  });

  it('aborts the running run_query in the database and ends the call', async () => {
    let sawAbort = false;
    let started = false;
    const db = createFakeDatabase({
      // A query that only ends when its signal aborts: a hanging statement on a legacy server.
      execute: (_query, context) =>
        new Promise((resolve) => {
          started = true;
          context.signal.addEventListener('abort', () => {
            sawAbort = true;
            resolve(undefined);
          });
        }),
    });
    connection = await connect(kind, { deps: testDeps(db) });
    const controller = new AbortController();
    const call = connection.client.callTool(
      { name: 'run_query', arguments: { sql: 'SELECT * FROM CUSTMST' } },
      { signal: controller.signal },
    );
    const settled = call.then(
      () => 'resolved',
      () => 'rejected',
    );
    await until(() => started && db.running === 1);

    controller.abort();

    expect(await settled).toBe('rejected');
    await until(() => sawAbort && db.running === 0);
    const [execution] = db.callsTo('executeReadOnly');
    // The signal handed to the port is the MCP request's, and it is the one that aborted.
    expect(execution?.signal?.aborted).toBe(true);
  });

  it('aborts a slow explain_query the same way', async () => {
    const db = createFakeDatabase({ latencyMs: { explain: 60_000 } });
    connection = await connect(kind, { deps: testDeps(db) });
    const controller = new AbortController();
    const settled = connection.client
      .callTool(
        { name: 'explain_query', arguments: { sql: 'SELECT * FROM ORDHDR' } },
        { signal: controller.signal },
      )
      .then(
        () => 'resolved',
        () => 'rejected',
      );
    await until(() => db.running === 1);

    controller.abort();

    expect(await settled).toBe('rejected');
    await until(() => db.running === 0);
    expect(db.callsTo('explain')[0]?.signal?.aborted).toBe(true);
  });

  it('still answers later calls on the same connection', async () => {
    let hang = true;
    const db: FakeDatabase = createFakeDatabase({
      execute: (_query, context) =>
        hang
          ? new Promise((resolve) => context.signal.addEventListener('abort', () => resolve(undefined)))
          : undefined,
    });
    connection = await connect(kind, { deps: testDeps(db) });
    const controller = new AbortController();
    const first = connection.client
      .callTool(
        { name: 'run_query', arguments: { sql: 'SELECT * FROM CUSTMST' } },
        { signal: controller.signal },
      )
      .catch(() => undefined);
    await until(() => db.running === 1);
    controller.abort();
    await first;
    hang = false;

    const second = await connection.client.callTool({
      name: 'run_query',
      arguments: { sql: 'SELECT COUNT(*) FROM CUSTMST' },
    });
    expect(second.isError).toBeFalsy();
    expect(textOf(second).split('\n').slice(0, 2)).toEqual(['count', '3']);
  });
});

describe('server-side timeout', () => {
  it('turns a query past the policy timeout into a tool error that says what to do', async () => {
    const db = createFakeDatabase({
      execute: (_query, context) =>
        new Promise((resolve) => context.signal.addEventListener('abort', () => resolve(undefined))),
    });
    const connection = await connect('v2-auto', { deps: testDeps(db, { timeoutMs: 200 }) });
    try {
      const result = await connection.client.callTool({
        name: 'run_query',
        arguments: { sql: 'SELECT * FROM ORDDTL' },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^The query was stopped after 0\.2 s\. Narrow it/);
      expect(textOf(result)).toContain('explain_query');
    } finally {
      await connection.close();
    }
  });
});
