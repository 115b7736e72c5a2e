import {
  createSessionPool,
  type DatabaseFailure,
  isDatabaseFailure,
  type PoolOptions,
  type PoolStats,
} from '@legacybridge/core';
import { err, type Result } from 'neverthrow';
import type { SqliteSession } from './sqlite-session.js';

/**
 * Runner sessions in core's session pool (PoolOptions semantics: size + overflow, bounded wait,
 * recycle, pre-ping, overflow retirement), with Results instead of rejections.
 *
 * Pre-ping: a runner that dies is noticed at once (its `exit` event reports it lost), so a dead runner
 * is never handed out. What a ping adds is proof that a long-idle runner still answers on its channel.
 * A retired runner keeps its slot until its process has exited, so the pool never runs more processes
 * than its maximum.
 */

/** What the pool needs besides PoolOptions. */
export interface RunnerPoolOptions {
  readonly pool: PoolOptions;
  readonly overflowIdleMs: number;
  readonly prePingIdleMs: number;
  /** Opens a new session; the pool passes the callback the session must call when its process exits. */
  readonly open: (
    onExit: (session: SqliteSession) => void,
  ) => Promise<Result<SqliteSession, DatabaseFailure>>;
}

/** Borrowing and returning sessions. */
export interface RunnerPool {
  /**
   * Runs `work` on a borrowed session and returns it to the pool (or retires it when `retire` is set
   * or the session died).
   * @returns err(PoolExhausted) when no session frees up within `acquireTimeoutMs`, err(Cancelled) when
   * `signal` aborts while waiting, err(ConnectionFailed) after close or when a runner cannot start.
   */
  use<T>(
    work: (session: SqliteSession) => Promise<Result<T, DatabaseFailure>>,
    options?: { readonly signal?: AbortSignal | undefined; readonly retire?: boolean | undefined },
  ): Promise<Result<T, DatabaseFailure>>;
  stats(): PoolStats;
  /** Kills every runner and fails every waiter; resolves when all processes have exited. Idempotent. */
  close(): Promise<void>;
}

/** A new, empty pool: nothing starts until the first `use`. */
export function createRunnerPool(options: RunnerPoolOptions): RunnerPool {
  const sessions = createSessionPool<SqliteSession>({
    pool: options.pool,
    overflowIdleMs: options.overflowIdleMs,
    prePingIdleMs: options.prePingIdleMs,
    names: { adapter: 'SQLite', session: 'SQLite runner' },
    open: async (lost) => {
      const opened = await options.open(lost);
      if (opened.isErr()) throw opened.error;
      return opened.value;
    },
    ping: async (session, timeoutMs) => (await session.request({ t: 'ping' }, { timeoutMs })).isOk(),
    close: (session) => session.kill(),
    createdAt: (session) => session.createdAt,
    alive: (session) => session.alive,
    // A busy runner keeps the event loop alive; an idle one lets a CLI exit.
    onCheckout: (session) => session.setBusy(true),
    onIdle: (session) => session.setBusy(false),
  });

  return {
    async use(work, useOptions = {}) {
      let session: SqliteSession;
      try {
        session = await sessions.acquire(useOptions.signal);
      } catch (failure) {
        if (isDatabaseFailure(failure)) return err(failure);
        throw failure;
      }
      try {
        return await work(session);
      } finally {
        sessions.release(session, useOptions.retire === true);
      }
    },
    stats: () => sessions.stats(),
    close: () => sessions.close(),
  };
}
