import { checkReadOnlySql, type DatabasePort, type QueryLimits } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import pg from 'pg';
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
const limits = (over: Partial<QueryLimits> = {}): QueryLimits => ({
  maxRows: 100,
  maxBytes: 1_000_000,
  timeoutMs: 10_000,
  ...over,
});

describeWithPostgres('postgres read-only session, timeouts and cancel (real server)', unavailable, () => {
  let db: TestDatabase;
  let adapter: DatabasePort;

  const fingerprint = async () => {
    const r = await db.admin.query(
      `SELECT (SELECT string_agg(id::text || name, ',' ORDER BY id) FROM accounts) AS data,
              (SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public') AS objects`,
    );
    return JSON.stringify(r.rows[0]);
  };
  // The statements still running on the server for this database, other than our own check.
  const runningSleeps = async () => {
    const r = await db.admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = $1 AND state = 'active' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()`,
      [db.name],
    );
    return r.rows[0].n as number;
  };

  // The backend shows none of what `leaky` and `lock_and_set` leave, to itself (the next lease) and to
  // another session (pg_locks seen from the admin connection).
  const expectClean = async (backend: unknown) => {
    const seen = (
      await adapter.executeReadOnly(
        q(`SELECT pg_backend_pid(), current_setting('search_path'), current_setting('default_transaction_read_only'),
                  current_setting('work_mem'), current_setting('role'),
                  (SELECT count(*)::int FROM pg_prepared_statements), (SELECT count(*)::int FROM pg_cursors WHERE name <> ''),
                  (SELECT count(*)::int FROM pg_listening_channels()),
                  (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid())`),
        limits(),
      )
    )._unsafeUnwrap();
    // Read by the statement itself, before its own pipeline's reset runs.
    expect(seen.rows[0]).toEqual([backend, '"$user", public', 'on', '4MB', 'none', 0, 0, 0, 0]);
    const locks = await db.admin.query(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = $1",
      [backend],
    );
    expect(locks.rows[0].n).toBe(0);
  };

  beforeAll(async () => {
    db = await createTestDatabase('session');
    await db.admin.query('CREATE TABLE accounts (id int PRIMARY KEY, name text)');
    await db.admin.query("INSERT INTO accounts VALUES (1, 'a'), (2, 'b')");
    // Side effects hidden behind a view (SECURITY INVOKER: they run as the adapter's own user).
    await db.admin.query(`
      CREATE FUNCTION lock_and_set() RETURNS int LANGUAGE sql SECURITY INVOKER AS $$
        SELECT pg_advisory_lock(4242), pg_advisory_lock_shared(4243),
               set_config('search_path', 'nowhere', false), set_config('work_mem', '77kB', false);
        SELECT 1 $$;
      CREATE FUNCTION prepare_listen_hold() RETURNS int LANGUAGE plpgsql SECURITY INVOKER AS $$
        BEGIN
          EXECUTE 'PREPARE lb_leak AS SELECT 1';
          EXECUTE 'LISTEN lb_leak';
          EXECUTE 'DECLARE lb_leak CURSOR WITH HOLD FOR SELECT 1';
          RETURN 1;
        END $$;
      CREATE VIEW leaky AS
        SELECT set_config('search_path', 'nowhere', false) AS path,
               set_config('default_transaction_read_only', 'off', false) AS ro,
               lock_and_set() AS locked, prepare_listen_hold() AS prepared,
               (lo_from_bytea(0, 'x') > 0)::int AS lo, (SELECT 1 FROM (SELECT pg_notify('lb_leak_channel', 'x')) n) AS notified,
               set_config('role', 'none', false) AS role, pg_backend_pid() AS pid`);
    // One connection: every statement below runs on the session the previous one used.
    adapter = createPostgresAdapter({ url: db.url, pool: { size: 1, maxOverflow: 0 }, cancelGraceMs: 1_000 });
  });
  afterAll(async () => {
    await adapter?.close();
    await db?.drop();
  });

  it('the database itself refuses INSERT, UPDATE, DELETE, CREATE and DROP, and nothing changes', async () => {
    const before = await fingerprint();
    for (const sql of [
      "INSERT INTO accounts VALUES (3, 'c')",
      "UPDATE accounts SET name = 'x'",
      'DELETE FROM accounts',
      'CREATE TABLE intruder (id int)',
      'DROP TABLE accounts',
      'CREATE TEMP TABLE scratch (id int)',
      "SELECT nextval('no_such_seq')",
    ]) {
      const failure = (await adapter.executeReadOnly(q(sql), limits()))._unsafeUnwrapErr();
      if (sql.includes('nextval')) expect(failure.kind).toBe('ObjectNotFound');
      else expect(failure, sql).toMatchObject({ kind: 'ReadOnlyViolation', originalCode: '25006' });
    }
    expect(await fingerprint()).toBe(before);
  });

  it('a COMMIT cannot end the read-only mode, stacked or alone', async () => {
    const before = await fingerprint();
    const stacked = (
      await adapter.executeReadOnly(q("COMMIT; INSERT INTO accounts VALUES (9, 'z')"), limits())
    )._unsafeUnwrapErr();
    expect(stacked.kind).toBe('SyntaxError'); // the extended protocol takes one statement only
    expect((await adapter.executeReadOnly(q('COMMIT'), limits())).isOk()).toBe(true);
    const after = (
      await adapter.executeReadOnly(q("INSERT INTO accounts VALUES (9, 'z')"), limits())
    )._unsafeUnwrapErr();
    expect(after.kind).toBe('ReadOnlyViolation');
    expect(await fingerprint()).toBe(before);
  });

  it('resets session state a query leaves behind before the connection is reused', async () => {
    const tamper = await adapter.executeReadOnly(
      q(
        "SELECT set_config('default_transaction_read_only', 'off', false), set_config('search_path', 'nowhere', false), pg_advisory_lock(4242)",
      ),
      limits(),
    );
    expect(tamper.isOk()).toBe(true);
    const show = (
      await adapter.executeReadOnly(
        q(
          "SELECT current_setting('default_transaction_read_only'), current_setting('search_path'), (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid())",
        ),
        limits(),
      )
    )._unsafeUnwrap();
    expect(show.rows[0]).toEqual(['on', '"$user", public', 0]);
    const write = (
      await adapter.executeReadOnly(q("INSERT INTO accounts VALUES (8, 'y')"), limits())
    )._unsafeUnwrapErr();
    expect(write.kind).toBe('ReadOnlyViolation');
  });

  // What the SQL text names proves nothing: a view over SECURITY INVOKER functions changes settings,
  // takes session advisory locks, prepares statements, LISTENs, holds a cursor, creates a large object
  // and notifies, all from a `SELECT * FROM` the guard accepts. None of it may reach the next lease
  // of the same connection (pool of 1), which must be reused, not replaced, for the proof to count.
  it('no leftover of a view with side-effect functions reaches the next lease of the connection', async () => {
    const sql = 'SELECT * FROM leaky';
    expect(checkReadOnlySql(sql, 'postgres').isOk()).toBe(true);
    const largeObjects = async () =>
      (await db.admin.query('SELECT count(*)::int AS n FROM pg_largeobject_metadata')).rows[0].n as number;
    const objectsBefore = await largeObjects();
    const notified: string[] = [];
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (n) => notified.push(n.channel));
    await listener.query('LISTEN lb_leak_channel');
    try {
      const leaky = (
        await adapter.executeReadOnly(checkReadOnlySql(sql, 'postgres')._unsafeUnwrap(), limits())
      )._unsafeUnwrap();
      // The functions did run, on this backend.
      expect(leaky.rows[0]!.slice(0, 6)).toEqual(['nowhere', 'off', 1, 1, 1, 1]);
      const backend = leaky.rows[0]![7];
      await expectClean(backend);
      await new Promise((r) => setTimeout(r, 100));
      await listener.query('SELECT 1');
      expect(notified).toEqual([]);
      expect(await largeObjects()).toBe(objectsBefore);
    } finally {
      await listener.end();
    }
  });

  it('a statement that fails after taking a lock and changing a setting leaves neither behind', async () => {
    const pid = async () =>
      (await adapter.executeReadOnly(q('SELECT pg_backend_pid()'), limits()))._unsafeUnwrap().rows[0]![0];
    const before = await pid();
    const failure = (
      await adapter.executeReadOnly(q('SELECT lock_and_set(), 1 / (id - id) FROM accounts'), limits())
    )._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'DriverError', originalCode: '22012' }); // division by zero
    // A statement error leaves the connection reusable: the slow-path reset cleaned the same backend.
    await expectClean(before);
  });

  it('a fetch past the first batch keeps the block open until the caps, then resets it the same way', async () => {
    const result = (
      await adapter.executeReadOnly(
        q('SELECT g, lock_and_set() FROM generate_series(1, 5000) g'),
        limits({ maxRows: 2_500 }),
      )
    )._unsafeUnwrap();
    expect(result).toMatchObject({ rowCount: 2_500, truncated: true, truncatedBy: 'rows' });
    expect(result.rows[2_499]![0]).toBe(2_500);
    const backend = (await adapter.executeReadOnly(q('SELECT pg_backend_pid()'), limits()))._unsafeUnwrap()
      .rows[0]![0];
    await expectClean(backend);
  });

  it('an error in a later batch ends the paused pipeline, and the connection comes back clean', async () => {
    const pid = async () =>
      (await adapter.executeReadOnly(q('SELECT pg_backend_pid()'), limits()))._unsafeUnwrap().rows[0]![0];
    const before = await pid();
    const failure = (
      await adapter.executeReadOnly(
        q('SELECT g, lock_and_set(), 1 / (2500 - g) FROM generate_series(1, 5000) g'),
        limits({ maxRows: 4_000 }),
      )
    )._unsafeUnwrapErr();
    expect(failure).toMatchObject({ originalCode: '22012' });
    await expectClean(before);
  });

  it('a transaction block a statement opens or ends never reaches the next caller', async () => {
    const pid = async () =>
      (await adapter.executeReadOnly(q('SELECT pg_backend_pid()'), limits()))._unsafeUnwrap().rows[0]![0];
    const state = async (backend: unknown) =>
      (await db.admin.query('SELECT state FROM pg_stat_activity WHERE pid = $1', [backend])).rows[0]?.state;
    for (const sql of ['BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT s', 'BEGIN READ WRITE']) {
      const before = await pid();
      // The pool has one connection, so the statement runs on the backend just seen.
      expect((await adapter.executeReadOnly(q(sql), limits())).isOk(), sql).toBe(true);
      // Handed on only when idle: either that backend is idle (not "idle in transaction") or it is gone.
      const after = await pid();
      if (after === before) expect(await state(before), sql).toBe('idle');
      const write = (
        await adapter.executeReadOnly(q("INSERT INTO accounts VALUES (7, 'x')"), limits())
      )._unsafeUnwrapErr();
      expect(write.kind, sql).toBe('ReadOnlyViolation');
    }
  });

  it('applies the per-query timeout on the server and stops the statement there', async () => {
    const started = performance.now();
    const failure = (
      await adapter.executeReadOnly(q('SELECT pg_sleep(30)'), limits({ timeoutMs: 500 }))
    )._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'Timeout', timeoutMs: 500 });
    expect(performance.now() - started).toBeLessThan(2_000);
    await waitFor(async () => (await runningSleeps()) === 0, 1_000);
    // Catalog reads on that connection get their own, longer timeout, not the last caller's 500 ms.
    expect((await adapter.listTables())._unsafeUnwrap().map((t) => t.name)).toEqual(['accounts', 'leaky']);
    // The next query with another timeout runs normally on the same pool.
    const ok = (
      await adapter.executeReadOnly(
        q("SELECT current_setting('statement_timeout')"),
        limits({ timeoutMs: 7_000 }),
      )
    )._unsafeUnwrap();
    expect(ok.rows[0]).toEqual(['7s']);
  });

  it('cancels the running statement on the server when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = adapter.executeReadOnly(
      q('SELECT pg_sleep(30)'),
      limits({ timeoutMs: 60_000 }),
      controller.signal,
    );
    await waitFor(async () => (await runningSleeps()) === 1);
    const started = performance.now();
    controller.abort();
    const failure = (await pending)._unsafeUnwrapErr();
    expect(failure.kind).toBe('Cancelled');
    expect(performance.now() - started).toBeLessThan(1_500);
    await waitFor(async () => (await runningSleeps()) === 0);
    expect((await adapter.executeReadOnly(q('SELECT 2'), limits()))._unsafeUnwrap().rows).toEqual([[2]]);
  });

  it('close stops running statements on the server and resolves promptly', async () => {
    const own = createPostgresAdapter({
      url: db.url,
      pool: { size: 2, maxOverflow: 0 },
      cancelGraceMs: 1_000,
    });
    const pending = [1, 2].map(() =>
      own.executeReadOnly(q('SELECT pg_sleep(30)'), limits({ timeoutMs: 60_000 })),
    );
    await waitFor(async () => (await runningSleeps()) === 2);
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(1_500);
    for (const r of await Promise.all(pending)) expect(r._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    await waitFor(async () => (await runningSleeps()) === 0);
  });

  it('does not start a query whose signal already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = (
      await adapter.executeReadOnly(q('SELECT 1'), limits(), controller.signal)
    )._unsafeUnwrapErr();
    expect(failure.kind).toBe('Cancelled');
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
