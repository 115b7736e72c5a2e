import { type SQL, sql } from 'drizzle-orm';
import { MySqlDialect } from 'drizzle-orm/mysql-core';
import type { MysqlFlavour } from './mysql-session.js';

/**
 * Catalog queries as named constants: one query per question, never one per table. Each reads
 * `information_schema` with `?` placeholders.
 *
 * Two variants exist where a schema filter applies: MariaDB and MySQL 5.x only avoid opening every
 * table of every database when `TABLE_SCHEMA` (and `TABLE_NAME`) are compared with plain equality,
 * so `(? IS NULL OR TABLE_SCHEMA = ?)` would turn a one-schema listing into a full-server scan.
 *
 * The parameterised ones are built with drizzle-orm's `sql` template (`sql<Row>`), rendered once to
 * text + `?` params by drizzle's MySQL dialect: each value sits where it is used (the foreign-key query
 * binds schema and table twice), and the row type travels with the query into `catalogRows`. Each stays
 * one statement; they run on our own pooled read-only mysql2 connections (timeouts, cancel, reset),
 * which is why drizzle's query builder and driver session are not used.
 */

const dialect = new MySqlDialect();

/** A catalog statement with its parameters; `Row` is the shape of one result row. */
export interface CatalogQuery<Row> {
  readonly sql: string;
  readonly params: readonly unknown[];
  /** Phantom: carries the row type only. */
  readonly row?: Row;
}

function build<Row>(query: SQL<Row>): CatalogQuery<Row> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return { sql: text, params };
}

/** Databases of the server itself, never shown. */
export const SYSTEM_SCHEMAS = ['information_schema', 'mysql', 'performance_schema', 'sys'] as const;

const NOT_SYSTEM_IN = `NOT IN (${SYSTEM_SCHEMAS.map((s) => `'${s}'`).join(', ')})`;
const NOT_SYSTEM = `TABLE_SCHEMA ${NOT_SYSTEM_IN}`;

/** Version, user and default database for diagnostics. */
export const serverInfoQuery = (): CatalogQuery<ServerInfoRow> =>
  build(sql<ServerInfoRow>`SELECT VERSION() AS version, CURRENT_USER() AS user, DATABASE() AS db`);

/** A row of serverInfoQuery. */
export interface ServerInfoRow {
  readonly version: string;
  readonly user: string | null;
  readonly db: string | null;
}

const TABLES_SELECT = `SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, TABLE_TYPE AS table_type,
  TABLE_ROWS AS row_estimate, TABLE_COMMENT AS table_comment
FROM information_schema.TABLES`;

/** Tables and views of every non-system database. Row estimates are the engine's statistics (InnoDB: sampled). */
export const listTablesAllQuery = (): CatalogQuery<TableRow> =>
  build(sql<TableRow>`${sql.raw(TABLES_SELECT)}
WHERE ${sql.raw(NOT_SYSTEM)}
ORDER BY TABLE_SCHEMA, TABLE_NAME`);

/** Tables and views of one database. */
export const listTablesInSchemaQuery = (schema: string): CatalogQuery<TableRow> =>
  build(sql<TableRow>`${sql.raw(TABLES_SELECT)}
WHERE TABLE_SCHEMA = ${schema}
ORDER BY TABLE_NAME`);

/** One table or view (information_schema compares names case-insensitively: the caller prefers an exact match). */
export const tableInfoQuery = (schema: string, name: string): CatalogQuery<TableRow> =>
  build(sql<TableRow>`${sql.raw(TABLES_SELECT)}
WHERE TABLE_SCHEMA = ${schema} AND TABLE_NAME = ${name}`);

/** A row of the table queries. */
export interface TableRow {
  readonly schema_name: string;
  readonly table_name: string;
  /** `BASE TABLE`, `VIEW`, `SYSTEM VERSIONED` (MariaDB), `SEQUENCE` (MariaDB), `SYSTEM VIEW`. */
  readonly table_type: string;
  readonly row_estimate: string | number | null;
  readonly table_comment: string | null;
}

const COLUMNS_SELECT = `SELECT 0 AS json_check, c.TABLE_SCHEMA AS schema_name, c.TABLE_NAME AS table_name,
  c.COLUMN_NAME AS column_name, c.ORDINAL_POSITION AS ordinal, c.DATA_TYPE AS data_type,
  c.COLUMN_TYPE AS column_type, c.IS_NULLABLE AS is_nullable, c.COLUMN_DEFAULT AS column_default,
  c.COLUMN_COMMENT AS column_comment
FROM information_schema.COLUMNS c`;

// MariaDB's JSON is an alias of LONGTEXT plus a `json_valid(`col`)` check constraint, visible only in
// CHECK_CONSTRAINTS (which has TABLE_NAME on MariaDB only). Those constraints come back in the same
// statement as extra rows (`json_check = 1`, the clause in `column_name`) rather than through a join:
// MariaDB joins two information_schema tables by nested loop, ten times slower than both reads. For
// one table (describe) that is cheap; the schema-wide listing reads them apart (schemaColumnsQuery).
const JSON_CHECKS_SELECT = `SELECT 1, CONSTRAINT_SCHEMA, TABLE_NAME, CHECK_CLAUSE, NULL, NULL, NULL, NULL, NULL, NULL
FROM information_schema.CHECK_CONSTRAINTS`;
const JSON_CHECK_LIKE = `CHECK_CLAUSE LIKE 'json\\_valid(%'`;
const COLUMNS_ORDER = 'ORDER BY json_check DESC, schema_name, table_name, ordinal';

function columnsQuery(
  flavour: MysqlFlavour,
  scope: { schema: string; table: string },
): CatalogQuery<ColumnRow> {
  const where = (schemaColumn: string, tableColumn: string) =>
    sql`${sql.raw(schemaColumn)} = ${scope.schema} AND ${sql.raw(tableColumn)} = ${scope.table}`;
  const columns = sql`${sql.raw(COLUMNS_SELECT)} WHERE ${where('c.TABLE_SCHEMA', 'c.TABLE_NAME')}`;
  if (flavour === 'mysql') return build(sql<ColumnRow>`${columns} ${sql.raw(COLUMNS_ORDER)}`);
  return build(sql<ColumnRow>`${columns}
UNION ALL
${sql.raw(JSON_CHECKS_SELECT)} WHERE ${where('CONSTRAINT_SCHEMA', 'TABLE_NAME')} AND ${sql.raw(JSON_CHECK_LIKE)}
${sql.raw(COLUMNS_ORDER)}`);
}

/**
 * Every column of every non-system database, or of one (`schema`), for the schema snapshot: only
 * what a column summary needs, read as arrays (`rowsAsArray`), in the server's order — no ORDER BY
 * and no UNION, which made MariaDB copy the 75,000 rows of a 5,000-table schema into a temporary
 * table and sort them (~0.6 s against ~0.26 s for the plain read; the adapter groups by table
 * itself). A single `TABLE_SCHEMA = ?` equality lets MariaDB read one database directory instead of
 * every database's. MariaDB's JSON columns need `jsonChecksQuery` beside it, only when a LONGTEXT
 * column came back.
 */
export const schemaColumnsQuery = (schema: string | undefined): CatalogQuery<SchemaColumnRow> => {
  const where =
    schema === undefined ? sql`TABLE_SCHEMA ${sql.raw(NOT_SYSTEM_IN)}` : sql`TABLE_SCHEMA = ${schema}`;
  return build(sql<SchemaColumnRow>`SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE,
  COLUMN_TYPE, COLUMN_COMMENT
FROM information_schema.COLUMNS
WHERE ${where}`);
};

/** A row of schemaColumnsQuery: schema, table, column, ordinal, data type, column type, comment. */
export type SchemaColumnRow = readonly [
  schema: string,
  table: string,
  column: string,
  ordinal: number | string,
  dataType: string,
  columnType: string,
  comment: string | null,
];

/**
 * MariaDB's `json_valid` checks (what makes a LONGTEXT column JSON) of every non-system database or of
 * one, as arrays: schema, table, check clause. Reading CHECK_CONSTRAINTS opens every table again, so
 * the snapshot asks only when a LONGTEXT column exists.
 */
export const jsonChecksQuery = (schema: string | undefined): CatalogQuery<JsonCheckRow> => {
  const where =
    schema === undefined
      ? sql`CONSTRAINT_SCHEMA ${sql.raw(NOT_SYSTEM_IN)}`
      : sql`CONSTRAINT_SCHEMA = ${schema}`;
  return build(sql<JsonCheckRow>`SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CHECK_CLAUSE
FROM information_schema.CHECK_CONSTRAINTS
WHERE ${where} AND ${sql.raw(JSON_CHECK_LIKE)}`);
};

/** A row of jsonChecksQuery: schema, table, check clause. */
export type JsonCheckRow = readonly [schema: string, table: string, clause: string];

/** The data type whose columns may be MariaDB JSON (LONGTEXT plus a json_valid check). */
export const JSON_STORAGE_TYPE = 'longtext';

/** The column a `json_valid(`col`)` check clause names, or undefined for any other clause. */
export function jsonCheckedColumn(clause: string): string | undefined {
  return /^json_valid\(`((?:[^`]|``)*)`\)$/.exec(clause)?.[1]?.replaceAll('``', '`');
}

/** The columns of one table. */
export const tableColumnsQuery = (
  flavour: MysqlFlavour,
  schema: string,
  table: string,
): CatalogQuery<ColumnRow> => columnsQuery(flavour, { schema, table });

/** A row of the column queries: a column, or (`json_check` 1, MariaDB) a `json_valid` check in `column_name`. */
export interface ColumnRow {
  readonly json_check: number | string;
  readonly schema_name: string;
  readonly table_name: string;
  readonly column_name: string;
  readonly ordinal: number | string;
  readonly data_type: string;
  readonly column_type: string;
  readonly is_nullable: string;
  readonly column_default: string | null;
  readonly column_comment: string | null;
}

/** The column rows of a column query, and which of them MariaDB's `json_valid` checks mark as JSON. */
export interface ResolvedColumns {
  readonly columns: readonly ColumnRow[];
  readonly isJson: (row: ColumnRow) => boolean;
}

/**
 * Splits a column query's rows into columns and JSON checks. Rows are kept as they are (no copies):
 * listColumns reads tens of thousands on a legacy schema.
 */
export function resolveColumnRows(rows: readonly ColumnRow[]): ResolvedColumns {
  const json = new Set<string>();
  const columns: ColumnRow[] = [];
  for (const r of rows) {
    if (Number(r.json_check) === 1) {
      const column = jsonCheckedColumn(r.column_name);
      if (column !== undefined) json.add(`${r.schema_name}\u0000${r.table_name}\u0000${column}`);
    } else {
      columns.push(r);
    }
  }
  const isJson =
    json.size === 0
      ? () => false
      : (c: ColumnRow) => json.has(`${c.schema_name}\u0000${c.table_name}\u0000${c.column_name}`);
  return { columns, isJson };
}

/**
 * Foreign keys in both directions: declared on the table, and declared elsewhere pointing at it.
 * One query, ordered so each constraint's columns are adjacent and in key order.
 */
export const foreignKeysQuery = (schema: string, table: string): CatalogQuery<ForeignKeyRow> =>
  build(sql<ForeignKeyRow>`SELECT k.CONSTRAINT_SCHEMA AS constraint_schema, k.CONSTRAINT_NAME AS constraint_name,
  k.TABLE_SCHEMA AS schema_name, k.TABLE_NAME AS table_name, k.COLUMN_NAME AS column_name,
  k.REFERENCED_TABLE_SCHEMA AS referenced_schema, k.REFERENCED_TABLE_NAME AS referenced_table,
  k.REFERENCED_COLUMN_NAME AS referenced_column, k.ORDINAL_POSITION AS ordinal
FROM information_schema.KEY_COLUMN_USAGE k
WHERE k.REFERENCED_TABLE_NAME IS NOT NULL
  AND ((k.TABLE_SCHEMA = ${schema} AND k.TABLE_NAME = ${table})
    OR (k.REFERENCED_TABLE_SCHEMA = ${schema} AND k.REFERENCED_TABLE_NAME = ${table}))
ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`);

/**
 * Every primary key (`constraint_name` PRIMARY, no referenced table) and every declared foreign key
 * of every non-system database, or of one, in one query: for relationship inference and join paths.
 * Ordered so each key's columns are adjacent and in key order.
 */
export const listKeysQuery = (schema: string | undefined): CatalogQuery<ForeignKeyRow> => {
  const inScope =
    schema === undefined ? sql`k.TABLE_SCHEMA ${sql.raw(NOT_SYSTEM_IN)}` : sql`k.TABLE_SCHEMA = ${schema}`;
  return build(sql<ForeignKeyRow>`SELECT k.CONSTRAINT_SCHEMA AS constraint_schema, k.CONSTRAINT_NAME AS constraint_name,
  k.TABLE_SCHEMA AS schema_name, k.TABLE_NAME AS table_name, k.COLUMN_NAME AS column_name,
  k.REFERENCED_TABLE_SCHEMA AS referenced_schema, k.REFERENCED_TABLE_NAME AS referenced_table,
  k.REFERENCED_COLUMN_NAME AS referenced_column, k.ORDINAL_POSITION AS ordinal
FROM information_schema.KEY_COLUMN_USAGE k
WHERE ${inScope} AND (k.REFERENCED_TABLE_NAME IS NOT NULL OR k.CONSTRAINT_NAME = 'PRIMARY')
ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`);
};

/** A row of foreignKeysQuery. */
export interface ForeignKeyRow {
  readonly constraint_schema: string;
  readonly constraint_name: string;
  readonly schema_name: string;
  readonly table_name: string;
  readonly column_name: string;
  readonly referenced_schema: string;
  readonly referenced_table: string;
  readonly referenced_column: string;
  readonly ordinal: number | string;
}

/** Indexes of one table with their columns in order; the primary key is the index named `PRIMARY`. */
export const indexesQuery = (schema: string, table: string): CatalogQuery<IndexRow> =>
  build(sql<IndexRow>`SELECT INDEX_NAME AS index_name, NON_UNIQUE AS non_unique, SEQ_IN_INDEX AS seq,
  COLUMN_NAME AS column_name, TABLE_NAME AS table_name
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = ${schema} AND TABLE_NAME = ${table}
ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX`);

/** A row of indexesQuery. `column_name` is null for a functional key part (MySQL 8). */
export interface IndexRow {
  readonly index_name: string;
  readonly non_unique: number | string;
  readonly seq: number | string;
  readonly column_name: string | null;
  readonly table_name: string;
}

/** The statement explain() runs: the engine's plan as JSON, without executing the query. */
export function explainSql(sql: string): string {
  return `EXPLAIN FORMAT=JSON ${sql}`;
}

/**
 * The privilege audit in one statement: every grant the authenticated account holds, globally, per
 * database, per table and per column, from information_schema (readable by every account for its
 * own grants). CURRENT_USER() is the matched account (`user@host`), which information_schema spells
 * `'user'@'host'`. information_schema does not show what a role grants, so with `roles` (servers that
 * have APPLICABLE_ROLES: MariaDB, MySQL 8.0.19+) the account's roles come back as `ROLE` rows for the
 * audit to flag.
 */
export const auditPrivilegesQuery = (roles: boolean): CatalogQuery<PrivilegeRow> => ({
  sql: `SELECT * FROM (SELECT me.user_name AS user, p.scope, p.object, p.privilege, p.grantable
FROM (SELECT CURRENT_USER() AS user_name,
             CONCAT('''', SUBSTRING(CURRENT_USER(), 1, CHAR_LENGTH(CURRENT_USER()) - CHAR_LENGTH(SUBSTRING_INDEX(CURRENT_USER(), '@', -1)) - 1),
                    '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''') AS grantee) me
LEFT JOIN (
  SELECT 'global' AS scope, '*.*' AS object, PRIVILEGE_TYPE AS privilege, IS_GRANTABLE AS grantable, GRANTEE AS grantee
    FROM information_schema.USER_PRIVILEGES
  UNION ALL SELECT 'schema', CONCAT(TABLE_SCHEMA, '.*'), PRIVILEGE_TYPE, IS_GRANTABLE, GRANTEE
    FROM information_schema.SCHEMA_PRIVILEGES
  UNION ALL SELECT 'table', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), PRIVILEGE_TYPE, IS_GRANTABLE, GRANTEE
    FROM information_schema.TABLE_PRIVILEGES
  UNION ALL SELECT 'column', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, '.', COLUMN_NAME), PRIVILEGE_TYPE, IS_GRANTABLE, GRANTEE
    FROM information_schema.COLUMN_PRIVILEGES
) p ON p.grantee = me.grantee${
    roles
      ? `
UNION ALL SELECT CURRENT_USER(), 'role', ROLE_NAME, 'ROLE', IS_GRANTABLE FROM information_schema.APPLICABLE_ROLES`
      : ''
  }) audit
ORDER BY privilege, object`,
  params: [],
});

/** A row of auditPrivilegesQuery; the grant columns are null when the account has none. */
export interface PrivilegeRow {
  readonly user: string;
  readonly scope: 'global' | 'schema' | 'table' | 'column' | 'role' | null;
  readonly object: string | null;
  readonly privilege: string | null;
  readonly grantable: 'YES' | 'NO' | null;
}

/** Whether the server has information_schema.APPLICABLE_ROLES (MariaDB 10.0.5+, MySQL 8.0.19+). */
export function hasApplicableRoles(flavour: MysqlFlavour, version: string): boolean {
  if (flavour === 'mariadb') return true;
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map((n) => Number.parseInt(n, 10) || 0);
  return major > 8 || (major === 8 && (minor > 0 || patch >= 19));
}

/** The row of `catalogFingerprintQuery`. */
export interface FingerprintRow {
  readonly fingerprint: string;
}

// Statement counters of DDL that changes what a snapshot (or a detail kept with it) shows without
// changing any table name: ALTER TABLE (columns, keys, COMMENT=), CREATE OR REPLACE VIEW, and
// CREATE/DROP INDEX.
const DDL_COUNTERS = ['COM_ALTER_TABLE', 'COM_CREATE_INDEX', 'COM_CREATE_VIEW', 'COM_DROP_INDEX'] as const;

/**
 * The catalog fingerprint behind `DatabasePort.catalogFingerprint()`, one statement: the count and a
 * CRC32 checksum of the table and view names in `schema` (every non-system database when undefined),
 * plus the server's counters of ALTER TABLE, CREATE/DROP INDEX and CREATE VIEW statements.
 *
 * Why these: information_schema.TABLES opens every table to fill TABLE_ROWS, TABLE_TYPE or
 * TABLE_COMMENT (MariaDB at 5,000 tables: 100–300 ms, the cost of a listing), but answers schema and
 * name from the directory alone (~15 ms); InnoDB's dictionary tables need PROCESS and
 * mysql.innodb_table_stats needs SELECT on `mysql`, which a read-only account should not have; the
 * status counters need no privilege and cost nothing. Caveats: the counters are server-wide, so DDL in
 * another database (or a failed ALTER) triggers a harmless rebuild; FLUSH STATUS resets them (one
 * rebuild). On MySQL 5.7+/8 the counters come from performance_schema.global_status.
 */
export const catalogFingerprintQuery = (
  flavour: MysqlFlavour,
  schema?: string,
): CatalogQuery<FingerprintRow> => {
  const statusTable =
    flavour === 'mariadb' ? 'information_schema.GLOBAL_STATUS' : 'performance_schema.global_status';
  const counters = DDL_COUNTERS.map((c) => `'${c}'`).join(', ');
  const where =
    schema === undefined ? sql`TABLE_SCHEMA ${sql.raw(NOT_SYSTEM_IN)}` : sql`TABLE_SCHEMA = ${schema}`;
  return build(sql<FingerprintRow>`SELECT CONCAT_WS('/',
  (SELECT CONCAT(COUNT(*), '.', COALESCE(SUM(CRC32(CONCAT_WS('.', TABLE_SCHEMA, TABLE_NAME))), 0))
     FROM information_schema.TABLES WHERE ${where}),
  (SELECT GROUP_CONCAT(VARIABLE_VALUE ORDER BY VARIABLE_NAME SEPARATOR '.')
     FROM ${sql.raw(statusTable)} WHERE UPPER(VARIABLE_NAME) IN (${sql.raw(counters)}))) AS fingerprint`);
};
