import { skipOrFail, startTcpProxy } from '@legacybridge/adapter-conformance';
import { checkReadOnlySql, type DatabasePort, type QueryLimits } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createMysqlAdapter } from '../src/index.js';
import { connectAdmin, randomSuffix, TEST_MYSQL_URL, urlFor, waitFor } from './mysql-test-db.js';

/**
 * The session reset written right behind each caller statement (COM_RESET_CONNECTION and the session
 * settings in the statement's own write, mysql-session.ts): it costs no round trip of its own, and the
 * leak it closes stays closed — a view whose stored function sets a user variable and takes GET_LOCK
 * leaves neither to the next lease of the same pooled connection, not even to a caller already
 * waiting for that connection when the statement ends.
 */

const LIMITS: QueryLimits = { maxRows: 100, maxBytes: 1_048_576, timeoutMs: 10_000 };
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'mysql');
const checked = (sql: string) => checkReadOnlySql(sql, 'mysql')._unsafeUnwrap();

const admin = await connectAdmin();
if ('skip' in admin) {
  skipOrFail('mysql', admin.skip);
} else {
  const suffix = randomSuffix();
  const database = `lb_reset_${suffix}`;
  const lock = `lb_reset_lock_${suffix}`;
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.query(`USE \`${database}\``);
  await admin.query('CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(10))');
  await admin.query("INSERT INTO items VALUES (1, 'one'), (2, 'two')");
  await admin.query(`CREATE FUNCTION leak_fn() RETURNS INT NOT DETERMINISTIC
    BEGIN SET @lb_reset_leak = 42; SET SESSION sql_mode = 'ANSI_QUOTES'; RETURN GET_LOCK('${lock}', 0); END`);
  await admin.query('CREATE VIEW leaky AS SELECT leak_fn() AS locked, CONNECTION_ID() AS id');

  const server = new URL(TEST_MYSQL_URL);
  const proxy = await startTcpProxy({
    host: server.hostname,
    port: server.port === '' ? 3306 : Number(server.port),
  });
  const adapters: DatabasePort[] = [];
  const onePool = (viaProxy = false) => {
    const port = createMysqlAdapter({
      url: viaProxy ? urlFor(database, { hostPort: `127.0.0.1:${proxy.port}` }) : urlFor(database),
      pool: { size: 1, maxOverflow: 0 },
      // No pre-ping between the statements whose writes are counted (it would be a write of its own).
      prePingIdleMs: 600_000,
    });
    adapters.push(port);
    return port;
  };

  afterAll(async () => {
    await Promise.all(adapters.map((a) => a.close()));
    await proxy.close();
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  });

  // tx_read_only is a BIGINT-like session value: the adapter returns it as an exact string.
  const probe = `SELECT @lb_reset_leak, IS_USED_LOCK('${lock}'), @@SESSION.sql_mode LIKE '%ANSI_QUOTES%', @@SESSION.tx_read_only, CONNECTION_ID()`;
  const lockIsFree = async () => {
    const [rows] = await admin.query('SELECT IS_FREE_LOCK(?) AS free', [lock]);
    return Number((rows as { free: number }[])[0]?.free) === 1;
  };

  describe('the reset written behind the statement', () => {
    it('leaves the statement, the reset and the settings in one write: no round trip of its own', async () => {
      const db = onePool(true);
      // The first lease sets the query timeout on the fresh session (a write of its own).
      expect((await db.executeReadOnly(q('SELECT 1'), LIMITS)).isOk()).toBe(true);
      const before = proxy.clientChunks;
      for (let i = 0; i < 5; i++) {
        expect((await db.executeReadOnly(q(`SELECT id FROM items WHERE id = ${i}`), LIMITS)).isOk()).toBe(
          true,
        );
      }
      // Pool of 1: each statement waited for the previous one's reset, so all five resets ran.
      expect(proxy.clientChunks - before).toBe(5);
      // ... and they did run: the session is clean and still read-only.
      const row = (await db.executeReadOnly(q(probe), LIMITS))._unsafeUnwrap().rows[0];
      expect(row?.slice(0, 4)).toEqual([null, null, 0, '1']);
    });

    it('a view whose function sets a variable, a setting and GET_LOCK leaves none of it, even to a caller already waiting', async () => {
      const db = onePool();
      const leaking = db.executeReadOnly(checked('SELECT * FROM leaky'), LIMITS);
      // Queued behind it on the single connection: it gets the session the moment the reset is done.
      const next = db.executeReadOnly(q(probe), LIMITS);
      const first = (await leaking)._unsafeUnwrap().rows[0];
      expect(first?.[0]).toBe(1);
      const row = (await next)._unsafeUnwrap().rows[0];
      // Reset, not reconnect: the same server session answered both.
      expect(row).toEqual([null, null, 0, '1', first?.[1]]);
      expect(await waitFor(lockIsFree, 2_000)).toBe(true);
    });

    it('the lock is released on the server while the session is idle in the pool, not at its next lease', async () => {
      const db = onePool();
      expect(
        (await db.executeReadOnly(checked('SELECT * FROM leaky'), LIMITS))._unsafeUnwrap().rows[0]?.[0],
      ).toBe(1);
      // Nobody leases the session again: only a reset that already ran can free the lock.
      expect(await waitFor(lockIsFree, 2_000)).toBe(true);
      expect(db.poolStats()).toMatchObject({ size: 1, active: 0 });
    });

    it('a statement that fails after taking the lock is reset all the same', async () => {
      const db = onePool(true);
      const id = (await db.executeReadOnly(q('SELECT CONNECTION_ID()'), LIMITS))._unsafeUnwrap().rows[0]?.[0];
      const before = proxy.clientChunks;
      const failed = await db.executeReadOnly(
        q('SELECT leak_fn() AS g UNION ALL SELECT (SELECT id FROM items)'),
        LIMITS,
      );
      expect(failed.isErr()).toBe(true);
      expect(proxy.clientChunks - before).toBe(1);
      const row = (await db.executeReadOnly(q(probe), LIMITS))._unsafeUnwrap().rows[0];
      expect(row).toEqual([null, null, 0, '1', id]);
    });

    it('a result cut at the row cap retires the connection instead (its state on the wire is unknown)', async () => {
      const db = onePool();
      const id = (await db.executeReadOnly(q('SELECT CONNECTION_ID()'), LIMITS))._unsafeUnwrap().rows[0]?.[0];
      const cut = (
        await db.executeReadOnly(checked('SELECT l.locked FROM leaky l, items a, items b'), {
          ...LIMITS,
          maxRows: 1,
        })
      )._unsafeUnwrap();
      expect(cut.truncated).toBe(true);
      const row = (await db.executeReadOnly(q(probe), LIMITS))._unsafeUnwrap().rows[0];
      expect(row?.slice(0, 4)).toEqual([null, null, 0, '1']);
      expect(row?.[4]).not.toBe(id);
      expect(await waitFor(lockIsFree, 2_000)).toBe(true);
    });
  });
}
