/**
 * Catalog queries, one per question, never one per table: the table-valued pragma functions
 * (`pragma_table_info(name)` …, SQLite ≥ 3.16) join over `sqlite_schema` so a single statement reads
 * every table. `sqlite_%` names are SQLite's own (sqlite_sequence, sqlite_stat1 …) and are hidden.
 * Parameters are positional `?`; the adapter never splices names into SQL.
 */

/** Tables and views of the main database: name, type. */
export const LIST_TABLES = `
SELECT name, type
FROM sqlite_schema
WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY name`;

/** One row (`present` = 1 or 0): whether ANALYZE ever ran, i.e. whether row estimates exist. */
export const HAS_STAT1 = `
SELECT count(*) AS present FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat1'`;

/**
 * Row estimates from ANALYZE: the first number of each `stat` is the row count of the index (or of
 * the table, for rows with a NULL idx). Only valid when HAS_STAT1 says the table exists.
 */
export const ROW_ESTIMATES = `
SELECT tbl AS name, max(CAST(stat AS INTEGER)) AS row_estimate
FROM sqlite_stat1
GROUP BY tbl`;

/** Every column of every table and view: table_name, name, type, cid. */
export const LIST_COLUMNS = `
SELECT m.name AS table_name, p.name AS name, p.type AS type, p.cid AS cid
FROM sqlite_schema AS m
JOIN pragma_table_info(m.name) AS p
WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, p.cid`;

/**
 * LIST_COLUMNS without views: a view whose definition no longer compiles (a dropped table in a
 * legacy file) makes `pragma_table_info` fail the whole join, so this is the fallback.
 */
export const LIST_TABLE_COLUMNS = `
SELECT m.name AS table_name, p.name AS name, p.type AS type, p.cid AS cid
FROM sqlite_schema AS m
JOIN pragma_table_info(m.name) AS p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, p.cid`;

/** Primary-key columns of every table: table_name, name, pk (1-based position in the key). */
export const LIST_PRIMARY_KEYS = `
SELECT m.name AS table_name, p.name AS name, p.pk AS pk
FROM sqlite_schema AS m
JOIN pragma_table_info(m.name) AS p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND p.pk > 0
ORDER BY m.name, p.pk`;

/** Every declared foreign key of every table, one row per column pair (see FOREIGN_KEYS for `to`). */
export const LIST_FOREIGN_KEYS = `
SELECT m.name AS from_table, f.id AS id, f.seq AS seq, f."table" AS ref_table, f."from" AS from_column,
  coalesce(f."to", (SELECT p.name FROM pragma_table_info(f."table") AS p WHERE p.pk = f.seq + 1)) AS to_column
FROM sqlite_schema AS m
JOIN pragma_foreign_key_list(m.name) AS f
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, f.id, f.seq`;

/** The table or view named `?` (SQLite names are case-insensitive): name, type. */
export const FIND_TABLE = `
SELECT name, type
FROM sqlite_schema
WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
LIMIT 1`;

/** Columns of table `?`: cid, name, type, notnull, dflt_value, pk (1-based key position, 0 if none). */
export const TABLE_COLUMNS = `
SELECT cid, name, type, "notnull" AS not_null, dflt_value, pk
FROM pragma_table_info(?)
ORDER BY cid`;

/**
 * Foreign keys declared on table `?`, one row per column pair. A key declared without a column list
 * references the parent's primary key: `to` is then NULL and is filled from the parent's pk columns.
 */
export const FOREIGN_KEYS = `
SELECT f.id AS id, f.seq AS seq, f."table" AS ref_table, f."from" AS from_column,
  coalesce(f."to", (SELECT p.name FROM pragma_table_info(f."table") AS p WHERE p.pk = f.seq + 1)) AS to_column
FROM pragma_foreign_key_list(?) AS f
ORDER BY f.id, f.seq`;

/** Foreign keys of every table that reference table `?`, one row per column pair. */
export const REFERENCED_BY = `
SELECT m.name AS from_table, f.id AS id, f.seq AS seq, f."table" AS ref_table, f."from" AS from_column,
  coalesce(f."to", (SELECT p.name FROM pragma_table_info(f."table") AS p WHERE p.pk = f.seq + 1)) AS to_column
FROM sqlite_schema AS m
JOIN pragma_foreign_key_list(m.name) AS f
WHERE m.type = 'table' AND f."table" = ? COLLATE NOCASE
ORDER BY m.name, f.id, f.seq`;

/**
 * Indexes of table `?` with their key columns in order: name, is_unique, origin ('c' created,
 * 'u' UNIQUE constraint, 'pk' primary key), seqno, column_name (NULL for an expression).
 */
export const TABLE_INDEXES = `
SELECT il.name AS name, il."unique" AS is_unique, il.origin AS origin, ii.seqno AS seqno, ii.name AS column_name
FROM pragma_index_list(?) AS il
JOIN pragma_index_info(il.name) AS ii
ORDER BY il.name, ii.seqno`;

/** The plan of a statement, never executing it: rows of id, parent, notused, detail. */
export function explainQueryPlanSql(sql: string): string {
  // A newline, not a space: the statement may start with a `--` comment.
  return `EXPLAIN QUERY PLAN\n${sql}`;
}

/** 1 when the connection refuses every write (set once per connection by the session); the privilege audit reads it. */
export const QUERY_ONLY = 'PRAGMA query_only';

/**
 * The catalog fingerprint: SQLite bumps the schema cookie on every CREATE, DROP, ALTER and rename, by
 * any connection to the file; reading it costs one page-header read whatever the schema's size.
 * ANALYZE (row estimates) does not bump it once sqlite_stat1 exists; the schema cache's TTL covers that.
 */
export const SCHEMA_VERSION = 'PRAGMA schema_version';
