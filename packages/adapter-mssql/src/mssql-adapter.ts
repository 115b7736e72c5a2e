import {
  type ColumnInfo,
  type ColumnSummary,
  type ConfigFailure,
  type DatabaseCapabilities,
  type DatabaseFailure,
  type DatabasePort,
  dbFailure,
  type ForeignKeyColumnRow,
  groupForeignKeys,
  groupPrimaryKeys,
  type IndexInfo,
  keysOfTable,
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
  type TableRef,
} from '@legacybridge/core';
import sql from 'mssql';
import { errAsync, ok, type Result, ResultAsync } from 'neverthrow';
import * as catalog from './mssql-catalog-sql.js';
import { type MssqlAdapterConfig, parseMssqlConfig, type ResolvedMssqlConfig } from './mssql-config.js';
import { type ErrorContext, redactFailure, reusableAfter, toDatabaseError } from './mssql-errors.js';
import { createMssqlPool } from './mssql-pool.js';
import {
  closeSession,
  destroyHeldConnection,
  driverConfig,
  lockTimeoutFor,
  type MssqlSession,
  mayLeaveSessionState,
  pingOrThrow,
  READ_ONLY_ISOLATION,
  ROLLBACK_LEFTOVER_SQL,
  readOnlyBatch,
  resetSession,
  SHOWPLAN_OFF_SQL,
  SHOWPLAN_ON_SQL,
} from './mssql-session.js';
import {
  estimateCellBytes,
  installExactReaders,
  logicalTypeOf,
  logicalTypeOfCatalog,
  nativeTypeOf,
  normaliserFor,
  type ResultColumnMeta,
  resultTypeName,
} from './mssql-types.js';

/** What SQL Server can do, for core's capability checks. */
export const MSSQL_CAPABILITIES: DatabaseCapabilities = {
  supportsSchemas: true,
  supportsCancel: true,
  supportsExplain: true,
  supportsRowEstimates: true,
  supportsComments: true,
  // A login's default schema is dbo unless the DBA set another; unqualified names resolve there.
  defaultSchema: 'dbo',
};

// The client guard fires this long after the query's timeout: room for the attention round trip.
const CLIENT_TIMEOUT_GRACE_MS = 0;
const MAX_TIMER_MS = 2_147_483_647;

type StopReason = 'timeout' | 'cancel' | 'close';

/** Hooks a unit of work gets: the request in flight is what a cancel or timeout stops. */
interface Control {
  /** Registers the request now running, so an interrupt can `cancel()` it. */
  running(request: sql.Request | undefined): void;
  /** Races a driver promise with the hard stop that follows an unacknowledged cancel. */
  wrap<T>(promise: Promise<T>): Promise<T>;
  /** The reason the work was interrupted, if it was. */
  readonly stopped: StopReason | undefined;
  /** The session's state is unknown (a session SET could not be undone): close it, never reuse it. */
  retire(): void;
  /** Withdraws `retire`: the state is known again. */
  keep(): void;
}

interface WorkOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Reset the session after the rollback (the caller's SQL may have changed session state). */
  readonly resetAfter?: boolean | undefined;
}

/**
 * A DatabasePort over SQL Server through mssql (tedious): pooled, every statement in a transaction
 * that is always rolled back, results streamed and cut at the row and byte caps, queries cancelled
 * with a TDS attention. Opens nothing until the first request.
 * @throws TypeError when `config` is invalid (use `parseMssqlConfig` to get the failure as data).
 */
export function createMssqlAdapter(config: MssqlAdapterConfig): DatabasePort {
  const adapter = parseMssqlConfig(config).andThen(createMssqlAdapterFromResolved);
  if (adapter.isErr()) throw new TypeError(adapter.error.message);
  return adapter.value;
}

/** Test seam: how the driver pool of one session is built. */
export interface MssqlAdapterDeps {
  readonly createDriverPool?: ((config: sql.config) => sql.ConnectionPool) | undefined;
}

/** The adapter for an already-validated configuration (what the registry entry uses). */
export function createMssqlAdapterFromResolved(
  config: ResolvedMssqlConfig,
  deps: MssqlAdapterDeps = {},
): Result<DatabasePort, ConfigFailure> {
  return ok(build(config, deps));
}

function build(config: ResolvedMssqlConfig, deps: MssqlAdapterDeps): DatabasePort {
  const logger = config.logger.child({ adapter: 'mssql' });
  if (!installExactReaders()) {
    logger.warn('mssql: exact decimal/datetime2 readers unavailable; such values may lose precision');
  }
  if (config.port === undefined) {
    logger.info('mssql: resolving the named instance through the SQL Server Browser (UDP 1434)', {
      instance: config.instanceName,
    });
  }
  const secrets = config.password ? [config.password] : [];
  const convert = (error: unknown, context?: ErrorContext) =>
    redactFailure(toDatabaseError(error, context), secrets);
  const pool = createMssqlPool({
    pool: config.pool,
    overflowIdleMs: config.overflowIdleMs,
    prePingIdleMs: config.prePingIdleMs,
    connectTimeoutMs: config.connectTimeoutMs,
    logger,
    driver: driverConfig(config),
    create: deps.createDriverPool,
  });
  const inflight = new Set<(reason: StopReason) => void>();
  let closing: Promise<void> | undefined;

  const stopFailure = (reason: StopReason, timeoutMs: number): DatabaseFailure => {
    switch (reason) {
      case 'timeout':
        return dbFailure('Timeout', { timeoutMs, message: `query exceeded ${timeoutMs} ms` });
      case 'cancel':
        return dbFailure('Cancelled', { message: 'query cancelled by the caller' });
      case 'close':
        return dbFailure('ConnectionFailed', { message: 'the SQL Server adapter closed during the query' });
    }
  };

  /**
   * Runs `work` inside a read-only transaction on a pooled session. At `timeoutMs` or when `signal`
   * aborts, the running request is cancelled (a TDS attention); if the server has not acknowledged
   * `cancelGraceMs` later, the connection is closed. The transaction is always rolled back; a session
   * whose rollback fails, or that was interrupted without acknowledgement, is closed, not reused.
   */
  const withTransaction = <T>(
    options: WorkOptions,
    work: (tx: sql.Transaction, control: Control, session: MssqlSession) => Promise<T>,
  ): ResultAsync<T, DatabaseFailure> => {
    const run = async (): Promise<T> => {
      if (closing) throw dbFailure('ConnectionFailed', { message: 'the SQL Server adapter is closed' });
      if (options.signal?.aborted) throw dbFailure('Cancelled', { message: 'cancelled before start' });
      const session = await pool.acquire(options.signal);
      let reason: StopReason | undefined;
      let current: sql.Request | undefined;
      let hardTimer: NodeJS.Timeout | undefined;
      let broken = false;
      let retired = false;
      const tx = new sql.Transaction(session.pool);
      let rejectHard: (error: unknown) => void = () => {};
      const hard = new Promise<never>((_, reject) => {
        rejectHard = reject;
      });
      hard.catch(() => {});
      const interrupt = (why: StopReason) => {
        if (reason !== undefined) return;
        reason = why;
        try {
          current?.cancel();
        } catch {
          // cancel() on a finished request throws in some mssql versions: nothing left to stop.
        }
        hardTimer = setTimeout(() => {
          broken = true;
          destroyHeldConnection(tx);
          void closeSession(session);
          rejectHard(stopFailure(why, options.timeoutMs));
        }, config.cancelGraceMs);
      };
      const timer = setTimeout(
        () => interrupt('timeout'),
        Math.min(options.timeoutMs + CLIENT_TIMEOUT_GRACE_MS, MAX_TIMER_MS),
      );
      const onAbort = () => interrupt('cancel');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      inflight.add(interrupt);
      let begun = false;
      // Driver promises still running: a request cut by closing its connection settles shortly after.
      const pending: Promise<unknown>[] = [];
      const control: Control = {
        running: (request) => {
          current = request;
          if (request && reason !== undefined) request.cancel();
        },
        wrap: (promise) => {
          pending.push(promise);
          return Promise.race([promise, hard]);
        },
        get stopped() {
          return reason;
        },
        retire: () => {
          retired = true;
        },
        keep: () => {
          retired = false;
        },
      };
      try {
        await control.wrap(tx.begin(READ_ONLY_ISOLATION));
        begun = true;
        const value = await work(tx, control, session);
        if (reason !== undefined) throw stopFailure(reason, options.timeoutMs);
        return value;
      } catch (error) {
        if (reason !== undefined) throw stopFailure(reason, options.timeoutMs);
        if (!reusableAfter(error)) broken = true;
        throw error;
      } finally {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        inflight.delete(interrupt);
        // A request cut by closing its connection settles shortly after: mssql refuses a rollback
        // while a request is in progress.
        if (broken) await settledWithin(Promise.allSettled(pending), config.cancelGraceMs);
        // Rolled back even on a connection already cut: mssql gives the connection back to the
        // session's pool only when the transaction ends, and a closed one fails fast.
        const rolledBack = begun
          ? await rollback(tx, session, config.cancelGraceMs + config.connectTimeoutMs)
          : false;
        let clean = rolledBack && !broken && !retired;
        if (clean && options.resetAfter)
          clean = await resetSession(session, config.cancelGraceMs + config.connectTimeoutMs);
        clearTimeout(hardTimer);
        pool.release(session, !clean || !session.alive);
      }
    };
    return ResultAsync.fromPromise(run(), (error) => convert(error, { timeoutMs: options.timeoutMs }));
  };

  /** A catalog batch inside a rolled-back transaction: all its result sets, rows as objects. */
  const catalogQuery = (
    query: catalog.CatalogQuery,
  ): ResultAsync<Record<string, unknown>[][], DatabaseFailure> =>
    withTransaction({ timeoutMs: config.catalogTimeoutMs }, async (tx, control) => {
      const request = new sql.Request(tx);
      request.arrayRowMode = false;
      for (const [name, value] of Object.entries(query.params)) request.input(name, sql.NVarChar(256), value);
      control.running(request);
      const lock = `SET LOCK_TIMEOUT ${lockTimeoutFor(config.lockTimeoutMs, config.catalogTimeoutMs)}; `;
      const result = await control.wrap(request.query(`${lock}${query.text}`));
      control.running(undefined);
      return (result.recordsets as unknown as Record<string, unknown>[][]) ?? [];
    });

  const port: DatabasePort = {
    dialect: 'mssql',
    capabilities: MSSQL_CAPABILITIES,

    ping() {
      return ResultAsync.fromPromise(
        (async () => {
          if (closing) throw dbFailure('ConnectionFailed', { message: 'the SQL Server adapter is closed' });
          const session = await pool.acquire();
          try {
            await pingOrThrow(session, config.connectTimeoutMs);
          } catch (error) {
            pool.release(session, true);
            throw error;
          }
          pool.release(session);
        })(),
        (error) => convert(error, { timeoutMs: config.connectTimeoutMs }),
      );
    },

    serverInfo() {
      return catalogQuery({ text: catalog.SERVER_INFO_SQL, params: {} }).map((sets): ServerInfo => {
        const row = sets[0]?.[0] as catalog.ServerInfoRow | undefined;
        const edition = row?.edition ? ` ${row.edition}` : '';
        return {
          dialect: 'mssql',
          version: row?.version ? `SQL Server ${row.version}${edition}` : 'unknown',
          user: row?.db_user ?? row?.login ?? undefined,
          database: row?.database ?? undefined,
        };
      });
    },

    auditPrivileges() {
      return catalogQuery({ text: catalog.AUDIT_PRIVILEGES_SQL, params: {} }).map((sets) =>
        privilegeReportOf(
          sets[0]?.[0] as catalog.AuditRolesRow | undefined,
          (sets[1] ?? []) as unknown as catalog.AuditDatabasePermissionRow[],
          (sets[2] ?? []) as unknown as catalog.AuditGrantRow[],
        ),
      );
    },

    catalogFingerprint() {
      return catalogQuery({ text: catalog.CATALOG_FINGERPRINT_SQL, params: {} }).map((sets) =>
        String((sets[0]?.[0] as { fingerprint?: unknown } | undefined)?.fingerprint ?? ''),
      );
    },

    listTables(filter?: TableFilter) {
      return catalogQuery(catalog.listTablesQuery(filter?.schema)).map((sets) =>
        lastSet<catalog.TableRow>(sets).map(toTableInfo),
      );
    },

    listColumns(filter?: TableFilter) {
      return catalogQuery(catalog.listColumnsQuery(filter?.schema)).map((sets) =>
        lastSet<catalog.ColumnRow>(sets).map(
          (r): ColumnSummary => ({
            table: { schema: r.schema_name, name: r.table_name },
            name: r.column_name,
            nativeType: nativeTypeOf(r),
            logicalType: logicalTypeOfCatalog(r),
            comment: r.comment ?? undefined,
          }),
        ),
      );
    },

    listKeys(filter?: TableFilter) {
      return catalogQuery(catalog.listKeysQuery(filter?.schema)).map((sets): SchemaKeys => {
        const [pkRows = [], fkRows = []] = sets.slice(-2) as unknown as [
          catalog.PrimaryKeyRow[] | undefined,
          catalog.ForeignKeyRow[] | undefined,
        ];
        return {
          primaryKeys: groupPrimaryKeys(
            pkRows.map((r) => ({
              id: `${r.schema_name}\u0000${r.table_name}`,
              table: { schema: r.schema_name, name: r.table_name },
              column: r.column_name,
            })),
          ),
          foreignKeys: groupForeignKeys(fkRows.map(foreignKeyColumn)),
        };
      });
    },

    describeTable(ref: TableRef) {
      return catalogQuery(catalog.describeTableQuery(ref.schema, ref.name)).andThen((sets) => {
        const detail = tableDetailOf(sets);
        if (detail === undefined) {
          const display = ref.schema !== undefined ? `${ref.schema}.${ref.name}` : ref.name;
          return errAsync(
            dbFailure('ObjectNotFound', {
              objectType: 'table',
              name: display,
              message: `table ${display} not found`,
            }),
          );
        }
        return ok(detail);
      });
    },

    executeReadOnly(query: ReadOnlyQuery, limits: QueryLimits, signal?: AbortSignal) {
      const started = performance.now();
      const resetAfter = mayLeaveSessionState(query.sql);
      return withTransaction({ timeoutMs: limits.timeoutMs, signal, resetAfter }, async (tx, control) => {
        const request = new sql.Request(tx);
        control.running(request);
        const read = await control.wrap(
          streamFirstResult(
            request,
            readOnlyBatch(query.sql, lockTimeoutFor(config.lockTimeoutMs, limits.timeoutMs)),
            {
              maxRows: limits.maxRows,
              maxBytes: limits.maxBytes,
              maxBinaryBytes: config.maxBinaryBytes,
            },
          ),
        );
        control.running(undefined);
        return toQueryResult(read, config.maxBinaryBytes, started);
      });
    },

    explain(query: ReadOnlyQuery, limits: QueryLimits, signal?: AbortSignal) {
      return withTransaction({ timeoutMs: limits.timeoutMs, signal }, async (tx, control) => {
        // SHOWPLAN_XML must be alone in its batch; while on, the statement is compiled, not run.
        const on = new sql.Request(tx);
        control.running(on);
        await control.wrap(on.batch(SHOWPLAN_ON_SQL));
        let plan: unknown;
        try {
          const request = new sql.Request(tx);
          request.arrayRowMode = true;
          control.running(request);
          const result = await control.wrap(request.batch(query.sql));
          plan = (result.recordsets as unknown as unknown[][][])?.[0]?.[0]?.[0];
        } finally {
          // A rollback does not undo SET SHOWPLAN_XML: a session that kept it would answer every
          // later query with a plan instead of rows, so if OFF fails the session is closed.
          control.retire();
          const off = new sql.Request(tx);
          control.running(off);
          await control.wrap(off.batch(SHOWPLAN_OFF_SQL));
          control.running(undefined);
          control.keep();
        }
        return toQueryPlan(typeof plan === 'string' ? plan : String(plan ?? ''));
      });
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

/** Waits until `promise` settles, or `ms` passed, whichever is first; never rejects. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** Rolls back within `boundMs`. @returns true when the session is clean (rolled back, or already by the server). */
async function rollback(tx: sql.Transaction, session: MssqlSession, boundMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('rollback did not answer')), boundMs);
  });
  late.catch(() => {});
  try {
    await Promise.race([tx.rollback(), late]);
    return true;
  } catch (error) {
    // The server already ended the transaction (XACT_ABORT after an error or an attention, or a
    // ROLLBACK in the caller's batch): mssql says EABORT / ENOTBEGUN. With IMPLICIT_TRANSACTIONS ON a
    // later statement of the batch may have opened another one, which nothing else would end.
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'EABORT' && code !== 'ENOTBEGUN') return false;
    try {
      await Promise.race([session.pool.request().batch(ROLLBACK_LEFTOVER_SQL), late]);
      return true;
    } catch {
      return false;
    }
  } finally {
    clearTimeout(timer);
  }
}

/** A streamed read of the first result set, cut at the caps. */
export interface StreamRead {
  readonly columns: readonly ResultColumnMeta[];
  readonly rows: readonly unknown[][];
  readonly truncatedBy?: 'rows' | 'bytes' | undefined;
}

/** The caps of one streamed read. */
export interface StreamLimits {
  readonly maxRows: number;
  readonly maxBytes: number;
  readonly maxBinaryBytes: number;
}

/**
 * Runs `batch` with `request.stream = true` and keeps the rows of the first result set up to the
 * caps. At a cap the request is cancelled (one TDS attention: the server stops producing rows) and
 * the rows that still arrive are dropped, so memory holds the cap, not the result. Later result sets
 * (a stacked second SELECT) are read past and ignored.
 */
export function streamFirstResult(
  request: sql.Request,
  batch: string,
  limits: StreamLimits,
): Promise<StreamRead> {
  return new Promise((resolve, reject) => {
    let columns: ResultColumnMeta[] | undefined;
    let sets = 0;
    const rows: unknown[][] = [];
    let bytes = 2;
    let truncatedBy: 'rows' | 'bytes' | undefined;
    let error: unknown;
    let atCap = false;
    const stop = (why: 'rows' | 'bytes') => {
      truncatedBy = why;
      atCap = true;
      request.cancel();
    };
    request.stream = true;
    request.arrayRowMode = true;
    request.on('recordset', (cols: unknown) => {
      sets++;
      if (sets === 1)
        columns = (Array.isArray(cols) ? cols : Object.values(cols as object)) as ResultColumnMeta[];
    });
    request.on('row', (row: unknown) => {
      if (sets !== 1 || atCap) return;
      const cells = Array.isArray(row) ? row : Object.values(row as object);
      if (rows.length >= limits.maxRows) return stop('rows');
      let size = 2;
      for (const cell of cells) size += estimateCellBytes(cell, limits.maxBinaryBytes) + 1;
      if (bytes + size > limits.maxBytes) return stop('bytes');
      rows.push(cells);
      bytes += size;
    });
    request.on('error', (e: unknown) => {
      // The cancel we sent at a cap comes back as ECANCEL: that is the end of the read, not a failure.
      if (atCap && (e as { code?: unknown } | null)?.code === 'ECANCEL') return;
      error = e;
    });
    request.on('done', () => {
      if (error !== undefined) reject(error);
      else resolve({ columns: columns ?? [], rows, truncatedBy });
    });
    try {
      void request.batch(batch);
    } catch (e) {
      reject(e);
    }
  });
}

function toQueryResult(read: StreamRead, maxBinaryBytes: number, started: number): QueryResult {
  const columns: ResultColumn[] = read.columns.map((c) => {
    const type = resultTypeName(c);
    return { name: c.name, nativeType: type, logicalType: logicalTypeOf(type) };
  });
  const normalisers = read.columns.map((c) => normaliserFor(resultTypeName(c), { maxBinaryBytes }));
  const rows = read.rows.map((row) =>
    row.map((cell, i) => (normalisers[i] ?? normaliserFor('', { maxBinaryBytes }))(cell)),
  );
  return {
    columns,
    rows,
    rowCount: rows.length,
    truncated: read.truncatedBy !== undefined,
    truncatedBy: read.truncatedBy,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  };
}

/** A SHOWPLAN_XML document as one line per operator, indented by nesting, with its estimates. */
export function toQueryPlan(xml: string): QueryPlan {
  const lines: string[] = [];
  let depth = 0;
  let rootCost: number | undefined;
  const tag = /<(\/?)RelOp\b([^>]*?)(\/?)>/g;
  for (let m = tag.exec(xml); m !== null; m = tag.exec(xml)) {
    if (m[1] === '/') {
      depth--;
      continue;
    }
    const attrs = m[2] ?? '';
    const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];
    const cost = Number(attr('EstimatedTotalSubtreeCost'));
    if (rootCost === undefined && Number.isFinite(cost)) rootCost = cost;
    const logical = attr('LogicalOp');
    const physical = attr('PhysicalOp') ?? '?';
    lines.push(
      `${'  '.repeat(depth)}${depth > 0 ? '-> ' : ''}${physical}${logical && logical !== physical ? ` (${logical})` : ''}  (cost=${attr('EstimatedTotalSubtreeCost') ?? '?'} rows=${attr('EstimateRows') ?? '?'})`,
    );
    if (m[3] !== '/') depth++;
  }
  const statementCost = Number(/StatementSubTreeCost="([^"]*)"/.exec(xml)?.[1]);
  return {
    dialect: 'mssql',
    text: lines.length > 0 ? lines.join('\n') : xml,
    estimatedCost: Number.isFinite(statementCost) ? statementCost : rootCost,
    raw: xml,
  };
}

/** The last result set (catalog batches may emit an empty one first from SET/IF). */
function lastSet<T>(sets: Record<string, unknown>[][]): T[] {
  return (sets[sets.length - 1] ?? []) as unknown as T[];
}

function toTableInfo(row: catalog.TableRow): TableInfo {
  const estimate = row.row_estimate === null ? undefined : Number(row.row_estimate);
  return {
    schema: row.schema_name,
    name: row.table_name,
    kind: row.kind === 'V' ? 'view' : 'table',
    rowEstimate: estimate !== undefined && Number.isFinite(estimate) ? estimate : undefined,
    comment: row.comment ?? undefined,
  };
}

/** Builds the detail from describeTable's four result sets; undefined when the table row is missing. */
export function tableDetailOf(sets: readonly Record<string, unknown>[][]): TableDetail | undefined {
  // A missing table still yields four (empty) sets; fewer means the batch was cut short.
  const [tables, columnRows, indexRows, fkRows] = sets.slice(-4) as unknown as [
    catalog.TableRow[] | undefined,
    catalog.ColumnRow[] | undefined,
    catalog.IndexRow[] | undefined,
    catalog.ForeignKeyRow[] | undefined,
  ];
  const tableRow = tables?.[0];
  if (tableRow === undefined) return undefined;
  const table = toTableInfo(tableRow);
  const indexes = new Map<string, IndexInfo & { columns: string[] }>();
  for (const r of indexRows ?? []) {
    let index = indexes.get(r.index_name);
    if (!index) {
      index = {
        name: r.index_name,
        columns: [],
        unique: Boolean(r.is_unique),
        primary: Boolean(r.is_primary_key),
      };
      indexes.set(r.index_name, index);
    }
    index.columns.push(r.column_name);
  }
  const primaryKey = [...indexes.values()].find((i) => i.primary)?.columns ?? [];
  const columns = (columnRows ?? []).map(
    (c): ColumnInfo => ({
      name: c.column_name,
      ordinal: Number(c.ordinal),
      nativeType: nativeTypeOf(c),
      logicalType: logicalTypeOfCatalog(c),
      nullable: Boolean(c.is_nullable),
      default: c.default_definition ?? undefined,
      primaryKeyPosition: primaryKey.includes(c.column_name)
        ? primaryKey.indexOf(c.column_name) + 1
        : undefined,
      comment: c.comment ?? undefined,
    }),
  );
  return {
    table,
    columns,
    primaryKey,
    ...keysOfTable(groupForeignKeys((fkRows ?? []).map(foreignKeyColumn)), table),
    indexes: [...indexes.values()],
  };
}

/** One catalog row of a foreign key column, for core's grouping. */
function foreignKeyColumn(r: catalog.ForeignKeyRow): ForeignKeyColumnRow {
  return {
    id: `${r.schema_name}\u0000${r.table_name}\u0000${r.constraint_name}`,
    name: r.constraint_name,
    table: { schema: r.schema_name, name: r.table_name },
    column: r.column_name,
    referencedTable: { schema: r.referenced_schema, name: r.referenced_table },
    referencedColumn: r.referenced_column,
  };
}

// How each fixed role bears on a read-only deployment.
const SERVER_ROLE_EFFECT: Readonly<
  Record<(typeof catalog.SERVER_ROLES)[number], ['write' | 'schema' | 'info', string]>
> = {
  sysadmin: ['write', 'can do anything on the server, including writing every database'],
  serveradmin: ['schema', 'can change server configuration and shut the server down'],
  securityadmin: ['write', 'can grant itself any permission (treat as sysadmin)'],
  setupadmin: ['schema', 'can add linked servers'],
  processadmin: ['info', 'can end other sessions (KILL)'],
  diskadmin: ['schema', 'can manage disk files'],
  dbcreator: ['schema', 'can create, alter, drop and restore databases'],
  bulkadmin: ['write', 'can run BULK INSERT'],
};
const DATABASE_ROLE_EFFECT: Readonly<
  Record<(typeof catalog.DATABASE_ROLES)[number], ['write' | 'schema' | 'info', string]>
> = {
  db_owner: ['write', 'can do anything in the database'],
  db_datawriter: ['write', 'can insert, update and delete in every table'],
  db_ddladmin: ['schema', 'can create, alter and drop objects'],
  db_securityadmin: ['schema', 'can change role memberships and permissions'],
  db_accessadmin: ['schema', 'can add and remove database users'],
  db_backupoperator: ['info', 'can back the database up'],
  db_denydatawriter: ['info', 'denied all writes (good for a reader)'],
};
const WRITE_PERMISSIONS = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'EXECUTE',
  'CONTROL',
  'TAKE OWNERSHIP',
  'IMPERSONATE',
  'ADMINISTER DATABASE BULK OPERATIONS',
  'UNMASK',
]);
const SCHEMA_PERMISSIONS = /^(ALTER|CREATE|CONTROL|TAKE OWNERSHIP)/;

/** Turns the audit's three result sets into findings and the verdict. */
export function privilegeReportOf(
  roles: catalog.AuditRolesRow | undefined,
  databasePermissions: readonly catalog.AuditDatabasePermissionRow[],
  grants: readonly catalog.AuditGrantRow[],
): PrivilegeReport {
  const findings: PrivilegeFinding[] = [];
  let canWrite = false;
  let canChangeSchema = false;
  const apply = (effect: 'write' | 'schema' | 'info') => {
    if (effect === 'write') {
      canWrite = true;
      canChangeSchema = true;
    }
    if (effect === 'schema') canChangeSchema = true;
  };
  for (const role of catalog.SERVER_ROLES) {
    if (Number(roles?.[role]) !== 1) continue;
    const [effect, detail] = SERVER_ROLE_EFFECT[role];
    apply(effect);
    findings.push({
      privilege: role,
      object: 'server',
      severity: effect === 'info' ? 'info' : 'warning',
      detail,
    });
  }
  for (const role of catalog.DATABASE_ROLES) {
    if (Number(roles?.[role]) !== 1) continue;
    const [effect, detail] = DATABASE_ROLE_EFFECT[role];
    if (role === 'db_datawriter' && Number(roles?.db_denydatawriter) === 1) continue;
    apply(effect);
    findings.push({
      privilege: role,
      object: `database ${roles?.database ?? ''}`.trim(),
      severity: effect === 'info' ? 'info' : 'warning',
      detail,
    });
  }
  const effective = new Set(databasePermissions.map((p) => p.permission_name));
  for (const permission of effective) {
    const write = WRITE_PERMISSIONS.has(permission);
    const schema = SCHEMA_PERMISSIONS.test(permission);
    if (write) canWrite = true;
    if (schema) canChangeSchema = true;
    findings.push({
      privilege: permission,
      object: `database ${roles?.database ?? ''}`.trim(),
      severity: write || schema ? 'warning' : 'info',
    });
  }
  for (const grant of grants) {
    // A database-wide permission already reported covers the same grant on one object.
    const write = WRITE_PERMISSIONS.has(grant.permission_name);
    const schema = SCHEMA_PERMISSIONS.test(grant.permission_name);
    if (write) canWrite = true;
    if (schema) canChangeSchema = true;
    findings.push({
      privilege: grant.state === 'W' ? `${grant.permission_name} WITH GRANT OPTION` : grant.permission_name,
      object: `${grant.class_desc === 'SCHEMA' ? 'schema ' : ''}${grant.object_name ?? '?'} (to ${grant.grantee})`,
      severity: write || schema ? 'warning' : 'info',
    });
  }
  return { user: roles?.db_user ?? roles?.login ?? 'unknown', canWrite, canChangeSchema, findings };
}
