import { dbFailure } from '../errors.js';
import type { PoolStats } from '../model.js';
import type { PoolOptions } from '../ports.js';
import { createWaitQueue } from './wait-queue.js';

/**
 * A pool of opaque sessions with core's PoolOptions semantics, for adapters whose driver has no pool
 * with them (mysql2's has no acquire timeout, lifetime or pre-ping; SQLite runners are processes):
 * - at most `size + maxOverflow` sessions exist, counting those still opening and those closing;
 * - a request waits up to `acquireTimeoutMs`, then fails with PoolExhausted (`waitedMs`);
 * - a session older than `recycleMs` is closed instead of reused;
 * - with `prePing`, a session idle longer than `prePingIdleMs` is pinged first and replaced on failure;
 * - sessions beyond `size` are closed after `overflowIdleMs` idle;
 * - a session reported lost (socket closed, process exited) frees its slot and wakes a waiter.
 * The pool does no I/O: sessions come from the callbacks. Failures are thrown (rejected promises):
 * the pool's own as DatabaseFailure values, `open`'s as `open` threw them, so the adapter converts
 * every error once, where it converts driver errors.
 */

/** Why the pool closes a session; lets an adapter close gracefully or cut, and log. */
export type SessionCloseReason =
  | 'recycle'
  | 'ping failed'
  | 'retired by caller'
  | 'dead'
  | 'overflow idle'
  | 'pool closed'
  | 'pool closed while idle';

/** The names failure messages use, e.g. `{ adapter: 'MySQL', session: 'MySQL connection' }`. */
export interface SessionPoolNames {
  readonly adapter: string;
  readonly session: string;
}

/** What the pool needs: the settings and how to open, check and close one session. */
export interface SessionPoolOptions<S extends object> {
  readonly pool: PoolOptions;
  readonly overflowIdleMs: number;
  readonly prePingIdleMs: number;
  /** How long a pre-ping may take before the session counts as dead. Default 2,000 ms. */
  readonly pingTimeoutMs?: number | undefined;
  readonly names: SessionPoolNames;
  /**
   * Opens a session; it must call `lost` when the session dies on its own (the pool then frees its
   * slot). Rejections pass through `acquire` unchanged.
   */
  open(lost: (session: S) => void): Promise<S>;
  /** True when the session answered within `timeoutMs`; a rejection counts as false. */
  ping(session: S, timeoutMs: number): Promise<boolean>;
  /** Closes a session for good; the slot stays taken until the promise settles (or `lost`). */
  close(session: S, reason: SessionCloseReason): Promise<void>;
  /** When the session was opened (ms since the epoch), for `recycleMs`. */
  createdAt(session: S): number;
  /** False once the session is known dead. Default: always alive until `lost`. */
  alive?(session: S): boolean;
  /** Called when a session is handed to a caller (new or from idle, before a pre-ping). */
  onCheckout?(session: S): void;
  /** Called when a session goes back to idle. */
  onIdle?(session: S): void;
}

/** Borrowing and returning sessions. */
export interface SessionPool<S extends object> {
  /**
   * A session for exclusive use until `release`.
   * @throws PoolExhausted when none frees up within `acquireTimeoutMs`, Cancelled when `signal` aborts
   * (before or while waiting), ConnectionFailed after close, or what `open` threw.
   */
  acquire(signal?: AbortSignal): Promise<S>;
  /** Returns a session; `retire` closes it instead (its state is unknown after an error or cancel). */
  release(session: S, retire?: boolean): void;
  /** Gauges: `size` counts sessions opening and closing too, `max` is size + overflow. */
  stats(): PoolStats;
  /**
   * Fails every waiter with ConnectionFailed, waits for sessions still opening, then closes every
   * session (idle ones with reason `pool closed while idle`). Idempotent.
   */
  close(): Promise<void>;
}

const DEFAULT_PING_TIMEOUT_MS = 2_000;

/** A new, empty pool: nothing opens until the first `acquire`. */
export function createSessionPool<S extends object>(options: SessionPoolOptions<S>): SessionPool<S> {
  const { pool, names } = options;
  const max = pool.size + pool.maxOverflow;
  const pingTimeoutMs = options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
  const alive = (session: S) => options.alive?.(session) ?? true;
  // Every session holding a slot, closing ones included, with when it was last returned.
  const sessions = new Map<S, { lastUsed: number }>();
  const closing = new Map<S, Promise<void>>();
  const idle: S[] = [];
  const idleTimers = new Map<S, ReturnType<typeof setTimeout>>();
  const opening = new Set<Promise<S>>();
  const lostWhileOpening = new WeakSet<S>();
  const queue = createWaitQueue<S>();
  let closed = false;
  let shutdown: Promise<void> | undefined;

  const total = () => sessions.size + opening.size;
  const live = () => sessions.size - closing.size;

  const closedFailure = () =>
    dbFailure('ConnectionFailed', {
      message: `${names.adapter} adapter is closed`,
      publicDetail: 'The database connection was closed.',
    });
  const cancelled = () =>
    dbFailure('Cancelled', { message: `cancelled while waiting for a ${names.session}` });

  const takeFromIdle = (session: S) => {
    const i = idle.indexOf(session);
    if (i >= 0) idle.splice(i, 1);
    const timer = idleTimers.get(session);
    if (timer) clearTimeout(timer);
    idleTimers.delete(session);
  };

  const freeSlot = (session: S) => {
    takeFromIdle(session);
    closing.delete(session);
    if (!sessions.delete(session)) {
      // Perhaps lost before `open` resolved: `openNew` must not adopt it (a WeakSet: nothing leaks).
      lostWhileOpening.add(session);
      return;
    }
    // The freed slot goes to the next waiter as a new session.
    if (!closed && total() < max) {
      const waiter = queue.next();
      if (waiter) void openFor(waiter);
    }
  };

  const retire = (session: S, reason: SessionCloseReason): Promise<void> => {
    const pending = closing.get(session);
    if (pending) return pending;
    takeFromIdle(session);
    // Called synchronously, so a socket is cut before the caller's next step. A close that throws is
    // still a closed session: the slot must come back either way.
    let closed: Promise<void>;
    try {
      closed = Promise.resolve(options.close(session, reason));
    } catch {
      closed = Promise.resolve();
    }
    const done = closed.catch(() => undefined).then(() => freeSlot(session));
    closing.set(session, done);
    return done;
  };

  const expired = (session: S) =>
    pool.recycleMs > 0 && Date.now() - options.createdAt(session) >= pool.recycleMs;

  const openNew = async (): Promise<S> => {
    // Counted synchronously, before the first await, so concurrent callers never exceed `max`.
    const pending = options.open(freeSlot);
    opening.add(pending);
    let session: S;
    try {
      session = await pending;
    } finally {
      opening.delete(pending);
    }
    if (closed) {
      sessions.set(session, { lastUsed: Date.now() });
      void retire(session, 'pool closed');
      throw closedFailure();
    }
    if (lostWhileOpening.has(session) || !alive(session))
      throw dbFailure('ConnectionFailed', { message: `${names.session} closed while opening` });
    sessions.set(session, { lastUsed: Date.now() });
    options.onCheckout?.(session);
    return session;
  };

  const openFor = async (waiter: { settle(s: S): boolean; fail(f: unknown): boolean }) => {
    try {
      const session = await openNew();
      if (!waiter.settle(session)) release(session, false);
    } catch (failure) {
      waiter.fail(failure);
    }
  };

  const acquire = async (signal?: AbortSignal): Promise<S> => {
    for (;;) {
      if (closed) throw closedFailure();
      if (signal?.aborted) throw cancelled();
      const session = idle.pop();
      if (session === undefined) break;
      takeFromIdle(session);
      if (!alive(session)) {
        void retire(session, 'dead');
        continue;
      }
      if (expired(session)) {
        void retire(session, 'recycle');
        continue;
      }
      options.onCheckout?.(session);
      const idleFor = Date.now() - (sessions.get(session)?.lastUsed ?? 0);
      if (pool.prePing && idleFor > options.prePingIdleMs) {
        const answered = await options.ping(session, pingTimeoutMs).catch(() => false);
        if (!answered || closed) {
          void retire(session, closed ? 'pool closed' : 'ping failed');
          continue;
        }
      }
      return session;
    }
    if (total() < max) return openNew();
    return queue.wait({
      signal,
      timeoutMs: pool.acquireTimeoutMs,
      onTimeout: (waitedMs) =>
        dbFailure('PoolExhausted', {
          waitedMs,
          message: `no ${names.session} free after ${waitedMs} ms (max ${max})`,
        }),
      onAbort: cancelled,
    });
  };

  const release = (session: S, retireIt = false) => {
    const state = sessions.get(session);
    // Lost (its slot is already free) or already closing.
    if (!state || closing.has(session)) return;
    if (closed || retireIt || !alive(session) || expired(session)) {
      void retire(
        session,
        closed ? 'pool closed' : retireIt ? 'retired by caller' : !alive(session) ? 'dead' : 'recycle',
      );
      return;
    }
    state.lastUsed = Date.now();
    for (let waiter = queue.next(); waiter; waiter = queue.next()) {
      if (waiter.settle(session)) return;
    }
    options.onIdle?.(session);
    idle.push(session);
    if (live() > pool.size) {
      const timer = setTimeout(() => {
        idleTimers.delete(session);
        if (idle.includes(session) && live() > pool.size) void retire(session, 'overflow idle');
      }, options.overflowIdleMs);
      // An idle-retirement timer must not keep a CLI alive.
      (timer as { unref?: () => void }).unref?.();
      idleTimers.set(session, timer);
    }
  };

  return {
    acquire,
    release,
    stats() {
      const size = total();
      return { size, max, active: size - idle.length, idle: idle.length, waiting: queue.length };
    },
    close() {
      if (shutdown) return shutdown;
      closed = true;
      queue.failAll(closedFailure());
      const wasIdle = new Set(idle);
      for (const session of wasIdle) takeFromIdle(session);
      shutdown = (async () => {
        // Sessions still opening are closed by `openNew` once they are up.
        await Promise.allSettled([...opening]);
        await Promise.all(
          [...sessions.keys()].map((s) =>
            retire(s, wasIdle.has(s) ? 'pool closed while idle' : 'pool closed'),
          ),
        );
      })();
      return shutdown;
    },
  };
}
