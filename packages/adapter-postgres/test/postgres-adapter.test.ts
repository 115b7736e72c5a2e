import type { DatabasePort, QueryLimits, ReadOnlyQuery } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresAdapter } from '../src/index.js';
import {
  createTestDatabase,
  describeWithPostgres,
  postgresUnavailable,
  type TestDatabase,
} from './pg-test-db.js';

const unavailable = await postgresUnavailable();
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'postgres');
// The caller's own EXPLAIN, as the guard would classify it (statements the guard refuses included).
const ownExplain = (sql: string): ReadOnlyQuery => ({ ...q(sql), statementKind: 'explain' });
const limits = (over: Partial<QueryLimits> = {}): QueryLimits => ({
  maxRows: 100,
  maxBytes: 1_000_000,
  timeoutMs: 10_000,
  ...over,
});

const FIXTURE = [
  `CREATE SCHEMA sales`,
  `CREATE TYPE sales.status AS ENUM ('open', 'shipped')`,
  `CREATE TABLE sales.customers (
     customer_id integer PRIMARY KEY,
     name varchar(80) NOT NULL,
     region char(2) DEFAULT 'EU'
   )`,
  `COMMENT ON TABLE sales.customers IS 'Customer master (CUSTMST)'`,
  `COMMENT ON COLUMN sales.customers.name IS 'Legal name'`,
  `CREATE TABLE sales.orders (
     order_no bigint,
     line_no smallint,
     customer_id integer NOT NULL REFERENCES sales.customers (customer_id),
     status sales.status NOT NULL DEFAULT 'open',
     amount numeric(20,2),
     PRIMARY KEY (order_no, line_no)
   )`,
  `CREATE INDEX orders_customer_idx ON sales.orders (customer_id, (amount * 2))`,
  `CREATE TABLE sales.order_notes (
     order_no bigint, line_no smallint, note text,
     CONSTRAINT notes_order_fk FOREIGN KEY (order_no, line_no) REFERENCES sales.orders (order_no, line_no)
   )`,
  `CREATE VIEW sales.open_orders AS SELECT * FROM sales.orders WHERE status = 'open'`,
  `CREATE TABLE public.samples (
     id serial PRIMARY KEY,
     big bigint, exact numeric, flag boolean, f8 double precision, f4 real,
     d date, t time, ttz time with time zone, ts timestamp, tstz timestamptz, iv interval,
     bin bytea, j json, jb jsonb, u uuid, arr integer[], tarr text[], big_arr bigint[],
     st sales.status, st_arr sales.status[], x xml, inet_col inet
   )`,
  `INSERT INTO sales.customers VALUES (1, 'Ada', 'UK'), (2, 'Grace', DEFAULT)`,
  `INSERT INTO sales.orders VALUES (10, 1, 1, 'open', 12345678901234567.89), (10, 2, 2, 'shipped', 1.5)`,
  `INSERT INTO public.samples (big, exact, flag, f8, f4, d, t, ttz, ts, tstz, iv, bin, j, jb, u, arr, tarr, big_arr, st, st_arr, x, inet_col)
   VALUES (9223372036854775807, 12345678901234567890.123456789, true, 1.5, 'NaN', '2024-02-29', '13:14:15.123456',
           '13:14:15+05:30', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.5+02', '1 year 2 months 3 days 04:05:06',
           '\\x000102ff', '{"a": [1, 2]}', '{"b": null}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
           '{1,NULL,3}', '{"x,y",NULL,"z\\"q"}', '{9223372036854775807}', 'shipped', '{open,shipped}', '<a>1</a>', '10.0.0.1/32'),
          (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
  `CREATE TABLE public.big_blob (id int, payload bytea)`,
  `INSERT INTO public.big_blob VALUES (1, decode(repeat('ab', 10000), 'hex'))`,
  `ANALYZE`,
];

describeWithPostgres('postgres adapter (real server)', unavailable, () => {
  let db: TestDatabase;
  let adapter: DatabasePort;

  beforeAll(async () => {
    db = await createTestDatabase('adapter');
    for (const sql of FIXTURE) await db.admin.query(sql);
    adapter = createPostgresAdapter({ url: db.url, pool: { size: 2, maxOverflow: 2 } });
  });
  afterAll(async () => {
    await adapter?.close();
    await db?.drop();
  });

  it('pings and reports the server', async () => {
    expect((await adapter.ping()).isOk()).toBe(true);
    const info = (await adapter.serverInfo())._unsafeUnwrap();
    expect(info).toMatchObject({ dialect: 'postgres', database: db.name });
    expect(info.version).toMatch(/^\d+/);
  });

  it('lists user tables and views with kinds, estimates and comments, never system schemas', async () => {
    const tables = (await adapter.listTables())._unsafeUnwrap();
    const names = tables.map((t) => `${t.schema}.${t.name}`);
    expect(names).toEqual(
      expect.arrayContaining(['sales.customers', 'sales.orders', 'sales.open_orders', 'public.samples']),
    );
    expect(names.some((n) => n.startsWith('pg_catalog.') || n.startsWith('information_schema.'))).toBe(false);
    const customers = tables.find((t) => t.name === 'customers')!;
    expect(customers).toMatchObject({ kind: 'table', rowEstimate: 2, comment: 'Customer master (CUSTMST)' });
    expect(tables.find((t) => t.name === 'open_orders')).toMatchObject({
      kind: 'view',
      rowEstimate: undefined,
    });
    const sales = (await adapter.listTables({ schema: 'sales' }))._unsafeUnwrap();
    expect(sales.every((t) => t.schema === 'sales')).toBe(true);
    expect(sales).toHaveLength(4);
  });

  it('lists every column of every table in one call', async () => {
    const columns = (await adapter.listColumns({ schema: 'sales' }))._unsafeUnwrap();
    const name = columns.find((c) => c.table.name === 'customers' && c.name === 'name')!;
    expect(name).toMatchObject({
      nativeType: 'character varying(80)',
      logicalType: 'text',
      comment: 'Legal name',
    });
    expect(columns.find((c) => c.name === 'status')).toMatchObject({
      logicalType: 'enum',
      nativeType: 'sales.status',
    });
  });

  it('describes a table: columns, composite primary key, foreign keys both ways, indexes', async () => {
    const orders = (await adapter.describeTable({ schema: 'sales', name: 'orders' }))._unsafeUnwrap();
    expect(orders.table).toMatchObject({ schema: 'sales', name: 'orders', kind: 'table' });
    expect(orders.primaryKey).toEqual(['order_no', 'line_no']);
    expect(
      orders.columns.map((c) => [c.name, c.ordinal, c.logicalType, c.nullable, c.primaryKeyPosition]),
    ).toEqual([
      ['order_no', 1, 'bigint', false, 1],
      ['line_no', 2, 'integer', false, 2],
      ['customer_id', 3, 'integer', false, undefined],
      ['status', 4, 'enum', false, undefined],
      ['amount', 5, 'decimal', true, undefined],
    ]);
    expect(orders.columns[3]!.default).toBe("'open'::sales.status");
    expect(orders.columns[4]!.nativeType).toBe('numeric(20,2)');
    expect(orders.foreignKeys).toEqual([
      {
        name: 'orders_customer_id_fkey',
        table: { schema: 'sales', name: 'orders' },
        columns: ['customer_id'],
        referencedTable: { schema: 'sales', name: 'customers' },
        referencedColumns: ['customer_id'],
      },
    ]);
    expect(orders.referencedBy).toEqual([
      {
        name: 'notes_order_fk',
        table: { schema: 'sales', name: 'order_notes' },
        columns: ['order_no', 'line_no'],
        referencedTable: { schema: 'sales', name: 'orders' },
        referencedColumns: ['order_no', 'line_no'],
      },
    ]);
    expect(orders.indexes).toEqual([
      {
        name: 'orders_customer_idx',
        columns: ['customer_id', '(amount * 2::numeric)'],
        unique: false,
        primary: false,
      },
      { name: 'orders_pkey', columns: ['order_no', 'line_no'], unique: true, primary: true },
    ]);
  });

  it('describes a table by unqualified name along search_path, and a view', async () => {
    const samples = (await adapter.describeTable({ name: 'samples' }))._unsafeUnwrap();
    expect(samples.table.schema).toBe('public');
    expect(samples.columns.find((c) => c.name === 'id')!.default).toMatch(/^nextval/);
    expect(samples.columns.find((c) => c.name === 'arr')).toMatchObject({
      nativeType: 'integer[]',
      logicalType: 'array',
    });
    const view = (await adapter.describeTable({ schema: 'sales', name: 'open_orders' }))._unsafeUnwrap();
    expect(view.table.kind).toBe('view');
    expect(view.columns).toHaveLength(5);
  });

  it('answers ObjectNotFound (table) for an unknown table', async () => {
    const failure = (await adapter.describeTable({ schema: 'sales', name: 'nope' }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'ObjectNotFound', objectType: 'table', name: 'sales.nope' });
  });

  it('returns every type without loss', async () => {
    const result = (
      await adapter.executeReadOnly(q('SELECT * FROM public.samples ORDER BY id'), limits())
    )._unsafeUnwrap();
    const byName = Object.fromEntries(result.columns.map((c, i) => [c.name, i]));
    const row = result.rows[0]!;
    const v = (name: string) => row[byName[name]!];
    expect(v('big')).toBe('9223372036854775807');
    expect(v('exact')).toBe('12345678901234567890.123456789');
    expect(v('flag')).toBe(true);
    expect(v('f8')).toBe(1.5);
    expect(v('f4')).toBe('NaN');
    expect(v('d')).toBe('2024-02-29');
    expect(v('t')).toBe('13:14:15.123456');
    expect(v('ttz')).toBe('13:14:15+05:30');
    expect(v('ts')).toBe('2024-02-29T13:14:15.123456');
    expect(v('tstz')).toBe('2024-02-29T11:14:15.5+00:00');
    expect(v('iv')).toBe('P1Y2M3DT4H5M6S');
    expect(v('bin')).toEqual({ $binary: Buffer.from([0, 1, 2, 255]).toString('base64'), length: 4 });
    expect(v('j')).toEqual({ a: [1, 2] });
    expect(v('jb')).toEqual({ b: null });
    expect(v('u')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(v('arr')).toEqual([1, null, 3]);
    expect(v('tarr')).toEqual(['x,y', null, 'z"q']);
    expect(v('big_arr')).toEqual(['9223372036854775807']);
    expect(v('st')).toBe('shipped');
    expect(v('st_arr')).toEqual(['open', 'shipped']);
    expect(v('x')).toBe('<a>1</a>');
    expect(v('inet_col')).toBe('10.0.0.1');
    expect(result.rows[1]!.slice(1).every((cell) => cell === null)).toBe(true);
    const logical = Object.fromEntries(result.columns.map((c) => [c.name, c.logicalType]));
    expect(logical).toMatchObject({
      big: 'bigint',
      exact: 'decimal',
      flag: 'boolean',
      d: 'date',
      tstz: 'timestamptz',
      iv: 'interval',
      bin: 'binary',
      jb: 'json',
      u: 'uuid',
      arr: 'array',
      st: 'enum',
      st_arr: 'array',
    });
    expect(result.columns[byName.st!]!.nativeType).toBe('sales.status');
  });

  it('caps binary values and says so', async () => {
    const result = (
      await adapter.executeReadOnly(q('SELECT payload FROM big_blob'), limits())
    )._unsafeUnwrap();
    const cell = result.rows[0]![0] as { $binary: string; length: number; truncated?: boolean };
    expect(cell.length).toBe(10_000);
    expect(cell.truncated).toBe(true);
    expect(Buffer.from(cell.$binary, 'base64').length).toBe(4_096);
  });

  it('stops a 1,000,000-row result at the row cap fast, without rewriting the SQL', async () => {
    const started = performance.now();
    const result = (
      await adapter.executeReadOnly(
        q('SELECT g AS n, md5(g::text) AS h FROM generate_series(1, 1000000) AS g'),
        limits({ maxRows: 1_000 }),
      )
    )._unsafeUnwrap();
    const elapsed = performance.now() - started;
    expect(result.rowCount).toBe(1_000);
    expect(result.truncated).toBe(true);
    expect(result.truncatedBy).toBe('rows');
    expect(result.rows[999]![0]).toBe(1000);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('reports no truncation when the result fits exactly', async () => {
    const result = (
      await adapter.executeReadOnly(q('SELECT g FROM generate_series(1, 5) g'), limits({ maxRows: 5 }))
    )._unsafeUnwrap();
    expect(result).toMatchObject({ rowCount: 5, truncated: false, truncatedBy: undefined });
  });

  it('stops at the byte cap', async () => {
    const result = (
      await adapter.executeReadOnly(
        q("SELECT g, repeat('x', 100) FROM generate_series(1, 100000) g"),
        limits({ maxRows: 100_000, maxBytes: 10_000 }),
      )
    )._unsafeUnwrap();
    expect(result.truncatedBy).toBe('bytes');
    expect(result.rowCount).toBeGreaterThan(50);
    expect(result.rowCount).toBeLessThan(100);
    expect(JSON.stringify(result.rows).length).toBeLessThanOrEqual(10_000);
  });

  it('sends any text intact: multi-byte characters in the statement reach the server unchanged', async () => {
    const text = 'grüße ✓ 𝄞 — 東京';
    const result = (
      await adapter.executeReadOnly(q(`SELECT '${text}' AS t, length('${text}') AS n`), limits())
    )._unsafeUnwrap();
    expect(result.rows[0]).toEqual([text, [...text].length]);
  });

  it('reads past the first batch when the caps allow, to the row and the byte cap', async () => {
    const exact = (
      await adapter.executeReadOnly(q('SELECT g FROM generate_series(1, 2345) g'), limits({ maxRows: 2_345 }))
    )._unsafeUnwrap();
    expect(exact).toMatchObject({ rowCount: 2_345, truncated: false });
    expect(exact.rows.at(-1)).toEqual([2_345]);
    const bytes = (
      await adapter.executeReadOnly(
        q("SELECT g, repeat('y', 90) FROM generate_series(1, 100000) g"),
        limits({ maxRows: 100_000, maxBytes: 300_000 }),
      )
    )._unsafeUnwrap();
    // ~100 bytes a row: past the first two batches of 1,000, stopped by bytes long before the rows.
    expect(bytes.truncatedBy).toBe('bytes');
    expect(bytes.rowCount).toBeGreaterThan(2_000);
    expect(bytes.rowCount).toBeLessThan(3_000);
    expect(bytes.rows.at(-1)![0]).toBe(bytes.rowCount);
    expect(JSON.stringify(bytes.rows).length).toBeLessThanOrEqual(300_000);
  });

  it('answers a statement without rows and an empty result', async () => {
    const none = (
      await adapter.executeReadOnly(q('SELECT g FROM generate_series(1, 0) g'), limits())
    )._unsafeUnwrap();
    expect(none).toMatchObject({ rowCount: 0, truncated: false, rows: [] });
    expect(none.columns.map((c) => c.name)).toEqual(['g']);
  });

  it('maps statement errors: unknown table, syntax error with position, unknown column', async () => {
    const missing = (await adapter.executeReadOnly(q('SELECT * FROM nowhere'), limits()))._unsafeUnwrapErr();
    expect(missing).toMatchObject({
      kind: 'ObjectNotFound',
      objectType: 'table',
      name: 'nowhere',
      originalCode: '42P01',
    });
    const syntax = (await adapter.executeReadOnly(q('SELECT FROM WHERE 1'), limits()))._unsafeUnwrapErr();
    expect(syntax).toMatchObject({ kind: 'SyntaxError', position: 13, originalCode: '42601' });
    expect(syntax.publicDetail).toMatch(/syntax error at or near "WHERE"/);
    const column = (
      await adapter.executeReadOnly(q('SELECT nope FROM sales.customers'), limits())
    )._unsafeUnwrapErr();
    expect(column).toMatchObject({ kind: 'ObjectNotFound', objectType: 'column', name: 'nope' });
    // The connection survives statement errors.
    expect((await adapter.executeReadOnly(q('SELECT 1'), limits()))._unsafeUnwrap().rows).toEqual([[1]]);
  });

  it('explains without executing, with the estimated cost', async () => {
    const plan = (
      await adapter.explain(q('SELECT * FROM sales.orders WHERE customer_id = 1'), limits())
    )._unsafeUnwrap();
    expect(plan.dialect).toBe('postgres');
    expect(plan.text).toMatch(/Scan/);
    expect(plan.estimatedCost).toBeGreaterThan(0);
    const write = (
      await adapter.explain(q('SELECT 1; DELETE FROM sales.order_notes'), limits())
    )._unsafeUnwrapErr();
    expect(write.kind).toBe('SyntaxError');
  });

  it("explains the caller's own EXPLAIN in text and JSON form, through the read-only pipeline", async () => {
    const text = (
      await adapter.explain(ownExplain('EXPLAIN SELECT * FROM sales.orders WHERE customer_id = 1'), limits())
    )._unsafeUnwrap();
    expect(text.text).toMatch(/Scan on orders/);
    expect(text.raw).toBeUndefined();
    const json = (
      await adapter.explain(ownExplain('EXPLAIN (FORMAT JSON) SELECT * FROM sales.customers'), limits())
    )._unsafeUnwrap();
    expect(json.text).toMatch(/^Seq Scan on customers /);
    expect(json.estimatedCost).toBeGreaterThan(0);
    expect(Array.isArray(json.raw)).toBe(true);
    // EXPLAIN ANALYZE executes: inside the read-only transaction, so a write is refused ...
    const write = (
      await adapter.explain(
        ownExplain("EXPLAIN ANALYZE INSERT INTO sales.customers VALUES (9, 'x')"),
        limits(),
      )
    )._unsafeUnwrapErr();
    expect(write.kind).toBe('ReadOnlyViolation');
    // ... and what it leaves in the session (an advisory lock) is reset with the pipeline.
    const one = createPostgresAdapter({ url: db.url, pool: { size: 1, maxOverflow: 0 } });
    try {
      const pid = (await one.executeReadOnly(q('SELECT pg_backend_pid()'), limits()))._unsafeUnwrap()
        .rows[0]?.[0];
      (
        await one.explain(ownExplain('EXPLAIN ANALYZE SELECT pg_advisory_lock(4242)'), limits())
      )._unsafeUnwrap();
      const locks = await db.admin.query(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242",
      );
      expect(locks.rows[0].n).toBe(0);
      // Same backend: the pipeline reset it, nothing reconnected.
      expect(
        (await one.executeReadOnly(q('SELECT pg_backend_pid()'), limits()))._unsafeUnwrap().rows[0]?.[0],
      ).toBe(pid);
    } finally {
      await one.close();
    }
  });

  it('explain is cancelled on the server and times out like a query', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const running = adapter.explain(
      ownExplain('EXPLAIN ANALYZE SELECT pg_sleep(30)'),
      limits({ timeoutMs: 60_000 }),
      controller.signal,
    );
    setTimeout(() => controller.abort(), 200);
    expect((await running)._unsafeUnwrapErr().kind).toBe('Cancelled');
    const timedOut = (
      await adapter.explain(ownExplain('EXPLAIN ANALYZE SELECT pg_sleep(30)'), limits({ timeoutMs: 300 }))
    )._unsafeUnwrapErr();
    expect(timedOut.kind).toBe('Timeout');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await adapter.executeReadOnly(q('SELECT 1'), limits()))._unsafeUnwrap().rows).toEqual([[1]]);
  });

  it('answers a catalog fingerprint that stays put until the catalog changes', async () => {
    const fingerprint = async () => (await adapter.catalogFingerprint!())._unsafeUnwrap();
    const before = await fingerprint();
    expect(before).not.toBe('');
    expect(await fingerprint()).toBe(before);
    await db.admin.query('CREATE TABLE fingerprint_probe (id int)');
    try {
      // Parts of it come from statistics counters, which the server publishes within a moment.
      let after = await fingerprint();
      for (let i = 0; i < 30 && after === before; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await fingerprint();
      }
      expect(after).not.toBe(before);
    } finally {
      await db.admin.query('DROP TABLE fingerprint_probe');
    }
  });

  it('reports pool gauges', async () => {
    expect(adapter.poolStats()).toMatchObject({ size: 2, max: 4, waiting: 0 });
  });
});
