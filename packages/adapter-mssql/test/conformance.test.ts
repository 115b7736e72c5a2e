import { createHash } from 'node:crypto';
import {
  type ConformanceHarness,
  type DatabaseTarget,
  describeAdapterConformance,
} from '@legacybridge/adapter-conformance';
import { createMssqlAdapter } from '../src/index.js';
import { createTestDatabase, mssqlTargets, mssqlUnavailable } from './mssql-test-db.js';

// Once per server: LEGACYBRIDGE_TEST_MSSQL_URL when set, else a SQL Server 2022 container. Neither
// exists on the development machine: the suite then skips loudly (or fails under
// LEGACYBRIDGE_REQUIRE_DB=mssql), naming the variable.
for (const target of mssqlTargets()) describeAdapterConformance(mssqlHarness(target));

/**
 * A fresh database per run (random name, dropped afterwards) loaded with the suite's `mssql` fixture
 * over a writable connection, which is kept for the fingerprint.
 */
function mssqlHarness(target: DatabaseTarget): ConformanceHarness {
  return {
    name: `mssql (mssql/tedious on ${target.label})`,
    dialect: 'mssql',
    service: target.service,
    async setup(fixture) {
      const source = await target.acquire();
      if ('skip' in source) return source;
      try {
        const unavailable = await mssqlUnavailable(source.url);
        if (unavailable !== undefined) {
          await source.release();
          return { skip: unavailable };
        }
        const db = await createTestDatabase('conformance', source.url);
        for (const statement of fixture) await db.admin.request().batch(statement);
        await db.admin.request().batch('EXEC sp_updatestats');
        return {
          schema: 'dbo',
          createAdapter: (pool) => createMssqlAdapter({ url: db.url, pool }),
          fingerprint: async () => {
            // Every user object's definition and every table's row count and checksum.
            const objects = await db.admin
              .request()
              .query<{ name: string; type: string; def: string | null }>(
                `SELECT o.name, RTRIM(o.type) AS type, CONVERT(varchar(64), HASHBYTES('SHA2_256', OBJECT_DEFINITION(o.object_id)), 2) AS def
                 FROM sys.objects o WHERE o.is_ms_shipped = 0 AND o.type IN ('U', 'V') ORDER BY o.name`,
              );
            const hash = createHash('sha256').update(JSON.stringify(objects.recordset));
            for (const o of objects.recordset) {
              if (o.type !== 'U') continue;
              const rows = await db.admin
                .request()
                .query(
                  `SELECT COUNT_BIG(*) AS n, CHECKSUM_AGG(BINARY_CHECKSUM(*)) AS c FROM dbo.[${o.name}]`,
                );
              hash.update(`${o.name}:${JSON.stringify(rows.recordset)}`);
            }
            return hash.digest('hex');
          },
          teardown: async () => {
            try {
              await db.drop();
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
