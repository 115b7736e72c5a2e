import { err, ok, type Result, ResultAsync } from 'neverthrow';
import { type DatabaseFailure, dbFailure, isDatabaseFailure } from '../errors.js';
import type { ReadOnlyQuery } from '../guard/read-only-query.js';
import type {
  CellValue,
  DatabaseCapabilities,
  Dialect,
  ForeignKeyInfo,
  QueryLimits,
  QueryPlan,
  QueryResult,
  ResultColumn,
  ServerInfo,
  TableDetail,
  TableRef,
} from '../model.js';
import type { DatabasePort, PoolOptions } from '../ports.js';
import { closestNames } from '../use-cases/name-matching.js';
import { createFakePool } from './fake-pool.js';
import { type FakeTable, legacyFakeTables } from './fake-schema.js';
import { FAKE_WRITE_RE, parseFakeSelect } from './fake-sql.js';

/** The DatabasePort methods the fake can delay, fail and record. */
export type FakeMethod =
  | 'ping'
  | 'serverInfo'
  | 'listTables'
  | 'listColumns'
  | 'describeTable'
  | 'executeReadOnly'
  | 'explain'
  | 'catalogFingerprint';

/** One recorded call: which method, its arguments, and the caller's AbortSignal (for cancellation tests). */
export interface FakeCall {
  readonly method: FakeMethod;
  readonly args: readonly unknown[];
  readonly signal?: AbortSignal | undefined;
}

/** Columns and *all* rows of an answer; the fake applies the row and byte caps itself, like an adapter. */
export interface FakeRows {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly CellValue[])[];
}

/** What an `execute` handler sees. `signal` aborts on timeout, caller cancel or close: stop work then. */
export interface FakeExecuteContext {
  readonly limits: QueryLimits;
  readonly signal: AbortSignal;
  readonly tables: readonly FakeTable[];
}

/**
 * A custom answer for `executeReadOnly`: rows, a failure, or undefined to fall back to the built-in
 * `SELECT * | COUNT(*) | columns FROM table` evaluator. May be async (a never-resolving promise is a
 * hanging query, stopped by the timeout or the signal).
 */
export type FakeExecuteHandler = (
  query: ReadOnlyQuery,
  context: FakeExecuteContext,
) => FakeRows | DatabaseFailure | undefined | Promise<FakeRows | DatabaseFailure | undefined>;

export interface FakeDatabaseOptions {
  /** Default `sqlite`: its guard accepts the most statement forms. */
  readonly dialect?: Dialect | undefined;
  readonly capabilities?: Partial<DatabaseCapabilities> | undefined;
  /** The schema; default `legacyFakeTables()` (CUSTMST, ITMMST, ORDHDR, ORDDTL, V_OPENORD). */
  readonly tables?: readonly FakeTable[] | undefined;
  /** Delay before each answer, in ms: one value for all methods or per method. */
  readonly latencyMs?: number | Partial<Record<FakeMethod, number>> | undefined;
  /** Make a method fail with this failure (after its latency). Change later with `setFailure`. */
  readonly failWith?: Partial<Record<FakeMethod, DatabaseFailure>> | undefined;
  readonly execute?: FakeExecuteHandler | undefined;
  /** Pool for executeReadOnly/explain; default size 5, no overflow, 30 s acquire timeout. */
  readonly pool?: Partial<PoolOptions> | undefined;
  readonly serverInfo?: Partial<ServerInfo> | undefined;
  /** Called synchronously on every call, before anything else happens. */
  readonly onCall?: ((call: FakeCall) => void) | undefined;
  /**
   * Offer `catalogFingerprint()` (off by default, so call logs stay what tests expect): it answers a
   * version that `setTables` bumps, like SQLite's `PRAGMA schema_version`.
   */
  readonly catalogFingerprint?: boolean | undefined;
}

/** The fake's DatabasePort plus what tests need to observe and steer it. */
export interface FakeDatabase extends DatabasePort {
  readonly calls: readonly FakeCall[];
  /** The recorded calls of one method. */
  callsTo(method: FakeMethod): FakeCall[];
  /** Sets (or with undefined clears) the failure a method returns from now on. */
  setFailure(method: FakeMethod, failure: DatabaseFailure | undefined): void;
  /** Sets a method's latency from now on. */
  setLatency(method: FakeMethod, ms: number): void;
  /** Queries running now (holding a pool slot). */
  readonly running: number;
  readonly closed: boolean;
  readonly tables: readonly FakeTable[];
  /** Replaces the schema, as DDL would: later catalog calls see `tables`, the fingerprint changes. */
  setTables(tables: readonly FakeTable[]): void;
}

const DEFAULT_CAPABILITIES: DatabaseCapabilities = {
  supportsSchemas: false,
  supportsCancel: true,
  supportsExplain: true,
  supportsRowEstimates: true,
  supportsComments: true,
};

const CLOSED = Symbol('fake database closed');

/**
 * An in-memory DatabasePort with a small legacy schema, honouring the port's contract: row and byte
 * caps with `truncated`, timeouts, AbortSignal cancellation, a bounded pool, idempotent close.
 * @returns err(ConnectionFailed) from every method after `close()`, err(ObjectNotFound) for unknown
 * tables, err(ReadOnlyViolation) for writes, err(SyntaxError) for SQL the fake does not understand.
 */
export function createFakeDatabase(options: FakeDatabaseOptions = {}): FakeDatabase {
  const dialect = options.dialect ?? 'sqlite';
  let tables = options.tables ?? legacyFakeTables();
  let schemaVersion = 1;
  const capabilities: DatabaseCapabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
  const failures = new Map<FakeMethod, DatabaseFailure>(
    Object.entries(options.failWith ?? {}) as [FakeMethod, DatabaseFailure][],
  );
  const latency = new Map<FakeMethod, number>();
  const { latencyMs } = options;
  if (typeof latencyMs === 'number') {
    for (const m of METHODS) latency.set(m, latencyMs);
  } else if (latencyMs) {
    for (const [m, ms] of Object.entries(latencyMs)) latency.set(m as FakeMethod, ms);
  }
  const poolSize = options.pool?.size ?? 5;
  const pool = createFakePool(
    poolSize,
    options.pool?.maxOverflow ?? 0,
    options.pool?.acquireTimeoutMs ?? 30_000,
  );
  const calls: FakeCall[] = [];
  const inFlight = new Set<AbortController>();
  let closed = false;
  let running = 0;

  const record = (method: FakeMethod, args: unknown[], signal?: AbortSignal) => {
    const call: FakeCall = { method, args, signal };
    calls.push(call);
    options.onCall?.(call);
  };

  // Catalog methods: latency, then the injected failure or the answer.
  const simple = <T>(method: FakeMethod, args: unknown[], answer: () => Result<T, DatabaseFailure>) => {
    record(method, args);
    return new ResultAsync(
      (async (): Promise<Result<T, DatabaseFailure>> => {
        if (closed) return err(closedFailure());
        await sleep(latency.get(method) ?? 0);
        if (closed) return err(closedFailure());
        const failure = failures.get(method);
        return failure ? err(failure) : answer();
      })(),
    );
  };

  // Query methods: pool slot, timeout, caller cancel and close all race the work.
  const bounded = <T>(
    method: FakeMethod,
    args: unknown[],
    limits: QueryLimits,
    signal: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<Result<T, DatabaseFailure>>,
  ) => {
    record(method, args, signal);
    return new ResultAsync(
      (async (): Promise<Result<T, DatabaseFailure>> => {
        if (closed) return err(closedFailure());
        if (signal?.aborted) return err(cancelledFailure());
        const slot = await pool.acquire(signal);
        if (slot.isErr()) return err(slot.error);
        running++;
        try {
          return await race(limits.timeoutMs, signal, async (inner) => {
            await sleep(latency.get(method) ?? 0, inner);
            if (inner.aborted) return err(cancelledFailure());
            const failure = failures.get(method);
            return failure ? err(failure) : work(inner);
          });
        } finally {
          running--;
          slot.value();
        }
      })(),
    );
  };

  const race = <T>(
    timeoutMs: number,
    outer: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<Result<T, DatabaseFailure>>,
  ): Promise<Result<T, DatabaseFailure>> => {
    const inner = new AbortController();
    inFlight.add(inner);
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (result: Result<T, DatabaseFailure>, reason?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outer?.removeEventListener('abort', onCancel);
        inFlight.delete(inner);
        if (reason !== undefined) inner.abort(reason);
        resolve(result);
      };
      const timer = setTimeout(
        () =>
          finish(
            err(dbFailure('Timeout', { timeoutMs, message: `fake query exceeded ${timeoutMs} ms` })),
            'timeout',
          ),
        timeoutMs,
      );
      const onCancel = () => finish(err(cancelledFailure()), 'cancelled');
      outer?.addEventListener('abort', onCancel, { once: true });
      inner.signal.addEventListener('abort', () => {
        if (inner.signal.reason === CLOSED) finish(err(closedFailure()));
      });
      work(inner.signal).then(
        (result) => finish(result),
        (error: unknown) => {
          // A throwing handler is a bug in the test: surface it rather than turn it into data.
          if (!settled) {
            settled = true;
            clearTimeout(timer);
            inFlight.delete(inner);
            reject(error);
          }
        },
      );
    });
  };

  const findTable = (ref: TableRef, exact: boolean): FakeTable | undefined =>
    tables.find(
      (t) =>
        (exact ? t.info.name === ref.name : t.info.name.toLowerCase() === ref.name.toLowerCase()) &&
        (ref.schema === undefined || t.info.schema === ref.schema),
    );

  const evaluate = (sql: string): Result<FakeRows, DatabaseFailure> => {
    if (FAKE_WRITE_RE.test(sql)) {
      return err(
        dbFailure('ReadOnlyViolation', {
          reason: 'the session is read-only.',
          message: 'fake database: write refused by read-only session',
        }),
      );
    }
    const select = parseFakeSelect(sql);
    if (!select) {
      return err(
        dbFailure('SyntaxError', {
          message: 'fake database: statement not understood',
          publicDetail: 'The fake database understands SELECT *, COUNT(*) or a column list FROM one table.',
        }),
      );
    }
    const table = findTable({ schema: select.schema, name: select.table }, false);
    if (!table) {
      return err(
        dbFailure('ObjectNotFound', {
          objectType: 'table',
          name: select.table,
          suggestions: closestNames(
            select.table,
            tables.map((t) => t.info.name),
          ),
          message: `fake database: no table ${select.table}`,
        }),
      );
    }
    const rows = table.rows ?? [];
    const indexOf = (name: string) =>
      table.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    let ordered = rows;
    if (select.orderBy) {
      const i = indexOf(select.orderBy.column);
      if (i < 0) return err(columnNotFound(select.orderBy.column));
      const sign = select.orderBy.descending ? -1 : 1;
      ordered = [...rows].sort((a, b) => sign * compareCells(a[i] ?? null, b[i] ?? null));
    }
    if (select.projection === 'count') {
      return ok({ columns: [{ name: 'count', logicalType: 'integer' }], rows: [[rows.length]] });
    }
    const picked =
      select.projection === '*' ? table.columns.map((_, i) => i) : select.projection.map(indexOf);
    const missing = select.projection === '*' ? -1 : picked.indexOf(-1);
    if (missing >= 0) return err(columnNotFound((select.projection as readonly string[])[missing]!));
    return ok({
      columns: picked.map((i) => {
        const c = table.columns[i]!;
        return { name: c.name, nativeType: c.nativeType, logicalType: c.logicalType };
      }),
      rows: ordered.map((row) => picked.map((i) => row[i] ?? null)),
    });
  };

  const db: FakeDatabase = {
    dialect,
    capabilities,
    get calls() {
      return calls;
    },
    get running() {
      return running;
    },
    get closed() {
      return closed;
    },
    get tables() {
      return tables;
    },
    setTables(next) {
      tables = next;
      schemaVersion++;
    },
    callsTo(method) {
      return calls.filter((c) => c.method === method);
    },
    setFailure(method, failure) {
      if (failure) failures.set(method, failure);
      else failures.delete(method);
    },
    setLatency(method, ms) {
      latency.set(method, ms);
    },
    ping() {
      return simple('ping', [], () => ok(undefined));
    },
    serverInfo() {
      return simple('serverInfo', [], () =>
        ok({ dialect, version: 'fake 1.0', user: 'fake_reader', database: 'fake', ...options.serverInfo }),
      );
    },
    listTables(filter) {
      return simple('listTables', [filter], () =>
        ok(
          tables
            .filter((t) => filter?.schema === undefined || t.info.schema === filter.schema)
            .map((t) => t.info),
        ),
      );
    },
    listColumns(filter) {
      return simple('listColumns', [filter], () =>
        ok(
          tables
            .filter((t) => filter?.schema === undefined || t.info.schema === filter.schema)
            .flatMap((t) =>
              t.columns.map((c) => ({
                table: { schema: t.info.schema, name: t.info.name },
                name: c.name,
                nativeType: c.nativeType,
                logicalType: c.logicalType,
                comment: c.comment,
              })),
            ),
        ),
      );
    },
    describeTable(ref) {
      return simple('describeTable', [ref], () => {
        // Exact spelling only, like a real catalog lookup: case-folding is the use case's job.
        const table = findTable(ref, true);
        if (!table) {
          const display = ref.schema !== undefined ? `${ref.schema}.${ref.name}` : ref.name;
          return err(
            dbFailure('ObjectNotFound', {
              objectType: 'table',
              name: display,
              message: `fake database: no table ${display}`,
            }),
          );
        }
        return ok(detailOf(table, tables));
      });
    },
    executeReadOnly(query, limits, signal) {
      return bounded('executeReadOnly', [query, limits], limits, signal, async (inner) => {
        const started = performance.now();
        const answer =
          (options.execute ? await options.execute(query, { limits, signal: inner, tables }) : undefined) ??
          evaluate(query.sql);
        const data = isDatabaseFailure(answer) ? err(answer) : 'isOk' in answer ? answer : ok(answer);
        return data.map((rows) => capRows(rows, limits, performance.now() - started));
      });
    },
    explain(query, limits, signal) {
      if (!capabilities.supportsExplain) {
        record('explain', [query, limits], signal);
        return new ResultAsync(
          Promise.resolve(
            err<QueryPlan, DatabaseFailure>(
              dbFailure('Unsupported', { feature: 'explain_query', message: 'fake: explain disabled' }),
            ),
          ),
        );
      }
      return bounded('explain', [query, limits], limits, signal, async () =>
        evaluate(query.sql).map((rows) => {
          const table = parseFakeSelect(query.sql)!.table;
          return {
            dialect,
            text: `SCAN ${table}\n  OUTPUT ${rows.columns.map((c) => c.name).join(', ')}`,
            estimatedCost: rows.rows.length,
          };
        }),
      );
    },
    ...(options.catalogFingerprint
      ? {
          catalogFingerprint() {
            return simple('catalogFingerprint', [], () => ok(`v${schemaVersion}`));
          },
        }
      : {}),
    poolStats() {
      return pool.stats();
    },
    async close() {
      if (closed) return;
      closed = true;
      pool.drain();
      for (const controller of [...inFlight]) controller.abort(CLOSED);
    },
  };
  return db;
}

const METHODS: readonly FakeMethod[] = [
  'ping',
  'serverInfo',
  'listTables',
  'listColumns',
  'describeTable',
  'executeReadOnly',
  'explain',
  'catalogFingerprint',
];

/** Applies the row cap, then the byte cap, exactly as an adapter reading a cursor would stop. */
function capRows(data: FakeRows, limits: QueryLimits, durationMs: number): QueryResult {
  const out: (readonly CellValue[])[] = [];
  let bytes = 0;
  let truncatedBy: QueryResult['truncatedBy'];
  for (const row of data.rows) {
    if (out.length >= limits.maxRows) {
      truncatedBy = 'rows';
      break;
    }
    const size = approximateBytes(row);
    if (bytes + size > limits.maxBytes) {
      truncatedBy = 'bytes';
      break;
    }
    bytes += size;
    out.push(row);
  }
  return {
    columns: data.columns,
    rows: out,
    rowCount: out.length,
    truncated: truncatedBy !== undefined,
    truncatedBy,
    durationMs: Math.round(durationMs * 100) / 100,
  };
}

function approximateBytes(row: readonly CellValue[]): number {
  return JSON.stringify(row).length;
}

function detailOf(table: FakeTable, all: readonly FakeTable[]): TableDetail {
  const sameTable = (ref: TableRef) =>
    ref.name === table.info.name && (ref.schema ?? undefined) === (table.info.schema ?? undefined);
  const referencedBy: ForeignKeyInfo[] = all.flatMap((t) =>
    (t.foreignKeys ?? []).filter((fk) => sameTable(fk.referencedTable)),
  );
  return {
    table: table.info,
    columns: table.columns,
    primaryKey: table.columns
      .filter((c) => c.primaryKeyPosition !== undefined)
      .sort((a, b) => a.primaryKeyPosition! - b.primaryKeyPosition!)
      .map((c) => c.name),
    foreignKeys: table.foreignKeys ?? [],
    referencedBy,
    indexes: table.indexes ?? [],
  };
}

function compareCells(a: CellValue, b: CellValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const na = Number(a);
  const nb = Number(b);
  if (typeof a === 'string' && typeof b === 'string' && a.trim() !== '' && b.trim() !== '') {
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  }
  return String(a).localeCompare(String(b));
}

function columnNotFound(name: string): DatabaseFailure {
  return dbFailure('ObjectNotFound', {
    objectType: 'column',
    name,
    message: `fake database: no column ${name}`,
  });
}

function closedFailure(): DatabaseFailure {
  return dbFailure('ConnectionFailed', { message: 'fake database is closed' });
}

function cancelledFailure(): DatabaseFailure {
  return dbFailure('Cancelled', { message: 'fake query cancelled' });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
