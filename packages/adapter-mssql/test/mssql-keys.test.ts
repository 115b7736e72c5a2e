import type { DatabasePort } from '@legacybridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createMssqlAdapterFromResolved } from '../src/mssql-adapter.js';
import * as catalog from '../src/mssql-catalog-sql.js';
import { parseMssqlConfig } from '../src/mssql-config.js';
import { type FakeResultSet, type FakeServer, fakeServer } from './fake-tedious.js';

// No SQL Server runs on this machine: the statement is checked for shape and the mapping over the
// fake tedious driver (mssql's own request code, the fake answering the two result sets).

const open: DatabasePort[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

function adapterOn(server: FakeServer): DatabasePort {
  const config = parseMssqlConfig({ url: 'mssql://reader:pw@sql.invalid/Legacy' })._unsafeUnwrap();
  const port = createMssqlAdapterFromResolved(config, {
    createDriverPool: (c) => server.createDriverPool(c),
  })._unsafeUnwrap();
  open.push(port);
  return port;
}

function set(rows: Record<string, unknown>[]): FakeResultSet {
  const columns = Object.keys(rows[0] ?? {}).map((name) => ({ name, type: 'NVarChar' }));
  return { columns, rows: rows.map((r) => columns.map((c) => r[c.name])) };
}

const pk = (table: string, column: string, key_ordinal: number) => ({
  schema_name: 'dbo',
  table_name: table,
  column_name: column,
  key_ordinal,
});
const fk = (
  name: string,
  table: string,
  column: string,
  ref: string,
  refColumn: string,
  position: number,
) => ({
  constraint_name: name,
  schema_name: 'dbo',
  table_name: table,
  column_name: column,
  referenced_schema: 'erp',
  referenced_table: ref,
  referenced_column: refColumn,
  position,
});

describe('SQL Server listKeys', () => {
  it('is one batch of two result sets over sys.*, the schema a typed parameter', () => {
    const q = catalog.listKeysQuery("x'; DROP TABLE t; --");
    expect(q.params).toEqual({ schema: "x'; DROP TABLE t; --" });
    expect(q.text).not.toContain('DROP TABLE');
    expect(q.text).toMatch(/^SET NOCOUNT ON;/);
    expect(q.text).toMatch(/i\.is_primary_key = 1/);
    expect(q.text).toMatch(/sys\.foreign_key_columns/);
    expect(q.text.match(/\bSELECT\b/g)).toHaveLength(2);
    expect(catalog.listKeysQuery(undefined).params).toEqual({ schema: null });
  });

  it('maps primary keys in key order and groups foreign-key column pairs per constraint', async () => {
    const server = fakeServer(() => ({
      sets: [
        set([pk('WHSLOC', 'WHSCD', 1), pk('WHSLOC', 'LOCCD', 2), pk('CUSTMST', 'CUSTNO', 1)]),
        set([
          fk('FK_INV_LOC', 'INVBAL', 'WHSCD', 'WHSLOC', 'WHSCD', 1),
          fk('FK_INV_LOC', 'INVBAL', 'LOCCD', 'WHSLOC', 'LOCCD', 2),
          fk('FK_ORD_CUST', 'ORDHDR', 'CUSTNO', 'CUSTMST', 'CUSTNO', 1),
        ]),
      ],
    }));
    const keys = (await adapterOn(server).listKeys!())._unsafeUnwrap();
    expect(keys.primaryKeys).toEqual([
      { table: { schema: 'dbo', name: 'WHSLOC' }, columns: ['WHSCD', 'LOCCD'] },
      { table: { schema: 'dbo', name: 'CUSTMST' }, columns: ['CUSTNO'] },
    ]);
    expect(keys.foreignKeys).toEqual([
      {
        name: 'FK_INV_LOC',
        table: { schema: 'dbo', name: 'INVBAL' },
        columns: ['WHSCD', 'LOCCD'],
        referencedTable: { schema: 'erp', name: 'WHSLOC' },
        referencedColumns: ['WHSCD', 'LOCCD'],
      },
      {
        name: 'FK_ORD_CUST',
        table: { schema: 'dbo', name: 'ORDHDR' },
        columns: ['CUSTNO'],
        referencedTable: { schema: 'erp', name: 'CUSTMST' },
        referencedColumns: ['CUSTNO'],
      },
    ]);
    expect(server.log.filter((e) => e.includes('sys.foreign_key_columns'))).toHaveLength(1);
  });
});
