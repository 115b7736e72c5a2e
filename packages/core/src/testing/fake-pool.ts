import { err, ok, type Result } from 'neverthrow';
import { type DatabaseFailure, dbFailure } from '../errors.js';
import type { PoolStats } from '../model.js';
import { createWaitQueue } from '../pool/wait-queue.js';

/** The fake's pool: a counting semaphore with the deployment guide's size/overflow/acquire-timeout semantics. */
export interface FakePool {
  acquire(signal?: AbortSignal): Promise<Result<() => void, DatabaseFailure>>;
  stats(): PoolStats;
  /** Fails every waiter with ConnectionFailed (the database is closing). */
  drain(): void;
}

/** A pool of `size + maxOverflow` slots; a waiter gives up after `acquireTimeoutMs` with PoolExhausted. */
export function createFakePool(size: number, maxOverflow: number, acquireTimeoutMs: number): FakePool {
  const max = size + maxOverflow;
  let active = 0;
  // The same bounded, abortable queue the real adapters' pools wait in.
  const queue = createWaitQueue<() => void>();
  const release = () => {
    // Hand the slot straight to the next waiter, so `active` never dips and a burst can't overtake it.
    for (let next = queue.next(); next !== undefined; next = queue.next()) {
      if (next.settle(oneRelease())) return;
    }
    active--;
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
    async acquire(signal) {
      if (active < max) {
        active++;
        return ok(oneRelease());
      }
      try {
        return ok(
          await queue.wait({
            signal,
            timeoutMs: acquireTimeoutMs,
            onTimeout: (waitedMs) =>
              dbFailure('PoolExhausted', {
                waitedMs,
                message: `fake pool: no free connection in ${waitedMs} ms`,
              }),
            onAbort: () => dbFailure('Cancelled', { message: 'fake pool: cancelled while waiting' }),
          }),
        );
      } catch (failure) {
        return err(failure as DatabaseFailure);
      }
    },
    stats() {
      return { size, max, active, idle: Math.max(0, size - active), waiting: queue.length };
    },
    drain() {
      queue.failAll(dbFailure('ConnectionFailed', { message: 'fake database closed while waiting' }));
    },
  };
}
