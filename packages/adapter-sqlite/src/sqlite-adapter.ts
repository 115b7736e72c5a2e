import { accessSync, constants } from 'node:fs';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import {
  type ColumnInfo,
  type ColumnSummary,
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
  type SchemaKeys,
  type TableDetail,
  type TableFilter,
  type TableInfo,
  type TableRef,
} from '@legacybridge/core';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import * as catalog from './sqlite-catalog-sql.js';
import { parseSqliteConfig, type ResolvedSqliteConfig, type SqliteAdapterConfig } from './sqlite-config.js';
import { createRunnerPool } from './sqlite-pool.js';
import { openSession, type RunnerRequest, type SqliteSession, VERSION_SQL } from './sqlite-session.js';
import { inferLogicalType, logicalTypeOf, normaliseCell } from './sqlite-types.js';

/** SQLite's one schema name: the main database. Attached databases are not offered. */
const MAIN_SCHEMA = 'main';

type Row = Record<string, unknown>;
type RawQuery = {
  columns: { name: string; type: string | null }[];
  rows: unknown[][];
  truncated: boolean;
  truncatedBy?: 'rows' | 'bytes' | undefined;
};

/**
 * A DatabasePort over one SQLite file, read-only and interruptible: statements run in a pool of
 * child processes, each with one read-only connection, killed on timeout or cancel. Opens nothing
 * until the first request.
 * @throws TypeError when `config` is invalid (use `parseSqliteConfig` to get the failure as data).
 */
export function createSqliteAdapter(config: SqliteAdapterConfig): DatabasePort {
  const parsed = parseSqliteConfig(config);
  if (parsed.isErr()) throw new TypeError(parsed.error.message);
  return createSqliteAdapterFromResolved(parsed.value);
}

/** The adapter for an already-validated configuration (what the registry entry uses). */
export function createSqliteAdapterFromResolved(config: ResolvedSqliteConfig): DatabasePort {
  const logger = config.logger.child({ adapter: 'sqlite' });
  const pool = createRunnerPool({
    pool: config.pool,
    overflowIdleMs: config.overflowIdleMs,
    prePingIdleMs: config.prePingIdleMs,
    open: (onExit) =>
      openSession({ target: config.target, busyTimeoutMs: config.busyTimeoutMs, logger, onExit }),
  });
  let closed = false;
  // Row estimates exist only once someone ran ANALYZE on the file; learnt at the first listing.
  let hasStat1 = false;

  const closedFailure = (): DatabaseFailure =>
    dbFailure('ConnectionFailed', {
      message: 'SQLite adapter is closed',
      publicDetail: 'The database connection was closed.',
    });

  /** Runs catalog statements in one round trip, each answering an array of row objects. */
  const catalogRows = (
    session: SqliteSession,
    statements: { sql: string; params?: unknown[] }[],
  ): Promise<Result<Row[][], DatabaseFailure>> =>
    session
      .request({ t: 'all', statements }, { timeoutMs: config.catalogTimeoutMs })
      .then((r) => r.map((v) => v as Row[][]));

  const withSession = <T>(
    work: (session: SqliteSession) => Promise<Result<T, DatabaseFailure>>,
    options: { signal?: AbortSignal | undefined; retire?: boolean } = {},
  ): ResultAsync<T, DatabaseFailure> => {
    if (closed) return new ResultAsync(Promise.resolve(err(closedFailure())));
    return new ResultAsync(
      pool
        .use(work, options)
        .catch((error: unknown) =>
          err(
            dbFailure('DriverError', { message: `SQLite adapter failure: ${String(error)}`, cause: error }),
          ),
        ),
    );
  };

  const wrongDialect = (query: ReadOnlyQuery): DatabaseFailure | undefined =>
    query.dialect === 'sqlite'
      ? undefined
      : dbFailure('InvalidInput', {
          field: 'sql',
          reason: `it was checked for ${query.dialect}, not sqlite.`,
          message: `ReadOnlyQuery for ${query.dialect} given to the SQLite adapter`,
        });

  const port: DatabasePort = {
    dialect: 'sqlite',
    get capabilities(): DatabaseCapabilities {
      return {
        supportsSchemas: false,
        supportsCancel: true,
        supportsExplain: true,
        supportsRowEstimates: hasStat1,
        supportsComments: false,
        defaultSchema: MAIN_SCHEMA,
      };
    },

    ping() {
      return withSession((s) =>
        s.request({ t: 'ping' }, { timeoutMs: config.catalogTimeoutMs }).then((r) => r.map(() => undefined)),
      );
    },

    serverInfo() {
      return withSession((s) => catalogRows(s, [{ sql: VERSION_SQL }])).map((results) => ({
        dialect: 'sqlite' as const,
        version: String(Object.values(results[0]?.[0] ?? {})[0] ?? ''),
        database: config.target.kind === 'memory' ? ':memory:' : basename(config.target.path),
      }));
    },

    auditPrivileges() {
      return withSession((s) => catalogRows(s, [{ sql: catalog.QUERY_ONLY }])).map(
        (results): PrivilegeReport => {
          const queryOnly = Number(Object.values(results[0]?.[0] ?? {})[0] ?? 0) === 1;
          const findings: PrivilegeFinding[] = [];
          if (!queryOnly) {
            findings.push({
              privilege: 'query_only off',
              severity: 'warning',
              detail: 'this connection accepts writes',
            });
          }
          if (config.target.kind === 'file' && osCanWrite(config.target.path)) {
            // SQLite has no users: the OS decides. Harmless while we open it read-only, but another
            // tool running as this user could write it.
            findings.push({
              privilege: 'file write',
              object: config.target.path,
              severity: 'info',
              detail: 'the OS user may write this file; LegacyBridge opens it read-only',
            });
          }
          return { user: osUser(), canWrite: !queryOnly, canChangeSchema: !queryOnly, findings };
        },
      );
    },

    catalogFingerprint() {
      return withSession((s) => catalogRows(s, [{ sql: catalog.SCHEMA_VERSION }])).map(
        (results) => `schema_version:${String(Object.values(results[0]?.[0] ?? {})[0] ?? '')}`,
      );
    },

    listTables(filter?: TableFilter) {
      if (!inMainSchema(filter?.schema)) return new ResultAsync(Promise.resolve(ok([])));
      return withSession(async (s) => {
        const first = await catalogRows(s, [{ sql: catalog.LIST_TABLES }, { sql: catalog.HAS_STAT1 }]);
        if (first.isErr()) return err(first.error);
        const [tables = [], stat = []] = first.value;
        hasStat1 = Number(stat[0]?.present ?? 0) > 0;
        let estimates = new Map<string, number>();
        if (hasStat1) {
          const second = await catalogRows(s, [{ sql: catalog.ROW_ESTIMATES }]);
          if (second.isErr()) return err(second.error);
          estimates = new Map((second.value[0] ?? []).map((r) => [String(r.name), Number(r.row_estimate)]));
        }
        return ok(
          tables.map(
            (t): TableInfo => ({
              name: String(t.name),
              kind: t.type === 'view' ? 'view' : 'table',
              rowEstimate: estimates.get(String(t.name)),
            }),
          ),
        );
      });
    },

    listColumns(filter?: TableFilter) {
      if (!inMainSchema(filter?.schema)) return new ResultAsync(Promise.resolve(ok([])));
      return withSession(async (s) => {
        let result = await catalogRows(s, [{ sql: catalog.LIST_COLUMNS }]);
        // A broken view fails the whole join; tables alone still answer (see LIST_TABLE_COLUMNS).
        if (result.isErr() && result.error.kind !== 'Timeout' && result.error.kind !== 'ConnectionFailed') {
          logger.warn('listColumns fell back to tables only', { error: result.error.message });
          result = await catalogRows(s, [{ sql: catalog.LIST_TABLE_COLUMNS }]);
        }
        return result.map((sets) =>
          (sets[0] ?? []).map(
            (r): ColumnSummary => ({
              table: { name: String(r.table_name) },
              name: String(r.name),
              nativeType: String(r.type ?? ''),
              logicalType: logicalTypeOf(r.type as string | null),
            }),
          ),
        );
      });
    },

    listKeys(filter?: TableFilter) {
      if (!inMainSchema(filter?.schema)) {
        return new ResultAsync(Promise.resolve(ok({ primaryKeys: [], foreignKeys: [] })));
      }
      // Two statements, one runner round trip, whatever the number of tables.
      return withSession((s) =>
        catalogRows(s, [{ sql: catalog.LIST_PRIMARY_KEYS }, { sql: catalog.LIST_FOREIGN_KEYS }]),
      ).map(([pks = [], fks = []]): SchemaKeys => {
        const byTable = new Map<string, string[]>();
        for (const r of pks) {
          const name = String(r.table_name);
          const list = byTable.get(name);
          if (list) list.push(String(r.name));
          else byTable.set(name, [String(r.name)]);
        }
        return {
          primaryKeys: [...byTable].map(([name, columns]) => ({ table: { name }, columns })),
          foreignKeys: groupForeignKeys(fks, (r) => String(r.from_table)),
        };
      });
    },

    describeTable(ref: TableRef) {
      const notFound = () =>
        dbFailure('ObjectNotFound', {
          objectType: 'table',
          name: ref.schema !== undefined ? `${ref.schema}.${ref.name}` : ref.name,
          message: `SQLite table ${ref.name} not found`,
        });
      if (!inMainSchema(ref.schema)) return new ResultAsync(Promise.resolve(err(notFound())));
      return withSession((s) =>
        catalogRows(s, [
          { sql: catalog.FIND_TABLE, params: [ref.name] },
          { sql: catalog.TABLE_COLUMNS, params: [ref.name] },
          { sql: catalog.FOREIGN_KEYS, params: [ref.name] },
          { sql: catalog.REFERENCED_BY, params: [ref.name] },
          { sql: catalog.TABLE_INDEXES, params: [ref.name] },
        ]),
      ).andThen(([found = [], columns = [], fks = [], refs = [], indexes = []]) => {
        const table = found[0];
        if (!table) return err(notFound());
        return ok(toTableDetail(table, columns, fks, refs, indexes));
      });
    },

    executeReadOnly(query: ReadOnlyQuery, limits: QueryLimits, signal?: AbortSignal) {
      const invalid = wrongDialect(query);
      if (invalid) return new ResultAsync(Promise.resolve(err(invalid)));
      const request: RunnerRequest = {
        t: 'query',
        sql: query.sql,
        maxRows: limits.maxRows,
        maxBytes: limits.maxBytes,
        maxBinaryBytes: config.maxBinaryBytes,
      };
      // Timed from the request, not from acquiring: a runner's start is not the query's duration.
      const run = async (s: SqliteSession) => {
        const started = performance.now();
        const raw = await s.request(request, { timeoutMs: limits.timeoutMs, signal });
        return raw.map((r) =>
          toQueryResult(r as RawQuery, config.maxBinaryBytes, performance.now() - started),
        );
      };
      return withSession(run, {
        signal,
        // A PRAGMA can change connection state (locking_mode, busy_timeout …) even when it returns
        // rows; rather than parse it, retire the runner so no state outlives the query. Conservative:
        // a false match only costs a new runner.
        retire: /pragma/i.test(query.sql),
      });
    },

    explain(query: ReadOnlyQuery, limits: QueryLimits, signal?: AbortSignal) {
      const invalid = wrongDialect(query);
      if (invalid) return new ResultAsync(Promise.resolve(err(invalid)));
      return withSession(
        (s) =>
          s.request(
            { t: 'all', statements: [{ sql: catalog.explainQueryPlanSql(query.sql) }] },
            { timeoutMs: limits.timeoutMs, signal },
          ),
        { signal },
      ).map((sets): QueryPlan => {
        const rows = ((sets as Row[][])[0] ?? []) as Row[];
        return { dialect: 'sqlite', text: planText(rows), raw: rows };
      });
    },

    poolStats() {
      return pool.stats();
    },

    async close() {
      closed = true;
      await pool.close();
    },
  };
  return port;
}

function inMainSchema(schema: string | undefined): boolean {
  return schema === undefined || schema.toLowerCase() === MAIN_SCHEMA;
}

function toQueryResult(raw: RawQuery, maxBinaryBytes: number, durationMs: number): QueryResult {
  const columns = raw.columns.map((c, i) => ({
    name: c.name,
    nativeType: c.type ?? undefined,
    logicalType: c.type ? logicalTypeOf(c.type) : inferLogicalType(raw.rows.map((r) => r[i])),
  }));
  return {
    columns,
    rows: raw.rows.map((row) => row.map((v) => normaliseCell(v, maxBinaryBytes))),
    rowCount: raw.rows.length,
    truncated: raw.truncated,
    truncatedBy: raw.truncatedBy,
    durationMs: Math.round(durationMs * 100) / 100,
  };
}

function toTableDetail(table: Row, columns: Row[], fks: Row[], refs: Row[], indexes: Row[]): TableDetail {
  const name = String(table.name);
  const columnInfos = columns.map(
    (c): ColumnInfo => ({
      name: String(c.name),
      ordinal: Number(c.cid) + 1,
      nativeType: String(c.type ?? ''),
      logicalType: logicalTypeOf(c.type as string | null),
      // SQLite lets a non-INTEGER primary key hold NULLs (a historical bug kept for compatibility),
      // so only NOT NULL makes a column non-nullable.
      nullable: Number(c.not_null) === 0,
      default: c.dflt_value === null || c.dflt_value === undefined ? undefined : String(c.dflt_value),
      primaryKeyPosition: Number(c.pk) > 0 ? Number(c.pk) : undefined,
    }),
  );
  const primaryKey = columnInfos
    .filter((c) => c.primaryKeyPosition !== undefined)
    .sort((a, b) => a.primaryKeyPosition! - b.primaryKeyPosition!)
    .map((c) => c.name);
  return {
    table: { name, kind: table.type === 'view' ? 'view' : 'table' },
    columns: columnInfos,
    primaryKey,
    foreignKeys: groupForeignKeys(fks, () => name),
    referencedBy: groupForeignKeys(refs, (r) => String(r.from_table)),
    indexes: groupIndexes(indexes),
  };
}

// pragma_foreign_key_list gives one row per column pair; `id` numbers the key within its table.
function groupForeignKeys(rows: Row[], tableOf: (row: Row) => string): ForeignKeyInfo[] {
  const keys = new Map<string, { table: string; ref: string; from: string[]; to: string[] }>();
  for (const r of rows) {
    const key = `${tableOf(r)}\u0000${String(r.id)}`;
    let fk = keys.get(key);
    if (!fk) {
      fk = { table: tableOf(r), ref: String(r.ref_table), from: [], to: [] };
      keys.set(key, fk);
    }
    fk.from.push(String(r.from_column));
    fk.to.push(r.to_column === null || r.to_column === undefined ? '' : String(r.to_column));
  }
  return [...keys.values()].map((fk) => ({
    table: { name: fk.table },
    columns: fk.from,
    referencedTable: { name: fk.ref },
    referencedColumns: fk.to,
  }));
}

function groupIndexes(rows: Row[]): IndexInfo[] {
  const indexes = new Map<string, IndexInfo & { columns: string[] }>();
  for (const r of rows) {
    const name = String(r.name);
    let index = indexes.get(name);
    if (!index) {
      index = { name, columns: [], unique: Number(r.is_unique) === 1, primary: r.origin === 'pk' };
      indexes.set(name, index);
    }
    index.columns.push(
      r.column_name === null || r.column_name === undefined ? '<expression>' : String(r.column_name),
    );
  }
  return [...indexes.values()];
}

// EXPLAIN QUERY PLAN rows form a tree through `parent`; the sqlite3 shell prints it indented.
function planText(rows: Row[]): string {
  const children = new Map<number, Row[]>();
  for (const r of rows) {
    const parent = Number(r.parent);
    const list = children.get(parent) ?? [];
    list.push(r);
    children.set(parent, list);
  }
  const lines: string[] = [];
  const walk = (parent: number, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      lines.push(`${'  '.repeat(depth)}${String(r.detail)}`);
      if (Number(r.id) !== parent) walk(Number(r.id), depth + 1);
    }
  };
  walk(0, 0);
  return lines.join('\n');
}

function osCanWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

// userInfo throws for a uid with no passwd entry (some containers): fall back to the number.
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
