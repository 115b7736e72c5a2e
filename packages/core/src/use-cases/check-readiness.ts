import { errAsync, okAsync, type Result, ResultAsync } from 'neverthrow';
import { type DatabaseFailure, dbFailure } from '../errors.js';
import type { DatabasePort } from '../ports.js';

export interface Readiness {
  readonly latencyMs: number;
}

/**
 * Pings the database within `timeoutMs` (readiness probes must answer fast even when the database hangs).
 * @returns err(Timeout) when the ping does not answer in time, else the ping's own failure.
 */
export function checkReadiness(
  deps: { readonly db: DatabasePort },
  timeoutMs = 2000,
): ResultAsync<Readiness, DatabaseFailure> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref?.();
  });
  const ping: PromiseLike<Result<void, DatabaseFailure>> = deps.db.ping();
  return ResultAsync.fromSafePromise<Result<void, DatabaseFailure> | 'timeout'>(
    Promise.race([ping, timeout]).finally(() => clearTimeout(timer)),
  ).andThen((outcome) => {
    if (outcome === 'timeout') {
      return errAsync(
        dbFailure('Timeout', { timeoutMs, message: `readiness ping exceeded ${timeoutMs} ms` }),
      );
    }
    return outcome.isOk()
      ? okAsync({ latencyMs: Math.round((performance.now() - started) * 100) / 100 })
      : errAsync(outcome.error);
  });
}
