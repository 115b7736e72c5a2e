import type { UseCaseDeps } from '@legacybridge/core';

/**
 * Tool descriptions, written for the model that chooses and calls the tools: when to use each one,
 * what it returns, its limits, and how to get the most out of it on an unknown legacy schema.
 * The query tools quote the operator's actual limits, so they are built from the policy.
 */

/** Descriptions of the tools whose text does not depend on configuration. */
export const TOOL_DESCRIPTIONS = {
  list_tables:
    'List the tables and views this database user can see, one page at a time, sorted by schema and name: ' +
    'name, kind, estimated row count (from statistics, not COUNT) and comment. Narrow with `schema` and ' +
    '`pattern` (case-insensitive substring, or a glob such as `ord*` or `*_hist`); `limit` sets the page size ' +
    '(default 100, max 1000); pass the returned `nextCursor` as `cursor` for the next page. On a big or ' +
    'unfamiliar schema call search_schema first: it ranks tables and columns by the words you give it. ' +
    'Reads only the catalog, never table data.',
  describe_table:
    "Describe one table or view: its columns (name, the engine's native type, nullable, default, " +
    'primary-key position, comment), primary key, foreign keys in both directions (what it references and ' +
    'what references it) and indexes. Call it before writing SQL against a table: it gives the exact column ' +
    'names and the join paths (join along foreign keys). Legacy schemas rarely declare their keys, so it also ' +
    'lists inferred relationships in both directions (from matching column names and types), each with a ' +
    'confidence and its evidence. `table` accepts `schema.table`; a name in the wrong letter case works when ' +
    'unambiguous, and an unknown name answers with the closest existing names.',
  search_schema:
    'Find tables and columns by words, best match first: exact name, name prefix, a word part of a cryptic ' +
    'legacy name (ORD_HDR_2003 has parts ord, hdr, 2003; CustMst has cust, mst), substring, one-typo ' +
    "matches, then comments; with the operator's data dictionary also synonyms and descriptions. " +
    'The fastest way into a big or unknown schema: search for the business ' +
    "concept ('customer', 'invoice date'), also try likely abbreviations ('cust', 'inv', 'dt'), then " +
    'describe_table the best hits. Returns up to `limit` matches (default 20, max 100), each with why it matched.',
  find_join_path:
    'Find how to join two tables: the shortest path of joins from `from` to `to` over declared foreign keys ' +
    '(preferred) and relationships inferred from column names and types, at most `max_hops` joins (default 4, ' +
    'max 8). Returns each hop (columns, declared or inferred with a confidence and evidence) and the SQL ' +
    '`FROM a JOIN b ON … JOIN c ON …` to put after your SELECT list. Check inferred hops (low confidence) ' +
    'with describe_table or a small run_query before trusting them. Reads only the catalog.',
} as const;

/** The description of `run_query`, quoting the operator's row, size and time limits. */
export function describeRunQuery(deps: Pick<UseCaseDeps, 'db' | 'policy'>): string {
  const { policy } = deps;
  return (
    `Run one read-only SQL statement against this ${deps.db.dialect} database and get its columns and rows. ` +
    'Accepted: SELECT, WITH … SELECT, EXPLAIN and read-only SHOW/DESCRIBE/PRAGMA. Refused: writes, DDL, ' +
    'several statements at once and functions with side effects; the database session is read-only as well. ' +
    `Returns at most \`max_rows\` rows (default ${policy.defaultRows}, ceiling ${policy.maxRows}) and about ` +
    `${formatBytes(policy.maxBytes)} of data, and is stopped after ${formatMs(policy.timeoutMs)}. ` +
    '`truncated: true` means more rows existed: aggregate (COUNT, GROUP BY) or filter instead of reading ' +
    'everything. Your SQL is never rewritten, so a LIMIT/TOP/FETCH FIRST you write is respected. Tips: ' +
    'describe_table first for exact column names; sample an unknown table with a small max_rows (5–20); ' +
    `write ${deps.db.dialect} SQL; big integers and decimals come back as exact strings.`
  );
}

/** The description of `explain_query`. */
export function describeExplainQuery(deps: Pick<UseCaseDeps, 'db'>): string {
  return (
    `Show the ${deps.db.dialect} execution plan and estimated cost of one read-only statement without ` +
    'running it. Use it before a query that could be slow on a big legacy table (full scans, missing ' +
    'indexes, large joins) and after run_query timed out. Same read-only rules as run_query.'
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
