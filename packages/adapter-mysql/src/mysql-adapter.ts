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
  keysOfTable,
  type PrivilegeFinding,
  type PrivilegeReport,
  type QueryLimits,
  type QueryPlan,
  type ReadOnlyQuery,
  type SchemaKeys,
  type TableDetail,
  type TableInfo,
  type TableRef,
} from '@legacybridge/core';
import { errAsync, ResultAsync } from 'neverthrow';
import {
  auditPrivilegesQuery,
  type CatalogQuery,
  type ColumnRow,
  catalogFingerprintQuery,
  explainSql,
  type ForeignKeyRow,
  foreignKeysQuery,
  hasApplicableRoles,
  type IndexRow,
  indexesQuery,
  JSON_STORAGE_TYPE,
  type JsonCheckRow,
  jsonCheckedColumn,
  jsonChecksQuery,
  listKeysQuery,
  listTablesAllQuery,
  listTablesInSchemaQuery,
  type PrivilegeRow,
  resolveColumnRows,
  type SchemaColumnRow,
  schemaColumnsQuery,
  serverInfoQuery,
  type TableRow,
  tableColumnsQuery,
  tableInfoQuery,
} from './mysql-catalog-sql.js';
import { type MysqlAdapterConfig, parseMysqlConfig, type ResolvedMysqlConfig } from './mysql-config.js';
import { isMysqlDriverError, type MysqlErrorContext, toDatabaseError } from './mysql-errors.js';
import { createMysqlPool } from './mysql-pool.js';
import {
  ensureTimeout,
  killQuery,
  type MysqlSession,
  openSession,
  plainQuery,
  resetSession,
  streamQuery,
  withDeadline,
} from './mysql-session.js';
import { logicalTypeOfColumn } from './mysql-types.js';

/** How long past its timeout a statement may run before the client kills it (the server should stop it first). */
const CLIENT_GUARD_GRACE_MS = 1_000;

/**
 * A DatabasePort over mysql2 for MySQL (5.7, 8.x) and MariaDB (10.x, 11.x). Connects lazily.
 * Throws a TypeError for an invalid configuration (a programming error); the registry entry
 * `mysqlAdapter` returns the same problem as data instead.
 */
export function createMysqlAdapter(config: MysqlAdapterConfig): DatabasePort {
  const parsed = parseMysqlConfig(config);
  if (parsed.isErr()) throw new TypeError(parsed.error.message);
  return createMysqlAdapterFromResolved(parsed.value);
}

/** The adapter for an already-validated configuration (what the registry entry uses). */
export function createMysqlAdapterFromResolved(config: ResolvedMysqlConfig): DatabasePort {
  const logger = config.logger.child({ adapter: 'mysql' });
  const secrets = config.password ? [config.password] : [];
  const pool = createMysqlPool({
    pool: config.pool,
    overflowIdleMs: config.overflowIdleMs,
    prePingIdleMs: config.prePingIdleMs,
    logger,
    open: async (onClose) => {
      try {
        return await openSession(config, config.catalogTimeoutMs, onClose);
      } catch (error) {
        // Codes only: driver text can name hosts and users.
        const e = error as { code?: unknown; errno?: unknown };
        logger.warn('mysql connect failed', { code: e.code, errno: e.errno });
        throw error;
      }
    },
  });

  // Sessions being reset after a caller's statement: they serve nobody, so the gauges count them idle.
  let resetting = 0;

  /**
   * Returns a session that ran caller SQL to the pool once its reset (COM_RESET_CONNECTION and the
   * session settings) was answered — after every statement, failed or not: a view or stored function
   * can set user variables, take GET_LOCK locks or create temporary tables while the SQL text names
   * none of them, and the server's session-state tracking reports neither GET_LOCK nor `SELECT @v := 1`
   * (mysql-session.ts). `pipelined` is the reset streamQuery wrote right behind the statement (no round
   * trip of its own); without it, one is sent now. The session keeps its slot until the answer, so
   * the next lease of it always finds it clean. A reset slower than a connect may be, or failing,
   * retires the session.
   */
  const resetThenRelease = (session: MysqlSession, pipelined: Promise<boolean> | undefined): void => {
    resetting++;
    const reset =
      pipelined === undefined
        ? resetSession(session, config.connectTimeoutMs)
        : withDeadline(pipelined, config.connectTimeoutMs, 'session reset').catch(() => false);
    void reset.then((ok) => {
      resetting--;
      pool.release(session, !ok);
    });
  };

  /** Runs `work` on a pooled session; every error is converted once, here. */
  const withSession = <T>(
    work: (
      session: MysqlSession,
      onReset: (reset: Promise<boolean>) => void,
    ) => Promise<{ value: T; retire: boolean }>,
    context: MysqlErrorContext = {},
    signal?: AbortSignal,
    callerSql = false,
  ): ResultAsync<T, DatabaseFailure> =>
    ResultAsync.fromPromise(
      (async () => {
        if (signal?.aborted) throw dbFailure('Cancelled', { message: 'cancelled before the query started' });
        const session = await pool.acquire(signal);
        let retire = true;
        let pipelined: Promise<boolean> | undefined;
        try {
          const out = await work(session, (reset) => {
            pipelined = reset;
          });
          retire = out.retire;
          return out.value;
        } catch (error) {
          // A statement error (bad SQL, unknown table, server timeout) leaves the connection usable.
          retire = !(isMysqlDriverError(error) && error.errno !== undefined && error.fatal !== true);
          throw error;
        } finally {
          if (!retire && callerSql) resetThenRelease(session, pipelined);
          else pool.release(session, retire);
        }
      })(),
      (error) => toDatabaseError(error, { ...context, secrets }),
    );

  const catalog = <T>(work: (session: MysqlSession) => Promise<T>): ResultAsync<T, DatabaseFailure> =>
    withSession(
      async (session) => {
        const reading = (async () => {
          await ensureTimeout(session, config.catalogTimeoutMs);
          return work(session);
        })();
        // The server times catalog statements too; this bounds a stalled network.
        return { value: await bounded(session, reading, config.catalogTimeoutMs), retire: false };
      },
      { timeoutMs: config.catalogTimeoutMs },
    );

  const run = (
    sql: string,
    limits: QueryLimits,
    signal: AbortSignal | undefined,
  ): ResultAsync<Awaited<ReturnType<typeof streamQuery>>['result'], DatabaseFailure> =>
    withSession(
      async (session, onReset) => {
        // Usually the session already runs with this timeout: then there is nothing to send or bound.
        if (session.timeoutMs !== limits.timeoutMs) {
          await bounded(session, ensureTimeout(session, limits.timeoutMs), limits.timeoutMs);
        }
        // A failed statement may still have set a variable or taken a lock: it is reset all the same.
        const outcome = await streamQuery(session, sql, limits, {
          maxBinaryBytes: config.maxBinaryBytes,
          onReset,
          signal,
          graceMs: CLIENT_GUARD_GRACE_MS,
          kill: (threadId) => killQuery(config, threadId),
        });
        return { value: outcome.result, retire: outcome.retire };
      },
      { sql, timeoutMs: limits.timeoutMs },
      signal,
      true,
    );

  const schemaOf = (schema: string | undefined) => schema ?? config.database;

  const port: DatabasePort = {
    dialect: 'mysql',
    get capabilities(): DatabaseCapabilities {
      return {
        supportsSchemas: true,
        supportsCancel: true,
        supportsExplain: true,
        supportsRowEstimates: true,
        supportsComments: true,
        defaultSchema: config.database,
      };
    },

    ping() {
      return catalog(async (session) => {
        await session.ping(config.connectTimeoutMs);
      });
    },

    serverInfo() {
      return catalog(async (session) => {
        const [row] = await rowsOf(session, serverInfoQuery());
        return {
          dialect: 'mysql' as const,
          version: row?.version ?? session.serverVersion,
          user: row?.user ?? undefined,
          database: row?.db ?? undefined,
        };
      });
    },

    auditPrivileges() {
      return catalog(async (session) =>
        privilegeReportOf(
          await rowsOf(
            session,
            auditPrivilegesQuery(hasApplicableRoles(session.flavour, session.serverVersion)),
          ),
        ),
      );
    },

    listTables(filter) {
      const schema = schemaOf(filter?.schema);
      return catalog(async (session) => {
        const rows = await rowsOf(
          session,
          schema === undefined ? listTablesAllQuery() : listTablesInSchemaQuery(schema),
        );
        return rows.map(toTableInfo);
      });
    },

    catalogFingerprint() {
      // The scope of listTables() without a filter.
      const schema = schemaOf(undefined);
      return catalog(async (session) => {
        const rows = await rowsOf(session, catalogFingerprintQuery(session.flavour, schema));
        return String(rows[0]?.fingerprint ?? '');
      });
    },

    listColumns(filter) {
      const schema = schemaOf(filter?.schema);
      return catalog(async (session) => {
        const rows = await arrayRowsOf(session, schemaColumnsQuery(schema));
        // MariaDB's JSON is LONGTEXT plus a json_valid check: a second read, only when it can matter.
        const json =
          session.flavour === 'mariadb' && rows.some((r) => r[4].toLowerCase() === JSON_STORAGE_TYPE)
            ? jsonColumnKeys(await arrayRowsOf(session, jsonChecksQuery(schema)))
            : undefined;
        return columnSummaries(rows, json);
      });
    },

    listKeys(filter) {
      const schema = schemaOf(filter?.schema);
      return catalog(async (session): Promise<SchemaKeys> => {
        const rows = await rowsOf(session, listKeysQuery(schema));
        // Primary-key columns are the rows that reference nothing.
        const isPrimary = (r: ForeignKeyRow) =>
          r.referenced_table === null || r.referenced_table === undefined;
        return {
          primaryKeys: groupPrimaryKeys(
            rows.filter(isPrimary).map((r) => ({
              id: `${r.schema_name}\u0000${r.table_name}`,
              table: { schema: r.schema_name, name: r.table_name },
              column: r.column_name,
            })),
          ),
          foreignKeys: groupForeignKeys(rows.filter((r) => !isPrimary(r)).map(foreignKeyColumn)),
        };
      });
    },

    describeTable(ref: TableRef) {
      const schema = schemaOf(ref.schema);
      return catalog(async (session) => {
        const notFound = dbFailure('ObjectNotFound', {
          objectType: 'table',
          name: ref.name,
          message: `table ${ref.schema ? `${ref.schema}.` : ''}${ref.name} not found`,
        });
        if (schema === undefined) throw notFound;
        const candidates = await rowsOf(session, tableInfoQuery(schema, ref.name));
        // information_schema compares names case-insensitively; on a case-sensitive server two tables
        // may differ only in case, so an exact match wins and only a lone other-case match stands in.
        const found =
          candidates.find((r) => r.table_name === ref.name) ??
          (candidates.length === 1 ? candidates[0] : undefined);
        if (!found) throw notFound;
        const [at, name] = [found.schema_name, found.table_name];
        const resolved = resolveColumnRows(
          await rowsOf(session, tableColumnsQuery(session.flavour, at, name)),
        );
        const columnRows = resolved.columns.filter((r) => r.table_name === name);
        const fkRows = await rowsOf(session, foreignKeysQuery(at, name));
        const indexRows = (await rowsOf(session, indexesQuery(at, name))).filter(
          (r) => r.table_name === name,
        );
        return buildDetail(toTableInfo(found), columnRows, resolved.isJson, fkRows, indexRows);
      });
    },

    executeReadOnly(query: ReadOnlyQuery, limits: QueryLimits, signal?: AbortSignal) {
      return run(query.sql, limits, signal);
    },

    explain(query: ReadOnlyQuery, limits: QueryLimits, signal?: AbortSignal) {
      if (
        query.statementKind !== 'select' &&
        query.statementKind !== 'with' &&
        query.statementKind !== 'table'
      ) {
        return errAsync(
          dbFailure('Unsupported', {
            feature: `EXPLAIN of a ${query.statementKind.toUpperCase()} statement`,
            message: `explain() of a ${query.statementKind} statement`,
          }),
        );
      }
      const big = { ...limits, maxRows: 1_000, maxBytes: Math.max(limits.maxBytes, 4 * 1024 * 1024) };
      return run(explainSql(query.sql), big, signal).map((result): QueryPlan => {
        const cell = result.rows[0]?.[0];
        const raw: unknown = typeof cell === 'string' ? safeJson(cell) : cell;
        return { dialect: 'mysql', text: planText(raw), estimatedCost: planCost(raw), raw };
      });
    },

    poolStats() {
      const stats = pool.stats();
      return { ...stats, active: stats.active - resetting, idle: stats.idle + resetting };
    },

    close() {
      logger.debug('closing mysql pool', { ...pool.stats() });
      return pool.close();
    },
  };
  return port;
}

/**
 * `work` on `session`, bounded by the client-side guard: a stalled network (no bytes, no reset) must
 * not hold a request forever. On expiry the session is destroyed and the request answers Timeout.
 */
function bounded<T>(session: MysqlSession, work: Promise<T>, timeoutMs: number): Promise<T> {
  const stalled = Symbol('stalled');
  return withDeadline(work, timeoutMs + CLIENT_GUARD_GRACE_MS, 'statement', () => stalled).catch(
    (error: unknown) => {
      if (error !== stalled) throw error;
      session.destroy();
      throw dbFailure('Timeout', { timeoutMs, message: `no answer from the server within ${timeoutMs} ms` });
    },
  );
}

function rowsOf<Row>(session: MysqlSession, query: CatalogQuery<Row>): Promise<Row[]> {
  return plainQuery<Row>(session.conn, query.sql, query.params);
}

/** A catalog query whose rows are arrays (cheaper to decode than objects: tens of thousands of rows). */
function arrayRowsOf<Row extends readonly unknown[]>(
  session: MysqlSession,
  query: CatalogQuery<Row>,
): Promise<Row[]> {
  return plainQuery<Row>(session.conn, query.sql, query.params, true);
}

/** `schema\0table\0column` of every column a json_valid check marks as JSON. */
function jsonColumnKeys(rows: readonly JsonCheckRow[]): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const [schema, table, clause] of rows) {
    const column = jsonCheckedColumn(clause);
    if (column !== undefined) keys.add(`${schema}\u0000${table}\u0000${column}`);
  }
  return keys;
}

/**
 * Column summaries grouped by table in (schema, table) order, each table's columns in ordinal order:
 * the server answers without ORDER BY (see schemaColumnsQuery), so grouping and the sort of a few
 * thousand table keys happen here. One `table` object per table, shared by its columns.
 */
function columnSummaries(
  rows: readonly SchemaColumnRow[],
  json: ReadonlySet<string> | undefined,
): ColumnSummary[] {
  type Group = { readonly columns: ColumnSummary[]; readonly ordinals: number[] };
  const groups = new Map<string, Group>();
  let key = '';
  let group: Group | undefined;
  let table: TableRef | undefined;
  for (const [schemaName, tableName, name, ordinal, dataType, columnType, comment] of rows) {
    // MariaDB and MySQL answer table by table, so the lookup runs once per table, not per column.
    if (group === undefined || table?.name !== tableName || table.schema !== schemaName) {
      key = `${schemaName}\u0000${tableName}`;
      group = groups.get(key);
      if (group === undefined) {
        group = { columns: [], ordinals: [] };
        groups.set(key, group);
        table = { schema: schemaName, name: tableName };
      } else {
        table = group.columns[0]!.table;
      }
    }
    group.columns.push({
      table: table!,
      name,
      nativeType: columnType,
      logicalType: logicalTypeOfColumn(dataType, columnType, json?.has(`${key}\u0000${name}`) === true),
      comment: comment || undefined,
    });
    group.ordinals.push(Number(ordinal));
  }
  const out: ColumnSummary[] = [];
  for (const k of [...groups.keys()].sort()) {
    const { columns, ordinals } = groups.get(k)!;
    if (ordinals.every((o, i) => i === 0 || ordinals[i - 1]! < o)) out.push(...columns);
    else
      out.push(
        ...columns
          .map((c, i) => ({ c, o: ordinals[i]! }))
          .sort((a, b) => a.o - b.o)
          .map((x) => x.c),
      );
  }
  return out;
}

function truthy(v: number | string | null | undefined): boolean {
  return v !== null && v !== undefined && Number(v) !== 0;
}

function toTableInfo(r: TableRow): TableInfo {
  const view = /VIEW/i.test(r.table_type);
  const estimate = r.row_estimate === null || view ? undefined : Number(r.row_estimate);
  // MySQL fills a view's comment with the word VIEW; InnoDB once added "InnoDB free: …".
  const comment = r.table_comment && !(view && r.table_comment === 'VIEW') ? r.table_comment : undefined;
  return {
    schema: r.schema_name,
    name: r.table_name,
    kind: view ? 'view' : 'table',
    rowEstimate: Number.isFinite(estimate) ? estimate : undefined,
    comment,
  };
}

function buildDetail(
  table: TableInfo,
  columnRows: readonly ColumnRow[],
  isJson: (row: ColumnRow) => boolean,
  fkRows: readonly ForeignKeyRow[],
  indexRows: readonly IndexRow[],
): TableDetail {
  const indexes = new Map<string, IndexInfo & { columns: string[] }>();
  for (const r of indexRows) {
    let index = indexes.get(r.index_name);
    if (!index) {
      const primary = r.index_name === 'PRIMARY';
      index = { name: r.index_name, columns: [], unique: primary || !truthy(r.non_unique), primary };
      indexes.set(r.index_name, index);
    }
    // A functional key part (MySQL 8) has no column name.
    index.columns.push(r.column_name ?? '(expression)');
  }
  const primaryKey = indexes.get('PRIMARY')?.columns ?? [];
  const columns = columnRows.map(
    (r): ColumnInfo => ({
      name: r.column_name,
      ordinal: Number(r.ordinal),
      nativeType: r.column_type,
      logicalType: logicalTypeOfColumn(r.data_type, r.column_type, isJson(r)),
      nullable: r.is_nullable === 'YES',
      default: r.column_default ?? undefined,
      primaryKeyPosition: primaryKey.includes(r.column_name)
        ? primaryKey.indexOf(r.column_name) + 1
        : undefined,
      comment: r.column_comment || undefined,
    }),
  );
  return {
    table,
    columns,
    primaryKey,
    ...keysOfTable(groupForeignKeys(fkRows.map(foreignKeyColumn)), table),
    indexes: [...indexes.values()],
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A readable plan: one line per table access, indented by nesting, from EXPLAIN FORMAT=JSON. */
function planText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  const lines: string[] = [];
  const walk = (node: unknown, depth: number) => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, depth);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    if (typeof o.table_name === 'string') {
      const parts = [`${o.table_name}`, `access=${String(o.access_type ?? '?')}`];
      if (o.key !== undefined) parts.push(`key=${String(o.key)}`);
      const rows = o.rows ?? o.rows_examined_per_scan;
      if (rows !== undefined) parts.push(`rows=${String(rows)}`);
      if (o.filtered !== undefined) parts.push(`filtered=${String(o.filtered)}%`);
      if (typeof o.attached_condition === 'string') parts.push(`where ${o.attached_condition}`);
      lines.push(`${'  '.repeat(depth)}${parts.join(' ')}`);
    } else if (o.select_id !== undefined) {
      lines.push(`${'  '.repeat(depth)}select #${String(o.select_id)}`);
    }
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'object' && v !== null) walk(v, k === 'table' ? depth : depth + 1);
    }
  };
  walk(raw, 0);
  return lines.length > 0 ? lines.join('\n') : (JSON.stringify(raw) ?? '');
}

/** MySQL reports `query_block.cost_info.query_cost`; MariaDB 11+ `query_block.cost`; 10.x none. */
function planCost(raw: unknown): number | undefined {
  const block = (raw as { query_block?: { cost_info?: { query_cost?: unknown }; cost?: unknown } } | null)
    ?.query_block;
  const cost = block?.cost_info?.query_cost ?? block?.cost;
  const n = Number(cost);
  return cost !== undefined && Number.isFinite(n) ? n : undefined;
}

// How each MySQL/MariaDB privilege bears on a read-only deployment. Unknown ones (new dynamic
// privileges) are warnings that neither write nor change schema: reported, never hidden.
const READS = new Set(['SELECT', 'SHOW VIEW', 'USAGE']);
const WRITES: Readonly<Record<string, string>> = {
  INSERT: '',
  UPDATE: '',
  DELETE: '',
  'DELETE HISTORY': 'can purge system-versioned history',
  FILE: 'can read and write server files (SELECT … INTO OUTFILE, LOAD DATA)',
  SUPER: 'bypasses read_only and most limits',
  'READ_ONLY ADMIN': 'can write while the server is read_only',
  CONNECTION_ADMIN: 'bypasses read_only and connection limits',
};
const SCHEMA = new Set([
  'CREATE',
  'DROP',
  'ALTER',
  'INDEX',
  'CREATE VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'TRIGGER',
  'EVENT',
  'REFERENCES',
  'CREATE TABLESPACE',
  'CREATE USER',
  'CREATE ROLE',
  'DROP ROLE',
  'GRANT OPTION',
]);
// information_schema hides what a role grants: an account with roles cannot be proven read-only.
const ROLE_DETAIL =
  'privileges through roles are not audited (check SHOW GRANTS FOR the role); counted as able to write';
const INFO: Readonly<Record<string, string>> = {
  'SHOW DATABASES': 'can list every database on the server',
  'CREATE TEMPORARY TABLES': 'can create session-local temporary tables',
};

/** Groups the account's grants by privilege into findings, and decides the verdict. */
function privilegeReportOf(rows: readonly PrivilegeRow[]): PrivilegeReport {
  const objects = new Map<string, string[]>();
  const add = (privilege: string, object: string) => {
    const list = objects.get(privilege) ?? [];
    if (!list.includes(object)) list.push(object);
    objects.set(privilege, list);
  };
  for (const row of rows) {
    if (row.privilege === null || row.object === null) continue;
    add(row.privilege, row.object);
    if (row.grantable === 'YES') add('GRANT OPTION', row.object);
  }
  let canWrite = false;
  let canChangeSchema = false;
  const findings: PrivilegeFinding[] = [];
  for (const [privilege, list] of objects) {
    if (READS.has(privilege)) continue;
    const object =
      list.length > 5 ? `${list.slice(0, 5).join(', ')} and ${list.length - 5} more` : list.join(', ');
    const write = privilege === 'ROLE' ? ROLE_DETAIL : WRITES[privilege];
    if (write !== undefined) canWrite = true;
    if (SCHEMA.has(privilege)) canChangeSchema = true;
    const info = INFO[privilege];
    findings.push({
      privilege,
      object,
      severity: info === undefined ? 'warning' : 'info',
      detail: write || info || undefined,
    });
  }
  return { user: rows[0]?.user ?? 'unknown', canWrite, canChangeSchema, findings };
}

/** One catalog row of a foreign key column, for core's grouping. */
function foreignKeyColumn(r: ForeignKeyRow): ForeignKeyColumnRow {
  return {
    id: `${r.constraint_schema}\u0000${r.schema_name}\u0000${r.table_name}\u0000${r.constraint_name}`,
    name: r.constraint_name,
    table: { schema: r.schema_name, name: r.table_name },
    column: r.column_name,
    referencedTable: { schema: r.referenced_schema, name: r.referenced_table },
    referencedColumn: r.referenced_column,
  };
}
