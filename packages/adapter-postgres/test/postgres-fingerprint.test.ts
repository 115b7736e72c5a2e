import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { catalogFingerprintQuery } from '../src/postgres-catalog-sql.js';
import {
  createTestDatabase,
  describeWithPostgres,
  postgresUnavailable,
  type TestDatabase,
} from './pg-test-db.js';

const unavailable = await postgresUnavailable();

describeWithPostgres('postgres catalog fingerprint (real server)', unavailable, () => {
  let db: TestDatabase;
  let other: pg.Client;

  const fingerprint = async (): Promise<string> => {
    const q = catalogFingerprintQuery();
    const r = await db.admin.query(q.text, q.values);
    expect(r.rows).toHaveLength(1);
    return String(r.rows[0].fingerprint);
  };

  /** The fingerprint after `ddl` ran, waiting up to 3 s for statistics-based parts to show it. */
  const afterChange = async (before: string, ddl: string): Promise<string> => {
    await db.admin.query(ddl);
    const until = Date.now() + 3_000;
    let now = await fingerprint();
    while (now === before && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      now = await fingerprint();
    }
    return now;
  };

  beforeAll(async () => {
    db = await createTestDatabase('fingerprint');
    await db.admin.query('CREATE TABLE custmst (custno int PRIMARY KEY, name varchar(10))');
    other = new pg.Client({ connectionString: db.url });
    other.on('error', () => {});
    await other.connect();
  });

  afterAll(async () => {
    await other?.end().catch(() => {});
    await db?.drop();
  });

  it('is stable while the schema is, whatever happens to data, statistics and temporary tables', async () => {
    const first = await fingerprint();
    expect(first).toMatch(/^(\d+\.\d+\/){4}\d+$/);
    await db.admin.query("INSERT INTO custmst VALUES (1, 'a'), (2, 'b')");
    await db.admin.query("UPDATE custmst SET name = 'c' WHERE custno = 1");
    await db.admin.query('ANALYZE custmst');
    await db.admin.query('VACUUM custmst');
    // Another session's temporary tables (and the temp schema made for them) are not the schema.
    await other.query('CREATE TEMP TABLE scratch (x int)');
    await other.query('DROP TABLE scratch');
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await fingerprint()).toBe(first);
  });

  it('changes with every kind of DDL the snapshot shows: tables, views, columns, comments', async () => {
    let current = await fingerprint();
    for (const ddl of [
      'CREATE TABLE ordhdr (ordno int, custno int)',
      'ALTER TABLE ordhdr RENAME TO ord_hdr',
      'ALTER TABLE ord_hdr ADD COLUMN qty int',
      'ALTER TABLE ord_hdr RENAME COLUMN qty TO quantity',
      'ALTER TABLE custmst ALTER COLUMN name TYPE varchar(40)',
      "COMMENT ON TABLE ord_hdr IS 'order header'",
      'ALTER TABLE ord_hdr ADD CONSTRAINT ord_hdr_cust FOREIGN KEY (custno) REFERENCES custmst (custno)',
      'ALTER TABLE ord_hdr ADD CONSTRAINT ord_hdr_cust2 FOREIGN KEY (ordno) REFERENCES custmst (custno)',
      'CREATE INDEX ord_hdr_custno ON ord_hdr (custno)',
      "COMMENT ON COLUMN ord_hdr.custno IS 'customer'",
      'CREATE VIEW v_open AS SELECT ordno FROM ord_hdr',
      'CREATE SCHEMA archive',
      'DROP TABLE ord_hdr CASCADE',
    ]) {
      const next = await afterChange(current, ddl);
      expect(next, ddl).not.toBe(current);
      current = next;
    }
  });
});
