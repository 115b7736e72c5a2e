import {
  type DatabaseFailure,
  type DatabasePort,
  type Dialect,
  type QueryLimits,
  type ReadOnlyQuery,
  sqlFingerprint,
} from '@legacybridge/core';
import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ResultAsync } from 'neverthrow';

/** The instrumentation scope of every LegacyBridge span. */
export const TRACER_NAME = 'legacybridge';

// OpenTelemetry's `db.system.name` values (semantic conventions 1.33+) for our dialects.
const DB_SYSTEM: Record<Dialect, string> = {
  postgres: 'postgresql',
  mysql: 'mysql', // MariaDB too: one dialect, one adapter
  sqlite: 'sqlite',
  mssql: 'microsoft.sql_server',
  oracle: 'oracle.db',
};

/**
 * Runs `work` inside an active span, so every log line and child span of it carries its trace id.
 * The span ends when the promise settles; a rejection marks it as an error with the error's type
 * only (messages may carry driver text).
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', error instanceof Error ? error.name : 'unknown');
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * The DatabasePort with a CLIENT span around every call that reaches the database, named and
 * attributed after OpenTelemetry's database conventions (`db.system.name`, `db.operation.name`,
 * `db.query.summary`, `db.response.returned_rows`, `error.type`), plus `legacybridge.sql.hash`.
 * Statement text and literal values are never recorded.
 */
export function traceDatabase(db: DatabasePort, namespace?: string): DatabasePort {
  const system = DB_SYSTEM[db.dialect];
  const base: Attributes = { 'db.system.name': system, ...(namespace ? { 'db.namespace': namespace } : {}) };
  const spanned = <T>(
    operation: string,
    extra: Attributes,
    call: () => ResultAsync<T, DatabaseFailure>,
    onOk?: (value: T, span: Span) => void,
  ): ResultAsync<T, DatabaseFailure> => {
    const span = trace.getTracer(TRACER_NAME).startSpan(`${operation} ${system}`, {
      kind: SpanKind.CLIENT,
      attributes: { ...base, 'db.operation.name': operation, ...extra },
    });
    return call()
      .map((value) => {
        onOk?.(value, span);
        span.end();
        return value;
      })
      .mapErr((failure) => {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.setAttribute('error.type', failure.kind);
        span.end();
        return failure;
      });
  };
  const queryAttributes = (query: ReadOnlyQuery): Attributes => ({
    'db.query.summary': query.statementKind.toUpperCase(),
    // The same fingerprint as the `query` log line's sqlHash, so a span and its log line match.
    'legacybridge.sql.hash': sqlFingerprint(query.sql),
  });
  return {
    dialect: db.dialect,
    capabilities: db.capabilities,
    ping: () => spanned('ping', {}, () => db.ping()),
    serverInfo: () => spanned('server_info', {}, () => db.serverInfo()),
    listTables: (filter) => spanned('list_tables', {}, () => db.listTables(filter)),
    listColumns: (filter) => spanned('list_columns', {}, () => db.listColumns(filter)),
    describeTable: (ref) =>
      spanned('describe_table', { 'db.collection.name': ref.name }, () => db.describeTable(ref)),
    executeReadOnly: (query: ReadOnlyQuery, limits: QueryLimits, signal?: AbortSignal) =>
      spanned(
        query.statementKind.toUpperCase(),
        queryAttributes(query),
        () => db.executeReadOnly(query, limits, signal),
        (result, span) => {
          span.setAttribute('db.response.returned_rows', result.rows.length);
          if (result.truncated) span.setAttribute('legacybridge.truncated', true);
        },
      ),
    explain: (query, limits, signal) =>
      spanned('EXPLAIN', queryAttributes(query), () => db.explain(query, limits, signal)),
    ...(db.auditPrivileges
      ? { auditPrivileges: () => spanned('audit_privileges', {}, () => db.auditPrivileges!()) }
      : {}),
    ...(db.catalogFingerprint
      ? { catalogFingerprint: () => spanned('catalog_fingerprint', {}, () => db.catalogFingerprint!()) }
      : {}),
    poolStats: () => db.poolStats(),
    close: () => db.close(),
  };
}

/** The trace id of the active span, for log lines; undefined outside a sampled span. */
export function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (context === undefined || !trace.isSpanContextValid(context)) return undefined;
  return context.traceId;
}
