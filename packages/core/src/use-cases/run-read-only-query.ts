import { createHash } from 'node:crypto';
import { errAsync, type Result, ResultAsync } from 'neverthrow';
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
 * guard refuses, err(PermissionDenied) when the SQL names a table the data dictionary hides;
 * err(Timeout | Cancelled | PoolExhausted | …) from the adapter.
 */
export function runReadOnlyQuery(
  deps: UseCaseDeps,
  input: RunQueryInput,
  options: RunQueryOptions = {},
): ResultAsync<QueryResult, DatabaseFailure> {
  const checked = checkReadOnlySql(input.sql, deps.db.dialect, {
    maxLength: deps.policy.maxSqlLength,
    hiddenTables: deps.dictionary?.hiddenTableNames,
  });
  if (checked.isErr()) {
    return recordOutcome(deps, 'run_query', input.sql, options, errAsync(checked.error));
  }
  const query = checked.value;
  const limits = limitsFor(deps, input.max_rows);
  const run = () => deps.db.executeReadOnly(query, limits, options.signal);
  return recordOutcome(
    deps,
    'run_query',
    input.sql,
    options,
    deps.queryCache === undefined
      ? run()
      : // Every caller reads through the same database user, so they share one permission scope.
        deps.queryCache.through(
          { sql: query.sql, dialect: query.dialect, limits, scope: 'database-user' },
          run,
        ),
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

/**
 * Records metrics and one log line for a query-like operation, passing its result through.
 * Runs on every query, so it adds one promise step (not a map plus a mapErr), and the log line's
 * SQL fingerprint — a SHA-256 — is computed only if a logger actually reads it: at the default
 * level the `info` line is dropped and nobody does.
 */
export function recordOutcome<T>(
  deps: UseCaseDeps,
  operation: string,
  sql: string,
  options: RunQueryOptions,
  result: ResultAsync<T, DatabaseFailure>,
): ResultAsync<T, DatabaseFailure> {
  const started = performance.now();
  const { metrics, logger } = deps;
  const dialect = deps.db.dialect;
  // ResultAsync#then hands back the native promise it wraps, so Promise.resolve adds no step.
  return new ResultAsync(
    Promise.resolve(
      result.then<Result<T, DatabaseFailure>, never>((outcome) => {
        const seconds = (performance.now() - started) / 1000;
        const durationMs = Math.round(seconds * 100_000) / 100;
        if (outcome.isOk()) {
          const summary = outcome.value as { rowCount?: unknown; truncated?: unknown };
          metrics.increment(QUERY_METRICS.queries, { dialect, operation, outcome: 'ok' });
          metrics.observe(QUERY_METRICS.duration, seconds, { dialect, operation });
          logger.info('query', {
            operation,
            get sqlHash() {
              return sqlFingerprint(sql);
            },
            durationMs,
            caller: options.caller,
            rows: summary.rowCount,
            truncated: summary.truncated,
          });
        } else {
          const failure = outcome.error;
          metrics.increment(QUERY_METRICS.errors, { dialect, operation, kind: failure.kind });
          metrics.increment(QUERY_METRICS.queries, { dialect, operation, outcome: 'error' });
          metrics.observe(QUERY_METRICS.duration, seconds, { dialect, operation });
          logger.info('query', {
            operation,
            get sqlHash() {
              return sqlFingerprint(sql);
            },
            durationMs,
            caller: options.caller,
            errorKind: failure.kind,
            errorCode: failure.originalCode,
          });
        }
        return outcome;
      }),
    ),
  );
}
