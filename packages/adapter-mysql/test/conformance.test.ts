import { createHash } from 'node:crypto';
import { type ConformanceHarness, describeAdapterConformance } from '@legacybridge/adapter-conformance';
import { createMysqlAdapter } from '../src/index.js';
import { connectAdmin, randomSuffix, urlFor } from './mysql-test-db.js';

describeAdapterConformance(mysqlHarness());

/**
 * Loads the fixture into a fresh database (random suffix) over a writable admin connection, kept for
 * the fingerprint; the adapter under test connects to the same database as the test URL's user.
 */
function mysqlHarness(): ConformanceHarness {
  return {
    name: 'mysql (mysql2 on the test server)',
    dialect: 'mysql',
    async setup(fixture) {
      const admin = await connectAdmin();
      if ('skip' in admin) return admin;
      const database = `lb_conf_${randomSuffix()}`;
      await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
      await admin.query(`USE \`${database}\``);
      for (const sql of fixture) await admin.query(sql);
      return {
        createAdapter: (pool) => createMysqlAdapter({ url: urlFor(database), pool }),
        fingerprint: () => fingerprint(admin, database),
        teardown: async () => {
          await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
          await admin.end();
        },
      };
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
