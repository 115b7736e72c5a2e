import {
  type ConformanceHarness,
  type DatabaseTarget,
  describeAdapterConformance,
} from '@legacybridge/adapter-conformance';
import { createOracleAdapter } from '../src/index.js';
import { createTestUsers, oracleTargets, oracleUnavailable } from './oracle-test-db.js';

// Once per server: LEGACYBRIDGE_TEST_ORACLE_URL (an admin URL, e.g. SYSTEM on FREEPDB1) when set, else a
// gvenzl/oracle-free container. Neither exists on the development machine: the suite skips loudly
// there, and fails when LEGACYBRIDGE_REQUIRE_DB lists oracle.
for (const target of oracleTargets()) describeAdapterConformance(oracleHarness(target));

/**
 * Two fresh users per run (random names, dropped afterwards): the fixture owner loads the suite's
 * `oracle` fixture, and the adapter connects as a reader with SELECT on it only. The fixture lives in
 * the owner's schema, which the suite names in every statement.
 */
function oracleHarness(target: DatabaseTarget): ConformanceHarness {
  return {
    name: `oracle (node-oracledb Thin on ${target.label})`,
    dialect: 'oracle',
    service: target.service,
    async setup(fixture) {
      const source = await target.acquire();
      if ('skip' in source) return source;
      try {
        const unavailable = await oracleUnavailable(source.url);
        if (unavailable !== undefined) {
          await source.release();
          return { skip: unavailable };
        }
        const users = await createTestUsers(source.url);
        for (const sql of fixture) await users.ownerConnection.execute(sql);
        await users.ownerConnection.commit();
        await users.grantReads();
        return {
          schema: users.owner,
          createAdapter: (pool) => createOracleAdapter({ url: users.readerUrl, pool }),
          fingerprint: () => users.fingerprint(),
          teardown: async () => {
            try {
              await users.drop();
            } finally {
              await source.release();
            }
          },
        };
      } catch (error) {
        // A fixture that fails to load must not leave a container behind.
        await source.release().catch(() => {});
        throw error;
      }
    },
  };
}
