import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DatabaseFailure } from '../src/errors.js';
import {
  createSessionPool,
  createWaitQueue,
  poolOptionsSchema,
  resolvePoolOptions,
  type SessionCloseReason,
  type SessionPoolOptions,
} from '../src/pool/index.js';
import type { PoolOptions } from '../src/ports.js';

/** A fake session: what a socket or a runner process looks like to the pool. */
interface FakeSession {
  readonly id: number;
  readonly createdAt: number;
  alive: boolean;
  pingOk: boolean;
  closedWith?: SessionCloseReason;
  lose(): void;
}

const POOL: PoolOptions = { size: 2, maxOverflow: 1, acquireTimeoutMs: 1_000, recycleMs: 0, prePing: false };

function harness(
  pool: Partial<PoolOptions> = {},
  extra: Partial<SessionPoolOptions<FakeSession>> & { openDelayMs?: number; closeDelayMs?: number } = {},
) {
  let nextId = 1;
  const opened: FakeSession[] = [];
  const events: string[] = [];
  let openFailure: unknown;
  const pings: number[] = [];
  const options: SessionPoolOptions<FakeSession> = {
    pool: { ...POOL, ...pool },
    overflowIdleMs: 5_000,
    prePingIdleMs: 1_000,
    names: { adapter: 'Fake', session: 'fake session' },
    open: async (lost) => {
      if (extra.openDelayMs) await new Promise((r) => setTimeout(r, extra.openDelayMs));
      if (openFailure !== undefined) throw openFailure;
      const session: FakeSession = {
        id: nextId++,
        createdAt: Date.now(),
        alive: true,
        pingOk: true,
        lose() {
          session.alive = false;
          lost(session);
        },
      };
      opened.push(session);
      return session;
    },
    ping: async (session) => {
      pings.push(session.id);
      return session.pingOk;
    },
    close: async (session, reason) => {
      session.alive = false;
      session.closedWith = reason;
      if (extra.closeDelayMs) await new Promise((r) => setTimeout(r, extra.closeDelayMs));
      events.push(`closed ${session.id} ${reason}`);
    },
    createdAt: (s) => s.createdAt,
    alive: (s) => s.alive,
    onCheckout: (s) => events.push(`out ${s.id}`),
    onIdle: (s) => events.push(`idle ${s.id}`),
    ...extra,
  };
  const pool$ = createSessionPool(options);
  return {
    pool: pool$,
    opened,
    events,
    pings,
    failOpens(failure: unknown) {
      openFailure = failure;
    },
  };
}

const failureOf = async (promise: Promise<unknown>): Promise<DatabaseFailure> => {
  try {
    await promise;
  } catch (failure) {
    return failure as DatabaseFailure;
  }
  throw new Error('expected a rejection');
};

describe('createSessionPool', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens lazily, reuses an idle session, and reports gauges', async () => {
    const { pool, opened } = harness();
    expect(pool.stats()).toEqual({ size: 0, max: 3, active: 0, idle: 0, waiting: 0 });
    const a = await pool.acquire();
    expect(pool.stats()).toEqual({ size: 1, max: 3, active: 1, idle: 0, waiting: 0 });
    pool.release(a);
    expect(pool.stats()).toMatchObject({ size: 1, active: 0, idle: 1 });
    expect(await pool.acquire()).toBe(a);
    expect(opened).toHaveLength(1);
  });

  it('never holds more than size + overflow, counting sessions still opening', async () => {
    const { pool, opened } = harness({}, { openDelayMs: 100 });
    const acquiring = Promise.allSettled(Array.from({ length: 10 }, () => pool.acquire()));
    // All three slots are taken by sessions still opening; the rest wait.
    expect(pool.stats()).toMatchObject({ size: 3, waiting: 7 });
    await vi.advanceTimersByTimeAsync(100);
    expect(opened).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1_000);
    const settled = await acquiring;
    expect(settled.filter((s) => s.status === 'rejected').map((s) => s.reason.kind)).toEqual(
      Array(7).fill('PoolExhausted'),
    );
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(3);
    expect(opened).toHaveLength(3);
  });

  it('fails a waiter with PoolExhausted and waitedMs after acquireTimeoutMs', async () => {
    const { pool } = harness({ size: 1, maxOverflow: 0, acquireTimeoutMs: 1_500 });
    await pool.acquire();
    const waiting = failureOf(pool.acquire());
    expect(pool.stats().waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1_499);
    expect(pool.stats().waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const failure = await waiting;
    expect(failure).toMatchObject({ kind: 'PoolExhausted', waitedMs: 1_500 });
    expect(failure.message).toBe('no fake session free after 1500 ms (max 1)');
    expect(pool.stats().waiting).toBe(0);
  });

  it('hands a released session straight to the longest waiter, first in first out', async () => {
    const { pool } = harness({ size: 1, maxOverflow: 0 });
    const a = await pool.acquire();
    const order: string[] = [];
    const first = pool.acquire().then((s) => {
      order.push('first');
      return s;
    });
    const second = pool.acquire().then((s) => {
      order.push('second');
      return s;
    });
    pool.release(a);
    expect(await first).toBe(a);
    pool.release(a);
    expect(await second).toBe(a);
    expect(order).toEqual(['first', 'second']);
  });

  it('an abort while waiting rejects with Cancelled and leaves the queue; an aborted signal fails at once', async () => {
    const { pool } = harness({ size: 1, maxOverflow: 0 });
    const a = await pool.acquire();
    const controller = new AbortController();
    const waiting = failureOf(pool.acquire(controller.signal));
    expect(pool.stats().waiting).toBe(1);
    controller.abort();
    expect(await waiting).toMatchObject({ kind: 'Cancelled' });
    expect(pool.stats().waiting).toBe(0);
    expect(await failureOf(pool.acquire(controller.signal))).toMatchObject({ kind: 'Cancelled' });
    // The session goes back to idle: nobody waits any more.
    pool.release(a);
    expect(pool.stats()).toMatchObject({ idle: 1, waiting: 0 });
  });

  it('closes a session older than recycleMs on release and on checkout instead of reusing it', async () => {
    const { pool, opened } = harness({ size: 1, maxOverflow: 0, recycleMs: 1_000 });
    const a = await pool.acquire();
    pool.release(a);
    await vi.advanceTimersByTimeAsync(1_000);
    const b = await pool.acquire();
    expect(b).not.toBe(a);
    expect(a.closedWith).toBe('recycle');
    await vi.advanceTimersByTimeAsync(1_000);
    pool.release(b);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.closedWith).toBe('recycle');
    expect(pool.stats()).toMatchObject({ size: 0, idle: 0 });
    expect(opened).toHaveLength(2);
  });

  it('pre-pings a session idle longer than prePingIdleMs and replaces it when the ping fails', async () => {
    const { pool, pings } = harness({ size: 1, maxOverflow: 0, prePing: true });
    const a = await pool.acquire();
    pool.release(a);
    // Recently used: no ping.
    expect(await pool.acquire()).toBe(a);
    expect(pings).toEqual([]);
    pool.release(a);
    await vi.advanceTimersByTimeAsync(1_001);
    expect(await pool.acquire()).toBe(a);
    expect(pings).toEqual([a.id]);
    pool.release(a);
    await vi.advanceTimersByTimeAsync(1_001);
    a.pingOk = false;
    const b = await pool.acquire();
    expect(b).not.toBe(a);
    expect(a.closedWith).toBe('ping failed');
  });

  it('counts a ping that hangs past pingTimeoutMs as failed (the adapter bounds it) and a rejected ping as failed', async () => {
    const { pool } = harness(
      { size: 2, maxOverflow: 0, prePing: true },
      { ping: async (s) => (s.id === 1 ? Promise.reject(new Error('socket closed')) : true) },
    );
    const a = await pool.acquire();
    pool.release(a);
    await vi.advanceTimersByTimeAsync(1_001);
    const b = await pool.acquire();
    expect(b.id).toBe(2);
    expect(a.closedWith).toBe('ping failed');
  });

  it('does not ping when prePing is off', async () => {
    const { pool, pings } = harness({ size: 1, maxOverflow: 0, prePing: false });
    const a = await pool.acquire();
    pool.release(a);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await pool.acquire()).toBe(a);
    expect(pings).toEqual([]);
  });

  it('retires overflow sessions after overflowIdleMs idle, keeping size', async () => {
    const { pool } = harness({ size: 1, maxOverflow: 2 });
    const sessions = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const s of sessions) pool.release(s);
    expect(pool.stats()).toMatchObject({ size: 3, idle: 3 });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(pool.stats()).toMatchObject({ size: 3 });
    await vi.advanceTimersByTimeAsync(1);
    expect(pool.stats()).toMatchObject({ size: 1, idle: 1, active: 0, max: 3 });
    expect(sessions.filter((s) => s.closedWith === 'overflow idle')).toHaveLength(2);
  });

  it('a session reused before overflowIdleMs is not retired', async () => {
    const { pool } = harness({ size: 1, maxOverflow: 1 });
    const [a, b] = await Promise.all([pool.acquire(), pool.acquire()]);
    pool.release(a);
    pool.release(b!);
    await vi.advanceTimersByTimeAsync(4_000);
    const again = await pool.acquire();
    await vi.advanceTimersByTimeAsync(2_000);
    // One of the two was retired (the one left idle), the borrowed one survives.
    expect(again.closedWith).toBeUndefined();
    expect(pool.stats()).toMatchObject({ size: 1, active: 1, idle: 0 });
  });

  it('release with retire closes the session and its freed slot opens a new one for a waiter', async () => {
    const { pool, opened } = harness({ size: 1, maxOverflow: 0 }, { closeDelayMs: 50 });
    const a = await pool.acquire();
    const waiting = pool.acquire();
    pool.release(a, true);
    // The slot stays taken while the session closes.
    expect(pool.stats()).toMatchObject({ size: 1, waiting: 1 });
    await vi.advanceTimersByTimeAsync(50);
    const b = await waiting;
    expect(b).not.toBe(a);
    expect(a.closedWith).toBe('retired by caller');
    expect(opened).toHaveLength(2);
  });

  it('a session lost while busy frees its slot for a waiter; releasing it later is harmless', async () => {
    const { pool } = harness({ size: 1, maxOverflow: 0 });
    const a = await pool.acquire();
    const waiting = pool.acquire();
    a.lose();
    const b = await waiting;
    expect(b).not.toBe(a);
    pool.release(a);
    expect(pool.stats()).toMatchObject({ size: 1, active: 1, idle: 0 });
    expect(a.closedWith).toBeUndefined();
  });

  it('a session lost while idle is dropped from idle and never handed out', async () => {
    const { pool } = harness({ size: 1, maxOverflow: 0 });
    const a = await pool.acquire();
    pool.release(a);
    a.lose();
    expect(pool.stats()).toMatchObject({ size: 0, idle: 0 });
    expect(await pool.acquire()).not.toBe(a);
  });

  it('a session found dead on checkout or release is closed, not reused', async () => {
    const { pool } = harness({ size: 1, maxOverflow: 0 });
    const a = await pool.acquire();
    pool.release(a);
    a.alive = false; // died without telling (no lost callback yet)
    const b = await pool.acquire();
    expect(b).not.toBe(a);
    expect(a.closedWith).toBe('dead');
    b.alive = false;
    pool.release(b);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.closedWith).toBe('dead');
    expect(pool.stats().size).toBe(0);
  });

  it('a session lost before open resolved is never adopted', async () => {
    const { pool } = harness(
      { size: 1, maxOverflow: 0 },
      {
        alive: () => true, // the adapter cannot tell: only the lost callback says so
        open: async (lost) => {
          const session = { id: 99, createdAt: Date.now(), alive: true, pingOk: true, lose() {} };
          lost(session);
          return session;
        },
      },
    );
    expect(await failureOf(pool.acquire())).toMatchObject({ kind: 'ConnectionFailed' });
    expect(pool.stats()).toMatchObject({ size: 0 });
  });

  it('closes synchronously on release, so a cut socket is cut before the caller moves on', async () => {
    const closes: number[] = [];
    const { pool } = harness({}, { close: async (s) => void closes.push(s.id) });
    const a = await pool.acquire();
    pool.release(a, true);
    expect(closes).toEqual([a.id]);
  });

  it('passes open failures through, to the caller and to a waiter given a freed slot', async () => {
    const { pool, failOpens } = harness({ size: 1, maxOverflow: 0 });
    const driverError = Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const a = await pool.acquire();
    const waiting = failureOf(pool.acquire());
    failOpens(driverError);
    pool.release(a, true);
    expect(await waiting).toBe(driverError);
    expect(await failureOf(pool.acquire())).toBe(driverError);
    expect(pool.stats()).toMatchObject({ size: 0, waiting: 0 });
  });

  it('a waiter that timed out while a session opened for it leaves the session idle', async () => {
    const { pool } = harness({ size: 1, maxOverflow: 0, acquireTimeoutMs: 100 }, { openDelayMs: 80 });
    const first = pool.acquire();
    await vi.advanceTimersByTimeAsync(80);
    const a = await first;
    const waiting = failureOf(pool.acquire());
    await vi.advanceTimersByTimeAsync(50);
    pool.release(a, true); // the freed slot starts opening for the waiter (80 ms), which gives up at 100 ms
    await vi.advanceTimersByTimeAsync(50);
    expect(await waiting).toMatchObject({ kind: 'PoolExhausted' });
    await vi.advanceTimersByTimeAsync(100);
    expect(pool.stats()).toMatchObject({ size: 1, idle: 1, active: 0 });
  });

  it('close fails waiters with ConnectionFailed, closes idle and busy sessions, and is idempotent', async () => {
    const { pool } = harness({ size: 1, maxOverflow: 1 });
    const busy = await pool.acquire();
    const idle = await pool.acquire();
    pool.release(idle);
    const other = await pool.acquire(); // the idle one again
    pool.release(other);
    const busy2 = await pool.acquire();
    const waiting = failureOf(pool.acquire());
    const closing = pool.close();
    expect(pool.close()).toBe(closing);
    const failure = await waiting;
    expect(failure).toMatchObject({ kind: 'ConnectionFailed', message: 'Fake adapter is closed' });
    await closing;
    expect(busy.closedWith).toBe('pool closed');
    expect(busy2.closedWith).toBe('pool closed');
    expect(pool.stats()).toMatchObject({ size: 0, waiting: 0 });
    expect(await failureOf(pool.acquire())).toMatchObject({ kind: 'ConnectionFailed' });
    pool.release(busy); // after close: harmless
  });

  it('close tells idle sessions apart from busy ones', async () => {
    const { pool } = harness({ size: 2, maxOverflow: 0 });
    const [a, b] = await Promise.all([pool.acquire(), pool.acquire()]);
    pool.release(a);
    await pool.close();
    expect(a.closedWith).toBe('pool closed while idle');
    expect(b!.closedWith).toBe('pool closed');
  });

  it('close waits for sessions still opening and closes them once up', async () => {
    const { pool, opened } = harness({}, { openDelayMs: 100 });
    const acquiring = failureOf(pool.acquire());
    let closed = false;
    const closing = pool.close().then(() => {
      closed = true;
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(50);
    await closing;
    expect(await acquiring).toMatchObject({ kind: 'ConnectionFailed' });
    expect(opened[0]?.closedWith).toBe('pool closed');
  });

  it('a close callback that throws still frees the slot', async () => {
    const { pool } = harness(
      { size: 1, maxOverflow: 0 },
      {
        close: async () => {
          throw new Error('socket already gone');
        },
      },
    );
    const a = await pool.acquire();
    const waiting = pool.acquire();
    pool.release(a, true);
    expect(await waiting).not.toBe(a);
  });

  it('tells the adapter when a session goes out and comes back idle', async () => {
    const { pool, events } = harness({ size: 1, maxOverflow: 0 });
    const a = await pool.acquire();
    const waiting = pool.acquire();
    pool.release(a); // straight to the waiter: stays busy
    await waiting;
    pool.release(a);
    expect(events).toEqual(['out 1', 'idle 1']);
  });
});

describe('createWaitQueue', () => {
  it('settles at most once and reports whether the waiter was still there', async () => {
    const queue = createWaitQueue<number>();
    const failure = { kind: 'PoolExhausted', waitedMs: 0, message: 'x' } as const;
    const waiting = queue.wait({ timeoutMs: 10_000, onTimeout: () => failure, onAbort: () => failure });
    const waiter = queue.next()!;
    expect(queue.length).toBe(0);
    expect(waiter.settle(7)).toBe(true);
    expect(waiter.settle(8)).toBe(false);
    expect(waiter.fail(new Error('late'))).toBe(false);
    expect(await waiting).toBe(7);
  });

  it('failAll rejects every waiter', async () => {
    const queue = createWaitQueue<number>();
    const failure = { kind: 'Cancelled', message: 'x' } as const;
    const waits = [1, 2].map(() =>
      queue.wait({ timeoutMs: 10_000, onTimeout: () => failure, onAbort: () => failure }).catch((e) => e),
    );
    queue.failAll('closed');
    expect(await Promise.all(waits)).toEqual(['closed', 'closed']);
    expect(queue.length).toBe(0);
  });
});

describe('pool options', () => {
  it('resolvePoolOptions keeps defaults for unset and undefined fields', () => {
    const defaults: PoolOptions = {
      size: 5,
      maxOverflow: 10,
      acquireTimeoutMs: 30_000,
      recycleMs: 1,
      prePing: true,
    };
    expect(resolvePoolOptions(undefined, defaults)).toEqual(defaults);
    expect(resolvePoolOptions({ size: 2, maxOverflow: undefined, prePing: false }, defaults)).toEqual({
      ...defaults,
      size: 2,
      prePing: false,
    });
  });

  it('poolOptionsSchema refuses values outside the adapter limits', () => {
    const schema = poolOptionsSchema({ maxSize: 256, maxOverflow: 1024 });
    expect(schema.safeParse({ size: 256, maxOverflow: 0 }).success).toBe(true);
    expect(schema.safeParse({ size: 257 }).success).toBe(false);
    expect(schema.safeParse({ size: 0 }).success).toBe(false);
    expect(schema.safeParse({ acquireTimeoutMs: 1.5 }).success).toBe(false);
    expect(poolOptionsSchema().safeParse({ size: 1000, maxOverflow: 10_000 }).success).toBe(true);
  });
});
