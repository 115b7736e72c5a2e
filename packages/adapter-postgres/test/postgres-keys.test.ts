import type { DatabasePort } from '@legacybridge/core';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createPostgresAdapter } from '../src/index.js';
import {
  createTestDatabase,
  describeWithPostgres,
  postgresUnavailable,
  type TestDatabase,
} from './pg-test-db.js';

const unavailable = await postgresUnavailable();

describeWithPostgres('postgres listKeys (real server)', unavailable, () => {
  let db: TestDatabase;
  let adapter: DatabasePort;

  beforeAll(async () => {
    db = await createTestDatabase('keys');
    await db.admin.query(`
      CREATE SCHEMA erp;
      CREATE TABLE erp."CUSTMST" ("CUSTNO" int PRIMARY KEY, name text);
      CREATE TABLE erp.whsloc (whscd char(3), loccd char(6), PRIMARY KEY (whscd, loccd));
      CREATE TABLE erp.ordhdr (ordno int PRIMARY KEY, custno int REFERENCES erp."CUSTMST" ("CUSTNO"));
      CREATE TABLE erp.invbal (
        whscd char(3), loccd char(6), itmno char(8),
        PRIMARY KEY (whscd, loccd, itmno),
        CONSTRAINT invbal_loc FOREIGN KEY (loccd, whscd) REFERENCES erp.whsloc (loccd, whscd));
      CREATE TABLE public.notes (id int PRIMARY KEY, ordno int REFERENCES erp.ordhdr (ordno));
      CREATE TABLE public.nokey (x int);
      CREATE VIEW erp.v_orders AS SELECT * FROM erp.ordhdr;
    `);
    adapter = createPostgresAdapter({ url: db.url, pool: { size: 1, maxOverflow: 0, prePing: false } });
    expect((await adapter.serverInfo()).isOk()).toBe(true);
  }, 60_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    await adapter?.close();
    await db?.drop();
  });

  it('reads every primary and foreign key of every schema in one query, column order kept', async () => {
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    const keys = (await adapter.listKeys!())._unsafeUnwrap();
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    const pks = keys.primaryKeys.map((k) => `${k.table.schema}.${k.table.name}(${k.columns.join(',')})`);
    expect(pks.sort()).toEqual([
      'erp.CUSTMST(CUSTNO)',
      'erp.invbal(whscd,loccd,itmno)',
      'erp.ordhdr(ordno)',
      'erp.whsloc(whscd,loccd)',
      'public.notes(id)',
    ]);
    expect(keys.foreignKeys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          table: { schema: 'erp', name: 'ordhdr' },
          columns: ['custno'],
          referencedTable: { schema: 'erp', name: 'CUSTMST' },
          referencedColumns: ['CUSTNO'],
        }),
        {
          name: 'invbal_loc',
          table: { schema: 'erp', name: 'invbal' },
          columns: ['loccd', 'whscd'],
          referencedTable: { schema: 'erp', name: 'whsloc' },
          referencedColumns: ['loccd', 'whscd'],
        },
        expect.objectContaining({
          table: { schema: 'public', name: 'notes' },
          referencedTable: { schema: 'erp', name: 'ordhdr' },
        }),
      ]),
    );
    expect(keys.foreignKeys).toHaveLength(3);
  });

  it('narrows to one schema', async () => {
    const keys = (await adapter.listKeys!({ schema: 'public' }))._unsafeUnwrap();
    expect(keys.primaryKeys.map((k) => k.table.name)).toEqual(['notes']);
    expect(keys.foreignKeys.map((k) => k.referencedTable.name)).toEqual(['ordhdr']);
  });
});
