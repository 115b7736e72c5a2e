import type { Socket } from 'node:net';
import {
  type ColumnInfo,
  type ColumnSummary,
  type ConfigFailure,
  type DatabaseCapabilities,
  type DatabaseFailure,
  type DatabasePort,
  dbFailure,
  type ForeignKeyInfo,
  type IndexInfo,
  type PrivilegeFinding,
  type PrivilegeReport,
  type QueryLimits,
  type QueryPlan,
  type QueryResult,
  type ReadOnlyQuery,
  type ResultColumn,
  type SchemaKeys,
  type ServerInfo,
  type TableDetail,
  type TableFilter,
  type TableInfo,
  type TableKind,
  type TableRef,
} from '@legacybridge/core';
import { errAsync, okAsync, type Result, ResultAsync } from 'neverthrow';
import type pg from 'pg';
import type { DescribeForeignKey, DescribeRow, TableRow } from './postgres-catalog-sql.js';
import * as catalog from './postgres-catalog-sql.js';
import {
  type PostgresAdapterConfig,
  parsePostgresConfig,
  type ResolvedPostgresConfig,
  toPgSsl,
} from './postgres-config.js';
import { type ErrorContext, isPgServerError, redactFailure, toDatabaseError } from './postgres-errors.js';
import { type PipelineRead, ReadPipeline } from './postgres-pipeline.js';
import { createPostgresPool, destroySocket, type Lease } from './postgres-pool.js';
import {
  type CancelTarget,
  readOnlyPipelineSql,
  resetSessionSql,
  sendCancelRequest,
  sessionStartupOptions,
  setStatementTimeoutSql,
} from './postgres-session.js';
import {
  BUILTIN_TYPES,
  estimateCellBytes,
  logicalTypeOfCatalog,
  type Normaliser,
  normaliserFor,
  type PgTypeInfo,
  typeInfoFromCatalog,
} from './postgres-types.js';

/** What PostgreSQL can do, for core's capability checks. */
export const POSTGRES_CAPABILITIES: DatabaseCapabilities = {
  supportsSchemas: true,
  supportsCancel: true,
  supportsExplain: true,
  supportsRowEstimates: true,
  supportsComments: true,
  // The default search_path is "$user", public; a user-named schema is the exception in legacy estates.
  defaultSchema: 'public',
};

// Rows fetched per round trip. Large enough that a 1,000-row cap is one fetch; small enough that a
// byte cap stops the transfer after one batch of a wide table (rows past the cap are dropped as they
// arrive, so memory holds the cap, not the batch).
const FETCH_BATCH = 1_000;

// A plan's own caps: lines of a text plan (what pg-cursor's single read took before), and the least
// byte budget of a JSON plan (one row; a 50-way join's plan is a few hundred kB).
const EXPLAIN_MAX_ROWS = 100_000;
const EXPLAIN_MIN_BYTES = 4 * 1024 * 1024;

// The client guard fires this long after the server's statement_timeout should have, so the server
// (which names the cause precisely) normally wins and the connection stays reusable.
const CLIENT_TIMEOUT_GRACE_MS = 250;

const MAX_TIMER_MS = 2_147_483_647;

type StopReason = 'timeout' | 'cancel' | 'close';

interface Guard {
  /** Races a driver promise with the hard stop that follows an unacknowledged cancel. */
  wrap<T>(promise: Promise<T>): Promise<T>;
  /** The work proved the session clean (its pipeline reset it): no reset before reuse. */
  clean(): void;
}

interface LeaseOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** The connection runs caller SQL: reset its session before reuse unless the work calls `clean`. */
  readonly userSql: boolean;
}

/**
 * A DatabasePort over PostgreSQL through pg: pooled, read-only sessions, results read through one
 * pipelined round trip and cut at the row and byte caps, queries cancelled on the server. Opens nothing until the
 * first request.
 * @throws TypeError when `config` is invalid (use `parsePostgresConfig` to get the failure as data).
 */
export function createPostgresAdapter(config: PostgresAdapterConfig): DatabasePort {
  const adapter = parsePostgresConfig(config).andThen(createPostgresAdapterFromResolved);
  if (adapter.isErr()) throw new TypeError(adapter.error.message);
  return adapter.value;
}

/**
 * The adapter for an already-validated configuration (what the registry entry uses).
 * @returns err(InvalidConfig) when a TLS certificate or key file cannot be read.
 */
export function createPostgresAdapterFromResolved(
  config: ResolvedPostgresConfig,
): Result<DatabasePort, ConfigFailure> {
  return toPgSsl(config.tls, config.host).map((ssl) => build(config, ssl));
}

function build(config: ResolvedPostgresConfig, ssl: false | pg.ConnectionConfig['ssl']): DatabasePort {
  const logger = config.logger.child({ adapter: 'postgres' });
  const secrets = config.password ? [config.password] : [];
  const convert = (error: unknown, context?: ErrorContext) =>
    redactFailure(toDatabaseError(error, context), secrets);
  const cancelTarget: CancelTarget = { host: config.host, port: config.port };
  const pool = createPostgresPool({
    pool: config.pool,
    overflowIdleMs: config.overflowIdleMs,
    prePingIdleMs: config.prePingIdleMs,
    connectTimeoutMs: config.connectTimeoutMs,
    startupTimeoutMs: config.statementTimeoutMs,
    connection: {
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: config.database,
      ssl: ssl === false ? false : ssl,
      application_name: config.applicationName,
      options: sessionStartupOptions(config.statementTimeoutMs),
    },
    onIdleError: (error) =>
      logger.warn('postgres connection error', { kind: convert(error).kind, code: codeOf(error) }),
  });
  const types = new Map<number, PgTypeInfo>(BUILTIN_TYPES);
  // One normaliser per type, built on first use rather than per column of every result; dropped
  // whenever `types` learns a type (an array's normaliser depends on its element type's entry).
  const normalisers = new Map<number, Normaliser>();
  const lookup = (oid: number) => types.get(oid);
  const normaliserOf = (oid: number): Normaliser => {
    let normalise = normalisers.get(oid);
    if (normalise === undefined) {
      normalise = normaliserFor(oid, lookup, { maxBinaryBytes: config.maxBinaryBytes });
      normalisers.set(oid, normalise);
    }
    return normalise;
  };
  const rowBytes = rowBytesOf(config.maxBinaryBytes);
  const inflight = new Set<(reason: StopReason) => void>();
  let closing: Promise<void> | undefined;

  const stopFailure = (reason: StopReason, timeoutMs: number): DatabaseFailure => {
    switch (reason) {
      case 'timeout':
        return dbFailure('Timeout', { timeoutMs, message: `query exceeded ${timeoutMs} ms` });
      case 'cancel':
        return dbFailure('Cancelled', { message: 'query cancelled by the caller' });
      case 'close':
        return dbFailure('ConnectionFailed', { message: 'the PostgreSQL adapter closed during the query' });
    }
  };

  // Resets (when caller SQL ran) and returns a connection without holding up the caller; a reset
  // that fails or hangs destroys the connection instead.
  const finish = (lease: Lease, userSql: boolean): void => {
    if (!userSql) {
      lease.release();
      return;
    }
    lease.returning();
    const timer = setTimeout(
      () => destroySocket(lease.client),
      config.cancelGraceMs + config.connectTimeoutMs,
    );
    (async () => {
      for (const statement of resetSessionSql(lease.timeoutMs, config.statementTimeoutMs)) {
        await lease.client.query(statement);
      }
    })().then(
      () => {
        clearTimeout(timer);
        lease.release();
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.debug('postgres connection dropped after a failed reset', { code: codeOf(error) });
        lease.release(true);
      },
    );
  };

  /**
   * Runs `work` on a pooled connection with the client guard: at `timeoutMs` (+ grace) or when
   * `signal` aborts, a cancel request goes to the server; if the server has not stopped the statement
   * `cancelGraceMs` later, the socket is destroyed. A connection that was sent a cancel is never
   * reused (the cancel could land on its next statement).
   */
  const withLease = <T>(
    options: LeaseOptions,
    work: (lease: Lease, guard: Guard) => Promise<T>,
  ): ResultAsync<T, DatabaseFailure> => {
    const run = async (): Promise<T> => {
      if (options.signal?.aborted) throw dbFailure('Cancelled', { message: 'cancelled before start' });
      const lease = await pool.acquire(options.signal);
      let reason: StopReason | undefined;
      let hardTimer: NodeJS.Timeout | undefined;
      let rejectHard: (error: unknown) => void = () => {};
      const hard = new Promise<never>((_, reject) => {
        rejectHard = reject;
      });
      hard.catch(() => {});
      const interrupt = (why: StopReason) => {
        if (reason !== undefined) return;
        reason = why;
        const { processID, secretKey } = lease.client as unknown as {
          processID?: number;
          secretKey?: number;
        };
        if (typeof processID === 'number' && typeof secretKey === 'number') {
          // The address the connection actually reached: a DNS name may resolve to another server now.
          const socket = (lease.client as unknown as { connection?: { stream?: Partial<Socket> } }).connection
            ?.stream;
          const target =
            socket?.remoteAddress && socket.remotePort
              ? { host: socket.remoteAddress, port: socket.remotePort }
              : cancelTarget;
          void sendCancelRequest(target, processID, secretKey, config.cancelGraceMs);
        }
        hardTimer = setTimeout(() => {
          destroySocket(lease.client);
          rejectHard(new Error('Connection terminated: the server did not acknowledge the cancel request'));
        }, config.cancelGraceMs);
      };
      // setTimeout fires at once beyond 2^31 - 1 ms: clamp, so `Infinity` means "no client guard" in practice.
      const timer = setTimeout(
        () => interrupt('timeout'),
        Math.min(options.timeoutMs + CLIENT_TIMEOUT_GRACE_MS, MAX_TIMER_MS),
      );
      const onAbort = () => interrupt('cancel');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      inflight.add(interrupt);
      let dirty = options.userSql;
      const cleanup = () => {
        clearTimeout(timer);
        clearTimeout(hardTimer);
        options.signal?.removeEventListener('abort', onAbort);
        inflight.delete(interrupt);
      };
      try {
        const value = await work(lease, {
          wrap: (promise) => Promise.race([promise, hard]),
          clean: () => {
            dirty = false;
          },
        });
        cleanup();
        if (reason !== undefined) lease.release(true);
        else finish(lease, dirty);
        return value;
      } catch (error) {
        cleanup();
        if (reason !== undefined || !reusableAfter(error)) lease.release(true);
        else finish(lease, options.userSql);
        if (reason !== undefined) throw stopFailure(reason, options.timeoutMs);
        throw error;
      }
    };
    return ResultAsync.fromPromise(run(), (error) => convert(error, { timeoutMs: options.timeoutMs }));
  };

  // Read once per adapter, on the first catalog question: the catalog columns differ by release.
  let features: catalog.CatalogFeatures | undefined;

  const catalogQuery = <R>(
    build: (features: catalog.CatalogFeatures) => catalog.CatalogQuery<R>,
  ): ResultAsync<R[], DatabaseFailure> =>
    withLease({ timeoutMs: config.catalogTimeoutMs, userSql: false }, async (lease, guard) => {
      // The session keeps the last caller's timeout; a shorter one must not cut a large catalog read.
      if (lease.timeoutMs < config.catalogTimeoutMs) {
        await guard.wrap(lease.client.query(setStatementTimeoutSql(config.catalogTimeoutMs)));
        lease.timeoutMs = config.catalogTimeoutMs;
      }
      if (features === undefined) {
        const version = await guard.wrap(lease.client.query(catalog.SERVER_VERSION_SQL));
        features = catalog.catalogFeatures(Number(version.rows[0]?.version_num));
      }
      const query = build(features);
      const result = await guard.wrap(lease.client.query(query.text, query.values));
      return result.rows as R[];
    });

  const resolveTypes = async (client: pg.PoolClient, guard: Guard, oids: number[]) => {
    const result = await guard.wrap(client.query(catalog.RESOLVE_TYPES_SQL, [oids]));
    for (const row of result.rows as TypeRow[]) {
      types.set(Number(row.oid), typeInfoFromCatalog({ ...row, elementOid: Number(row.element_oid) }));
    }
    for (const oid of oids) if (!types.has(oid)) types.set(oid, { name: `oid ${oid}`, logical: 'other' });
    normalisers.clear();
  };

  /**
   * Caller SQL (already through the guard) as one pipelined round trip: read-only transaction, the
   * statement cut at the caps, the in-pipeline reset, ROLLBACK (postgres-session.ts). The extended
   * protocol's single Parse refuses a second statement, so nothing can follow the caller's.
   */
  const readPipelined = async (
    lease: Lease,
    guard: Guard,
    sql: string,
    limits: QueryLimits,
  ): Promise<PipelineRead> => {
    const pipeline = new ReadPipeline({
      ...readOnlyPipelineSql(lease.timeoutMs === limits.timeoutMs ? undefined : limits.timeoutMs),
      sql,
      maxRows: limits.maxRows,
      maxBytes: limits.maxBytes,
      batchRows: FETCH_BATCH,
      rowBytes,
    });
    lease.client.query(pipeline as unknown as pg.Submittable);
    const read = await guard.wrap(pipeline.done);
    // Idle after the whole pipeline: the ROLLBACK and the reset ran, nothing is left to undo.
    if (transactionStatus(lease.client) === 'I') guard.clean();
    return read;
  };

  const port: DatabasePort = {
    dialect: 'postgres',
    capabilities: POSTGRES_CAPABILITIES,

    ping() {
      return withLease({ timeoutMs: config.connectTimeoutMs, userSql: false }, async (lease, guard) => {
        await guard.wrap(lease.client.query('SELECT 1'));
      });
    },

    serverInfo() {
      return catalogQuery<{ version: string; user: string; database: string }>(() => ({
        text: catalog.SERVER_INFO_SQL,
        values: [],
      })).map(
        (rows): ServerInfo => ({
          dialect: 'postgres',
          version: rows[0]?.version ?? 'unknown',
          user: rows[0]?.user,
          database: rows[0]?.database,
        }),
      );
    },

    auditPrivileges() {
      return catalogQuery<catalog.AuditPrivilegesRow>(() => ({
        text: catalog.AUDIT_PRIVILEGES_SQL,
        values: [],
      })).andThen((rows) =>
        rows[0] === undefined
          ? errAsync(dbFailure('PermissionDenied', { message: 'The current role is not in pg_roles.' }))
          : okAsync(privilegeReportOf(rows[0])),
      );
    },

    listTables(filter?: TableFilter) {
      return catalogQuery((f) => catalog.listTablesQuery(f, filter?.schema)).map((rows) =>
        rows.map(toTableInfo),
      );
    },

    catalogFingerprint() {
      return catalogQuery(() => catalog.catalogFingerprintQuery()).map((rows) =>
        String(rows[0]?.fingerprint ?? ''),
      );
    },

    listColumns(filter?: TableFilter) {
      return catalogQuery((f) => catalog.listColumnsQuery(f, filter?.schema)).map((rows) =>
        rows.map(
          (r): ColumnSummary => ({
            table: { schema: r.schema, name: r.table },
            name: r.name,
            nativeType: r.native_type,
            logicalType: logicalTypeOfCatalog(r),
            comment: r.comment ?? undefined,
          }),
        ),
      );
    },

    listKeys(filter?: TableFilter) {
      return catalogQuery((f) => catalog.listKeysQuery(f, filter?.schema)).map((rows): SchemaKeys => {
        const primaryKeys: SchemaKeys['primaryKeys'][number][] = [];
        const foreignKeys: ForeignKeyInfo[] = [];
        for (const r of rows) {
          const table = { schema: r.schema, name: r.table };
          if (r.kind === 'p') primaryKeys.push({ table, columns: r.columns });
          else if (r.ref_table !== null && r.ref_columns !== null) {
            foreignKeys.push({
              name: r.name,
              table,
              columns: r.columns,
              referencedTable: { schema: r.ref_schema ?? undefined, name: r.ref_table },
              referencedColumns: r.ref_columns,
            });
          }
        }
        return { primaryKeys, foreignKeys };
      });
    },

    describeTable(ref: TableRef) {
      return catalogQuery((f) => catalog.describeTableQuery(f, ref.schema, ref.name)).andThen((rows) => {
        const row = rows[0];
        if (row === undefined) {
          const display = ref.schema !== undefined ? `${ref.schema}.${ref.name}` : ref.name;
          return errAsync(
            dbFailure('ObjectNotFound', {
              objectType: 'table',
              name: display,
              message: `table ${display} not found`,
            }),
          );
        }
        return okAsync(toTableDetail(row));
      });
    },

    executeReadOnly(query: ReadOnlyQuery, limits: QueryLimits, signal?: AbortSignal) {
      const started = performance.now();
      return withLease({ timeoutMs: limits.timeoutMs, signal, userSql: true }, async (lease, guard) => {
        const read = await readPipelined(lease, guard, query.sql, limits);
        const unknown = unknownTypes(read.fields, types);
        if (unknown !== undefined) await resolveTypes(lease.client, guard, unknown);
        return toQueryResult(read, types, normaliserOf, started);
      });
    },

    explain(query: ReadOnlyQuery, limits: QueryLimits, signal?: AbortSignal) {
      // A plan is one JSON row (or one text line per node for the caller's own EXPLAIN): the query's
      // caps are for result sets, so a plan gets its own, as before (pg-cursor read 100,000 rows).
      const planLimits = {
        ...limits,
        maxRows: EXPLAIN_MAX_ROWS,
        maxBytes: Math.max(limits.maxBytes, EXPLAIN_MIN_BYTES),
      };
      const sql = query.statementKind === 'explain' ? query.sql : catalog.explainSql(query.sql);
      return withLease({ timeoutMs: limits.timeoutMs, signal, userSql: true }, (lease, guard) =>
        readPipelined(lease, guard, sql, planLimits),
      ).andThen((read) =>
        // Decided after the lease: the pipeline ran to its end, so the connection goes back to the pool.
        read.truncatedBy === 'bytes' && read.rows.length === 0
          ? errAsync(
              dbFailure('LimitExceeded', {
                limit: 'bytes',
                max: planLimits.maxBytes,
                message: `the plan is larger than ${planLimits.maxBytes} bytes`,
              }),
            )
          : okAsync(toQueryPlan(read)),
      );
    },

    poolStats() {
      return pool.stats();
    },

    close() {
      if (!closing) {
        for (const interrupt of [...inflight]) interrupt('close');
        closing = pool.close();
      }
      return closing;
    },
  };
  return port;
}

/** The answer-size estimate of a row, for the byte cap (binary columns count as their base64). */
function rowBytesOf(maxBinaryBytes: number) {
  return (fields: readonly pg.FieldDef[]) => {
    const binary = fields.map((f) => f.dataTypeID === 17 || f.dataTypeID === 1001);
    return (row: readonly (string | null)[]): number => {
      let size = 2;
      for (let i = 0; i < row.length; i++) size += estimateCellBytes(row[i]!, maxBinaryBytes, binary[i]!);
      return size;
    };
  };
}

/** 'I' idle, 'T' in a transaction block, 'E' in a failed one (from the last ReadyForQuery). */
function transactionStatus(client: pg.ClientBase): string | null {
  return (client as unknown as { getTransactionStatus(): string | null }).getTransactionStatus();
}

/** The result's type oids the adapter has not resolved yet, each once; undefined when none. */
function unknownTypes(
  fields: readonly pg.FieldDef[],
  types: ReadonlyMap<number, PgTypeInfo>,
): number[] | undefined {
  let unknown: number[] | undefined;
  for (const f of fields) {
    const oid = f.dataTypeID;
    if (types.has(oid) || unknown?.includes(oid)) continue;
    if (unknown === undefined) unknown = [oid];
    else unknown.push(oid);
  }
  return unknown;
}

function toQueryResult(
  read: PipelineRead,
  types: ReadonlyMap<number, PgTypeInfo>,
  normaliserOf: (oid: number) => Normaliser,
  started: number,
): QueryResult {
  const { fields } = read;
  const width = fields.length;
  const columns = new Array<ResultColumn>(width);
  const normalisers = new Array<Normaliser>(width);
  for (let i = 0; i < width; i++) {
    const f = fields[i]!;
    const info = types.get(f.dataTypeID);
    columns[i] = { name: f.name, nativeType: info?.name, logicalType: info?.logical ?? 'other' };
    normalisers[i] = normaliserOf(f.dataTypeID);
  }
  const rows = read.rows.map((row) => {
    const out = new Array<ReturnType<Normaliser>>(row.length);
    for (let i = 0; i < row.length; i++) out[i] = normalisers[i]!(row[i]!);
    return out;
  });
  return {
    columns,
    rows,
    rowCount: rows.length,
    truncated: read.truncatedBy !== undefined,
    truncatedBy: read.truncatedBy,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  };
}

interface PlanNode {
  readonly 'Node Type'?: string;
  readonly 'Relation Name'?: string;
  readonly Schema?: string;
  readonly Alias?: string;
  readonly 'Index Name'?: string;
  readonly 'Startup Cost'?: number;
  readonly 'Total Cost'?: number;
  readonly 'Plan Rows'?: number;
  readonly 'Plan Width'?: number;
  readonly Plans?: readonly PlanNode[];
  readonly [key: string]: unknown;
}

const CONDITIONS = ['Index Cond', 'Hash Cond', 'Merge Cond', 'Join Filter', 'Filter', 'Recheck Cond'];

// json: FORMAT JSON (ours, or the caller's own EXPLAIN); text/xml/yaml plans arrive as text lines.
const JSON_OID = 114;

function toQueryPlan(read: PipelineRead): QueryPlan {
  const first = read.rows[0]?.[0];
  const parsed =
    read.fields[0]?.dataTypeID === JSON_OID && typeof first === 'string' ? tryJson(first) : undefined;
  const root = Array.isArray(parsed) ? (parsed[0] as { Plan?: PlanNode } | undefined)?.Plan : undefined;
  if (root === undefined) {
    // The caller's own EXPLAIN in text form: one line per row already.
    const lines = read.rows.map((r) => String(r[0]));
    if (read.truncatedBy !== undefined) lines.push(`… plan cut after ${lines.length} lines`);
    return { dialect: 'postgres', text: lines.join('\n') };
  }
  const lines: string[] = [];
  renderPlan(root, 0, lines);
  return { dialect: 'postgres', text: lines.join('\n'), estimatedCost: root['Total Cost'], raw: parsed };
}

function renderPlan(node: PlanNode, depth: number, lines: string[]): void {
  const pad = '  '.repeat(depth);
  const on = node['Relation Name']
    ? ` on ${node.Schema ? `${node.Schema}.` : ''}${node['Relation Name']}${node.Alias && node.Alias !== node['Relation Name'] ? ` ${node.Alias}` : ''}`
    : '';
  const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  lines.push(
    `${pad}${depth > 0 ? '-> ' : ''}${node['Node Type'] ?? '?'}${using}${on}  (cost=${node['Startup Cost']}..${node['Total Cost']} rows=${node['Plan Rows']} width=${node['Plan Width']})`,
  );
  for (const key of CONDITIONS) {
    if (typeof node[key] === 'string') lines.push(`${pad}     ${key}: ${node[key]}`);
  }
  for (const child of node.Plans ?? []) renderPlan(child, depth + 1, lines);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// A statement error leaves the connection idle and healthy (pg syncs after an ErrorResponse);
// anything else (socket, protocol, FATAL) may not have, so that connection is destroyed.
function reusableAfter(error: unknown): boolean {
  if (!isPgServerError(error)) return false;
  const code = error.code;
  // 57014 here is the server's own statement_timeout (a cancel we sent never reaches this check).
  return !/^(08|57P|53|58|XX)/.test(code);
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

interface TypeRow {
  oid: string;
  name: string;
  typname: string;
  typtype: string;
  typcategory: string;
  element_oid: string;
}

const KINDS: Record<string, TableKind> = {
  r: 'table',
  p: 'table',
  v: 'view',
  m: 'materialized_view',
  f: 'foreign_table',
};

function toTableInfo(row: TableRow): TableInfo {
  return {
    schema: row.schema,
    name: row.name,
    kind: KINDS[row.kind] ?? 'table',
    rowEstimate: row.row_estimate === null ? undefined : Math.round(row.row_estimate),
    comment: row.comment ?? undefined,
  };
}

function toTableDetail(row: DescribeRow): TableDetail {
  const pk = row.primary_key ?? [];
  const columns: ColumnInfo[] = row.columns.map((c) => {
    const position = pk.indexOf(c.name);
    return {
      name: c.name,
      ordinal: Number(c.ordinal),
      nativeType: c.nativeType,
      logicalType: logicalTypeOfCatalog(c),
      nullable: !c.notNull,
      default: c.default ?? undefined,
      primaryKeyPosition: position >= 0 ? position + 1 : undefined,
      comment: c.comment ?? undefined,
    };
  });
  const fk = (k: DescribeForeignKey): ForeignKeyInfo => ({
    name: k.name,
    table: { schema: k.schema, name: k.table },
    columns: k.columns ?? [],
    referencedTable: { schema: k.refSchema, name: k.refTable },
    referencedColumns: k.refColumns ?? [],
  });
  const indexes: IndexInfo[] = row.indexes.map((i) => ({
    name: i.name,
    columns: i.columns ?? [],
    unique: i.unique,
    primary: i.primary,
  }));
  return {
    table: toTableInfo(row),
    columns,
    primaryKey: pk,
    foreignKeys: row.foreign_keys.map(fk),
    referencedBy: row.referenced_by.map(fk),
    indexes,
  };
}

const ROLE_ATTRIBUTES: readonly [
  keyof catalog.AuditPrivilegesRow,
  string,
  'write' | 'schema' | 'info',
  string,
][] = [
  ['superuser', 'SUPERUSER', 'write', 'bypasses every permission check, including read-only mode'],
  ['createrole', 'CREATEROLE', 'schema', 'can create roles and grant itself their privileges'],
  ['createdb', 'CREATEDB', 'schema', 'can create databases'],
  ['replication', 'REPLICATION', 'write', 'can stream the whole cluster and create replication slots'],
  ['bypassrls', 'BYPASSRLS', 'info', 'row-level security policies do not apply to it'],
];

const TABLE_PRIVILEGES = [
  ['INSERT', 'insert'],
  ['UPDATE', 'update'],
  ['DELETE', 'delete'],
  ['TRUNCATE', 'truncate'],
] as const;

// Predefined roles that write outside the tables' privileges (files, programs, all data).
const WRITING_ROLES = new Set(['pg_write_server_files', 'pg_execute_server_program', 'pg_write_all_data']);

/** Turns the audit row into findings; the read-only verdict counts only what can change something. */
function privilegeReportOf(row: catalog.AuditPrivilegesRow): PrivilegeReport {
  const findings: PrivilegeFinding[] = [];
  let canWrite = false;
  let canChangeSchema = false;
  for (const [column, privilege, effect, detail] of ROLE_ATTRIBUTES) {
    if (row[column] !== true) continue;
    findings.push({ privilege, severity: effect === 'info' ? 'info' : 'warning', detail });
    if (effect === 'write') canWrite = true;
    if (effect === 'schema' || privilege === 'SUPERUSER') canChangeSchema = true;
  }
  for (const [privilege, key] of TABLE_PRIVILEGES) {
    const count = row[`${key}_count`];
    if (count > 0) {
      canWrite = true;
      findings.push({ privilege, object: sampleText(row[`${key}_sample`], count), severity: 'warning' });
    }
  }
  if (row.owned_count > 0) {
    canWrite = true;
    canChangeSchema = true;
    findings.push({
      privilege: 'OWNER',
      object: sampleText(row.owned_sample, row.owned_count),
      severity: 'warning',
      detail: 'an owner can alter, drop and write its tables whatever is granted',
    });
  }
  if (row.sequence_count > 0) {
    canWrite = true;
    findings.push({
      privilege: 'USAGE/UPDATE',
      object: `sequences ${sampleText(row.sequence_sample, row.sequence_count)}`,
      severity: 'warning',
      detail: 'nextval and setval advance a sequence',
    });
  }
  for (const schema of row.create_schemas ?? []) {
    canChangeSchema = true;
    findings.push({ privilege: 'CREATE', object: `schema ${schema}`, severity: 'warning' });
  }
  if (row.db_create) {
    canChangeSchema = true;
    findings.push({ privilege: 'CREATE', object: `database ${row.database}`, severity: 'warning' });
  }
  if (row.db_temp) {
    findings.push({
      privilege: 'TEMPORARY',
      object: `database ${row.database}`,
      severity: 'info',
      detail: 'can create session-local temporary tables',
    });
  }
  for (const role of row.memberships ?? []) {
    const writes = WRITING_ROLES.has(role);
    if (writes) canWrite = true;
    // Ending other sessions changes nothing stored, but it is no reader's business either.
    const severity = writes || role === 'pg_signal_backend' ? 'warning' : 'info';
    findings.push({ privilege: role, severity, detail: 'member of this predefined role' });
  }
  return { user: row.user, canWrite, canChangeSchema, findings };
}

function sampleText(sample: readonly string[] | null, count: number): string {
  const names = (sample ?? []).join(', ');
  return count > (sample?.length ?? 0) ? `${names} and ${count - (sample?.length ?? 0)} more` : names;
}
