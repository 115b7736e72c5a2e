import type { DatabasePort } from '@legacybridge/core';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createPostgresAdapter } from '../src/index.js';
import {
  catalogFeatures,
  describeTableQuery,
  listColumnsQuery,
  listTablesQuery,
} from '../src/postgres-catalog-sql.js';
import {
  createTestDatabase,
  describeWithPostgres,
  postgresUnavailable,
  type TestDatabase,
} from './pg-test-db.js';

const unavailable = await postgresUnavailable();
const TABLES = 120;

describeWithPostgres(
  'postgres introspection cost does not grow with the schema (real server)',
  unavailable,
  () => {
    let db: TestDatabase;
    let adapter: DatabasePort;

    beforeAll(async () => {
      db = await createTestDatabase('catalog');
      // A legacy-shaped schema: every table has 15 columns, a key, a foreign key to the previous table and an index.
      const columns = Array.from({ length: 13 }, (_, i) => `c${i} varchar(40)`).join(', ');
      const ddl: string[] = [];
      for (let i = 0; i < TABLES; i++) {
        const fk = i > 0 ? `, prev_id int REFERENCES t${i - 1} (id)` : ', prev_id int';
        ddl.push(
          `CREATE TABLE t${i} (id int PRIMARY KEY${fk}, ${columns}); CREATE INDEX t${i}_c0 ON t${i} (c0)`,
        );
      }
      await db.admin.query(ddl.join(';\n'));
      // Pre-ping off: it would add its own SELECT 1 to the count when the connection sat idle.
      adapter = createPostgresAdapter({ url: db.url, pool: { size: 1, maxOverflow: 0, prePing: false } });
      // The first catalog call also reads the server version, once per adapter.
      expect((await adapter.serverInfo()).isOk()).toBe(true);
    }, 120_000);
    afterAll(async () => {
      vi.restoreAllMocks();
      await adapter?.close();
      await db?.drop();
    });

    it('answers listTables, listColumns and describeTable with one query each', async () => {
      const spy = vi.spyOn(pg.Client.prototype, 'query');
      const listed = await adapter.listTables();
      if (listed.isErr()) throw new Error(JSON.stringify(listed.error));
      const tables = listed.value;
      expect(tables).toHaveLength(TABLES);
      expect(spy).toHaveBeenCalledTimes(1);

      const listedColumns = await adapter.listColumns();
      if (listedColumns.isErr()) throw new Error(JSON.stringify(listedColumns.error));
      const columns = listedColumns.value;
      expect(columns).toHaveLength(TABLES * 15);
      expect(spy).toHaveBeenCalledTimes(2);

      const detail = (await adapter.describeTable({ name: 't60' }))._unsafeUnwrap();
      expect(detail.columns).toHaveLength(15);
      expect(detail.foreignKeys.map((k) => k.referencedTable.name)).toEqual(['t59']);
      expect(detail.referencedBy.map((k) => k.table.name)).toEqual(['t61']);
      expect(detail.indexes.map((i) => i.name).sort()).toEqual(['t60_c0', 't60_pkey']);
      expect(spy).toHaveBeenCalledTimes(3);
      spy.mockRestore();
    });

    it('the PostgreSQL 9.6 forms of the catalog queries are valid SQL and give the same answers', async () => {
      const old = catalogFeatures(90_624);
      const current = catalogFeatures(150_004);
      for (const [a, b] of [
        [listTablesQuery(old), listTablesQuery(current)],
        [listColumnsQuery(old, 'public'), listColumnsQuery(current, 'public')],
        [describeTableQuery(old, undefined, 't60'), describeTableQuery(current, undefined, 't60')],
      ] as const) {
        for (const column of ['relispartition', 'conparentid', 'attidentity', 'indnkeyatts']) {
          expect(a.text).not.toContain(column);
        }
        const [ra, rb] = [await db.admin.query(a.text, a.values), await db.admin.query(b.text, b.values)];
        expect(ra.rows).toEqual(rb.rows);
      }
      expect(describeTableQuery(current, undefined, 't1').text).toContain('conparentid');
    });
  },
);
