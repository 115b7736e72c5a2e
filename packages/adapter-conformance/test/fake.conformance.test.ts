import { createHash } from 'node:crypto';
import { createFakeDatabase } from '@legacybridge/core/testing';
import { DIALECT_EXPECTATIONS, describeAdapterConformance } from '../src/index.js';
import { fixtureAsFakeTables } from './fake-fixture.js';

// The in-memory fake must pass the same suite as a real adapter: transports and use case tests
// rely on it behaving like one.
const tables = fixtureAsFakeTables();
const slowQuery = DIALECT_EXPECTATIONS.sqlite.slowQuery((name) => name);

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
          execute: (query, { signal }) =>
            query.sql === slowQuery
              ? new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined)))
              : undefined,
        }),
      // The fake never mutates its tables, so this is the data itself, hashed.
      fingerprint: async () => createHash('sha256').update(JSON.stringify(tables)).digest('hex'),
      teardown: async () => {},
    };
  },
});
