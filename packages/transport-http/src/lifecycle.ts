/**
 * Shutdown state shared by the router and the listener: whether the service is draining (so /ready
 * turns 503 and load balancers stop sending), how many requests are in flight, and one AbortSignal
 * that fires at the shutdown deadline so every query still running is cancelled at the database
 * (and answered as cancelled) instead of being cut off with the connection.
 */
export interface HttpLifecycle {
  /** True once shutdown began. */
  readonly draining: boolean;
  /** Requests being served now. */
  readonly inFlight: number;
  /** Aborts when shutdown gives up waiting: passed to every database call. */
  readonly signal: AbortSignal;
  /** Counts one request until `done` is called (idempotent). */
  begin(): () => void;
  /** Starts draining: readiness fails from now on. */
  drain(): void;
  /** Resolves true when no request is in flight, false when `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean>;
  /** Cancels every database call still running. */
  abort(): void;
}

export function createLifecycle(): HttpLifecycle {
  const controller = new AbortController();
  let draining = false;
  let inFlight = 0;
  const waiters = new Set<() => void>();
  const settle = () => {
    if (inFlight === 0) for (const wake of waiters) wake();
  };
  return {
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    signal: controller.signal,
    begin() {
      inFlight++;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        inFlight--;
        settle();
      };
    },
    drain() {
      draining = true;
    },
    idle(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(false);
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    abort() {
      if (!controller.signal.aborted) controller.abort(new Error('server shutting down'));
    },
  };
}
