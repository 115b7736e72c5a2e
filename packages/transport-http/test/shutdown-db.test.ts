import { getEventListeners } from 'node:events';
import type { DatabasePort, QueryResult } from '@legacybridge/core';
import { ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { cancelOnShutdown, markFollowsShutdown } from '../src/shutdown-db.js';

/** A port whose queries wait until released, and which records the signal each was given. */
function fakeDb() {
  const seen: AbortSignal[] = [];
  const pending: (() => void)[] = [];
  const answer: QueryResult = {
    columns: [],
    rows: [],
    rowCount: 0,
    truncated: false,
  } as unknown as QueryResult;
  const run = (signal: AbortSignal | undefined) => {
    if (signal) seen.push(signal);
    return ResultAsync.fromSafePromise(
      new Promise<QueryResult>((resolve) => pending.push(() => resolve(answer))),
    );
  };
  const db = {
    dialect: 'postgres',
    capabilities: { supportsExplain: true, supportsSchemas: true },
    executeReadOnly: (_q: unknown, _l: unknown, signal?: AbortSignal) => run(signal),
    explain: (_q: unknown, _l: unknown, signal?: AbortSignal) => run(signal),
    poolStats() {
      return { size: this === db ? 1 : -1, max: 0, active: 0, idle: 0, waiting: 0 };
    },
  } as unknown as DatabasePort;
  const release = () => {
    for (const resolve of pending.splice(0)) resolve();
  };
  return { db, seen, release };
}

const query = { sql: 'SELECT 1' } as never;
const limits = {} as never;
const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('cancelOnShutdown', () => {
  it('a query is cancelled by its caller or by shutdown, and leaves no listener once settled', async () => {
    for (const who of ['caller', 'shutdown'] as const) {
      const shutdown = new AbortController();
      const { db, seen, release } = fakeDb();
      const wrapped = cancelOnShutdown(db, shutdown.signal);
      const caller = new AbortController();
      const running = wrapped.executeReadOnly(query, limits, caller.signal);
      const given = seen[0]!;
      expect(given.aborted).toBe(false);
      expect(listeners(shutdown.signal)).toBe(1);
      (who === 'caller' ? caller : shutdown).abort(new Error(who));
      expect(given.aborted).toBe(true);
      expect((given.reason as Error).message).toBe(who);
      release();
      await running;
      await new Promise((r) => setImmediate(r));
      expect(listeners(shutdown.signal)).toBe(0);
      expect(listeners(caller.signal)).toBe(0);
    }
  });

  it('many settled queries leave nothing on the long-lived shutdown signal', async () => {
    const shutdown = new AbortController();
    const { db, release } = fakeDb();
    const wrapped = cancelOnShutdown(db, shutdown.signal);
    const runs = Array.from({ length: 100 }, () =>
      wrapped.explain(query, limits, new AbortController().signal),
    );
    expect(listeners(shutdown.signal)).toBe(100);
    release();
    await Promise.all(runs);
    await new Promise((r) => setImmediate(r));
    expect(listeners(shutdown.signal)).toBe(0);
  });

  it('passes the shutdown signal alone without a caller signal, and a signal that already follows shutdown as is', () => {
    const shutdown = new AbortController();
    const { db, seen } = fakeDb();
    const wrapped = cancelOnShutdown(db, shutdown.signal);
    void wrapped.executeReadOnly(query, limits);
    expect(seen[0]).toBe(shutdown.signal);
    const follower = markFollowsShutdown(new AbortController().signal);
    void wrapped.executeReadOnly(query, limits, follower);
    expect(seen[1]).toBe(follower);
    expect(listeners(shutdown.signal)).toBe(0);
    // An already-aborted signal is handed on, aborted.
    const gone = new AbortController();
    gone.abort();
    void wrapped.executeReadOnly(query, limits, gone.signal);
    expect(seen[2]!.aborted).toBe(true);
  });

  it('every other member passes through, methods bound to the adapter', () => {
    const { db } = fakeDb();
    const wrapped = cancelOnShutdown(db, new AbortController().signal);
    expect(wrapped.dialect).toBe('postgres');
    const { poolStats } = wrapped;
    expect(poolStats().size).toBe(1);
    expect(wrapped.poolStats).toBe(poolStats);
  });
});
