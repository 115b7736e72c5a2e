import { createHash } from 'node:crypto';
import {
  type ConformanceHarness,
  type DatabaseTarget,
  describeAdapterConformance,
} from '@legacybridge/adapter-conformance';
import { createMysqlAdapter } from '../src/index.js';
import { connectAdmin, mysqlTargets, randomSuffix, urlFor } from './mysql-test-db.js';

// Once per server: LEGACYBRIDGE_TEST_MYSQL_URL when set, else a MySQL 8.4 and a MariaDB 11 container.
for (const target of mysqlTargets()) describeAdapterConformance(mysqlHarness(target));

/**
 * Loads the fixture into a fresh database (random suffix) on the target's server over a writable
 * admin connection, kept for the fingerprint; the adapter under test connects to the same database as
 * the server URL's user.
 */
function mysqlHarness(target: DatabaseTarget): ConformanceHarness {
  return {
    name: `mysql (mysql2 on ${target.label})`,
    dialect: 'mysql',
    service: target.service,
    async setup(fixture) {
      const source = await target.acquire();
      if ('skip' in source) return source;
      try {
        const admin = await connectAdmin(source.url);
        if ('skip' in admin) {
          await source.release();
          return admin;
        }
        const database = `lb_conf_${randomSuffix()}`;
        const drop = async () => {
          await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
          await admin.end();
        };
        try {
          await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
          await admin.query(`USE \`${database}\``);
          for (const sql of fixture) await admin.query(sql);
        } catch (error) {
          await drop().catch(() => {});
          throw error;
        }
        return {
          createAdapter: (pool) => createMysqlAdapter({ url: urlFor(database, {}, source.url), pool }),
          fingerprint: () => fingerprint(admin, database),
          teardown: async () => {
            try {
              await drop();
            } finally {
              await source.release();
            }
          },
        };
      } catch (error) {
        // A fixture that fails to load must not leave a database or a container behind.
        await source.release().catch(() => {});
        throw error;
      }
    },
  };
}

// The object inventory plus every base table's checksum: any write or DDL changes it.
async function fingerprint(
  admin: Exclude<Awaited<ReturnType<typeof connectAdmin>>, { skip: string }>,
  database: string,
) {
  const hash = createHash('sha256');
  const [objects] = await admin.query(
    'SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    [database],
  );
  const list = objects as { name: string; type: string }[];
  for (const o of list) hash.update(`${o.type}\u0000${o.name}\n`);
  const tables = list.filter((o) => o.type === 'BASE TABLE').map((o) => `\`${database}\`.\`${o.name}\``);
  if (tables.length > 0) {
    const [sums] = await admin.query(`CHECKSUM TABLE ${tables.join(', ')} EXTENDED`);
    for (const s of sums as { Table: string; Checksum: unknown }[])
      hash.update(`${s.Table}=${String(s.Checksum)}\n`);
  }
  return hash.digest('hex');
}
