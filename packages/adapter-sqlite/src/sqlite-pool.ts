import { type DatabaseFailure, dbFailure, type PoolOptions, type PoolStats } from '@legacybridge/core';
import { err, ok, type Result } from 'neverthrow';
import type { SqliteSession } from './sqlite-session.js';

/**
 * A pool of runner sessions with core's PoolOptions semantics: up to `size + maxOverflow` sessions,
 * opened lazily; a request waits up to `acquireTimeoutMs`; sessions older than `recycleMs` are retired
 * when released; sessions beyond `size` are retired after `overflowIdleMs` idle.
 *
 * Pre-ping: a runner that dies is noticed at once (its `exit` event removes it), so a dead runner is
 * never handed out. What a ping adds is proof that a long-idle runner still answers on its channel;
 * with `prePing`, a runner idle longer than `prePingIdleMs` is pinged first and replaced on failure.
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

type Waiter = {
  /** False when the waiter already gave up (timeout, abort): the caller must keep the session. */
  readonly settle: (result: Result<SqliteSession, DatabaseFailure>) => boolean;
};

const PING_TIMEOUT_MS = 2_000;

/** A new, empty pool: nothing starts until the first `use`. */
export function createRunnerPool(options: RunnerPoolOptions): RunnerPool {
  const { pool } = options;
  const max = pool.size + pool.maxOverflow;
  const sessions = new Set<SqliteSession>();
  const idle: SqliteSession[] = [];
  const idleTimers = new Map<SqliteSession, NodeJS.Timeout>();
  const waiters: Waiter[] = [];
  const starting = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  const total = () => sessions.size + starting.size;

  const onExit = (session: SqliteSession) => {
    sessions.delete(session);
    takeFromIdle(session);
    // A crashed runner frees a slot: someone waiting may start a new one.
    if (!closing && waiters.length > 0 && total() < max) void startFor(waiters.shift()!);
  };

  const takeFromIdle = (session: SqliteSession) => {
    const i = idle.indexOf(session);
    if (i >= 0) idle.splice(i, 1);
    const timer = idleTimers.get(session);
    if (timer) clearTimeout(timer);
    idleTimers.delete(session);
  };

  const start = (): Promise<Result<SqliteSession, DatabaseFailure>> => {
    const opening = options.open(onExit).then((result) => {
      starting.delete(opening);
      if (result.isOk()) {
        sessions.add(result.value);
        if (closing) {
          void result.value.kill();
          return err(closedFailure());
        }
        result.value.setBusy(true);
      }
      return result;
    });
    starting.add(opening);
    return opening;
  };

  const startFor = async (waiter: Waiter) => {
    const result = await start();
    if (!waiter.settle(result) && result.isOk()) release(result.value, false);
  };

  const expired = (session: SqliteSession) =>
    pool.recycleMs > 0 && Date.now() - session.createdAt >= pool.recycleMs;

  const acquire = async (signal?: AbortSignal): Promise<Result<SqliteSession, DatabaseFailure>> => {
    for (;;) {
      if (closing) return err(closedFailure());
      if (signal?.aborted) return err(cancelledWhileWaiting());
      const session = idle.pop();
      if (!session) break;
      takeFromIdle(session);
      if (!session.alive) continue;
      if (expired(session)) {
        void session.kill();
        continue;
      }
      session.setBusy(true);
      if (pool.prePing && Date.now() - session.lastUsedAt > options.prePingIdleMs) {
        const pong = await session.request({ t: 'ping' }, { timeoutMs: PING_TIMEOUT_MS });
        if (pong.isErr() || closing) {
          void session.kill();
          continue;
        }
      }
      return ok(session);
    }
    if (total() < max) return start();
    return wait(signal);
  };

  const wait = (signal?: AbortSignal): Promise<Result<SqliteSession, DatabaseFailure>> =>
    new Promise((resolve) => {
      const since = Date.now();
      let settled = false;
      const waiter: Waiter = {
        settle: (result) => {
          if (settled) return false;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(result);
          return true;
        },
      };
      const leave = (failure: DatabaseFailure) => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
        waiter.settle(err(failure));
      };
      const onAbort = () => leave(cancelledWhileWaiting());
      const timer = setTimeout(() => {
        const waitedMs = Date.now() - since;
        leave(
          dbFailure('PoolExhausted', {
            waitedMs,
            message: `no SQLite runner free after ${waitedMs} ms (max ${max})`,
          }),
        );
      }, pool.acquireTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.push(waiter);
    });

  const release = (session: SqliteSession, retire: boolean) => {
    if (!session.alive) return; // onExit already freed its slot
    if (closing || retire || expired(session)) {
      // Killing frees the slot in onExit, which then starts a runner for the next waiter.
      void session.kill();
      return;
    }
    for (let waiter = waiters.shift(); waiter; waiter = waiters.shift()) {
      if (waiter.settle(ok(session))) return;
    }
    session.setBusy(false);
    idle.push(session);
    if (sessions.size > pool.size) {
      const timer = setTimeout(() => {
        idleTimers.delete(session);
        if (idle.includes(session) && sessions.size > pool.size) {
          takeFromIdle(session);
          void session.kill();
        }
      }, options.overflowIdleMs);
      // An idle-retirement timer must not keep a CLI alive.
      timer.unref();
      idleTimers.set(session, timer);
    }
  };

  return {
    async use(work, useOptions = {}) {
      const acquired = await acquire(useOptions.signal);
      if (acquired.isErr()) return err(acquired.error);
      const session = acquired.value;
      try {
        return await work(session);
      } finally {
        release(session, useOptions.retire === true);
      }
    },
    stats() {
      const size = total();
      return { size, max, active: size - idle.length, idle: idle.length, waiting: waiters.length };
    },
    close() {
      if (closing) return closing;
      for (const waiter of waiters.splice(0)) waiter.settle(err(closedFailure()));
      for (const session of [...idle]) takeFromIdle(session);
      closing = (async () => {
        // Runners still starting are killed by `start` once they are up.
        await Promise.allSettled([...starting]);
        await Promise.all([...sessions].map((s) => s.kill()));
      })();
      return closing;
    },
  };
}

function closedFailure(): DatabaseFailure {
  return dbFailure('ConnectionFailed', {
    message: 'SQLite adapter is closed',
    publicDetail: 'The database connection was closed.',
  });
}

function cancelledWhileWaiting(): DatabaseFailure {
  return dbFailure('Cancelled', { message: 'cancelled while waiting for a SQLite runner' });
}
