import { skipOrFail } from '@legacybridge/adapter-conformance';
import type { DatabaseFailure, DatabasePort, QueryLimits } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createMysqlAdapter, type MysqlAdapterConfig } from '../src/index.js';
import { connectAdmin, randomSuffix, sessionsIn, urlFor, waitFor } from './mysql-test-db.js';

/**
 * Pool semantics against the real server: the server never holds more than size + overflow
 * connections under load, the excess gets PoolExhausted after the acquire timeout and the pool
 * recovers; recycle, pre-ping after a server-side kill, and overflow retirement.
 */

const LIMITS: QueryLimits = { maxRows: 100, maxBytes: 1_048_576, timeoutMs: 30_000 };
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'mysql');

const admin = await connectAdmin();
if ('skip' in admin) {
  skipOrFail('mysql', admin.skip);
} else {
  const database = `lb_pool_${randomSuffix()}`;
  await admin.query(`CREATE DATABASE \`${database}\``);
  const adapters: DatabasePort[] = [];
  const adapter = (options: Partial<MysqlAdapterConfig>) => {
    const port = createMysqlAdapter({ url: urlFor(database), ...options });
    adapters.push(port);
    return port;
  };
  const connectionId = async (port: DatabasePort) =>
    Number((await port.executeReadOnly(q('SELECT CONNECTION_ID()'), LIMITS))._unsafeUnwrap().rows[0]?.[0]);

  afterAll(async () => {
    await Promise.all(adapters.map((a) => a.close()));
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  });

  /**
   * Runs `count` copies of `sql` at once, sampling this database's sessions in the processlist and
   * the pool's waiting gauge every 10 ms until all have answered.
   */
  const underLoad = async (port: DatabasePort, count: number, sql: string) => {
    let peak = 0;
    let peakWaiting = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakWaiting = Math.max(peakWaiting, port.poolStats().waiting);
        peak = Math.max(peak, (await sessionsIn(admin, database)).length);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const results = await Promise.all(
      Array.from({ length: count }, () => port.executeReadOnly(q(sql), LIMITS)),
    );
    sampling = false;
    await sampler;
    const ok = results.filter((r) => r.isOk()).length;
    const failures = results.filter((r) => r.isErr()).map((r) => r._unsafeUnwrapErr());
    return { peak, peakWaiting, ok, failures };
  };
  const expectPoolExhausted = (failures: readonly DatabaseFailure[], minWaitedMs: number) => {
    for (const f of failures) {
      expect(f.kind).toBe('PoolExhausted');
      if (f.kind === 'PoolExhausted') expect(f.waitedMs).toBeGreaterThanOrEqual(minWaitedMs);
    }
  };

  describe('pool under load (real server)', () => {
    it('80 concurrent slow queries on size 2 + overflow 2: never more than 4 server sessions, the rest PoolExhausted, then recovery', async () => {
      const acquireTimeoutMs = 1_200;
      const port = adapter({
        pool: { size: 2, maxOverflow: 2, acquireTimeoutMs, recycleMs: 0, prePing: true },
      });
      const load = await underLoad(port, 80, 'SELECT SLEEP(0.4)');
      expect(load.peak).toBeGreaterThan(0);
      expect(load.peak).toBeLessThanOrEqual(4);
      expect(port.poolStats().max).toBe(4);
      expect(load.peakWaiting).toBeGreaterThan(0);
      expect(load.ok).toBeGreaterThanOrEqual(4);
      expect(load.failures.length).toBeGreaterThan(0);
      expectPoolExhausted(load.failures, acquireTimeoutMs * 0.9);
      expect(port.poolStats()).toMatchObject({ active: 0, waiting: 0 });
      expect((await port.executeReadOnly(q('SELECT 1'), LIMITS)).isOk()).toBe(true);
    }, 30_000);

    it('issue 3: a pool of 5 under 100 concurrent slow queries never holds more than 5 + overflow server sessions, the excess gets PoolExhausted after DB_TIMEOUT, and the pool recovers', async () => {
      // Sessions are counted per database: the adapters of earlier tests must be gone first.
      await Promise.all(adapters.splice(0).map((a) => a.close()));
      expect(await waitFor(async () => (await sessionsIn(admin, database)).length === 0, 5_000)).toBe(true);
      const acquireTimeoutMs = 1_500;
      const port = adapter({ pool: { size: 5, maxOverflow: 10, acquireTimeoutMs, recycleMs: 0 } });
      const max = 15;
      const load = await underLoad(port, 100, 'SELECT SLEEP(0.5)');
      expect(load.peak).toBeGreaterThan(5); // the overflow was used …
      expect(load.peak).toBeLessThanOrEqual(max); // … and never exceeded
      expect(port.poolStats().max).toBe(max);
      // 15 connections × at most 3 rounds of 0.5 s fit in the 1.5 s wait; at least one round each.
      expect(load.ok).toBeGreaterThanOrEqual(max);
      expect(load.ok).toBeLessThanOrEqual(max * 4);
      expect(load.failures).toHaveLength(100 - load.ok);
      expectPoolExhausted(load.failures, acquireTimeoutMs - 50);
      // Recovery: nothing borrowed or waiting, and a full pool's worth of queries succeeds at once.
      expect(port.poolStats()).toMatchObject({ active: 0, waiting: 0 });
      const again = await Promise.all(
        Array.from({ length: max }, () => port.executeReadOnly(q('SELECT 1'), LIMITS)),
      );
      expect(again.every((r) => r.isOk())).toBe(true);
      expect((await sessionsIn(admin, database)).length).toBeLessThanOrEqual(max);
    }, 30_000);

    it('closes connections older than recycleMs instead of reusing them', async () => {
      const port = adapter({ pool: { size: 1, maxOverflow: 0, recycleMs: 300 } });
      const first = await connectionId(port);
      expect(await connectionId(port)).toBe(first);
      await new Promise((r) => setTimeout(r, 400));
      const second = await connectionId(port);
      expect(second).not.toBe(first);
      expect(await waitFor(async () => !(await sessionsIn(admin, database)).includes(first), 2000)).toBe(
        true,
      );
    });

    it.each([
      ['after its close event', 1_000, 200],
      ['by pinging before use', 0, 0],
    ])('a connection killed by the server never reaches a query (%s)', async (_how, prePingIdleMs, pause) => {
      const port = adapter({ pool: { size: 1, maxOverflow: 0, prePing: true }, prePingIdleMs });
      const first = await connectionId(port);
      await admin.query(`KILL CONNECTION ${first}`);
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      const next = await port.executeReadOnly(q('SELECT CONNECTION_ID()'), LIMITS);
      expect(next.isOk()).toBe(true);
      expect(Number(next._unsafeUnwrap().rows[0]?.[0])).not.toBe(first);
    });

    it('retires overflow connections after overflowIdleMs, keeping size', async () => {
      const port = adapter({ pool: { size: 1, maxOverflow: 2 }, overflowIdleMs: 200 });
      await Promise.all(
        Array.from({ length: 3 }, () => port.executeReadOnly(q('SELECT SLEEP(0.2)'), LIMITS)),
      );
      expect(port.poolStats()).toMatchObject({ size: 3, idle: 3, active: 0 });
      expect(await waitFor(() => port.poolStats().size === 1, 2000)).toBe(true);
      expect(port.poolStats()).toMatchObject({ size: 1, idle: 1, max: 3 });
    });

    it('a waiter whose signal aborts leaves the queue with Cancelled', async () => {
      const port = adapter({ pool: { size: 1, maxOverflow: 0, acquireTimeoutMs: 10_000 } });
      const busy = port.executeReadOnly(q('SELECT SLEEP(0.5)'), LIMITS);
      await waitFor(() => port.poolStats().active === 1, 5000);
      const controller = new AbortController();
      const waiting = port.executeReadOnly(q('SELECT 1'), LIMITS, controller.signal);
      await waitFor(() => port.poolStats().waiting === 1, 2000);
      controller.abort();
      expect((await waiting)._unsafeUnwrapErr().kind).toBe('Cancelled');
      expect(port.poolStats().waiting).toBe(0);
      expect((await busy).isOk()).toBe(true);
    });
  });
}
