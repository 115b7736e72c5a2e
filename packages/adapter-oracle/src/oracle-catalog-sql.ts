/**
 * Catalog queries over the ALL_* dictionary views, one per question and never one per table: listing
 * 5,000 tables or describing one table costs the same fixed number of round trips (listTables 1,
 * listColumns 1, describeTable 4, serverInfo 1, auditPrivileges 1). ALL_* views show exactly the
 * objects the user may see; schemas Oracle maintains (SYS, SYSTEM, XDB, MDSYS …) are left out
 * through ALL_USERS.ORACLE_MAINTAINED = 'N' (12.1+, the oldest release Thin mode connects to).
 *
 * Upper-case identifiers: Oracle stores unquoted names upper-case (`custmst` is CUSTMST) and keeps
 * quoted ones as written (`"CustMst"`). A caller's name is looked up both as written and
 * upper-cased (`nameCandidates`), and an exact match wins, so `custmst`, `CUSTMST` and a quoted
 * `CustMst` all find what Oracle would.
 *
 * Every query binds its names (`:owner1`, `:name1` …): no caller text is ever spliced into SQL.
 */

/** A catalog statement with its binds and the shape of the rows it returns. */
export interface CatalogQuery<Row> {
  readonly sql: string;
  readonly binds: Record<string, string>;
  /** Type-level only: the row shape. */
  readonly row?: Row;
}

/** The spellings a caller's identifier may have in the dictionary: as written, then upper-cased. */
export function nameCandidates(name: string): [string, string] {
  const unquoted = /^"(.*)"$/.exec(name)?.[1];
  if (unquoted !== undefined) return [unquoted, unquoted];
  return [name, name.toUpperCase()];
}

/** Prefers the row whose `field` is spelled exactly as the caller wrote it. */
export function preferExact<Row>(rows: readonly Row[], field: (row: Row) => string, written: string): Row[] {
  const exact = rows.filter((row) => field(row) === written.replace(/^"(.*)"$/, '$1'));
  return exact.length > 0 ? exact : [...rows];
}

const USER_SCHEMAS = `SELECT username FROM all_users WHERE oracle_maintained = 'N'`;

const ownerFilter = (schema: string | undefined, column: string) =>
  schema === undefined ? '' : `AND ${column} IN (:owner1, :owner2)`;

const ownerBinds = (schema: string | undefined): Record<string, string> => {
  if (schema === undefined) return {};
  const [owner1, owner2] = nameCandidates(schema);
  return { owner1, owner2 };
};

/** Session user, current schema, container and database name. The version comes from the connection's handshake. */
export interface ServerInfoRow {
  user: string;
  current_schema: string;
  con_name: string | null;
  db_name: string | null;
}

export const SERVER_INFO_SQL = `SELECT SYS_CONTEXT('USERENV', 'SESSION_USER') AS "user",
       SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') AS current_schema,
       SYS_CONTEXT('USERENV', 'CON_NAME') AS con_name,
       SYS_CONTEXT('USERENV', 'DB_NAME') AS db_name
  FROM dual`;

/** A row of `listTablesQuery`. */
export interface TableRow {
  schema_name: string;
  table_name: string;
  /** TABLE, VIEW or MVIEW. */
  kind: string;
  /** ALL_TABLES.NUM_ROWS from the last statistics gathering; null when never gathered, or a view. */
  num_rows: number | null;
  comments: string | null;
  /** 1 when the owner is the session's current schema (where Oracle resolves an unqualified name). */
  is_current: number;
}

// Tables (heap, IOT, partitioned, external, global temporary) and materialized views; IOT overflow
// and mapping segments, nested-table storage, secondary (domain index) tables and the recycle bin
// are storage, not tables anyone queries by name.
const TABLES = (where: string) => `SELECT t.owner AS schema_name, t.table_name,
       CASE WHEN m.mview_name IS NULL THEN 'TABLE' ELSE 'MVIEW' END AS kind,
       t.num_rows, c.comments,
       CASE WHEN t.owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') THEN 1 ELSE 0 END AS is_current
  FROM all_tables t
  LEFT JOIN all_mviews m ON m.owner = t.owner AND m.mview_name = t.table_name
  LEFT JOIN all_tab_comments c ON c.owner = t.owner AND c.table_name = t.table_name
 WHERE t.owner IN (${USER_SCHEMAS})
   AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
   AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
   ${where}
UNION ALL
SELECT v.owner, v.view_name, 'VIEW', NULL, c.comments,
       CASE WHEN v.owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') THEN 1 ELSE 0 END
  FROM all_views v
  LEFT JOIN all_tab_comments c ON c.owner = v.owner AND c.table_name = v.view_name
 WHERE v.owner IN (${USER_SCHEMAS})
   ${where.replace(/\bt\./g, 'v.').replace(/v\.table_name/g, 'v.view_name')}`;

/** Every visible table and view, in one schema (as written or upper-cased) or all user schemas. */
export function listTablesQuery(schema?: string): CatalogQuery<TableRow> {
  return {
    sql: `${TABLES(ownerFilter(schema, 't.owner'))}\n ORDER BY 1, 2`,
    binds: ownerBinds(schema),
  };
}

/** The candidates for one table: its name as written or upper-cased, in one schema or any. */
export function findTableQuery(schema: string | undefined, name: string): CatalogQuery<TableRow> {
  const [name1, name2] = nameCandidates(name);
  return {
    sql: `${TABLES(`${ownerFilter(schema, 't.owner')} AND t.table_name IN (:name1, :name2)`)}\n ORDER BY 1, 2`,
    binds: { ...ownerBinds(schema), name1, name2 },
  };
}

/** A row of `listColumnsQuery` / `tableColumnsQuery`. */
export interface ColumnRow {
  schema_name: string;
  table_name: string;
  column_name: string;
  column_id: number;
  data_type: string;
  data_type_owner: string | null;
  data_length: number | null;
  char_length: number | null;
  char_used: string | null;
  data_precision: number | null;
  data_scale: number | null;
  /** `Y` or `N`. */
  nullable: string;
  comments: string | null;
  /** Only from `tableColumnsQuery`: DATA_DEFAULT, a LONG read as text. */
  data_default?: string | null;
}

const COLUMNS = (
  withDefault: boolean,
) => `SELECT c.owner AS schema_name, c.table_name, c.column_name, c.column_id,
       c.data_type, c.data_type_owner, c.data_length, c.char_length, c.char_used,
       c.data_precision, c.data_scale, c.nullable, cc.comments${withDefault ? ', c.data_default' : ''}
  FROM all_tab_columns c
  LEFT JOIN all_col_comments cc
    ON cc.owner = c.owner AND cc.table_name = c.table_name AND cc.column_name = c.column_name`;

/**
 * Every column of every visible table and view, for schema search, in one schema or all. Hidden and
 * virtual-hidden columns are not in ALL_TAB_COLUMNS; recycle-bin tables are left out by name.
 */
export function listColumnsQuery(schema?: string): CatalogQuery<ColumnRow> {
  return {
    sql: `${COLUMNS(false)}
 WHERE c.owner IN (${USER_SCHEMAS})
   AND c.table_name NOT LIKE 'BIN$%'
   ${ownerFilter(schema, 'c.owner')}
 ORDER BY c.owner, c.table_name, c.column_id`,
    binds: ownerBinds(schema),
  };
}

/** The columns of one resolved table, with defaults. */
export function tableColumnsQuery(owner: string, table: string): CatalogQuery<ColumnRow> {
  return {
    sql: `${COLUMNS(true)}
 WHERE c.owner = :owner AND c.table_name = :name
 ORDER BY c.column_id`,
    binds: { owner, name: table },
  };
}

/** A row of `constraintsQuery`: one key column of a PK, unique or foreign key. */
export interface ConstraintRow {
  constraint_name: string;
  /** P, U or R. */
  constraint_type: string;
  schema_name: string;
  table_name: string;
  column_name: string;
  position: number;
  /** The index enforcing a P/U constraint. */
  index_name: string | null;
  r_schema: string | null;
  r_table: string | null;
  r_column: string | null;
}

const CONSTRAINTS = (
  where: string,
) => `SELECT c.constraint_name, c.constraint_type, c.owner AS schema_name, c.table_name,
       cc.column_name, cc.position, c.index_name,
       r.owner AS r_schema, r.table_name AS r_table, rc.column_name AS r_column
  FROM all_constraints c
  JOIN all_cons_columns cc
    ON cc.owner = c.owner AND cc.constraint_name = c.constraint_name AND cc.table_name = c.table_name
  LEFT JOIN all_constraints r ON r.owner = c.r_owner AND r.constraint_name = c.r_constraint_name
  LEFT JOIN all_cons_columns rc
    ON rc.owner = r.owner AND rc.constraint_name = r.constraint_name AND rc.position = cc.position
 WHERE ${where}`;

/**
 * The table's primary key, unique keys and foreign keys, and the foreign keys of other visible tables
 * that reference it, one row per key column in key order. Two branches so each can use the
 * dictionary's indexes (an OR across them would scan ALL_CONSTRAINTS).
 */
export function constraintsQuery(owner: string, table: string): CatalogQuery<ConstraintRow> {
  return {
    sql: `${CONSTRAINTS(`c.owner = :owner AND c.table_name = :name AND c.constraint_type IN ('P', 'U', 'R')`)}
UNION ALL
${CONSTRAINTS(`c.constraint_type = 'R' AND r.owner = :owner AND r.table_name = :name
   AND NOT (c.owner = :owner AND c.table_name = :name)`)}
 ORDER BY 3, 4, 1, 6`,
    binds: { owner, name: table },
  };
}

/**
 * Every primary key and foreign key of the visible user tables, in one schema or all: one query, one
 * row per key column in key order (`constraintsQuery`'s shape), for relationship inference and join
 * paths. Recycle-bin tables are left out by name.
 */
export function listKeysQuery(schema?: string): CatalogQuery<ConstraintRow> {
  return {
    sql: `${CONSTRAINTS(`c.owner IN (${USER_SCHEMAS}) AND c.constraint_type IN ('P', 'R')
   AND c.table_name NOT LIKE 'BIN$%' ${ownerFilter(schema, 'c.owner')}`)}
 ORDER BY 3, 4, 1, 6`,
    binds: ownerBinds(schema),
  };
}

/** A row of `indexesQuery`: one column of one index. */
export interface IndexRow {
  index_name: string;
  /** UNIQUE or NONUNIQUE. */
  uniqueness: string;
  column_name: string;
  column_position: number;
}

/** The table's indexes, one row per column in position order (LOB indexes left out). */
export function indexesQuery(owner: string, table: string): CatalogQuery<IndexRow> {
  return {
    sql: `SELECT i.index_name, i.uniqueness, ic.column_name, ic.column_position
  FROM all_indexes i
  JOIN all_ind_columns ic ON ic.index_owner = i.owner AND ic.index_name = i.index_name
 WHERE i.table_owner = :owner AND i.table_name = :name AND i.index_type <> 'LOB'
 ORDER BY i.index_name, ic.column_position`,
    binds: { owner, name: table },
  };
}

/** A row of `auditPrivilegesQuery`. */
export interface PrivilegeRow {
  /** SYSTEM (SESSION_PRIVS), ROLE (SESSION_ROLES), OBJECT (granted to the user), ROLE_OBJECT (through a role), OWNED. */
  kind: string;
  privilege: string;
  object: string | null;
  user: string;
}

/**
 * What the session may do beyond reading, in one statement: system privileges in effect (SESSION_PRIVS,
 * roles included), enabled roles (SESSION_ROLES), INSERT/UPDATE/DELETE/ALTER/INDEX grants on objects
 * to the user (USER_TAB_PRIVS) or through its roles (ROLE_TAB_PRIVS), and the tables it owns (an
 * owner can write and drop them whatever is granted).
 */
export function auditPrivilegesQuery(): CatalogQuery<PrivilegeRow> {
  const user = `SYS_CONTEXT('USERENV', 'SESSION_USER')`;
  const writes = `('INSERT', 'UPDATE', 'DELETE', 'ALTER', 'INDEX')`;
  return {
    sql: `SELECT 'SYSTEM' AS kind, privilege, CAST(NULL AS VARCHAR2(261)) AS object, ${user} AS "user"
  FROM session_privs
UNION ALL
SELECT 'ROLE', role, NULL, ${user} FROM session_roles
UNION ALL
SELECT 'OBJECT', privilege, owner || '.' || table_name, ${user}
  FROM user_tab_privs WHERE grantee = ${user} AND privilege IN ${writes}
UNION ALL
SELECT 'ROLE_OBJECT', privilege, owner || '.' || table_name, ${user}
  FROM role_tab_privs WHERE privilege IN ${writes}
UNION ALL
SELECT 'OWNED', 'OWNER', table_name, ${user} FROM user_tables WHERE dropped = 'NO'
 ORDER BY 1, 2, 3`,
    binds: {},
  };
}

/** The row of `CATALOG_FINGERPRINT_SQL`. */
export interface FingerprintRow {
  fingerprint: string | null;
}

/**
 * The catalog fingerprint behind `DatabasePort.catalogFingerprint()`, one statement over ALL_OBJECTS
 * (no user table is opened): how many tables, views and materialized views the user can see in user
 * schemas, the sum of their object ids, and the latest LAST_DDL_TIME among them. CREATE and DROP
 * change the count (a DROP then CREATE the sum: a new object gets a new id); ALTER, RENAME, GRANT and
 * REVOKE move the time. Not seen:
 * statistics (NUM_ROWS) and, unverified against a server, COMMENT ON on releases where it does not
 * touch LAST_DDL_TIME — the cache's TTL covers those.
 */
export const CATALOG_FINGERPRINT_SQL = `SELECT COUNT(*) || '/' || SUM(o.object_id) || '/' ||
       TO_CHAR(MAX(o.last_ddl_time), 'YYYYMMDDHH24MISS') AS fingerprint
  FROM all_objects o
 WHERE o.object_type IN ('TABLE', 'VIEW', 'MATERIALIZED VIEW')
   AND o.owner IN (${USER_SCHEMAS})`;

/** EXPLAIN PLAN for the caller's query under a statement id, read back with DBMS_XPLAN. */
export function explainSql(statementId: string, sql: string): string {
  return `EXPLAIN PLAN SET STATEMENT_ID = '${statementId.replace(/'/g, "''")}' FOR ${sql}`;
}

/** The plan EXPLAIN PLAN wrote, as DBMS_XPLAN's text lines, plus the root's cost. */
export const PLAN_DISPLAY_SQL = `SELECT plan_table_output AS line
  FROM TABLE(DBMS_XPLAN.DISPLAY('PLAN_TABLE', :id, 'TYPICAL'))`;

export const PLAN_COST_SQL = `SELECT cost FROM plan_table WHERE statement_id = :id AND id = 0`;
