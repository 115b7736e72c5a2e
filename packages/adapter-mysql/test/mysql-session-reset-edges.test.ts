import { skipOrFail } from '@legacybridge/adapter-conformance';
import type { DatabasePort, QueryLimits } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createMysqlAdapter } from '../src/index.js';
import { connectAdmin, randomSuffix, urlFor, waitFor } from './mysql-test-db.js';

/**
 * The pipelined reset (mysql-session.ts) on the paths that leave a statement early: an error after
 * rows were streamed, a cancel (KILL QUERY), the server's own statement timeout, and the server closing
 * the connection mid-statement. Each time the reset's two answers are already on their way or queued
 * behind the statement; none may be read as the next statement's result, and no session may return to
 * the pool with the variable, the lock or the setting the statement's function left.
 */

const LIMITS: QueryLimits = { maxRows: 1_000, maxBytes: 1_048_576, timeoutMs: 10_000 };
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'mysql');

const admin = await connectAdmin();
if ('skip' in admin) {
  skipOrFail('mysql', admin.skip);
} else {
  const suffix = randomSuffix();
  const database = `lb_reset_edge_${suffix}`;
  const lock = `lb_reset_edge_lock_${suffix}`;
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.query(`USE \`${database}\``);
  await admin.query('CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(10))');
  await admin.query("INSERT INTO items SELECT seq, CONCAT('v', seq) FROM seq_1_to_200");
  await admin.query(`CREATE FUNCTION leak_fn() RETURNS INT NOT DETERMINISTIC
    BEGIN SET @lb_edge_leak = 42; SET SESSION sql_mode = 'ANSI_QUOTES'; RETURN GET_LOCK('${lock}', 0); END`);

  const adapters: DatabasePort[] = [];
  const onePool = () => {
    const port = createMysqlAdapter({
      url: urlFor(database),
      pool: { size: 1, maxOverflow: 0 },
      prePingIdleMs: 600_000,
    });
    adapters.push(port);
    return port;
  };

  afterAll(async () => {
    await Promise.all(adapters.map((a) => a.close()));
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  });

  const probe = `SELECT @lb_edge_leak, IS_USED_LOCK('${lock}'), @@SESSION.sql_mode LIKE '%ANSI_QUOTES%', @@SESSION.tx_read_only, CONNECTION_ID()`;
  const lockIsFree = async () => {
    const [rows] = await admin.query('SELECT IS_FREE_LOCK(?) AS free', [lock]);
    return Number((rows as { free: number }[])[0]?.free) === 1;
  };
  const connectionId = async (db: DatabasePort) =>
    (await db.executeReadOnly(q('SELECT CONNECTION_ID()'), LIMITS))._unsafeUnwrap().rows[0]?.[0];
  /** Three statements in a row answer their own results: no reset answer is read as one of them. */
  const answersInStep = async (db: DatabasePort) => {
    for (const n of [7, 8, 9]) {
      const result = (
        await db.executeReadOnly(q(`SELECT ${n} AS n, v FROM items WHERE id = ${n}`), LIMITS)
      )._unsafeUnwrap();
      expect(result.rows).toEqual([[n, `v${n}`]]);
    }
  };

  describe('the pipelined reset when a statement ends early', () => {
    it('an error after rows were streamed: same connection, reset, in step', async () => {
      const db = onePool();
      const id = await connectionId(db);
      // Rows 1..150 stream (each taking the lock through leak_fn), then row 151's subquery fails.
      const failed = await db.executeReadOnly(
        q('SELECT id, IF(id > 150, (SELECT id FROM items), leak_fn()) FROM items ORDER BY id'),
        LIMITS,
      );
      expect(failed.isErr() && failed.error.kind).toBe('DriverError');
      expect(await waitFor(lockIsFree, 2_000)).toBe(true);
      const row = (await db.executeReadOnly(q(probe), LIMITS))._unsafeUnwrap().rows[0];
      expect(row).toEqual([null, null, 0, '1', id]);
      await answersInStep(db);
    });

    it('a cancel (KILL QUERY) mid-statement: the lock is gone and the next statements answer in step', async () => {
      const db = onePool();
      const id = await connectionId(db);
      const controller = new AbortController();
      const running = db.executeReadOnly(q('SELECT leak_fn(), SLEEP(5)'), LIMITS, controller.signal);
      await new Promise((r) => setTimeout(r, 400));
      controller.abort();
      const started = performance.now();
      const cancelled = await running;
      expect(cancelled.isErr() && cancelled.error.kind).toBe('Cancelled');
      expect(performance.now() - started).toBeLessThan(2_500);
      expect(await waitFor(lockIsFree, 3_000)).toBe(true);
      const row = (await db.executeReadOnly(q(probe), LIMITS))._unsafeUnwrap().rows[0];
      expect(row?.slice(0, 4)).toEqual([null, null, 0, '1']);
      // Destroyed, not reset: its state on the wire is unknown.
      expect(row?.[4]).not.toBe(id);
      await answersInStep(db);
    });

    it("the server's own statement timeout: reported as Timeout, the session reset, the timeout restored", async () => {
      const db = onePool();
      const timedOut = await db.executeReadOnly(q('SELECT leak_fn(), SLEEP(3)'), {
        ...LIMITS,
        timeoutMs: 500,
      });
      expect(timedOut.isErr() && timedOut.error.kind).toBe('Timeout');
      expect(await waitFor(lockIsFree, 3_000)).toBe(true);
      const row = (
        await db.executeReadOnly(q(`${probe}, @@SESSION.max_statement_time`), LIMITS)
      )._unsafeUnwrap().rows[0];
      expect(row?.slice(0, 4)).toEqual([null, null, 0, '1']);
      // The reset re-applied the settings with the session's timeout, then this query's own 10 s.
      expect(Number(row?.[5])).toBe(10);
      await answersInStep(db);
    });

    it('the server closing the connection mid-statement: a clear failure, a fresh session, no hang', async () => {
      const db = onePool();
      const id = await connectionId(db);
      const running = db.executeReadOnly(q('SELECT leak_fn(), SLEEP(5)'), LIMITS);
      await new Promise((r) => setTimeout(r, 400));
      await admin.query(`KILL CONNECTION ${Number(id)}`);
      const started = performance.now();
      const lost = await running;
      expect(lost.isErr()).toBe(true);
      expect(performance.now() - started).toBeLessThan(2_500);
      const row = (await db.executeReadOnly(q(probe), LIMITS))._unsafeUnwrap().rows[0];
      expect(row?.slice(0, 4)).toEqual([null, null, 0, '1']);
      expect(row?.[4]).not.toBe(id);
      expect(await waitFor(lockIsFree, 2_000)).toBe(true);
      await answersInStep(db);
      expect(db.poolStats()).toMatchObject({ size: 1, active: 0 });
    });
  });
}
