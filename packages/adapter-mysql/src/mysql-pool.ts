import { dbFailure, type LoggerPort, type PoolOptions, type PoolStats } from '@legacybridge/core';
import type { MysqlSession } from './mysql-session.js';

/**
 * A pool of read-only sessions with core's PoolOptions semantics, written here rather than taken
 * from mysql2's `createPool`, which has no acquire timeout, no maximum lifetime, no pre-ping and no
 * public gauges:
 * - at most `size + maxOverflow` connections exist, counting those still connecting;
 * - a request waits up to `acquireTimeoutMs` for one, then fails with PoolExhausted (`waitedMs`);
 * - a connection older than `recycleMs` is closed instead of reused;
 * - with `prePing`, a connection idle longer than `prePingIdleMs` is pinged before use and replaced
 *   when the ping fails; one the server closed is dropped at once through its socket's close event;
 * - connections beyond `size` are closed after `overflowIdleMs` idle.
 * Failures are thrown (the adapter converts them once per port method).
 */

/** What the pool needs besides PoolOptions. */
export interface MysqlPoolOptions {
  readonly pool: PoolOptions;
  readonly overflowIdleMs: number;
  readonly prePingIdleMs: number;
  readonly logger: LoggerPort;
  /** Opens and prepares a new session; `onClose` must be called when its socket closes. */
  readonly open: (onClose: (session: MysqlSession) => void) => Promise<MysqlSession>;
}

/** Borrowing and returning sessions. */
export interface MysqlPool {
  /**
   * A session for exclusive use until `release`.
   * Throws PoolExhausted when none frees up within `acquireTimeoutMs`, Cancelled when `signal` aborts
   * while waiting, ConnectionFailed after close, or the driver's error when a connection cannot open.
   */
  acquire(signal?: AbortSignal): Promise<MysqlSession>;
  /** Returns a session; `retire` closes it instead (state unknown after an error, cancel or early stop). */
  release(session: MysqlSession, retire: boolean): void;
  stats(): PoolStats;
  /** Closes every connection and fails every waiter. Idempotent. */
  close(): Promise<void>;
}

type Waiter = {
  /** False when the waiter already gave up (timeout, abort): the caller must keep the session. */
  readonly settle: (session: MysqlSession | undefined, failure?: unknown) => boolean;
};

const PING_TIMEOUT_MS = 2_000;

/** A new, empty pool: nothing connects until the first `acquire`. */
export function createMysqlPool(options: MysqlPoolOptions): MysqlPool {
  const { pool, logger } = options;
  const max = pool.size + pool.maxOverflow;
  const sessions = new Set<MysqlSession>();
  const idle: MysqlSession[] = [];
  const idleTimers = new Map<MysqlSession, NodeJS.Timeout>();
  const waiters: Waiter[] = [];
  let opening = 0;
  let closed = false;
  let closing: Promise<void> | undefined;

  const total = () => sessions.size + opening;

  const onClose = (session: MysqlSession) => {
    if (!sessions.delete(session)) return;
    takeFromIdle(session);
    // A lost connection frees a slot: someone waiting may open a new one.
    if (!closed && waiters.length > 0 && total() < max) void openFor(waiters.shift()!);
  };

  const takeFromIdle = (session: MysqlSession) => {
    const i = idle.indexOf(session);
    if (i >= 0) idle.splice(i, 1);
    const timer = idleTimers.get(session);
    if (timer) clearTimeout(timer);
    idleTimers.delete(session);
  };

  const open = async (): Promise<MysqlSession> => {
    opening++;
    let session: MysqlSession;
    try {
      session = await options.open(onClose);
    } finally {
      opening--;
    }
    if (closed) {
      session.destroy();
      throw closedFailure();
    }
    if (!session.alive) throw dbFailure('ConnectionFailed', { message: 'connection closed while opening' });
    sessions.add(session);
    return session;
  };

  const openFor = async (waiter: Waiter) => {
    try {
      const session = await open();
      if (!waiter.settle(session)) release(session, false);
    } catch (failure) {
      waiter.settle(undefined, failure);
    }
  };

  const expired = (session: MysqlSession) =>
    pool.recycleMs > 0 && Date.now() - session.createdAt >= pool.recycleMs;

  const retire = (session: MysqlSession, why: string) => {
    logger.debug('mysql connection retired', { why, threadId: session.threadId });
    sessions.delete(session);
    takeFromIdle(session);
    session.destroy();
  };

  const acquire = async (signal?: AbortSignal): Promise<MysqlSession> => {
    for (;;) {
      if (closed) throw closedFailure();
      if (signal?.aborted) throw cancelledWhileWaiting();
      const session = idle.pop();
      if (!session) break;
      takeFromIdle(session);
      if (!session.alive) {
        sessions.delete(session);
        continue;
      }
      if (expired(session)) {
        retire(session, 'recycle');
        continue;
      }
      if (pool.prePing && Date.now() - session.lastUsedAt > options.prePingIdleMs) {
        try {
          await session.ping(PING_TIMEOUT_MS);
        } catch {
          retire(session, 'pre-ping failed');
          continue;
        }
        if (closed) {
          retire(session, 'pool closed');
          throw closedFailure();
        }
      }
      return session;
    }
    if (total() < max) return open();
    return wait(signal);
  };

  const wait = (signal?: AbortSignal): Promise<MysqlSession> =>
    new Promise((resolve, reject) => {
      const since = Date.now();
      let settled = false;
      const waiter: Waiter = {
        settle: (session, failure) => {
          if (settled) return false;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (session) resolve(session);
          else reject(failure);
          return true;
        },
      };
      const leave = (failure: unknown) => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
        waiter.settle(undefined, failure);
      };
      const onAbort = () => leave(cancelledWhileWaiting());
      const timer = setTimeout(() => {
        const waitedMs = Date.now() - since;
        leave(
          dbFailure('PoolExhausted', {
            waitedMs,
            message: `no MySQL connection free after ${waitedMs} ms (max ${max})`,
          }),
        );
      }, pool.acquireTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.push(waiter);
    });

  const release = (session: MysqlSession, retireIt: boolean) => {
    if (!sessions.has(session)) return; // onClose already freed its slot
    if (closed || retireIt || !session.alive || expired(session)) {
      retire(session, closed ? 'pool closed' : retireIt ? 'state unknown' : 'recycle');
      // The freed slot goes to the next waiter as a new connection.
      if (!closed && waiters.length > 0 && total() < max) void openFor(waiters.shift()!);
      return;
    }
    session.lastUsedAt = Date.now();
    for (let waiter = waiters.shift(); waiter; waiter = waiters.shift()) {
      if (waiter.settle(session)) return;
    }
    idle.push(session);
    if (sessions.size > pool.size) {
      const timer = setTimeout(() => {
        idleTimers.delete(session);
        if (idle.includes(session) && sessions.size > pool.size) retire(session, 'overflow idle');
      }, options.overflowIdleMs);
      // An idle-retirement timer must not keep a CLI alive.
      timer.unref();
      idleTimers.set(session, timer);
    }
  };

  return {
    acquire,
    release,
    stats() {
      const size = total();
      return { size, max, active: size - idle.length, idle: idle.length, waiting: waiters.length };
    },
    close() {
      if (closing) return closing;
      closed = true;
      for (const waiter of waiters.splice(0)) waiter.settle(undefined, closedFailure());
      const wasIdle = new Set(idle);
      for (const session of wasIdle) takeFromIdle(session);
      // Idle connections say goodbye (COM_QUIT); busy ones are cut, which settles their statements.
      closing = Promise.all(
        [...sessions].map((s) => (wasIdle.has(s) ? s.end() : Promise.resolve(s.destroy()))),
      ).then(() => {
        sessions.clear();
      });
      return closing;
    },
  };
}

function closedFailure() {
  return dbFailure('ConnectionFailed', {
    message: 'MySQL adapter is closed',
    publicDetail: 'The database connection was closed.',
  });
}

function cancelledWhileWaiting() {
  return dbFailure('Cancelled', { message: 'cancelled while waiting for a MySQL connection' });
}
