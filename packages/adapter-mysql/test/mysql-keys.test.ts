import { skipOrFail } from '@legacybridge/adapter-conformance';
import type { DatabasePort } from '@legacybridge/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createMysqlAdapter } from '../src/index.js';
import { connectAdmin, randomSuffix, urlFor } from './mysql-test-db.js';

const admin = await connectAdmin();
if ('skip' in admin) {
  skipOrFail('mysql', admin.skip);
} else {
  const suffix = randomSuffix();
  const database = `lb_keys_${suffix}`;
  const other = `lb_keys_other_${suffix}`;
  const ddl = (statement: string) =>
    admin.query(statement.replaceAll('$db', `\`${database}\``).replaceAll('$other', `\`${other}\``));
  let adapter: DatabasePort | undefined;
  // Registered before the fixture DDL, so a failing statement still drops what was created.
  afterAll(async () => {
    await adapter?.close();
    await ddl('DROP DATABASE IF EXISTS $db').catch(() => {});
    await ddl('DROP DATABASE IF EXISTS $other').catch(() => {});
    await admin.end();
  });
  await ddl('CREATE DATABASE $db');
  await ddl('CREATE DATABASE $other');
  await ddl('CREATE TABLE $db.CUSTMST (CUSTNO INT PRIMARY KEY, CSTNM VARCHAR(35)) ENGINE=InnoDB');
  await ddl(
    'CREATE TABLE $db.WHSLOC (WHSCD CHAR(3), LOCCD CHAR(6), PRIMARY KEY (WHSCD, LOCCD)) ENGINE=InnoDB',
  );
  await ddl(
    'CREATE TABLE $db.ORDHDR (ORDNO INT PRIMARY KEY, CUSTNO INT, CONSTRAINT FK_ORD_CUST FOREIGN KEY (CUSTNO) REFERENCES $db.CUSTMST (CUSTNO)) ENGINE=InnoDB',
  );
  await ddl(
    'CREATE TABLE $db.INVBAL (WHSCD CHAR(3), LOCCD CHAR(6), ITMNO CHAR(8), PRIMARY KEY (WHSCD, LOCCD, ITMNO), CONSTRAINT FK_INV_LOC FOREIGN KEY (WHSCD, LOCCD) REFERENCES $db.WHSLOC (WHSCD, LOCCD)) ENGINE=InnoDB',
  );
  await ddl('CREATE TABLE $db.NOKEY (X INT) ENGINE=InnoDB');
  await ddl('CREATE TABLE $other.NOTES (ID INT PRIMARY KEY) ENGINE=InnoDB');
  const db = createMysqlAdapter({ url: urlFor(database) });
  adapter = db;

  describe('mysql listKeys (real server)', () => {
    it("reads the connection database's primary and foreign keys in one query, key order kept", async () => {
      const keys = (await db.listKeys!())._unsafeUnwrap();
      expect(keys.primaryKeys.map((k) => `${k.table.name}(${k.columns.join(',')})`).sort()).toEqual([
        'CUSTMST(CUSTNO)',
        'INVBAL(WHSCD,LOCCD,ITMNO)',
        'ORDHDR(ORDNO)',
        'WHSLOC(WHSCD,LOCCD)',
      ]);
      expect(keys.primaryKeys.every((k) => k.table.schema === database)).toBe(true);
      expect(keys.foreignKeys).toEqual(
        expect.arrayContaining([
          {
            name: 'FK_ORD_CUST',
            table: { schema: database, name: 'ORDHDR' },
            columns: ['CUSTNO'],
            referencedTable: { schema: database, name: 'CUSTMST' },
            referencedColumns: ['CUSTNO'],
          },
          {
            name: 'FK_INV_LOC',
            table: { schema: database, name: 'INVBAL' },
            columns: ['WHSCD', 'LOCCD'],
            referencedTable: { schema: database, name: 'WHSLOC' },
            referencedColumns: ['WHSCD', 'LOCCD'],
          },
        ]),
      );
      expect(keys.foreignKeys).toHaveLength(2);
    });

    it('reads another database when asked by name', async () => {
      const keys = (await db.listKeys!({ schema: other }))._unsafeUnwrap();
      expect(keys.primaryKeys).toEqual([{ table: { schema: other, name: 'NOTES' }, columns: ['ID'] }]);
      expect(keys.foreignKeys).toEqual([]);
    });
  });
}
