import { createHash } from 'node:crypto';
import {
  type ConformanceHarness,
  type DatabaseTarget,
  describeAdapterConformance,
} from '@legacybridge/adapter-conformance';
import { createPostgresAdapter } from '../src/index.js';
import { createTestDatabase, postgresTargets, postgresUnavailable } from './pg-test-db.js';

// Once per server: LEGACYBRIDGE_TEST_POSTGRES_URL when set, else a postgres:16-alpine container.
for (const target of postgresTargets()) describeAdapterConformance(postgresHarness(target));

/**
 * A fresh database per run (random name, dropped afterwards) on the target's server, loaded with the
 * suite's `postgres` fixture over a writable connection, which is kept for the fingerprint.
 */
function postgresHarness(target: DatabaseTarget): ConformanceHarness {
  return {
    name: `postgres (pg on ${target.label})`,
    dialect: 'postgres',
    service: target.service,
    async setup(fixture) {
      const source = await target.acquire();
      if ('skip' in source) return source;
      try {
        const unavailable = await postgresUnavailable(source.url);
        if (unavailable !== undefined) {
          await source.release();
          return { skip: unavailable };
        }
        const db = await createTestDatabase('conformance', source.url);
        for (const sql of fixture) await db.admin.query(sql);
        await db.admin.query('ANALYZE');
        return {
          schema: 'public',
          createAdapter: (pool) => createPostgresAdapter({ url: db.url, pool }),
          fingerprint: async () => {
            // Every user object's definition and every table's rows, in a stable order.
            const objects = await db.admin.query(
              `SELECT c.relname, c.relkind, pg_catalog.md5(COALESCE(pg_catalog.pg_get_viewdef(c.oid), '')) AS def
                 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' ORDER BY c.relname`,
            );
            const hash = createHash('sha256').update(JSON.stringify(objects.rows));
            for (const o of objects.rows as { relname: string; relkind: string }[]) {
              if (o.relkind !== 'r') continue;
              const rows = await db.admin.query(`SELECT t::text AS r FROM "${o.relname}" t ORDER BY 1`);
              hash.update(`${o.relname}:${rows.rows.map((r) => r.r).join('\n')}`);
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
