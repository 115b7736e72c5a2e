import type { DatabaseFailure, QueryLimits } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqliteAdapter } from '../src/index.js';
import { childPids, createFixture, eventually, type Fixture } from './sqlite-fixture.js';

/**
 * The runner pool counted where it matters, in the operating system: a runner killed by a timeout keeps
 * its slot until its process has exited, so churn never runs more processes than size + overflow.
 */

const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'sqlite');
const limits: QueryLimits = { maxRows: 10, maxBytes: 100_000, timeoutMs: 150 };

let fixture: Fixture;
beforeAll(() => {
  fixture = createFixture();
});
afterAll(() => fixture.remove());

it('40 concurrent runaway queries on size 2 + overflow 1: never more than 3 runner processes, each query ends in Timeout or PoolExhausted, then recovery and a clean close', async () => {
  const before = new Set(childPids());
  const runners = () => childPids().filter((pid) => !before.has(pid)).length;
  const db = createSqliteAdapter({
    url: fixture.path,
    pool: { size: 2, maxOverflow: 1, acquireTimeoutMs: 1_000, recycleMs: 0 },
  });
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, runners());
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const results = await Promise.all(Array.from({ length: 40 }, () => db.executeReadOnly(q(RUNAWAY), limits)));
  sampling = false;
  await sampler;

  const kinds = results.map((r) => (r.isErr() ? r.error.kind : 'ok'));
  expect(new Set(kinds)).toEqual(new Set(['Timeout', 'PoolExhausted']));
  for (const r of results) {
    const failure = r._unsafeUnwrapErr() as DatabaseFailure;
    if (failure.kind === 'PoolExhausted') expect(failure.waitedMs).toBeGreaterThanOrEqual(950);
  }
  expect(peak).toBeGreaterThanOrEqual(2);
  expect(peak).toBeLessThanOrEqual(3);
  // Killed runners hold their slots until their processes have exited: active drains shortly after.
  expect(db.poolStats()).toMatchObject({ max: 3, waiting: 0 });
  await eventually(() => db.poolStats().active === 0);

  expect((await db.executeReadOnly(q('SELECT 1'), limits))._unsafeUnwrap().rows).toEqual([[1]]);
  await db.close();
  await eventually(() => runners() === 0);
  expect(db.poolStats()).toMatchObject({ size: 0 });
}, 30_000);
