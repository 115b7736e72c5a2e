import { createHash } from 'node:crypto';
import { createFakeDatabase } from '@legacybridge/core/testing';
import { DIALECT_EXPECTATIONS, describeAdapterConformance } from '../src/index.js';
import { fixtureAsFakeTables } from './fake-fixture.js';

// The in-memory fake must pass the same suite as a real adapter: transports and use case tests
// rely on it behaving like one.
const tables = fixtureAsFakeTables();
const slowQuery = DIALECT_EXPECTATIONS.sqlite.slowQuery((name) => name);
const crossColumns = [
  { name: 'event_id', logicalType: 'integer' as const },
  { name: 'event_id', logicalType: 'integer' as const },
];
const crossRows = Array.from({ length: 100_000 }, (_, i) => [Math.floor(i / 5000) + 1, (i % 5000) + 1]);

describeAdapterConformance({
  name: 'in-memory fake',
  dialect: 'sqlite',
  async setup() {
    return {
      createAdapter: (pool) =>
        createFakeDatabase({
          tables,
          pool,
          // The slow query hangs until the fake's own timeout, cancel or close aborts it.
          execute: (query, { signal }) => {
            if (query.sql === slowQuery) {
              return new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined)));
            }
            // The fake caps an answer it holds in full; 100,000 rows stand in for the 25 million.
            if (/CROSS JOIN/i.test(query.sql)) return { columns: crossColumns, rows: crossRows };
            return undefined;
          },
        }),
      // The fake never mutates its tables, so this is the data itself, hashed.
      fingerprint: async () => createHash('sha256').update(JSON.stringify(tables)).digest('hex'),
      teardown: async () => {},
    };
  },
});
