import { dbFailure } from '@legacybridge/core';
import oracledb from 'oracledb';
import {
  type CappedLob,
  estimateCellBytes,
  fetchAsFor,
  type NormaliseOptions,
  type ResultColumnMeta,
} from './oracle-types.js';

/**
 * The read-only session (DESIGN.md §4, layer 2) over one node-oracledb Thin connection.
 *
 * At connection start one ALTER SESSION fixes the formats values are converted to (ISO 8601 dates
 * and timestamps, time zone +00:00, '.' as the decimal point), so every value parses the same on
 * every server whatever its NLS defaults.
 *
 * Each caller statement then runs as:
 *   SET TRANSACTION READ ONLY   (must be the first statement of the transaction)
 *   <caller's query>            (read through a ResultSet, `fetchArraySize` rows a round trip,
 *                                stopped at the row or byte cap)
 *   ROLLBACK                    (always, also after an error)
 * with `callTimeout` bounding every round trip and `connection.break()` sent when the query's
 * deadline passes or the caller aborts (Oracle answers ORA-01013 and the connection stays usable).
 *
 * What a read-only transaction does NOT stop, and what stops it instead:
 * - DDL (CREATE, DROP, ALTER, TRUNCATE, GRANT …) commits implicitly before it runs, outside the
 *   transaction: `statementKindOf` sends only statements whose first keyword is SELECT or WITH, the
 *   same test node-oracledb Thin applies to call a statement a query; core's guard refuses the rest
 *   first, and least privilege (layer 3) is the control that does not depend on parsing.
 * - PL/SQL (BEGIN, DECLARE, CALL) is refused the same way.
 * - A function called by a query may use an autonomous transaction (its own COMMIT) or change
 *   session state (ALTER SESSION, package variables): the guard refuses the DBMS_ and UTL_ packages by name; a
 *   user's own functions are for least privilege to control (docs/security.md §5).
 */

/** The structural slice of `oracledb.Connection` the adapter uses (a fake implements it in tests). */
export interface OracleConnection {
  callTimeout: number;
  readonly oracleServerVersionString?: string | undefined;
  execute(sql: string, binds?: unknown, options?: unknown): Promise<OracleExecuteResult>;
  break(): Promise<void>;
  rollback(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  isHealthy?(): boolean;
}

/** What `execute` answers (rows for a direct fetch, a result set with `resultSet: true`). */
export interface OracleExecuteResult {
  readonly rows?: unknown[] | undefined;
  readonly metaData?: readonly ResultColumnMeta[] | undefined;
  readonly resultSet?: OracleResultSet | undefined;
}

/** The slice of `oracledb.ResultSet` the adapter uses. */
export interface OracleResultSet {
  readonly metaData?: readonly ResultColumnMeta[] | undefined;
  getRows(count: number): Promise<unknown[][]>;
  close(): Promise<void>;
}

/** The slice of `oracledb.Lob` the adapter uses. */
export interface OracleLob {
  readonly type: unknown;
  readonly length: number;
  getData(offset?: number, amount?: number): Promise<string | Buffer | null>;
}

/** A pooled connection and what the pool needs to know about it. */
export interface OracleSession {
  readonly connection: OracleConnection;
  readonly createdAt: number;
  /** Set once the connection is known unusable (a break that was not answered, a broken socket). */
  dead: boolean;
}

/** The ALTER SESSION every connection starts with (see the comment at the top). */
export const SESSION_SETUP_SQL =
  'ALTER SESSION SET NLS_DATE_FORMAT = \'YYYY-MM-DD"T"HH24:MI:SS\'' +
  ' NLS_TIMESTAMP_FORMAT = \'YYYY-MM-DD"T"HH24:MI:SS.FF\'' +
  ' NLS_TIMESTAMP_TZ_FORMAT = \'YYYY-MM-DD"T"HH24:MI:SS.FFTZH:TZM\'' +
  " TIME_ZONE = '+00:00' NLS_NUMERIC_CHARACTERS = '.,'";

/** The first statement of every caller transaction. */
export const READ_ONLY_SQL = 'SET TRANSACTION READ ONLY';

/** What a statement is, by its first keyword, as node-oracledb Thin classifies it. */
export type StatementKind = 'query' | 'dml' | 'ddl' | 'plsql' | 'other';

const DDL = new Set([
  'ALTER',
  'ANALYZE',
  'AUDIT',
  'COMMENT',
  'CREATE',
  'DROP',
  'FLASHBACK',
  'GRANT',
  'NOAUDIT',
  'PURGE',
  'RENAME',
  'REVOKE',
  'TRUNCATE',
  'ASSOCIATE',
  'DISASSOCIATE',
]);

/**
 * The statement's kind from its first keyword after comments and opening parentheses. Only `query`
 * statements are sent: a DDL would commit and run outside the read-only transaction.
 */
export function statementKindOf(sql: string): StatementKind {
  let rest = sql;
  for (;;) {
    const before = rest;
    rest = rest.replace(/^\s+/, '').replace(/^\(+/, '');
    if (rest.startsWith('--'))
      rest = rest.slice(rest.indexOf('\n') === -1 ? rest.length : rest.indexOf('\n'));
    else if (rest.startsWith('/*'))
      rest = rest.indexOf('*/') === -1 ? '' : rest.slice(rest.indexOf('*/') + 2);
    if (rest === before) break;
  }
  const keyword = /^[A-Za-z]+/.exec(rest)?.[0]?.toUpperCase() ?? '';
  if (keyword === 'SELECT' || keyword === 'WITH') return 'query';
  if (['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'LOCK', 'UPSERT'].includes(keyword)) return 'dml';
  if (DDL.has(keyword)) return 'ddl';
  if (keyword === 'BEGIN' || keyword === 'DECLARE' || keyword === 'CALL') return 'plsql';
  return 'other';
}

/**
 * The fetch type handler every query uses: NUMBER, DATE and TIMESTAMP* as strings (converted in the
 * session's formats), everything else as the driver's default (see `fetchAsFor`).
 */
export function fetchTypeHandler(metadata: {
  dbTypeName?: string | undefined;
}): { type: number } | undefined {
  return fetchAsFor(metadata.dbTypeName) === 'string'
    ? { type: oracledb.STRING as unknown as number }
    : undefined;
}

/** Options of one capped read. */
export interface ReadOptions extends NormaliseOptions {
  readonly maxRows: number;
  readonly maxBytes: number;
  readonly fetchArraySize: number;
}

/** Rows as fetched (LOBs already read up to their caps), and where reading stopped. */
export interface CappedRead {
  readonly metaData: readonly ResultColumnMeta[];
  readonly rows: unknown[][];
  readonly truncatedBy?: 'rows' | 'bytes' | undefined;
}

/**
 * Runs `sql` in a read-only transaction and reads it through a ResultSet up to the caps, then always
 * rolls back. Throws what the driver threw (the adapter converts it once); a rollback that fails
 * after a successful read throws too, so the connection is retired.
 */
export async function readOnlyQuery(
  connection: OracleConnection,
  sql: string,
  options: ReadOptions,
): Promise<CappedRead> {
  if (statementKindOf(sql) !== 'query') {
    throw dbFailure('ReadOnlyViolation', {
      message: 'only SELECT and WITH statements are sent to Oracle',
      reason: 'Oracle runs DDL and PL/SQL outside a read-only transaction, so only queries are sent.',
    });
  }
  await connection.execute(READ_ONLY_SQL);
  let failed = false;
  try {
    return await readCapped(connection, sql, options);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // After a failure the caller's error wins; the adapter retires the connection if this fails too.
    await connection.rollback().catch((error: unknown) => {
      if (!failed) throw error;
    });
  }
}

async function readCapped(
  connection: OracleConnection,
  sql: string,
  options: ReadOptions,
): Promise<CappedRead> {
  const result = await connection.execute(sql, [], {
    resultSet: true,
    outFormat: oracledb.OUT_FORMAT_ARRAY,
    fetchArraySize: options.fetchArraySize,
    // One round trip fewer for small results: the first rows come back with the execute.
    prefetchRows: Math.min(options.fetchArraySize, options.maxRows + 1),
    fetchTypeHandler,
  });
  const resultSet = result.resultSet;
  const metaData = result.metaData ?? resultSet?.metaData ?? [];
  if (resultSet === undefined) return { metaData, rows: (result.rows as unknown[][] | undefined) ?? [] };
  const rows: unknown[][] = [];
  let bytes = 2;
  let truncatedBy: 'rows' | 'bytes' | undefined;
  try {
    reading: for (;;) {
      // One row past the cap tells a full result from a cut one.
      const want = Math.min(options.fetchArraySize, options.maxRows + 1 - rows.length);
      const batch = await resultSet.getRows(want);
      for (const fetched of batch) {
        if (rows.length >= options.maxRows) {
          truncatedBy = 'rows';
          break reading;
        }
        const row = await readLobs(fetched, options);
        let size = 2;
        for (const cell of row) size += estimateCellBytes(cell, options) + 1;
        if (bytes + size > options.maxBytes && rows.length > 0) {
          truncatedBy = 'bytes';
          break reading;
        }
        bytes += size;
        rows.push(row);
        if (bytes > options.maxBytes) {
          truncatedBy = 'bytes';
          break reading;
        }
      }
      if (batch.length < want) break;
    }
  } finally {
    // Closing the result set stops the server cursor; the rows past the cap are never fetched.
    await resultSet.close();
  }
  return { metaData, rows, truncatedBy };
}

/** Replaces each LOB of a row by its first `cap` characters or bytes and its full length. */
async function readLobs(row: unknown[], options: NormaliseOptions): Promise<unknown[]> {
  let out: unknown[] | undefined;
  for (let i = 0; i < row.length; i++) {
    const cell = row[i];
    if (!isLob(cell)) continue;
    const blob = cell.type === oracledb.DB_TYPE_BLOB || cell.type === oracledb.DB_TYPE_BFILE;
    const cap = blob ? options.maxBinaryBytes : options.maxLobChars;
    const length = cell.length;
    const data = cap > 0 && length > 0 ? await cell.getData(1, Math.min(cap, length)) : null;
    const capped: CappedLob = {
      $lob: blob ? 'blob' : 'clob',
      data: data ?? (blob ? Buffer.alloc(0) : ''),
      length,
    };
    out ??= [...row];
    out[i] = capped;
  }
  return out ?? row;
}

function isLob(value: unknown): value is OracleLob {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { getData?: unknown }).getData === 'function' &&
    typeof (value as { length?: unknown }).length === 'number'
  );
}

/**
 * Runs catalog statements on a session: each a direct fetch of all rows (the catalog is read in
 * full), as objects keyed by lower-case column alias, NUMBERs as JavaScript numbers (catalog
 * numbers are counts and lengths) and LONG columns (DATA_DEFAULT) as text.
 */
export async function catalogRows<Row>(
  connection: OracleConnection,
  sql: string,
  binds: Record<string, unknown> = {},
): Promise<Row[]> {
  const result = await connection.execute(sql, binds, {
    outFormat: oracledb.OUT_FORMAT_OBJECT,
    fetchArraySize: 1_000,
  });
  return ((result.rows ?? []) as Record<string, unknown>[]).map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) out[key.toLowerCase()] = value;
    return out as Row;
  });
}

/**
 * `connection.break()` with a bound: the promise resolves when the break was acknowledged, or
 * rejects (the connection must then be dropped) when the server did not answer within `graceMs`.
 */
export async function breakWithin(connection: OracleConnection, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.break(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the server did not acknowledge the break')), graceMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
