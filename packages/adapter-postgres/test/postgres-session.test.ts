import type { DatabasePort, QueryLimits } from '@legacybridge/core';
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

  beforeAll(async () => {
    db = await createTestDatabase('session');
    await db.admin.query('CREATE TABLE accounts (id int PRIMARY KEY, name text)');
    await db.admin.query("INSERT INTO accounts VALUES (1, 'a'), (2, 'b')");
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

  it('a transaction block a statement leaves open never reaches the next caller', async () => {
    const pid = async () =>
      (await adapter.executeReadOnly(q('SELECT pg_backend_pid()'), limits()))._unsafeUnwrap().rows[0]![0];
    const before = await pid();
    // The pool has one connection, so BEGIN runs on the backend just seen.
    expect((await adapter.executeReadOnly(q('BEGIN'), limits())).isOk()).toBe(true);
    // DISCARD ALL refuses to run inside the block, so that connection is destroyed, not reused.
    expect(await pid()).not.toBe(before);
    await waitFor(async () => {
      const r = await db.admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [
        before,
      ]);
      return r.rows[0].n === 0;
    });
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
    expect((await adapter.listTables())._unsafeUnwrap().map((t) => t.name)).toEqual(['accounts']);
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
