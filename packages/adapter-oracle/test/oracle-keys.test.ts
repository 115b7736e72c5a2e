import { describe, expect, it } from 'vitest';
import { createOracleAdapter } from '../src/index.js';
import { FakeDriver } from './fake-oracle.js';

// No Oracle server runs on this machine: the mapping is checked over the fake node-oracledb driver
// (rows as OUT_FORMAT_OBJECT gives them: upper-case keys).

const URL = 'oracle://app:pw@db.example/FREEPDB1';

const key = (
  name: string,
  type: 'P' | 'R',
  table: string,
  column: string,
  position: number,
  ref?: [string, string],
) => ({
  CONSTRAINT_NAME: name,
  CONSTRAINT_TYPE: type,
  SCHEMA_NAME: 'APP',
  TABLE_NAME: table,
  COLUMN_NAME: column,
  POSITION: position,
  INDEX_NAME: null,
  R_SCHEMA: ref ? 'ERP' : null,
  R_TABLE: ref?.[0] ?? null,
  R_COLUMN: ref?.[1] ?? null,
});

describe('Oracle listKeys', () => {
  it('reads primary and foreign keys of the user schemas in one statement, grouped per constraint', async () => {
    const driver = new FakeDriver([
      {
        match: /FROM all_constraints c/,
        rows: [
          key('PK_CUSTMST', 'P', 'CUSTMST', 'CUSTNO', 1),
          key('FK_INV_LOC', 'R', 'INVBAL', 'WHSCD', 1, ['WHSLOC', 'WHSCD']),
          key('FK_INV_LOC', 'R', 'INVBAL', 'LOCCD', 2, ['WHSLOC', 'LOCCD']),
          key('PK_WHSLOC', 'P', 'WHSLOC', 'WHSCD', 1),
          key('PK_WHSLOC', 'P', 'WHSLOC', 'LOCCD', 2),
        ],
      },
    ]);
    const db = createOracleAdapter({ url: URL }, driver);
    const keys = (await db.listKeys!())._unsafeUnwrap();
    expect(keys.primaryKeys).toEqual([
      { table: { schema: 'APP', name: 'CUSTMST' }, columns: ['CUSTNO'] },
      { table: { schema: 'APP', name: 'WHSLOC' }, columns: ['WHSCD', 'LOCCD'] },
    ]);
    expect(keys.foreignKeys).toEqual([
      {
        name: 'FK_INV_LOC',
        table: { schema: 'APP', name: 'INVBAL' },
        columns: ['WHSCD', 'LOCCD'],
        referencedTable: { schema: 'ERP', name: 'WHSLOC' },
        referencedColumns: ['WHSCD', 'LOCCD'],
      },
    ]);
    const statements = driver.statements().filter((s) => /all_constraints/.test(s));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/constraint_type IN \('P', 'R'\)/);
    expect(statements[0]).toMatch(/oracle_maintained = 'N'/);
    await db.close();
  });

  it('binds a schema filter as written and upper-cased', async () => {
    const driver = new FakeDriver([{ match: /FROM all_constraints c/, rows: [] }]);
    const db = createOracleAdapter({ url: URL }, driver);
    expect((await db.listKeys!({ schema: 'app' }))._unsafeUnwrap()).toEqual({
      primaryKeys: [],
      foreignKeys: [],
    });
    const call = driver.calls.find((c) => c.method === 'execute' && /all_constraints/.test(c.sql ?? ''));
    expect(Object.values(call?.binds ?? {})).toEqual(expect.arrayContaining(['app', 'APP']));
    await db.close();
  });
});
