import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DatabasePort, QueryLimits } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteAdapter, type SqliteAdapterConfig } from '../src/index.js';
import { childPids, createFixture, eventually, type Fixture, sha256 } from './sqlite-fixture.js';

const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
const limits: QueryLimits = { maxRows: 1000, maxBytes: 1024 * 1024, timeoutMs: 5_000 };
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'sqlite');

let fixture: Fixture;
const adapters: DatabasePort[] = [];
const pidsBefore = new Set<number>();

function adapter(config: Partial<SqliteAdapterConfig> = {}): DatabasePort {
  const a = createSqliteAdapter({ url: fixture.path, ...config });
  adapters.push(a);
  return a;
}

/**
 * Starts the adapter's first runner and returns its pid: the one child process that appeared meanwhile
 * (not "the highest pid": pids wrap around quickly on a busy machine).
 */
async function startOneRunner(db: DatabasePort): Promise<number> {
  const before = new Set(childPids());
  expect((await db.ping()).isOk()).toBe(true);
  const started = childPids().filter((p) => !before.has(p));
  expect(started).toHaveLength(1);
  return started[0]!;
}

beforeAll(() => {
  fixture = createFixture();
  for (const pid of childPids()) pidsBefore.add(pid);
});

afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  fixture.remove();
});

describe('lazy connection', () => {
  it('opens nothing until the first request, then reports a missing file as ConnectionFailed', async () => {
    const missing = join(fixture.dir, 'missing.db');
    const db = adapter({ url: `sqlite://${missing}` });
    expect(db.poolStats()).toMatchObject({ size: 0, active: 0, idle: 0 });
    const result = await db.listTables();
    expect(result.isErr() && result.error.kind).toBe('ConnectionFailed');
    const failure = result._unsafeUnwrapErr();
    expect(failure.publicDetail).toBe('The SQLite file does not exist.');
    expect(failure.message).toContain(missing);
    expect(existsSync(missing)).toBe(false);
  });

  it('refuses a file that is not a SQLite database', async () => {
    const db = adapter({ url: fileURLToPath(new URL('./sqlite-fixture.ts', import.meta.url)) });
    const result = await db.ping();
    expect(result._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
  });
});

describe('in-memory database', () => {
  it('serves sqlite::memory: as an empty, read-only database private to each runner', async () => {
    const db = adapter({ url: 'sqlite::memory:' });
    expect((await db.listTables())._unsafeUnwrap()).toEqual([]);
    expect((await db.executeReadOnly(q('SELECT 1 + 1 AS two'), limits))._unsafeUnwrap().rows).toEqual([[2]]);
    const write = await db.executeReadOnly(q('CREATE TABLE t (x)'), limits);
    expect(write._unsafeUnwrapErr().kind).toBe('ReadOnlyViolation');
    expect((await db.serverInfo())._unsafeUnwrap().database).toBe(':memory:');
  });
});

describe('introspection', () => {
  it('lists tables and views without SQLite internals, no schema and no estimates before ANALYZE', async () => {
    const db = adapter();
    const tables = (await db.listTables())._unsafeUnwrap();
    expect(tables.map((t) => [t.name, t.kind])).toEqual([
      ['active_customers', 'view'],
      ['customers', 'table'],
      ['numbers', 'table'],
      ['oddities', 'table'],
      ['orders', 'table'],
      ['shipments', 'table'],
    ]);
    expect(tables.every((t) => t.schema === undefined && t.rowEstimate === undefined)).toBe(true);
    expect(db.capabilities).toMatchObject({
      supportsSchemas: false,
      supportsComments: false,
      supportsCancel: true,
      supportsExplain: true,
      supportsRowEstimates: false,
    });
    expect((await db.listTables({ schema: 'main' }))._unsafeUnwrap()).toHaveLength(6);
    expect((await db.listTables({ schema: 'other' }))._unsafeUnwrap()).toEqual([]);
  });

  it('reads row estimates from sqlite_stat1 once ANALYZE ran', async () => {
    const analysed = createFixture({ analyze: true });
    try {
      const db = adapter({ url: analysed.path });
      const tables = (await db.listTables())._unsafeUnwrap();
      expect(tables.find((t) => t.name === 'numbers')?.rowEstimate).toBe(10_000);
      expect(tables.find((t) => t.name === 'customers')?.rowEstimate).toBe(3);
      expect(tables.some((t) => t.name.startsWith('sqlite_'))).toBe(false);
      expect(db.capabilities.supportsRowEstimates).toBe(true);
      await db.close();
    } finally {
      analysed.remove();
    }
  });

  it('lists every column of every table and view in one call', async () => {
    const columns = (await adapter().listColumns())._unsafeUnwrap();
    const orders = columns.filter((c) => c.table.name === 'orders');
    expect(orders.map((c) => [c.name, c.nativeType, c.logicalType])).toEqual([
      ['order_no', 'INTEGER', 'integer'],
      ['line_no', 'INTEGER', 'integer'],
      ['customer_id', 'INTEGER', 'integer'],
      ['amount', 'DECIMAL(10,2)', 'decimal'],
    ]);
    expect(columns.filter((c) => c.table.name === 'active_customers').map((c) => c.name)).toEqual([
      'id',
      'name',
    ]);
  });

  it('describes a table: pk positions, defaults, foreign keys both ways, indexes', async () => {
    const db = adapter();
    const orders = (await db.describeTable({ name: 'orders' }))._unsafeUnwrap();
    expect(orders.table).toEqual({ name: 'orders', kind: 'table' });
    expect(orders.primaryKey).toEqual(['order_no', 'line_no']);
    expect(orders.columns.map((c) => [c.name, c.ordinal, c.primaryKeyPosition, c.nullable])).toEqual([
      ['order_no', 1, 1, false],
      ['line_no', 2, 2, false],
      ['customer_id', 3, undefined, false],
      ['amount', 4, undefined, true],
    ]);
    expect(orders.foreignKeys).toEqual([
      {
        table: { name: 'orders' },
        columns: ['customer_id'],
        referencedTable: { name: 'customers' },
        referencedColumns: ['id'],
      },
    ]);
    // shipments references orders without a column list: the columns come from orders' primary key.
    expect(orders.referencedBy).toEqual([
      {
        table: { name: 'shipments' },
        columns: ['order_no', 'line_no'],
        referencedTable: { name: 'orders' },
        referencedColumns: ['order_no', 'line_no'],
      },
    ]);
    const byName = new Map(orders.indexes.map((i) => [i.name, i]));
    expect(byName.get('orders_customer_ix')).toEqual({
      name: 'orders_customer_ix',
      columns: ['customer_id', 'order_no'],
      unique: false,
      primary: false,
    });
    expect([...byName.values()].find((i) => i.primary)).toMatchObject({
      columns: ['order_no', 'line_no'],
      unique: true,
    });

    const customers = (await db.describeTable({ name: 'CUSTOMERS' }))._unsafeUnwrap();
    expect(customers.table.name).toBe('customers');
    expect(customers.columns.find((c) => c.name === 'status')?.default).toBe("'active'");
    expect(customers.columns.find((c) => c.name === 'created')?.logicalType).toBe('timestamp');
    expect(customers.indexes).toContainEqual({
      name: 'customers_name_uq',
      columns: ['name'],
      unique: true,
      primary: false,
    });
    expect(customers.referencedBy.map((f) => f.table.name)).toEqual(['orders']);

    const view = (await db.describeTable({ name: 'active_customers', schema: 'main' }))._unsafeUnwrap();
    expect(view.table.kind).toBe('view');
    expect(view.columns.map((c) => c.name)).toEqual(['id', 'name']);
  });

  it('reports an unknown table (or schema) as ObjectNotFound of type table', async () => {
    const db = adapter();
    for (const ref of [{ name: 'nope' }, { name: 'sqlite_sequence' }, { schema: 'aux', name: 'orders' }]) {
      const failure = (await db.describeTable(ref))._unsafeUnwrapErr();
      expect(failure).toMatchObject({ kind: 'ObjectNotFound', objectType: 'table' });
    }
  });

  it('explains a query as an indented plan without running it', async () => {
    const plan = (
      await adapter().explain(
        q('SELECT c.name, o.amount FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.id = 1'),
        limits,
      )
    )._unsafeUnwrap();
    expect(plan.dialect).toBe('sqlite');
    expect(plan.text).toMatch(/SEARCH c USING INTEGER PRIMARY KEY/);
    expect(plan.text).toMatch(/orders_customer_ix/);
    const runaway = await adapter().explain(q(RUNAWAY), { ...limits, timeoutMs: 1_000 });
    expect(runaway.isOk()).toBe(true);
  });

  it('times a query from its request, not from starting the runner', async () => {
    const db = adapter();
    const started = performance.now();
    const result = (await db.executeReadOnly(q('SELECT 1'), limits))._unsafeUnwrap();
    const total = performance.now() - started;
    // The first request starts a process (≥ tens of ms); SELECT 1 itself takes well under that.
    expect(result.durationMs).toBeLessThan(total / 2);
  });

  it('answers ping and serverInfo', async () => {
    const db = adapter();
    expect((await db.ping()).isOk()).toBe(true);
    const info = (await db.serverInfo())._unsafeUnwrap();
    expect(info).toMatchObject({ dialect: 'sqlite', database: 'legacy.db' });
    expect(info.version).toMatch(/^3\.\d+\.\d+$/);
  });
});

describe('queries: caps and values', () => {
  it('stops at maxRows, probing one more row to set truncated', async () => {
    const db = adapter();
    const capped = (
      await db.executeReadOnly(q('SELECT n, label FROM numbers ORDER BY n'), { ...limits, maxRows: 100 })
    )._unsafeUnwrap();
    expect(capped.rowCount).toBe(100);
    expect(capped.rows).toHaveLength(100);
    expect(capped.rows[99]).toEqual([100, 'row 100']);
    expect(capped).toMatchObject({ truncated: true, truncatedBy: 'rows' });
    expect(capped.durationMs).toBeGreaterThan(0);
    expect(capped.columns).toEqual([
      { name: 'n', nativeType: 'INTEGER', logicalType: 'integer' },
      { name: 'label', nativeType: 'TEXT', logicalType: 'text' },
    ]);

    const exact = (
      await db.executeReadOnly(q('SELECT n FROM numbers'), { ...limits, maxRows: 10_000 })
    )._unsafeUnwrap();
    expect(exact).toMatchObject({ rowCount: 10_000, truncated: false });
    expect(exact.truncatedBy).toBeUndefined();
  });

  it('stops at maxBytes before reading everything', async () => {
    const result = (
      await adapter().executeReadOnly(q('SELECT n, label FROM numbers ORDER BY n'), {
        ...limits,
        maxRows: 10_000,
        maxBytes: 2_000,
      })
    )._unsafeUnwrap();
    expect(result).toMatchObject({ truncated: true, truncatedBy: 'bytes' });
    expect(result.rowCount).toBeGreaterThan(10);
    expect(result.rowCount).toBeLessThan(200);
    expect(JSON.stringify(result.rows).length).toBeLessThanOrEqual(2_000);
  });

  it('normalises 64-bit integers, non-finite reals, nulls and capped blobs to JSON-safe values', async () => {
    const db = adapter({ maxBinaryBytes: 16 });
    const result = (
      await db.executeReadOnly(
        q('SELECT id, big, real_value, payload, note, typeof(big) AS t FROM oddities ORDER BY id'),
        limits,
      )
    )._unsafeUnwrap();
    expect(result.rows[0]).toEqual([
      1,
      '9007199254740993',
      1.5,
      { $binary: Buffer.alloc(16).toString('base64'), length: 100, truncated: true },
      null,
      'integer',
    ]);
    expect(result.rows[1]).toEqual([
      2,
      '-9223372036854775808',
      'Infinity',
      { $binary: Buffer.from('deadbeef', 'hex').toString('base64'), length: 4 },
      'ünïcode',
      'integer',
    ]);
    expect(result.rows[2]).toEqual([3, 42, null, null, '', 'integer']);
    expect(result.columns.map((c) => c.logicalType)).toEqual([
      'integer',
      'bigint',
      'float',
      'binary',
      'text',
      'text',
    ]);
    expect(JSON.parse(JSON.stringify(result.rows))).toEqual(result.rows);
  });

  it('infers a logical type for expression columns from their values', async () => {
    const result = (
      await adapter().executeReadOnly(
        q("SELECT count(*) AS c, avg(n) / 3 AS a, 'x' || 1 AS s, NULL AS z FROM numbers"),
        limits,
      )
    )._unsafeUnwrap();
    expect(result.columns.map((c) => [c.name, c.nativeType, c.logicalType])).toEqual([
      ['c', undefined, 'integer'],
      ['a', undefined, 'float'],
      ['s', undefined, 'text'],
      ['z', undefined, 'other'],
    ]);
    expect(result.rows[0]?.[0]).toBe(10_000);
  });

  it('maps engine errors: unknown table, unknown column, syntax', async () => {
    const db = adapter();
    expect((await db.executeReadOnly(q('SELECT * FROM nope'), limits))._unsafeUnwrapErr()).toMatchObject({
      kind: 'ObjectNotFound',
      objectType: 'table',
      name: 'nope',
    });
    expect(
      (await db.executeReadOnly(q('SELECT nope FROM numbers'), limits))._unsafeUnwrapErr(),
    ).toMatchObject({
      kind: 'ObjectNotFound',
      objectType: 'column',
    });
    const syntax = (await db.executeReadOnly(q('SELEC 1'), limits))._unsafeUnwrapErr();
    expect(syntax).toMatchObject({ kind: 'SyntaxError', originalCode: 'SQLITE_ERROR' });
    expect(syntax.publicDetail).toContain('syntax error');
  });

  it('refuses a ReadOnlyQuery checked for another dialect', async () => {
    const failure = (
      await adapter().executeReadOnly(unsafeAssumeReadOnly('SELECT 1', 'postgres'), limits)
    )._unsafeUnwrapErr();
    expect(failure.kind).toBe('InvalidInput');
  });
});

describe('read-only session refuses writes on its own', () => {
  it('refuses every write handed past the guard, and the file stays byte-identical', async () => {
    const db = adapter();
    const before = sha256(fixture.path);
    const vacuumTarget = join(fixture.dir, 'copy.db');
    const attached = join(fixture.dir, 'attached.db');
    new Database(attached).exec('CREATE TABLE t (x)').close();
    const attachedBefore = sha256(attached);
    const writes = [
      "INSERT INTO customers (name) VALUES ('Mallory')",
      "INSERT INTO customers (name) VALUES ('Mallory') RETURNING id",
      "WITH x AS (SELECT 1) UPDATE customers SET name = 'M' RETURNING id",
      'DELETE FROM numbers RETURNING n',
      'CREATE TABLE evil (x)',
      'CREATE TEMP TABLE evil (x)',
      'DROP TABLE numbers',
      `ATTACH DATABASE '${attached}' AS aux`,
      'PRAGMA user_version = 5',
      'PRAGMA query_only = OFF',
      'PRAGMA journal_mode = WAL',
      `VACUUM INTO '${vacuumTarget}'`,
      'BEGIN IMMEDIATE',
      'REINDEX',
    ];
    for (const sql of writes) {
      const result = await db.executeReadOnly(q(sql), limits);
      expect(result.isErr(), sql).toBe(true);
      expect(result._unsafeUnwrapErr().kind, sql).toBe('ReadOnlyViolation');
    }
    // ATTACH is refused, so a write to the attached file never happens either.
    const viaAttach = await db.executeReadOnly(q('INSERT INTO aux.t VALUES (1) RETURNING x'), limits);
    expect(viaAttach.isErr()).toBe(true);
    expect(existsSync(vacuumTarget)).toBe(false);
    expect(sha256(fixture.path)).toBe(before);
    expect(sha256(attached)).toBe(attachedBefore);
    const check = new Database(fixture.path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    expect(check.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(3);
    check.close();
    // Still serving reads afterwards.
    expect(
      (await db.executeReadOnly(q('SELECT count(*) FROM customers'), limits))._unsafeUnwrap().rows,
    ).toEqual([[3]]);
  });

  it('retires a runner after a PRAGMA so no connection state outlives the query', async () => {
    const db = adapter();
    expect((await db.executeReadOnly(q('SELECT 1'), limits)).isOk()).toBe(true);
    expect(db.poolStats().size).toBe(1);
    const result = (await db.executeReadOnly(q('PRAGMA locking_mode = EXCLUSIVE'), limits))._unsafeUnwrap();
    expect(result.rows).toEqual([['exclusive']]);
    await eventually(() => db.poolStats().size === 0);
  });
});

describe('timeouts, cancel and pooling', () => {
  it('ends a runaway query with Timeout while other requests are still answered', async () => {
    const db = adapter({ pool: { size: 2, maxOverflow: 0 } });
    // Warm both runners, so the concurrent listing measures the event loop, not a process start.
    await Promise.all([db.ping(), db.ping()]);
    expect(db.poolStats()).toMatchObject({ size: 2, idle: 2 });

    const started = performance.now();
    const runaway = db.executeReadOnly(q(RUNAWAY), { ...limits, timeoutMs: 500 });
    await new Promise((r) => setTimeout(r, 100));
    const listStarted = performance.now();
    const tables = await db.listTables();
    const listMs = performance.now() - listStarted;
    expect(tables.isOk()).toBe(true);
    expect(listMs).toBeLessThan(200);

    const failure = (await runaway)._unsafeUnwrapErr();
    const elapsed = performance.now() - started;
    expect(failure).toMatchObject({ kind: 'Timeout', timeoutMs: 500 });
    expect(elapsed).toBeGreaterThanOrEqual(490);
    expect(elapsed).toBeLessThan(1_500);
    // The killed runner is replaced lazily and the next query works.
    expect((await db.executeReadOnly(q('SELECT 7'), limits))._unsafeUnwrap().rows).toEqual([[7]]);
  });

  it('cancels a running query through its AbortSignal', async () => {
    const db = adapter();
    const controller = new AbortController();
    const started = performance.now();
    const running = db.executeReadOnly(q(RUNAWAY), { ...limits, timeoutMs: 10_000 }, controller.signal);
    setTimeout(() => controller.abort(), 300);
    const failure = (await running)._unsafeUnwrapErr();
    expect(failure.kind).toBe('Cancelled');
    expect(performance.now() - started).toBeLessThan(1_500);
    expect((await db.executeReadOnly(q('SELECT 1'), limits)).isOk()).toBe(true);
    // An already-aborted signal fails at once.
    const aborted = await db.executeReadOnly(q('SELECT 1'), limits, AbortSignal.abort());
    expect(aborted._unsafeUnwrapErr().kind).toBe('Cancelled');
  });

  it('fails with PoolExhausted when every runner stays busy past acquireTimeoutMs', async () => {
    const db = adapter({ pool: { size: 1, maxOverflow: 0, acquireTimeoutMs: 200 } });
    const runaway = db.executeReadOnly(q(RUNAWAY), { ...limits, timeoutMs: 2_000 });
    await eventually(() => db.poolStats().active === 1);
    const started = performance.now();
    const second = db.executeReadOnly(q('SELECT 1'), limits);
    await eventually(() => db.poolStats().waiting === 1);
    expect(db.poolStats()).toMatchObject({ size: 1, max: 1, active: 1, idle: 0, waiting: 1 });
    const failure = (await second)._unsafeUnwrapErr();
    expect(failure.kind).toBe('PoolExhausted');
    expect(failure.kind === 'PoolExhausted' && failure.waitedMs).toBeGreaterThanOrEqual(190);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(db.poolStats().waiting).toBe(0);
    expect((await runaway)._unsafeUnwrapErr().kind).toBe('Timeout');
  });

  it('hands a freed runner to a waiting request', async () => {
    const db = adapter({ pool: { size: 1, maxOverflow: 0, acquireTimeoutMs: 5_000 } });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => db.executeReadOnly(q(`SELECT ${i}`), limits)),
    );
    expect(results.map((r) => r._unsafeUnwrap().rows[0]?.[0])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(db.poolStats()).toMatchObject({ size: 1, idle: 1, waiting: 0 });
  });

  it('fails only the in-flight request when a runner dies, then replaces it', async () => {
    const db = adapter({ pool: { size: 1, maxOverflow: 0 } });
    const runner = await startOneRunner(db);
    const running = db.executeReadOnly(q(RUNAWAY), { ...limits, timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 100));
    process.kill(runner, 'SIGKILL');
    const failure = (await running)._unsafeUnwrapErr();
    expect(failure.kind).toBe('ConnectionFailed');
    expect(failure.message).toMatch(/exited unexpectedly/);
    expect((await db.executeReadOnly(q('SELECT 1'), limits)).isOk()).toBe(true);
  });

  it('retires overflow runners after they idle, and runners older than recycleMs', async () => {
    // Long enough that the first runner released is still there when the last one starts (a loaded
    // machine takes hundreds of ms per process start), short enough for the test.
    const db = adapter({ pool: { size: 1, maxOverflow: 2 }, overflowIdleMs: 1_000 });
    await Promise.all([1, 2, 3].map(() => db.executeReadOnly(q('SELECT 1'), limits)));
    expect(db.poolStats()).toMatchObject({ size: 3, max: 3, idle: 3 });
    await eventually(() => db.poolStats().size === 1, 3_000);
    expect(db.poolStats()).toMatchObject({ size: 1, idle: 1 });

    const recycled = adapter({ pool: { recycleMs: 1 } });
    expect((await recycled.ping()).isOk()).toBe(true);
    await eventually(() => recycled.poolStats().size === 0);
  });

  it('pre-pings a runner idle past prePingIdleMs and replaces one that does not answer', async () => {
    const db = adapter({ pool: { size: 1, maxOverflow: 0, prePing: true }, prePingIdleMs: 0 });
    const runner = await startOneRunner(db);
    // A stopped process keeps its IPC channel open but never answers: only a ping can tell.
    process.kill(runner, 'SIGSTOP');
    const result = await db.executeReadOnly(q('SELECT 42'), { ...limits, timeoutMs: 10_000 });
    expect(result._unsafeUnwrap().rows).toEqual([[42]]);
    await eventually(() => !childPids().includes(runner));
    expect(db.poolStats()).toMatchObject({ size: 1, idle: 1 });
  });

  it('keeps the event loop alive only while a runner is busy', async () => {
    const count = () => process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap').length;
    const db = adapter({ pool: { size: 1, maxOverflow: 0 } });
    const baseline = count();
    const running = db.executeReadOnly(q(RUNAWAY), { ...limits, timeoutMs: 300 });
    await eventually(() => db.poolStats().active === 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(count()).toBe(baseline + 1);
    await running;
    expect((await db.ping()).isOk()).toBe(true);
    expect(db.poolStats().idle).toBe(1);
    expect(count()).toBe(baseline);
  });

  it('closes idempotently, fails later calls, and leaves no runner process behind', async () => {
    const db = adapter({ pool: { size: 2, maxOverflow: 1, acquireTimeoutMs: 5_000 } });
    await Promise.all([db.ping(), db.ping()]);
    const running = db.executeReadOnly(q(RUNAWAY), { ...limits, timeoutMs: 10_000 });
    await eventually(() => db.poolStats().active >= 1);
    expect(childPids().filter((p) => !pidsBefore.has(p)).length).toBeGreaterThanOrEqual(2);
    await Promise.all([db.close(), db.close()]);
    await db.close();
    expect((await running)._unsafeUnwrapErr()).toMatchObject({
      kind: 'ConnectionFailed',
      publicDetail: 'The database connection was closed.',
    });
    expect(db.poolStats()).toMatchObject({ size: 0, active: 0, idle: 0, waiting: 0 });
    const after = await db.listTables();
    expect(after._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    // Close every other adapter of this file too, then no child of ours may remain.
    await Promise.all(adapters.map((a) => a.close()));
    expect(childPids().filter((p) => !pidsBefore.has(p))).toEqual([]);
  });
});

describe('runner process hygiene', () => {
  it('starts runners without the parent secrets or NODE_OPTIONS', async () => {
    process.env.LEGACYBRIDGE_TEST_SECRET = 'do-not-leak';
    try {
      const db = adapter({ pool: { size: 1, maxOverflow: 0 } });
      const before = new Set(childPids());
      expect((await db.ping()).isOk()).toBe(true);
      const [runner] = childPids().filter((p) => !before.has(p));
      const environ = readFileSync(`/proc/${runner}/environ`, 'utf8').split('\u0000');
      expect(environ.some((e) => e.startsWith('LEGACYBRIDGE_TEST_SECRET='))).toBe(false);
      expect(environ.some((e) => e.startsWith('NODE_OPTIONS='))).toBe(false);
      expect(environ.some((e) => e.startsWith('PATH='))).toBe(true);
      await db.close();
    } finally {
      delete process.env.LEGACYBRIDGE_TEST_SECRET;
    }
  });
});

describe('close() in a process with nothing else to do', () => {
  // The server's shutdown awaits close() and only then logs "stopped" and flushes telemetry. Idle
  // runners are unreferenced (so a CLI can exit); close() must still keep the process alive until
  // they have exited, or the process ends silently in the middle of its own shutdown.
  it('resolves before the process exits, after runners were used and went idle', () => {
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    if (!existsSync(dist)) throw new Error(`${dist} is missing: build first (node scripts/dev.mjs setup)`);
    const script = `
      const { createSqliteAdapter } = await import(${JSON.stringify(pathToFileURL(dist).href)});
      const adapter = createSqliteAdapter({ url: ${JSON.stringify(fixture.path)} });
      const tables = await adapter.listTables();
      if (tables.isErr()) throw new Error(tables.error.message);
      await adapter.close();
      process.stdout.write('closed');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('closed');
  });
});
