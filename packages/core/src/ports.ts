import type { Result, ResultAsync } from 'neverthrow';
import type { ConfigFailure, DatabaseFailure, SecretFailure } from './errors.js';
import type { ReadOnlyQuery } from './guard/read-only-query.js';
import type {
  ColumnSummary,
  DatabaseCapabilities,
  Dialect,
  PoolStats,
  PrivilegeReport,
  QueryLimits,
  QueryPlan,
  QueryResult,
  SchemaKeys,
  ServerInfo,
  TableDetail,
  TableFilter,
  TableInfo,
  TableRef,
} from './model.js';

/**
 * One database, seen through the questions the use cases ask. Implementations connect lazily (the
 * constructor opens nothing), convert every driver error once into a DatabaseFailure, and never throw
 * from these methods except on programming errors.
 */
export interface DatabasePort {
  readonly dialect: Dialect;
  readonly capabilities: DatabaseCapabilities;
  /** Round trip to the server. @returns err(ConnectionFailed | AuthenticationFailed | Timeout) when it cannot answer. */
  ping(): ResultAsync<void, DatabaseFailure>;
  /** Engine version, current user and database, for diagnostics. */
  serverInfo(): ResultAsync<ServerInfo, DatabaseFailure>;
  /** Every table and view visible to the user, read with a fixed number of catalog queries. */
  listTables(filter?: TableFilter): ResultAsync<readonly TableInfo[], DatabaseFailure>;
  /** Every column of every visible table, in one catalog query: what schema search needs. */
  listColumns(filter?: TableFilter): ResultAsync<readonly ColumnSummary[], DatabaseFailure>;
  /**
   * Optional: every primary key and declared foreign key of the visible tables, in a fixed number of
   * catalog queries (1–2) whatever the schema's size, for relationship inference and join paths.
   * Adapters without it still get relationships inferred from names (with no declared keys).
   */
  listKeys?(filter?: TableFilter): ResultAsync<SchemaKeys, DatabaseFailure>;
  /** Columns, keys, foreign keys (both directions) and indexes. @returns err(ObjectNotFound) for an unknown table. */
  describeTable(ref: TableRef): ResultAsync<TableDetail, DatabaseFailure>;
  /**
   * Runs one guard-checked statement inside the adapter's read-only session, reading at most
   * `limits.maxRows` rows and about `limits.maxBytes` bytes, stopping at `limits.timeoutMs`.
   * @returns err(Timeout) after the timeout, err(Cancelled) when `signal` aborts, err(PoolExhausted)
   * when no connection frees up in time.
   */
  executeReadOnly(
    query: ReadOnlyQuery,
    limits: QueryLimits,
    signal?: AbortSignal,
  ): ResultAsync<QueryResult, DatabaseFailure>;
  /** The engine's plan for a statement, without executing it. */
  explain(
    query: ReadOnlyQuery,
    limits: QueryLimits,
    signal?: AbortSignal,
  ): ResultAsync<QueryPlan, DatabaseFailure>;
  /**
   * Optional: what the connected user may do beyond reading, from one catalog query, so operators can
   * check least privilege (DESIGN.md §4, layer 3). Adapters that cannot tell leave it out.
   * @returns err(ConnectionFailed | AuthenticationFailed | Timeout) when the server cannot answer.
   */
  auditPrivileges?(): ResultAsync<PrivilegeReport, DatabaseFailure>;
  /**
   * Optional: a short opaque text that changes whenever the catalog does (tables or views created,
   * dropped, renamed or altered), from one cheap query that does not grow with the schema, so the
   * schema cache can tell a stale snapshot without re-reading the catalog. Equal text means "probably
   * unchanged"; adapters say in their docs which changes it cannot see. Adapters with no cheap signal
   * leave it out, and the cache then relies on its TTL.
   */
  catalogFingerprint?(): ResultAsync<string, DatabaseFailure>;
  /** Current pool gauges; cheap and synchronous (called on every /metrics scrape). */
  poolStats(): PoolStats;
  /** Closes every connection. Idempotent; later calls to other methods fail with ConnectionFailed. */
  close(): Promise<void>;
}

/** Pool settings with the deployment guide's semantics; each adapter maps them onto its driver. */
export interface PoolOptions {
  /** Connections kept (DB_POOL_SIZE). */
  readonly size: number;
  /** Extra connections allowed under load, on top of `size` (deployment guide: 2 × size). */
  readonly maxOverflow: number;
  /** How long to wait for a free connection before PoolExhausted (DB_TIMEOUT). */
  readonly acquireTimeoutMs: number;
  /** Maximum connection lifetime; 0 = unlimited (DB_POOL_RECYCLE). */
  readonly recycleMs: number;
  /** Validate a connection before handing it out (DB_POOL_PRE_PING). */
  readonly prePing: boolean;
}

/** What an adapter package exports so a registry can create it from a URL. */
export interface AdapterDefinition {
  readonly dialect: Dialect;
  /** URL schemes without the colon, e.g. `['postgres', 'postgresql']`. */
  readonly schemes: readonly string[];
  /**
   * Validates the URL and options and returns an unconnected adapter.
   * @returns err(InvalidConfig) naming `DATABASE_URL` when the URL is malformed.
   */
  create(input: AdapterCreateInput): Result<DatabasePort, ConfigFailure>;
}

export interface AdapterCreateInput {
  readonly url: string;
  readonly pool: PoolOptions;
  readonly logger: LoggerPort;
  /** Passwords and other secrets resolved by the SecretPort, merged by the adapter into its options. */
  readonly password?: string | undefined;
}

/** A secret's value with the name it was asked for. Never log `value`. */
export interface Secret {
  readonly name: string;
  readonly value: string;
}

/** Where secrets come from: environment, files (`NAME_FILE`), a manager, or a chain of them. */
export interface SecretPort {
  /** @returns err(SecretNotFound) when no source has it, err(SecretUnreadable) when a source failed. */
  get(name: string): ResultAsync<Secret, SecretFailure>;
}

/** Low-cardinality label values: never SQL text, never user input. */
export type MetricLabels = Readonly<Record<string, string>>;

/**
 * Counters, histograms and gauges. Fire-and-forget: an implementation must never throw or slow a
 * request down. Names follow Prometheus conventions (`db_queries_total`, `…_seconds`).
 */
export interface MetricsPort {
  increment(name: string, labels?: MetricLabels, value?: number): void;
  observe(name: string, value: number, labels?: MetricLabels): void;
  gauge(name: string, value: number, labels?: MetricLabels): void;
}

export type LogContext = Readonly<Record<string, unknown>>;

/** Structured logging. Implementations write to stderr or a collector, never stdout (the MCP channel). */
export interface LoggerPort {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
  /** A logger that adds `context` to every line. */
  child(context: LogContext): LoggerPort;
}

/**
 * Runs `work` inside an active trace span named `name`, so every log line and database span of it
 * carries the span's trace id. The transports take one to give each tool call and REST call a span;
 * the server passes OpenTelemetry's when tracing is on, and nothing otherwise.
 */
export type SpanRunner = <T>(
  name: string,
  attributes: Readonly<Record<string, string | number | boolean>>,
  work: () => Promise<T>,
) => Promise<T>;

/** A metrics port that records nothing. */
export const noopMetrics: MetricsPort = {
  increment() {},
  observe() {},
  gauge() {},
};

/** A logger that writes nothing. */
export const noopLogger: LoggerPort = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return noopLogger;
  },
};

/**
 * A shared key-value store for cached answers (query results): in memory per process, or Redis so
 * replicas share it. A cache is never authoritative, so an implementation never rejects: an outage
 * reads as a miss (`undefined`) and a failed write is dropped — it reports them through its own
 * logger, never to the caller.
 */
export interface CachePort {
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** The current generation of a namespace: part of every key, so `bump` invalidates them all at once. */
  generation(namespace: string): Promise<number>;
  /** Moves a namespace to a new generation: every key made before is unreachable from now on. */
  bump(namespace: string): Promise<void>;
  close(): Promise<void>;
}
