import type { DatabasePort } from '@legacybridge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteAdapter } from '../src/index.js';
import { createFixture, type Fixture } from './sqlite-fixture.js';

let fixture: Fixture;
let db: DatabasePort;

beforeAll(() => {
  fixture = createFixture();
  db = createSqliteAdapter({ url: fixture.path });
});

afterAll(async () => {
  await db?.close();
  fixture?.remove();
});

describe('listKeys', () => {
  it('reads every primary key and declared foreign key in one round trip, composite and implicit ones included', async () => {
    const keys = (await db.listKeys!())._unsafeUnwrap();
    const pks = Object.fromEntries(keys.primaryKeys.map((pk) => [pk.table.name, pk.columns]));
    expect(pks).toEqual({
      customers: ['id'],
      orders: ['order_no', 'line_no'],
      shipments: ['id'],
      numbers: ['n'],
      oddities: ['id'],
    });
    // The view and SQLite's own sqlite_sequence have no keys to report.
    expect(keys.foreignKeys).toEqual(
      expect.arrayContaining([
        {
          table: { name: 'orders' },
          columns: ['customer_id'],
          referencedTable: { name: 'customers' },
          referencedColumns: ['id'],
        },
        // Declared without a column list: the parent's primary key, in key order.
        {
          table: { name: 'shipments' },
          columns: ['order_no', 'line_no'],
          referencedTable: { name: 'orders' },
          referencedColumns: ['order_no', 'line_no'],
        },
      ]),
    );
    expect(keys.foreignKeys).toHaveLength(2);
  });

  it('agrees with describeTable', async () => {
    const keys = (await db.listKeys!())._unsafeUnwrap();
    const detail = (await db.describeTable({ name: 'shipments' }))._unsafeUnwrap();
    expect(detail.foreignKeys.map((fk) => fk.referencedColumns)).toEqual(
      keys.foreignKeys.filter((fk) => fk.table.name === 'shipments').map((fk) => fk.referencedColumns),
    );
  });

  it('answers nothing for another schema, like listTables', async () => {
    expect((await db.listKeys!({ schema: 'other' }))._unsafeUnwrap()).toEqual({
      primaryKeys: [],
      foreignKeys: [],
    });
    expect((await db.listKeys!({ schema: 'main' }))._unsafeUnwrap().primaryKeys.length).toBe(5);
  });
});
