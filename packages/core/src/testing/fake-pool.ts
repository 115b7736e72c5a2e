import { err, ok, type Result } from 'neverthrow';
import { type DatabaseFailure, dbFailure } from '../errors.js';
import type { PoolStats } from '../model.js';

/** The fake's pool: a counting semaphore with the deployment guide's size/overflow/acquire-timeout semantics. */
export interface FakePool {
  acquire(signal?: AbortSignal): Promise<Result<() => void, DatabaseFailure>>;
  stats(): PoolStats;
  /** Fails every waiter with ConnectionFailed (the database is closing). */
  drain(): void;
}

interface Waiter {
  grant(): void;
  fail(failure: DatabaseFailure): void;
}

/** A pool of `size + maxOverflow` slots; a waiter gives up after `acquireTimeoutMs` with PoolExhausted. */
export function createFakePool(size: number, maxOverflow: number, acquireTimeoutMs: number): FakePool {
  const max = size + maxOverflow;
  let active = 0;
  const waiters: Waiter[] = [];
  const release = () => {
    const next = waiters.shift();
    // Hand the slot straight to the next waiter, so `active` never dips and a burst can't overtake it.
    if (next) next.grant();
    else active--;
  };
  const oneRelease = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };
  return {
    acquire(signal) {
      if (active < max) {
        active++;
        return Promise.resolve(ok(oneRelease()));
      }
      const started = performance.now();
      return new Promise((resolve) => {
        const settle = (result: Result<() => void, DatabaseFailure>) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          resolve(result);
        };
        const waiter: Waiter = {
          grant: () => settle(ok(oneRelease())),
          fail: (failure) => settle(err(failure)),
        };
        const timer = setTimeout(() => {
          const waitedMs = Math.round(performance.now() - started);
          waiter.fail(
            dbFailure('PoolExhausted', {
              waitedMs,
              message: `fake pool: no free connection in ${waitedMs} ms`,
            }),
          );
        }, acquireTimeoutMs);
        const onAbort = () =>
          waiter.fail(dbFailure('Cancelled', { message: 'fake pool: cancelled while waiting' }));
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
      });
    },
    stats() {
      return { size, max, active, idle: Math.max(0, size - active), waiting: waiters.length };
    },
    drain() {
      for (const w of [...waiters]) {
        w.fail(dbFailure('ConnectionFailed', { message: 'fake database closed while waiting' }));
      }
    },
  };
}
