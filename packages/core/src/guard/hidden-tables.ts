import type { Token } from './lexer.js';

/**
 * The data dictionary's hidden tables, enforced on SQL text: a statement is refused when it names one.
 *
 * Without a parser the guard cannot tell which names in a statement are tables, so the rule is
 * conservative: any identifier token — unquoted or quoted in any style the dialect's lexer knows,
 * alone or as any part of a qualified name (`s.t`, `"s"."t"`, `[db].[s].[t]`) — equal to a hidden
 * table's name ignoring letter case is refused, wherever it stands (FROM, JOIN, a subquery, a CTE, a
 * column qualifier). Comments are already gone, so `FROM/*x*\/HIDDEN` is the same as `FROM HIDDEN`.
 * String literals are refused when they contain the name as a whole word: SQLite reads a 'string'
 * as a table name where one is expected, MySQL reads "x" as a string or a name depending on
 * sql_mode, and PostgreSQL turns 'name'::regclass into a table for functions such as table_to_xml.
 *
 * This keeps an honest assistant away from a table, not an adversary: a name assembled at run time
 * (concatenated strings cast to regclass, dynamic SQL, a view over the table) is beyond any lexer.
 * The boundary that holds is the database user's privileges (docs/security.md).
 * @returns the first hidden name found (as written in the statement) and where, or undefined.
 */
export function findHiddenTableName(
  tokens: readonly Token[],
  hidden: ReadonlySet<string>,
): { readonly name: string; readonly position: number } | undefined {
  let folded: Set<string> | undefined;
  for (const token of tokens) {
    if (token.kind === 'word' || token.kind === 'quoted') {
      // Words carry their text upper-cased in ASCII only; compare the source text lower-cased.
      const name = token.kind === 'word' ? token.text : token.value;
      if (hidden.has(name.toLowerCase())) return { name, position: token.position };
      if (!isAscii(name)) {
        folded ??= new Set([...hidden].map(fold));
        if (folded.has(fold(name))) return { name, position: token.position };
      }
      // PostgreSQL truncates a longer name to 63 bytes (with a NOTICE) and reads the table so named:
      // a table created with a long name is stored truncated, so `<its 63 bytes>_anything` reaches it.
      if (name.length > PG_NAME_BYTES / 4) {
        const truncated = truncateUtf8(name, PG_NAME_BYTES);
        if (truncated !== undefined && hidden.has(truncated.toLowerCase()))
          return { name, position: token.position };
      }
    } else if (token.kind === 'string') {
      const found = hiddenWordIn(token.text, hidden);
      if (found !== undefined) return { name: found, position: token.position };
      if (!isAscii(token.text)) {
        folded ??= new Set([...hidden].map(fold));
        const foldedFound = hiddenWordIn(fold(token.text), folded);
        if (foldedFound !== undefined) return { name: token.text, position: token.position };
      }
    }
  }
  return undefined;
}

const PG_NAME_BYTES = 63;

const isAscii = (text: string) => /^[\x00-\x7f]*$/.test(text);

/**
 * A name as the most lenient engine compares it: SQL Server's default collations ignore width
 * (`ｘ` is `x`) and, in `_AI` ones, accents; MySQL with lower_case_table_names=1 lower-cases `İ` to
 * `i`. Compatibility decomposition, marks dropped, then lower case: a non-ASCII spelling that folds
 * to a hidden name is refused (erring towards a refusal, as everywhere here).
 */
function fold(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** `name` cut to `bytes` of UTF-8 on a character boundary, as PostgreSQL does; undefined when it fits. */
function truncateUtf8(name: string, bytes: number): string | undefined {
  const encoded = Buffer.from(name, 'utf8');
  if (encoded.length <= bytes) return undefined;
  let end = bytes;
  // Back off continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && ((encoded[end] ?? 0) & 0xc0) === 0x80) end--;
  return encoded.subarray(0, end).toString('utf8');
}

// A name inside a longer word is not it. Letters, digits and _ only: `$` and `#` also continue names
// in some dialects, but they delimit strings too (`$$…$$`), and erring towards a refusal is the safe side.
const IDENTIFIER_CHAR = /[\p{L}\p{N}_]/u;

function hiddenWordIn(text: string, hidden: ReadonlySet<string>): string | undefined {
  const lower = text.toLowerCase();
  for (const name of hidden) {
    for (let at = lower.indexOf(name); at >= 0; at = lower.indexOf(name, at + 1)) {
      const before = at > 0 ? lower[at - 1]! : '';
      const after = lower[at + name.length] ?? '';
      if (!IDENTIFIER_CHAR.test(before) && !IDENTIFIER_CHAR.test(after)) {
        return text.slice(at, at + name.length);
      }
    }
  }
  return undefined;
}

/**
 * While the dictionary hides tables, a statement that reads the database's own catalog is refused too:
 * `information_schema.tables`, `pg_class`, `sqlite_master`, `sys.objects` or `all_tables` list a hidden
 * table by name (and `pg_stats` shows its most common values) without the statement naming it, and a
 * cooperative assistant reaches for exactly those when exploring a schema. Likewise PostgreSQL's
 * functions that read whole schemas or run a query text (`schema_to_xml`, `database_to_xml`,
 * `query_to_xml`, `ts_stat`, `dblink`) and `regclass`, which turns an OID into a table
 * (`table_to_xml(16400::regclass, …)`, `generate_series(…)::regclass` lists every name). The refusal
 * points the assistant to list_tables, search_schema and describe_table, which apply the dictionary.
 * Conservative like the rest of the guard: a token matching one of these is refused wherever it stands.
 * @returns the first catalog name found (as written) and where, or undefined.
 */
export function findCatalogName(
  tokens: readonly Token[],
): { readonly name: string; readonly position: number } | undefined {
  const head = tokens[0];
  // SQLite's PRAGMA statements and MySQL's SHOW TABLES / TABLE STATUS / OPEN TABLES / TRIGGERS /
  // PROCESSLIST are catalog reads in statement form (PostgreSQL's SHOW reads a setting, and has
  // none of these words after it).
  if (head?.kind === 'word' && head.value === 'PRAGMA') return { name: head.text, position: head.position };
  if (head?.kind === 'word' && head.value === 'SHOW') {
    const listing = tokens.find((t) => t.kind === 'word' && SHOW_LISTINGS.has(t.value));
    if (listing !== undefined) return { name: `SHOW … ${listing.text}`, position: head.position };
  }
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    if (token.kind !== 'word' && token.kind !== 'quoted') continue;
    const name = token.kind === 'word' ? token.text : token.value;
    const lower = name.toLowerCase();
    const next = tokens[index + 1];
    const call = next?.kind === 'punctuation' && next.text === '(';
    const qualifier = next?.kind === 'punctuation' && next.text === '.';
    if (
      CATALOG_NAMES.has(lower) ||
      (qualifier && CATALOG_SCHEMAS.has(lower)) ||
      lower.startsWith('pragma_') ||
      (call ? CATALOG_FUNCTIONS.has(lower) || lower.startsWith('dblink') : CATALOG_RELATION.test(lower))
    ) {
      return { name, position: token.position };
    }
  }
  return undefined;
}

const SHOW_LISTINGS = new Set(['TABLES', 'TABLE', 'TRIGGERS', 'PROCESSLIST', 'EVENTS']);

// Names that only ever mean the catalog.
const CATALOG_NAMES = new Set([
  'information_schema',
  'pg_catalog',
  'performance_schema',
  'sqlite_master',
  'sqlite_schema',
  'sqlite_temp_master',
  'sqlite_temp_schema',
  'regclass',
  'to_regclass',
  'sysobjects',
  'syscolumns',
  'sysindexes',
  'syscomments',
  'sysforeignkeys',
  'sysreferences',
  'sysdepends',
]);

// Schemas that are common words elsewhere (a column named sys): refused as a qualifier only.
const CATALOG_SCHEMAS = new Set(['mysql', 'sys']);

// Functions that read a whole schema, a table by OID or name, or run a query given as text.
const CATALOG_FUNCTIONS = new Set([
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
  'table_to_xml',
  'table_to_xmlschema',
  'table_to_xml_and_xmlschema',
  'schema_to_xml',
  'schema_to_xmlschema',
  'schema_to_xml_and_xmlschema',
  'database_to_xml',
  'database_to_xmlschema',
  'database_to_xml_and_xmlschema',
  'cursor_to_xml',
  'cursor_to_xmlschema',
  'ts_stat',
  'object_name',
  'object_schema_name',
  'object_definition',
]);

// Catalog relations, not calls: PostgreSQL's pg_class, pg_tables, pg_stats, pg_stat_user_tables, …
// (reachable without the pg_catalog qualifier; pg_ functions such as pg_typeof stay allowed), and
// Oracle's ALL_/USER_/DBA_/CDB_ dictionary views. SQLite's pragma_* table-valued functions
// (pragma_table_list lists every table) are refused called or not.
const CATALOG_RELATION =
  /^(?:pg_[a-z_]+|(?:all|user|dba|cdb)_(?:tables|all_tables|tab_columns|tab_cols|tab_comments|col_comments|objects|views|synonyms|catalog|constraints|cons_columns|indexes|ind_columns|mviews|source|dependencies|tab_privs|tab_statistics|tab_col_statistics|histograms|part_tables|tab_partitions))$/;
