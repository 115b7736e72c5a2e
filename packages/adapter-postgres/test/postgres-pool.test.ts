import type { DatabaseFailure, DatabasePort, QueryLimits } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createPostgresAdapter, type PostgresAdapterConfig } from '../src/index.js';
import {
  countSessions,
  createTestDatabase,
  describeWithPostgres,
  postgresUnavailable,
  randomSuffix,
  type TestDatabase,
} from './pg-test-db.js';

const unavailable = await postgresUnavailable();
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'postgres');
const limits: QueryLimits = { maxRows: 10, maxBytes: 100_000, timeoutMs: 10_000 };

describeWithPostgres('postgres pool (real server)', unavailable, () => {
  let db: TestDatabase;
  const open: DatabasePort[] = [];
  // Each adapter gets its own application_name, so server-side sessions are counted exactly.
  const make = (config: Omit<PostgresAdapterConfig, 'url'>) => {
    const app = `lb_pool_${randomSuffix()}`;
    const url = new URL(db.url);
    url.searchParams.set('application_name', app);
    const adapter = createPostgresAdapter({ ...config, url: url.toString() });
    open.push(adapter);
    return { adapter, sessions: () => countSessions(db.admin, db.name, app) };
  };
  const pid = async (adapter: DatabasePort) =>
    (await adapter.executeReadOnly(q('SELECT pg_backend_pid()'), limits))._unsafeUnwrap()
      .rows[0]![0] as number;

  beforeAll(async () => {
    db = await createTestDatabase('pool');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((a) => a.close()));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('under 60 concurrent slow queries never holds more than size + overflow server sessions; the excess gets PoolExhausted', async () => {
    const { adapter, sessions } = make({ pool: { size: 2, maxOverflow: 1, acquireTimeoutMs: 1_500 } });
    const load = await underLoad(adapter, sessions, 60, 'SELECT pg_sleep(0.4)');
    expect(load.peakSessions).toBeGreaterThanOrEqual(2);
    expect(load.peakSessions).toBeLessThanOrEqual(3);
    expect(load.peakActive).toBeLessThanOrEqual(3);
    expect(load.peakWaiting).toBeGreaterThan(40);
    // 3 connections × ~4 rounds of 0.4 s fit in the 1.5 s wait; everyone else gives up.
    expect(load.ok).toBeGreaterThanOrEqual(3); // at least one round per connection, even on a loaded machine
    expect(load.ok).toBeLessThanOrEqual(15);
    expectPoolExhausted(load.failures, 1_450);
    // The pool recovers at once.
    expect((await adapter.executeReadOnly(q('SELECT 1'), limits)).isOk()).toBe(true);
    expect(adapter.poolStats()).toMatchObject({ size: 2, max: 3, active: 0, waiting: 0 });
  });

  it('issue 3: a pool of 5 under 100 concurrent slow queries never holds more than 5 + overflow server sessions, the excess gets PoolExhausted after DB_TIMEOUT, and the pool recovers', async () => {
    const acquireTimeoutMs = 1_500;
    const { adapter, sessions } = make({ pool: { size: 5, maxOverflow: 10, acquireTimeoutMs } });
    const max = 15;
    const load = await underLoad(adapter, sessions, 100, 'SELECT pg_sleep(0.5)');
    expect(load.peakSessions).toBeGreaterThan(5); // the overflow was used …
    expect(load.peakSessions).toBeLessThanOrEqual(max); // … and never exceeded
    expect(adapter.poolStats().max).toBe(max);
    // 15 connections × at most 3 rounds of 0.5 s fit in the 1.5 s wait; at least one round each.
    expect(load.ok).toBeGreaterThanOrEqual(max);
    expect(load.ok).toBeLessThanOrEqual(max * 4);
    expect(load.failures).toHaveLength(100 - load.ok);
    expectPoolExhausted(load.failures, acquireTimeoutMs - 50);
    // Recovery: nothing borrowed or waiting, and a full pool's worth of queries succeeds at once.
    expect(adapter.poolStats()).toMatchObject({ active: 0, waiting: 0 });
    const again = await Promise.all(
      Array.from({ length: max }, () => adapter.executeReadOnly(q('SELECT 1'), limits)),
    );
    expect(again.every((r) => r.isOk())).toBe(true);
    expect(await sessions()).toBeLessThanOrEqual(max);
  }, 30_000);

  it('closes overflow connections after they sit idle, keeping the pool size', async () => {
    const { adapter, sessions } = make({ pool: { size: 1, maxOverflow: 2 }, overflowIdleMs: 200 });
    await Promise.all(
      Array.from({ length: 3 }, () => adapter.executeReadOnly(q('SELECT pg_sleep(0.2)'), limits)),
    );
    expect(await sessions()).toBe(3);
    await waitFor(async () => (await sessions()) === 1, 3_000);
    expect(adapter.poolStats()).toMatchObject({ idle: 1, active: 0 });
  });

  it('recycles a connection older than recycleMs', async () => {
    const { adapter } = make({ pool: { size: 1, maxOverflow: 0, recycleMs: 300 } });
    const first = await pid(adapter);
    expect(await pid(adapter)).toBe(first);
    await new Promise((r) => setTimeout(r, 600));
    expect(await pid(adapter)).not.toBe(first);
  });

  it('pre-ping: a backend the server killed never reaches a query', async () => {
    const { adapter } = make({ pool: { size: 1, maxOverflow: 0, prePing: true }, prePingIdleMs: 0 });
    for (let round = 0; round < 3; round++) {
      const victim = await pid(adapter);
      await new Promise((r) => setTimeout(r, 50)); // let the reset finish: the connection is idle in the pool
      await db.admin.query('SELECT pg_terminate_backend($1)', [victim]);
      const result = await adapter.executeReadOnly(q('SELECT pg_backend_pid()'), limits);
      expect(result.isOk(), JSON.stringify(result.isErr() && result.error.kind)).toBe(true);
      expect(result._unsafeUnwrap().rows[0]![0]).not.toBe(victim);
    }
  });

  it('waits for a connection and gets one as soon as another query finishes', async () => {
    const { adapter } = make({ pool: { size: 1, maxOverflow: 0, acquireTimeoutMs: 5_000 } });
    const started = performance.now();
    const [a, b] = await Promise.all([
      adapter.executeReadOnly(q('SELECT pg_sleep(0.3)'), limits),
      adapter.executeReadOnly(q('SELECT 1'), limits),
    ]);
    expect(a.isOk() && b.isOk()).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('a caller waiting for a connection can cancel the wait', async () => {
    const { adapter } = make({ pool: { size: 1, maxOverflow: 0, acquireTimeoutMs: 10_000 } });
    const busy = adapter.executeReadOnly(q('SELECT pg_sleep(0.5)'), limits);
    const controller = new AbortController();
    const waiting = adapter.executeReadOnly(q('SELECT 1'), limits, controller.signal);
    await new Promise((r) => setTimeout(r, 50));
    expect(adapter.poolStats().waiting).toBe(1);
    controller.abort();
    expect((await waiting)._unsafeUnwrapErr().kind).toBe('Cancelled');
    expect((await busy).isOk()).toBe(true);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Runs `count` copies of `sql` at once, sampling the server's sessions (pg_stat_activity, through
 * `sessions`) and the pool's gauges every 20 ms until all have answered.
 */
async function underLoad(adapter: DatabasePort, sessions: () => Promise<number>, count: number, sql: string) {
  let peakSessions = 0;
  let peakActive = 0;
  let peakWaiting = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakSessions = Math.max(peakSessions, await sessions());
      const stats = adapter.poolStats();
      peakActive = Math.max(peakActive, stats.active);
      peakWaiting = Math.max(peakWaiting, stats.waiting);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const results = await Promise.all(
    Array.from({ length: count }, () => adapter.executeReadOnly(q(sql), limits)),
  );
  sampling = false;
  await sampler;
  const ok = results.filter((r) => r.isOk()).length;
  const failures = results.filter((r) => r.isErr()).map((r) => r._unsafeUnwrapErr());
  return { peakSessions, peakActive, peakWaiting, ok, failures };
}

/** Every failure is PoolExhausted after waiting at least `minWaitedMs`. */
function expectPoolExhausted(failures: readonly DatabaseFailure[], minWaitedMs: number): void {
  for (const failure of failures) {
    expect(failure.kind).toBe('PoolExhausted');
    expect((failure as Extract<DatabaseFailure, { kind: 'PoolExhausted' }>).waitedMs).toBeGreaterThanOrEqual(
      minWaitedMs,
    );
  }
}
