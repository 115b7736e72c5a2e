/**
 * SQLite PRAGMAs the guard accepts: an allow-list, because many PRAGMAs act even when they only
 * look like queries (`PRAGMA optimize`, `wal_checkpoint`, `incremental_vacuum`, `shrink_memory`),
 * and any settable one changes a setting when given a value, as `PRAGMA x = v` or `PRAGMA x(v)`.
 * The table-valued forms (`SELECT * FROM pragma_table_info('t')`) need no entry: SQLite only
 * offers them for PRAGMAs without side effects.
 */

/** PRAGMAs that may take one object name as `PRAGMA name(object)`; the argument only selects what to describe. */
export const SQLITE_INTROSPECTION_PRAGMAS: ReadonlySet<string> = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
  'foreign_key_check',
]);

/**
 * PRAGMAs accepted only bare (`PRAGMA name`), where they report a value and change nothing.
 * `journal_mode` is missing on purpose: SQLite itself reports even the bare form as not read-only.
 */
export const SQLITE_BARE_PRAGMAS: ReadonlySet<string> = new Set([
  ...SQLITE_INTROSPECTION_PRAGMAS,
  'database_list',
  'collation_list',
  'function_list',
  'module_list',
  'pragma_list',
  'compile_options',
  'encoding',
  'page_size',
  'page_count',
  'freelist_count',
  'user_version',
  'application_id',
  'schema_version',
  'data_version',
  'foreign_keys',
  'auto_vacuum',
  'query_only',
]);
