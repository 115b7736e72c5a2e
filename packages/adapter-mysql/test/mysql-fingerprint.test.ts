import { skipOrFail } from '@legacybridge/adapter-conformance';
import { createConnection } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogFingerprintQuery } from '../src/mysql-catalog-sql.js';
import { connectAdmin, randomSuffix, TEST_MYSQL_URL } from './mysql-test-db.js';

const admin = await connectAdmin();
if ('skip' in admin) {
  skipOrFail('mysql', admin.skip);
} else {
  const suffix = randomSuffix();
  const database = `lb_fp_${suffix}`;
  const reader = `lb_fp_ro_${suffix}`;
  const password = `pw-${randomSuffix()}`;
  const [[version]] = (await admin.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];
  const flavour = /mariadb/i.test(version.v) ? 'mariadb' : 'mysql';
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.query(`CREATE TABLE \`${database}\`.custmst (custno INT PRIMARY KEY, name VARCHAR(10))`);
  // The account a deployment would use: SELECT on its database and nothing else (no PROCESS).
  await admin.query(`CREATE USER '${reader}'@'%' IDENTIFIED BY '${password}'`);
  await admin.query(`GRANT SELECT ON \`${database}\`.* TO '${reader}'@'%'`);
  const server = new URL(TEST_MYSQL_URL);
  const readerConnection = await createConnection({
    host: server.hostname,
    port: server.port === '' ? 3306 : Number(server.port),
    user: reader,
    password,
    database,
  });

  const fingerprint = async (schema: string | undefined = database): Promise<string> => {
    const q = catalogFingerprintQuery(flavour, schema);
    const [rows] = (await readerConnection.query(q.sql, [...q.params] as (string | number)[])) as unknown as [
      { fingerprint: string }[],
    ];
    expect(rows).toHaveLength(1);
    return String(rows[0]!.fingerprint);
  };
  const ddl = (statement: string) => admin.query(statement.replaceAll('$db', `\`${database}\``));

  afterAll(async () => {
    await readerConnection.end().catch(() => {});
    await admin.query(`DROP USER IF EXISTS '${reader}'@'%'`).catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => {});
    await admin.end();
  });

  describe(`mysql catalog fingerprint (${flavour}, real server)`, () => {
    it('answers for a SELECT-only account; data, statistics and temporary tables leave the names part alone', async () => {
      const first = await fingerprint();
      expect(first).toMatch(/^1\.\d+\/\d+(\.\d+){3}$/);
      await ddl("INSERT INTO $db.custmst VALUES (1, 'a'), (2, 'b')");
      await ddl('ANALYZE TABLE $db.custmst');
      await ddl('CREATE TEMPORARY TABLE $db.scratch (x INT)');
      await ddl('DROP TEMPORARY TABLE $db.scratch');
      // The names part is ours alone; the DDL counters are server-wide and other sessions' DDL may
      // move them meanwhile (a harmless rebuild), so only their shape is checked here.
      const after = await fingerprint();
      expect(after.split('/')[0]).toBe(first.split('/')[0]);
      expect(after.split('/')[1]).toMatch(/^\d+(\.\d+){3}$/);
      // Every visible database at once, as the adapter asks when the URL names none.
      expect(await fingerprint(undefined)).toMatch(/^\d+\.\d+\/\d+(\.\d+){3}$/);
    });

    it('changes with DDL that creates, drops, renames or alters a table or view', async () => {
      let current = await fingerprint();
      for (const statement of [
        'CREATE TABLE $db.ordhdr (ordno INT, custno INT)',
        'RENAME TABLE $db.ordhdr TO $db.ord_hdr',
        'ALTER TABLE $db.ord_hdr ADD COLUMN qty INT',
        'ALTER TABLE $db.ord_hdr CHANGE qty quantity INT',
        "ALTER TABLE $db.ord_hdr COMMENT = 'order header'",
        'CREATE INDEX ord_hdr_custno ON $db.ord_hdr (custno)',
        'DROP INDEX ord_hdr_custno ON $db.ord_hdr',
        'ALTER TABLE $db.ord_hdr ADD CONSTRAINT ord_hdr_cust FOREIGN KEY (custno) REFERENCES $db.custmst (custno)',
        'CREATE VIEW $db.v_open AS SELECT ordno FROM $db.ord_hdr',
        'CREATE OR REPLACE VIEW $db.v_open AS SELECT ordno, custno FROM $db.ord_hdr',
        'DROP VIEW $db.v_open',
        'DROP TABLE $db.ord_hdr',
      ]) {
        await ddl(statement);
        const next = await fingerprint();
        expect(next, statement).not.toBe(current);
        current = next;
      }
    });
  });
}
