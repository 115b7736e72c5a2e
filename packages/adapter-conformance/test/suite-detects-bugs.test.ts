import type { CellValue, DatabasePort, PoolOptions } from '@legacybridge/core';
import { createFakeDatabase } from '@legacybridge/core/testing';
import { okAsync } from 'neverthrow';
import { DIALECT_EXPECTATIONS, describeAdapterConformance } from '../src/index.js';
import { fixtureAsFakeTables } from './fake-fixture.js';

/*
 * The suite must be able to fail. This harness wraps the fake in an adapter with known bugs and
 * declares exactly the scenarios those bugs must break as known gaps (expected failures): if the
 * suite ever stops catching one of them, that test turns red. Every other scenario must still pass.
 */
const tables = fixtureAsFakeTables();
const slowQuery = DIALECT_EXPECTATIONS.sqlite.slowQuery((name) => name);

function buggyAdapter(pool?: Partial<PoolOptions>): DatabasePort {
  const inner = createFakeDatabase({
    tables,
    pool,
    execute: (query, { signal }) =>
      query.sql === slowQuery
        ? new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined)))
        : undefined,
  });
  let closed = false;
  return {
    ...inner,
    dialect: inner.dialect,
    capabilities: inner.capabilities,
    poolStats: () => inner.poolStats(),
    // Bug: views are dropped from the listing.
    listTables: (filter) => inner.listTables(filter).map((all) => all.filter((t) => t.kind !== 'view')),
    executeReadOnly(query, limits, signal) {
      // Bug: a "read-only session" that lets INSERT through (reporting success, changing nothing).
      if (/^\s*insert/i.test(query.sql)) {
        return okAsync({ columns: [], rows: [], rowCount: 0, truncated: false, durationMs: 0 });
      }
      // Bug: caps ignored; 64-bit integers converted to lossy numbers.
      return inner
        .executeReadOnly(query, { ...limits, maxRows: 1e9, maxBytes: 1e12 }, signal)
        .map((result) => ({
          ...result,
          rows: result.rows.map((row) =>
            row.map(
              (cell): CellValue => (typeof cell === 'string' && /^\d{16,}$/.test(cell) ? Number(cell) : cell),
            ),
          ),
        }));
    },
    async close() {
      // Bug: a second close throws.
      if (closed) throw new Error('already closed');
      closed = true;
      await inner.close();
    },
  };
}

describeAdapterConformance({
  name: 'deliberately buggy adapter',
  dialect: 'sqlite',
  async setup() {
    return {
      createAdapter: (pool) => buggyAdapter(pool),
      fingerprint: async () => 'unchanged',
      teardown: async () => {},
    };
  },
  knownGaps: {
    'introspection.listTables': 'drops views',
    'query.types.bigint': 'returns 64-bit integers as lossy numbers',
    'query.rowCap': 'ignores maxRows',
    'query.byteCap': 'ignores maxBytes',
    'query.capsStopEarly': 'ignores both caps',
    'readOnly.insert': 'lets INSERT through',
    close: 'throws on the second close',
  },
});
