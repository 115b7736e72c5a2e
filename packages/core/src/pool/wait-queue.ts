import type { DatabaseFailure } from '../errors.js';

/** One caller waiting in a queue; `settle`/`fail` answer false when it already gave up. */
export interface Waiter<T> {
  settle(value: T): boolean;
  fail(failure: unknown): boolean;
}

/** How one caller waits: bounded in time, abortable. */
export interface WaitOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs: number;
  /** The failure after `timeoutMs` (usually PoolExhausted carrying `waitedMs`). */
  readonly onTimeout: (waitedMs: number) => DatabaseFailure;
  /** The failure when `signal` aborts (usually Cancelled). */
  readonly onAbort: () => DatabaseFailure;
}

/** A first-in first-out queue of callers waiting for a resource (a session, a permit). */
export interface WaitQueue<T> {
  /** Callers still waiting. */
  readonly length: number;
  /**
   * Joins the queue until someone hands this caller a value.
   * @returns a promise rejected with `onTimeout(waitedMs)` after `timeoutMs`, with `onAbort()` when
   * `signal` aborts, or with whatever `fail`/`failAll` passes.
   */
  wait(options: WaitOptions): Promise<T>;
  /**
   * Takes the longest-waiting caller out of the queue. Its timer keeps running until it is settled,
   * so a caller handed a value that takes time to produce (a connection being opened) still gives up
   * on time: `settle` then answers false and the value must be returned elsewhere.
   */
  next(): Waiter<T> | undefined;
  /** Fails every caller (the pool is closing). */
  failAll(failure: unknown): void;
}

/** An empty queue. Pure: timers only. */
export function createWaitQueue<T>(): WaitQueue<T> {
  const waiters: Waiter<T>[] = [];
  const remove = (waiter: Waiter<T>) => {
    const i = waiters.indexOf(waiter);
    if (i >= 0) waiters.splice(i, 1);
  };

  return {
    get length() {
      return waiters.length;
    },
    wait(options) {
      return new Promise<T>((resolve, reject) => {
        const since = Date.now();
        let settled = false;
        const finish = () => {
          if (settled) return false;
          settled = true;
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          remove(waiter);
          return true;
        };
        const waiter: Waiter<T> = {
          settle: (value) => {
            if (!finish()) return false;
            resolve(value);
            return true;
          },
          fail: (failure) => {
            if (!finish()) return false;
            reject(failure);
            return true;
          },
        };
        const onAbort = () => waiter.fail(options.onAbort());
        const timer = setTimeout(() => waiter.fail(options.onTimeout(Date.now() - since)), options.timeoutMs);
        options.signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
      });
    },
    next() {
      return waiters.shift();
    },
    failAll(failure) {
      for (const waiter of waiters.splice(0)) waiter.fail(failure);
    },
  };
}
