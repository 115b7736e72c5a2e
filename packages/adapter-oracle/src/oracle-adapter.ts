import { randomBytes } from 'node:crypto';
import {
  type ColumnInfo,
  type ColumnSummary,
  type DatabaseCapabilities,
  type DatabaseFailure,
  type DatabasePort,
  dbFailure,
  type ForeignKeyColumnRow,
  groupForeignKeys,
  groupPrimaryKeys,
  type IndexInfo,
  isDatabaseFailure,
  keysOfTable,
  type PrivilegeFinding,
  type PrivilegeReport,
  type QueryLimits,
  type QueryPlan,
  type QueryResult,
  type ReadOnlyQuery,
  type ResultColumn,
  type SchemaKeys,
  type TableDetail,
  type TableInfo,
  type TableKind,
  type TableRef,
} from '@legacybridge/core';
import { errAsync, ResultAsync } from 'neverthrow';
import oracledb from 'oracledb';
import * as catalog from './oracle-catalog-sql.js';
import { type OracleAdapterConfig, parseOracleConfig, type ResolvedOracleConfig } from './oracle-config.js';
import { type ErrorContext, isOracleDriverError, redactFailure, toDatabaseError } from './oracle-errors.js';
import { createOraclePool } from './oracle-pool.js';
import {
  breakWithin,
  type CappedRead,
  catalogRows,
  type OracleConnection,
  type OracleSession,
  readOnlyQuery,
  SESSION_SETUP_SQL,
  statementKindOf,
} from './oracle-session.js';
import { logicalTypeOfCatalog, logicalTypeOfName, nativeTypeOf, normaliserFor } from './oracle-types.js';

/** How node-oracledb opens a connection; `oracledb` itself in production, a fake in unit tests. */
export interface OracleDriver {
  getConnection(attributes: oracledb.ConnectionAttributes): Promise<OracleConnection>;
}

// The client guard fires this long after the query's deadline: `connection.break()` is sent at the
// deadline, and callTimeout (per round trip) is the driver's own backstop just after it.
const CALL_TIMEOUT_GRACE_MS = 250;

const MAX_TIMER_MS = 2_147_483_647;

type StopReason = 'timeout' | 'cancel' | 'close';

/**
 * A DatabasePort over Oracle Database through node-oracledb in Thin mode (pure JavaScript, no Instant
 * Client; `initOracleClient` is never called): pooled connections, each query in a read-only
 * transaction that is always rolled back, read through a ResultSet and cut at the row and byte caps,
 * stopped with `connection.break()` on timeout or cancel. Opens nothing until the first request.
 * @throws TypeError when `config` is invalid (use `parseOracleConfig` to get the failure as data).
 */
export function createOracleAdapter(config: OracleAdapterConfig, driver?: OracleDriver): DatabasePort {
  const parsed = parseOracleConfig(config);
  if (parsed.isErr()) throw new TypeError(parsed.error.message);
  return createOracleAdapterFromResolved(parsed.value, driver);
}

/** The adapter for an already-validated configuration (what the registry entry uses). */
export function createOracleAdapterFromResolved(
  config: ResolvedOracleConfig,
  driver: OracleDriver = oracledb as unknown as OracleDriver,
): DatabasePort {
  const logger = config.logger.child({ adapter: 'oracle' });
  const secrets = [config.password, config.tls.walletPassword].filter((s): s is string => !!s);
  const convert = (error: unknown, context?: ErrorContext) =>
    redactFailure(toDatabaseError(error, context), secrets);
  const seconds = Math.max(1, Math.ceil(config.connectTimeoutMs / 1000));

  const open = async (): Promise<OracleSession> => {
    const connecting = driver.getConnection({
      user: config.user,
      password: config.password,
      connectString: config.connectString,
      configDir: config.configDir,
      walletLocation: config.tls.walletLocation,
      walletPassword: config.tls.walletPassword,
      sslServerDNMatch: config.tls.serverDnMatch,
      sslServerCertDN: config.tls.serverCertDn,
      connectTimeout: seconds,
      transportConnectTimeout: seconds,
      // Connections are pooled for up to `recycleMs`: a dead peer is noticed by keepalive probes.
      expireTime: 1,
    });
    // Thin mode's timeouts cover the transport and the listener; this also bounds authentication.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            dbFailure('ConnectionFailed', {
              message: `no Oracle connection within ${config.connectTimeoutMs} ms`,
              publicDetail: 'The database did not answer in time (check the host, port and firewall).',
            }),
          ),
        config.connectTimeoutMs + 1_000,
      );
    });
    let connection: OracleConnection;
    try {
      connection = await Promise.race([connecting, deadline]);
    } catch (error) {
      // A connection that arrives after we gave up must not leak.
      connecting.then(
        (late) => late.close().catch(() => {}),
        () => {},
      );
      logger.warn('oracle connect failed', { code: (error as { code?: unknown }).code });
      throw error;
    } finally {
      clearTimeout(timer);
    }
    try {
      connection.callTimeout = config.connectTimeoutMs;
      await connection.execute(SESSION_SETUP_SQL);
    } catch (error) {
      await connection.close().catch(() => {});
      throw error;
    }
    return { connection, createdAt: Date.now(), dead: false };
  };

  const pool = createOraclePool({
    pool: config.pool,
    overflowIdleMs: config.overflowIdleMs,
    prePingIdleMs: config.prePingIdleMs,
    logger,
    open,
    closeTimeoutMs: config.connectTimeoutMs,
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
        return dbFailure('ConnectionFailed', { message: 'the Oracle adapter closed during the query' });
    }
  };

  /**
   * Runs `work` on a pooled connection with the client guard: at `timeoutMs`, or when `signal`
   * aborts, `connection.break()` is sent (the running call then fails with ORA-01013); if the server
   * has not acknowledged it `cancelGraceMs` later the connection is abandoned and the caller answered
   * at once. A connection that was interrupted is retired, never reused.
   */
  const withSession = <T>(
    options: { timeoutMs: number; signal?: AbortSignal | undefined },
    work: (connection: OracleConnection) => Promise<T>,
  ): ResultAsync<T, DatabaseFailure> => {
    const run = async (): Promise<T> => {
      if (closing) throw dbFailure('ConnectionFailed', { message: 'the Oracle adapter is closed' });
      if (options.signal?.aborted) throw dbFailure('Cancelled', { message: 'cancelled before start' });
      const session = await pool.acquire(options.signal);
      const { connection } = session;
      let reason: StopReason | undefined;
      let rejectHard: (error: unknown) => void = () => {};
      const hard = new Promise<never>((_, reject) => {
        rejectHard = reject;
      });
      hard.catch(() => {});
      const interrupt = (why: StopReason) => {
        if (reason !== undefined) return;
        reason = why;
        breakWithin(connection, config.cancelGraceMs).catch(() => {
          session.dead = true;
          rejectHard(new Error('the server did not acknowledge the break'));
        });
      };
      const timer = setTimeout(() => interrupt('timeout'), Math.min(options.timeoutMs, MAX_TIMER_MS));
      const onAbort = () => interrupt('cancel');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      inflight.add(interrupt);
      const cleanup = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        inflight.delete(interrupt);
      };
      // callTimeout is per round trip, in ms (0 = none): the driver's own bound if a break is lost.
      connection.callTimeout = Math.min(Math.max(1, options.timeoutMs + CALL_TIMEOUT_GRACE_MS), MAX_TIMER_MS);
      try {
        const value = await Promise.race([work(connection), hard]);
        cleanup();
        pool.release(session, reason !== undefined);
        return value;
      } catch (error) {
        cleanup();
        pool.release(session, reason !== undefined || !reusableAfter(error, connection));
        if (reason !== undefined) throw stopFailure(reason, options.timeoutMs);
        throw error;
      }
    };
    return ResultAsync.fromPromise(run(), (error) => convert(error, { timeoutMs: options.timeoutMs }));
  };

  const catalogQuery = <R>(query: catalog.CatalogQuery<R>): ResultAsync<R[], DatabaseFailure> =>
    withSession({ timeoutMs: config.catalogTimeoutMs }, (connection) =>
      catalogRows<R>(connection, query.sql, query.binds),
    );

  const defaultSchema = config.user ? catalog.nameCandidates(config.user)[1] : undefined;

  const port: DatabasePort = {
    dialect: 'oracle',
    get capabilities(): DatabaseCapabilities {
      return {
        supportsSchemas: true,
        supportsCancel: true,
        supportsExplain: true,
        supportsRowEstimates: true,
        supportsComments: true,
        // An unqualified name resolves in the user's own schema (unless ALTER SESSION SET CURRENT_SCHEMA).
        defaultSchema,
      };
    },

    ping() {
      return withSession({ timeoutMs: config.connectTimeoutMs }, (connection) => connection.ping());
    },

    serverInfo() {
      return withSession({ timeoutMs: config.catalogTimeoutMs }, async (connection) => {
        const [row] = await catalogRows<catalog.ServerInfoRow>(connection, catalog.SERVER_INFO_SQL);
        return {
          dialect: 'oracle' as const,
          version: connection.oracleServerVersionString ?? 'unknown',
          user: row?.user ?? undefined,
          database: row?.con_name ?? row?.db_name ?? undefined,
        };
      });
    },

    auditPrivileges() {
      return catalogQuery(catalog.auditPrivilegesQuery()).map(privilegeReportOf);
    },

    catalogFingerprint() {
      return withSession({ timeoutMs: config.catalogTimeoutMs }, async (connection) => {
        const [row] = await catalogRows<catalog.FingerprintRow>(connection, catalog.CATALOG_FINGERPRINT_SQL);
        return row?.fingerprint ?? '';
      });
    },

    listTables(filter) {
      return catalogQuery(catalog.listTablesQuery(filter?.schema)).map((rows) => rows.map(toTableInfo));
    },

    listColumns(filter) {
      return catalogQuery(catalog.listColumnsQuery(filter?.schema)).map((rows) =>
        rows.map(
          (r): ColumnSummary => ({
            table: { schema: r.schema_name, name: r.table_name },
            name: r.column_name,
            nativeType: nativeTypeOf(r),
            logicalType: logicalTypeOfCatalog(r),
            comment: r.comments ?? undefined,
          }),
        ),
      );
    },

    listKeys(filter) {
      return catalogQuery(catalog.listKeysQuery(filter?.schema)).map((rows): SchemaKeys => {
        return {
          primaryKeys: groupPrimaryKeys(
            rows
              .filter((r) => r.constraint_type === 'P')
              .map((r) => ({
                id: `${r.schema_name}\u0000${r.table_name}\u0000${r.constraint_name}`,
                table: { schema: r.schema_name, name: r.table_name },
                column: r.column_name,
              })),
          ),
          foreignKeys: groupForeignKeys(
            rows.filter((r) => r.r_table !== null && r.r_column !== null).map(foreignKeyColumn),
          ),
        };
      });
    },

    describeTable(ref: TableRef) {
      return withSession({ timeoutMs: config.catalogTimeoutMs }, async (connection) => {
        const found = chooseTable(
          await catalogRows<catalog.TableRow>(
            connection,
            ...sqlOf(catalog.findTableQuery(ref.schema, ref.name)),
          ),
          ref,
        );
        const [owner, name] = [found.schema_name, found.table_name];
        const columns = await catalogRows<catalog.ColumnRow>(
          connection,
          ...sqlOf(catalog.tableColumnsQuery(owner, name)),
        );
        const keys = await catalogRows<catalog.ConstraintRow>(
          connection,
          ...sqlOf(catalog.constraintsQuery(owner, name)),
        );
        const indexes = await catalogRows<catalog.IndexRow>(
          connection,
          ...sqlOf(catalog.indexesQuery(owner, name)),
        );
        return buildDetail(toTableInfo(found), columns, keys, indexes);
      });
    },

    executeReadOnly(query: ReadOnlyQuery, limits: QueryLimits, signal?: AbortSignal) {
      const started = performance.now();
      return withSession({ timeoutMs: limits.timeoutMs, signal }, async (connection) => {
        const read = await readOnlyQuery(connection, query.sql, {
          maxRows: limits.maxRows,
          maxBytes: limits.maxBytes,
          fetchArraySize: config.fetchArraySize,
          maxBinaryBytes: config.maxBinaryBytes,
          maxLobChars: config.maxLobChars,
        });
        return toQueryResult(read, config, started);
      });
    },

    explain(query: ReadOnlyQuery, limits: QueryLimits, signal?: AbortSignal) {
      if (statementKindOf(query.sql) !== 'query') {
        return errAsync(
          dbFailure('Unsupported', {
            feature: `EXPLAIN of a ${query.statementKind.toUpperCase()} statement`,
            message: `explain() of a ${query.statementKind} statement`,
          }),
        );
      }
      return withSession({ timeoutMs: limits.timeoutMs, signal }, async (connection) => {
        // EXPLAIN PLAN parses and optimises without running, writing into PLAN_TABLE (a global
        // temporary table since 10g: private to this session) — rolled back right after reading.
        const id = `lb_${randomBytes(6).toString('hex')}`;
        try {
          await connection.execute(catalog.explainSql(id, query.sql));
          const lines = await catalogRows<{ line: string | null }>(connection, catalog.PLAN_DISPLAY_SQL, {
            id,
          });
          const [root] = await catalogRows<{ cost: number | null }>(connection, catalog.PLAN_COST_SQL, {
            id,
          });
          return {
            dialect: 'oracle' as const,
            text: lines.map((l) => l.line ?? '').join('\n'),
            estimatedCost: root?.cost ?? undefined,
          } satisfies QueryPlan;
        } finally {
          await connection.rollback();
        }
      });
    },

    poolStats() {
      return pool.stats();
    },

    close() {
      if (!closing) {
        for (const interrupt of [...inflight]) interrupt('close');
        logger.debug('closing oracle pool', { ...pool.stats() });
        closing = pool.close();
      }
      return closing;
    },
  };
  return port;
}

function sqlOf<R>(query: catalog.CatalogQuery<R>): [string, Record<string, string>] {
  return [query.sql, query.binds];
}

// A statement error (ORA- code, bad SQL, unknown table) leaves the connection usable once the
// rollback ran; anything else (network, driver state, a failed rollback) retires it.
function reusableAfter(error: unknown, connection: OracleConnection): boolean {
  if (connection.isHealthy?.() === false) return false;
  if (isDatabaseFailure(error)) return error.kind === 'ReadOnlyViolation';
  if (!isOracleDriverError(error) || !error.code.startsWith('ORA-')) return false;
  const kind = toDatabaseError(error).kind;
  return kind !== 'ConnectionFailed' && kind !== 'Timeout' && kind !== 'Cancelled';
}

/**
 * The one table a reference means: exact spelling first (`"CustMst"`), else the upper-cased one;
 * without a schema, the session's current schema first, else the only visible owner.
 */
function chooseTable(rows: readonly catalog.TableRow[], ref: TableRef): catalog.TableRow {
  let candidates = catalog.preferExact(rows, (r) => r.table_name, ref.name);
  if (ref.schema !== undefined)
    candidates = catalog.preferExact(candidates, (r) => r.schema_name, ref.schema);
  else {
    const current = candidates.filter((r) => r.is_current === 1);
    if (current.length > 0) candidates = current;
  }
  const display = ref.schema !== undefined ? `${ref.schema}.${ref.name}` : ref.name;
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) {
    throw dbFailure('ObjectNotFound', {
      objectType: 'table',
      name: display,
      message: `table ${display} not found`,
    });
  }
  const owners = [...new Set(candidates.map((r) => r.schema_name))].sort();
  throw dbFailure('ObjectNotFound', {
    objectType: 'table',
    name: display,
    suggestions: owners.map((owner) => `${owner}.${candidates[0]!.table_name}`),
    message: `table ${display} is in several schemas`,
    publicDetail: `${display} exists in schemas ${owners.join(', ')}: name the schema.`,
  });
}

const KINDS: Record<string, TableKind> = { TABLE: 'table', VIEW: 'view', MVIEW: 'materialized_view' };

function toTableInfo(row: catalog.TableRow): TableInfo {
  return {
    schema: row.schema_name,
    name: row.table_name,
    kind: KINDS[row.kind] ?? 'table',
    rowEstimate: row.num_rows === null || row.num_rows === undefined ? undefined : Number(row.num_rows),
    comment: row.comments ?? undefined,
  };
}

function buildDetail(
  table: TableInfo,
  columnRows: readonly catalog.ColumnRow[],
  keyRows: readonly catalog.ConstraintRow[],
  indexRows: readonly catalog.IndexRow[],
): TableDetail {
  const isThis = (schema: string | null, name: string | null) =>
    schema === table.schema && name === table.name;
  const pkRows = keyRows.filter((k) => k.constraint_type === 'P' && isThis(k.schema_name, k.table_name));
  const primaryKey = pkRows.map((k) => k.column_name);
  const pkIndex = pkRows[0]?.index_name ?? undefined;
  const columns = columnRows.map((r): ColumnInfo => {
    const position = primaryKey.indexOf(r.column_name);
    return {
      name: r.column_name,
      ordinal: Number(r.column_id),
      nativeType: nativeTypeOf(r),
      logicalType: logicalTypeOfCatalog(r),
      nullable: r.nullable !== 'N',
      default: r.data_default?.trim() || undefined,
      primaryKeyPosition: position >= 0 ? position + 1 : undefined,
      comment: r.comments ?? undefined,
    };
  });
  const all = groupForeignKeys(keyRows.filter((k) => k.constraint_type === 'R').map(foreignKeyColumn));
  const indexes = new Map<string, IndexInfo & { columns: string[] }>();
  for (const r of indexRows) {
    let index = indexes.get(r.index_name);
    if (!index) {
      index = {
        name: r.index_name,
        columns: [],
        unique: r.uniqueness === 'UNIQUE',
        primary: r.index_name === pkIndex,
      };
      indexes.set(r.index_name, index);
    }
    // A function-based index lists a hidden virtual column (SYS_NC00005$) for each expression.
    index.columns.push(/^SYS_NC\d+\$$/.test(r.column_name) ? '(expression)' : r.column_name);
  }
  return {
    table,
    columns,
    primaryKey,
    ...keysOfTable(all, table),
    indexes: [...indexes.values()],
  };
}

function toQueryResult(read: CappedRead, config: ResolvedOracleConfig, started: number): QueryResult {
  const options = { maxBinaryBytes: config.maxBinaryBytes, maxLobChars: config.maxLobChars };
  const columns: ResultColumn[] = read.metaData.map((m) => ({
    name: m.name,
    nativeType: m.dbTypeName,
    logicalType: logicalTypeOfName(m.dbTypeName ?? '', m.precision, m.scale),
  }));
  const normalisers = read.metaData.map((m) => normaliserFor(m, options));
  const rows = read.rows.map((row) => row.map((cell, i) => normalisers[i]!(cell)));
  return {
    columns,
    rows,
    rowCount: rows.length,
    truncated: read.truncatedBy !== undefined,
    truncatedBy: read.truncatedBy,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  };
}

// How each system privilege bears on a read-only deployment. `write`: changes data (or can);
// `schema`: changes objects; `info`: broad but harmless for reads.
const SYSTEM_WRITES =
  /^(INSERT|UPDATE|DELETE|LOCK|EXECUTE|BECOME|GRANT|ALTER (SYSTEM|DATABASE|USER)|CREATE USER|DROP USER|SYSDBA|SYSOPER|SYSBACKUP|SYSDG|SYSKM|EXEMPT ACCESS POLICY|EXEMPT REDACTION POLICY|ADMINISTER DATABASE TRIGGER|FLASHBACK ANY TABLE|SELECT ANY TRANSACTION)\b/;
const SYSTEM_SCHEMA = /^(CREATE|ALTER|DROP|COMMENT ANY|UNDER ANY|ANALYZE ANY|AUDIT)\b/;
const SYSTEM_INFO =
  /^(SELECT ANY|READ ANY|UNLIMITED TABLESPACE|ALTER SESSION|SET CONTAINER|DEBUG CONNECT SESSION)\b/;
const HARMLESS = new Set(['CREATE SESSION']);

// Oracle's predefined roles that write or change schemas (their privileges also show in SESSION_PRIVS).
const WRITING_ROLES = new Set([
  'DBA',
  'IMP_FULL_DATABASE',
  'DATAPUMP_IMP_FULL_DATABASE',
  'EXP_FULL_DATABASE',
  'DATAPUMP_EXP_FULL_DATABASE',
  'PDB_DBA',
  'AQ_ADMINISTRATOR_ROLE',
  'SCHEDULER_ADMIN',
]);
const SCHEMA_ROLES = new Set(['RESOURCE', 'DB_DEVELOPER_ROLE', 'SODA_APP']);
const ROLE_DETAIL: Readonly<Record<string, string>> = {
  DBA: 'every system privilege, WITH ADMIN OPTION',
  RESOURCE: 'can create tables, sequences, procedures and triggers in its own schema',
  DB_DEVELOPER_ROLE: 'can create tables, views, procedures and more in its own schema',
  CONNECT: 'CREATE SESSION only (and more on releases before 10gR2)',
};

/** Groups the audit rows into findings and decides the verdict. */
function privilegeReportOf(rows: readonly catalog.PrivilegeRow[]): PrivilegeReport {
  let canWrite = false;
  let canChangeSchema = false;
  const findings: PrivilegeFinding[] = [];
  const grouped = new Map<string, string[]>();
  for (const row of rows) {
    switch (row.kind) {
      case 'SYSTEM': {
        const p = row.privilege;
        if (HARMLESS.has(p)) break;
        const writes = SYSTEM_WRITES.test(p);
        const schema = !writes && SYSTEM_SCHEMA.test(p);
        if (writes) canWrite = true;
        if (schema || /^(DROP|ALTER|CREATE) ANY/.test(p)) canChangeSchema = true;
        const info = !writes && !schema && SYSTEM_INFO.test(p);
        findings.push({
          privilege: p,
          severity: info ? 'info' : 'warning',
          detail: 'system privilege in effect',
        });
        break;
      }
      case 'ROLE': {
        const writes = WRITING_ROLES.has(row.privilege);
        const schema = writes || SCHEMA_ROLES.has(row.privilege);
        if (writes) canWrite = true;
        if (schema) canChangeSchema = true;
        findings.push({
          privilege: row.privilege,
          severity: writes || schema ? 'warning' : 'info',
          detail: ROLE_DETAIL[row.privilege] ?? 'enabled role (its system privileges are listed separately)',
        });
        break;
      }
      case 'OBJECT':
      case 'ROLE_OBJECT':
      case 'OWNED': {
        const key = row.kind === 'OWNED' ? 'OWNER' : row.privilege;
        if (row.object !== null) grouped.set(key, [...(grouped.get(key) ?? []), row.object]);
        break;
      }
    }
  }
  for (const [privilege, objects] of grouped) {
    const unique = [...new Set(objects)];
    const object =
      unique.length > 5
        ? `${unique.slice(0, 5).join(', ')} and ${unique.length - 5} more`
        : unique.join(', ');
    canWrite = true;
    if (privilege === 'OWNER' || privilege === 'ALTER' || privilege === 'INDEX') canChangeSchema = true;
    findings.push({
      privilege,
      object,
      severity: 'warning',
      detail:
        privilege === 'OWNER'
          ? 'an owner can alter, drop and write its tables whatever is granted'
          : undefined,
    });
  }
  return { user: rows[0]?.user ?? 'unknown', canWrite, canChangeSchema, findings };
}

/** One catalog row of a foreign key column, for core's grouping. */
function foreignKeyColumn(r: catalog.ConstraintRow): ForeignKeyColumnRow {
  return {
    id: `${r.schema_name}\u0000${r.table_name}\u0000${r.constraint_name}`,
    name: r.constraint_name,
    table: { schema: r.schema_name, name: r.table_name },
    column: r.column_name,
    referencedTable: { schema: r.r_schema ?? undefined, name: r.r_table ?? '' },
    referencedColumn: r.r_column,
  };
}
