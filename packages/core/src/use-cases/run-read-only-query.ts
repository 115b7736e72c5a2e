import { createHash } from 'node:crypto';
import { errAsync, type ResultAsync } from 'neverthrow';
import type { DatabaseFailure } from '../errors.js';
import { checkReadOnlySql } from '../guard/index.js';
import type { QueryLimits, QueryResult } from '../model.js';
import type { UseCaseDeps } from './deps.js';
import type { RunQueryInput } from './inputs.js';

/** Metric names recorded by the query use cases (Prometheus conventions, deployment guide names). */
export const QUERY_METRICS = {
  queries: 'db_queries_total',
  errors: 'db_query_errors_total',
  duration: 'db_query_duration_seconds',
} as const;

export interface RunQueryOptions {
  /** Cancels the database query when aborted (MCP cancellation, client disconnect, shutdown). */
  readonly signal?: AbortSignal | undefined;
  /** Who asked (API key name, `stdio`), for logs. */
  readonly caller?: string | undefined;
}

/**
 * Checks `sql` with the statement guard, then runs it read-only within the policy's bounds.
 * @returns err(ReadOnlyViolation | LimitExceeded | InvalidInput) before touching the database when the
 * guard refuses; err(Timeout | Cancelled | PoolExhausted | …) from the adapter.
 */
export function runReadOnlyQuery(
  deps: UseCaseDeps,
  input: RunQueryInput,
  options: RunQueryOptions = {},
): ResultAsync<QueryResult, DatabaseFailure> {
  const checked = checkReadOnlySql(input.sql, deps.db.dialect, { maxLength: deps.policy.maxSqlLength });
  if (checked.isErr()) {
    return recordOutcome(deps, 'run_query', input.sql, options, errAsync(checked.error));
  }
  return recordOutcome(
    deps,
    'run_query',
    input.sql,
    options,
    deps.db.executeReadOnly(checked.value, limitsFor(deps, input.max_rows), options.signal),
  );
}

/** The effective limits: the caller's `max_rows` clamped to the operator's ceiling. */
export function limitsFor(deps: Pick<UseCaseDeps, 'policy'>, maxRows?: number): QueryLimits {
  const { policy } = deps;
  return {
    maxRows: Math.min(maxRows ?? policy.defaultRows, policy.maxRows),
    maxBytes: policy.maxBytes,
    timeoutMs: policy.timeoutMs,
  };
}

/** A short, stable fingerprint of SQL text for logs and traces: never the literal values. */
export function sqlFingerprint(sql: string): string {
  return createHash('sha256').update(sql).digest('hex').slice(0, 16);
}

/** Records metrics and one log line for a query-like operation, passing its result through. */
export function recordOutcome<T>(
  deps: UseCaseDeps,
  operation: string,
  sql: string,
  options: RunQueryOptions,
  result: ResultAsync<T, DatabaseFailure>,
): ResultAsync<T, DatabaseFailure> {
  const started = performance.now();
  const dialect = deps.db.dialect;
  const done = (outcome: string, extra: Record<string, unknown>) => {
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.increment(QUERY_METRICS.queries, { dialect, operation, outcome });
    deps.metrics.observe(QUERY_METRICS.duration, seconds, { dialect, operation });
    deps.logger.info('query', {
      operation,
      sqlHash: sqlFingerprint(sql),
      durationMs: Math.round(seconds * 100_000) / 100,
      caller: options.caller,
      ...extra,
    });
  };
  return result
    .map((value) => {
      const summary = value as { rowCount?: unknown; truncated?: unknown };
      done('ok', { rows: summary.rowCount, truncated: summary.truncated });
      return value;
    })
    .mapErr((failure) => {
      deps.metrics.increment(QUERY_METRICS.errors, { dialect, operation, kind: failure.kind });
      done('error', { errorKind: failure.kind, errorCode: failure.originalCode });
      return failure;
    });
}
