import { createSqliteAdapter } from '@legacybridge/adapter-sqlite';
import type { DatabasePort } from '@legacybridge/core';
import { fakeDeps } from '@legacybridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connect, textOf } from './support/clients.js';

/**
 * The MCP surface over a real database: the SQLite adapter on an in-memory database (the only
 * engine this package can reach without a fixture loader). Proves a v2 client's cancel kills a
 * runaway statement in the real adapter, not just in a fake.
 */

// Never ends on its own: counts forever.
const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

describe('over the real SQLite adapter', () => {
  let db: DatabasePort;
  let deps: ReturnType<typeof fakeDeps>;
  let connection: Connection;

  beforeAll(async () => {
    db = createSqliteAdapter({ url: 'sqlite::memory:', pool: { size: 1, maxOverflow: 1 } });
    deps = fakeDeps(db, { timeoutMs: 20_000 });
    connection = await connect('v2-auto', { deps });
  });
  afterAll(async () => {
    await connection?.close();
    await db?.close();
  });

  it('answers a real query as compact text and structured rows', async () => {
    const result = await connection.client.callTool({
      name: 'run_query',
      arguments: { sql: "SELECT 1 AS one, 'a|b' AS txt, NULL AS missing UNION ALL SELECT 2, 'c', 'd'" },
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(textOf(result).split('\n').slice(0, 3)).toEqual(['one|txt|missing', '1|a\\|b|NULL', '2|c|d']);
    expect(result.structuredContent).toMatchObject({
      rows: [
        [1, 'a|b', null],
        [2, 'c', 'd'],
      ],
      truncated: false,
    });
  });

  it('refuses writes before SQLite sees them', async () => {
    const result = await connection.client.callTool({
      name: 'run_query',
      arguments: { sql: 'CREATE TABLE t (x)' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^Refused: /);
  });

  it('cancels a runaway statement in the database when the client aborts', async () => {
    deps.logger.clear();
    const controller = new AbortController();
    const started = performance.now();
    const call = connection.client
      .callTool({ name: 'run_query', arguments: { sql: RUNAWAY } }, { signal: controller.signal })
      .then(
        () => 'resolved',
        () => 'rejected',
      );
    // Long enough for the runner process to start and the statement to be spinning.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    controller.abort();
    expect(await call).toBe('rejected');

    // The use case records how the adapter ended the query: Cancelled, long before the 20 s timeout.
    const deadline = Date.now() + 10_000;
    const outcome = () =>
      deps.logger.lines.find((l) => l.message === 'query' && l.context.errorKind !== undefined)?.context
        .errorKind;
    while (outcome() === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(outcome()).toBe('Cancelled');
    expect(performance.now() - started).toBeLessThan(15_000);

    // The pool recovers: the next query runs on a fresh runner.
    const after = await connection.client.callTool({
      name: 'run_query',
      arguments: { sql: 'SELECT 42 AS answer' },
    });
    expect(textOf(after).split('\n').slice(0, 2)).toEqual(['answer', '42']);
  });
});
