import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import type {
  ColumnInfo,
  ColumnSummary,
  ForeignKeyInfo,
  SchemaKeys,
  TableDetail,
  TableInfo,
  TableRef,
} from '../model.js';
import { SchemaSnapshot } from './schema-snapshot.js';

/**
 * The data dictionary overlay (DATA_DICTIONARY_PATH): what people know about a legacy schema that the
 * catalog does not say — descriptions, synonyms, units — and which tables and columns assistants
 * must not see. Pure: the server reads and parses the file (YAML or JSON), core validates the value
 * and lays it over catalog answers, so every use case (and every transport) sees the same view.
 *
 * ```yaml
 * tables:
 *   CUSTMST:                       # or schema.table; names match ignoring letter case
 *     description: Customer master, one row per customer
 *     synonyms: [customer master, clients]
 *     columns:
 *       CRLMT: { description: Credit limit, unit: USD cents }
 *       PHNNO: { pii: true }
 *   X_TMP_BAK_CUSTMST_0311: { hidden: true }
 * ```
 */

const words = z.string().trim().min(1).max(2000);
const synonyms = z.array(z.string().trim().min(1).max(200)).max(100);
const name = z.string().trim().min(1).max(256);

const columnEntry = z.strictObject({
  description: words.optional(),
  synonyms: synonyms.optional(),
  unit: z.string().trim().min(1).max(100).optional(),
  pii: z.boolean().optional(),
  hidden: z.boolean().optional(),
});

const tableEntry = z.strictObject({
  description: words.optional(),
  synonyms: synonyms.optional(),
  pii: z.boolean().optional(),
  hidden: z.boolean().optional(),
  columns: z.record(name, columnEntry).optional(),
});

/**
 * The file's shape. Strict: an unknown key (`hiden: true`) is an error, not a silently ignored flag,
 * because a misspelt `hidden` would show a table its operator meant to hide.
 */
export const dataDictionaryFile = z
  .strictObject({
    version: z.literal(1).optional(),
    tables: z.record(z.string().trim().min(1).max(513), tableEntry),
  })
  .superRefine((file, ctx) => {
    // Names match ignoring case, so two spellings of one name would be two conflicting entries.
    const duplicate = (keys: readonly string[], path: readonly string[]) => {
      const seen = new Map<string, string>();
      for (const key of keys) {
        const lower = key.toLowerCase();
        const first = seen.get(lower);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, key],
            message: `duplicates "${first}" (names match ignoring letter case)`,
          });
        } else seen.set(lower, key);
      }
    };
    duplicate(Object.keys(file.tables), ['tables']);
    // `db.dbo.PAYROLL` would read as schema `db`, table `dbo.PAYROLL`: a name nothing has, so the
    // entry — a `hidden: true` above all — would silently apply to nothing. Refused instead.
    for (const key of Object.keys(file.tables)) {
      const parts = key.split('.');
      if (parts.length > 2 || parts.some((part) => part.trim() === '')) {
        ctx.addIssue({
          code: 'custom',
          path: ['tables', key],
          message: 'a table is named `table` or `schema.table` (one dot, no empty part)',
        });
      }
    }
    for (const [table, entry] of Object.entries(file.tables)) {
      if (entry.columns) duplicate(Object.keys(entry.columns), ['tables', table, 'columns']);
    }
  });

/** One column's entry, as written. */
export interface DictionaryColumn {
  readonly name: string;
  readonly description?: string | undefined;
  readonly synonyms?: readonly string[] | undefined;
  readonly unit?: string | undefined;
  readonly pii: boolean;
  readonly hidden: boolean;
}

/** One table's entry: `schema` set when the file qualified the name (`schema.table`). */
export interface DictionaryTable {
  readonly schema?: string | undefined;
  readonly name: string;
  readonly description?: string | undefined;
  readonly synonyms?: readonly string[] | undefined;
  readonly pii: boolean;
  readonly hidden: boolean;
  /** By lower-case column name. */
  readonly columns: ReadonlyMap<string, DictionaryColumn>;
}

/** A validated data dictionary, ready to lay over catalog answers. */
export interface DataDictionary {
  readonly tables: readonly DictionaryTable[];
  /**
   * Lower-case names of the hidden tables, without schema: what the statement guard refuses to let
   * a query name (`hr.payroll` hidden makes every `payroll` unreadable — the guard cannot tell schemas apart).
   */
  readonly hiddenTableNames: ReadonlySet<string>;
  /** Column entries over all tables. */
  readonly columnCount: number;
  /**
   * The entry for `ref`: a `schema.table` entry when one matches, else a bare `table` entry (which
   * covers that name in every schema). Letter case is ignored.
   */
  entryFor(ref: TableRef): DictionaryTable | undefined;
}

/** One problem found in a dictionary file: where (`tables.CUSTMST.columns.CRLMT.pii`) and what. */
export interface DictionaryIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Validates a parsed dictionary file (the value of its YAML or JSON) and indexes it.
 * @returns err with every issue, each with the path of the offending key.
 */
export function parseDataDictionary(value: unknown): Result<DataDictionary, DictionaryIssue[]> {
  const parsed = dataDictionaryFile.safeParse(value);
  if (!parsed.success) {
    return err(parsed.error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message })));
  }
  return ok(compileDictionary(parsed.data));
}

function issuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part) => {
      const text = String(part);
      // A key with a dot or a space would make the path ambiguous: quote it.
      return /^[\p{L}\p{N}_$#@-]+$/u.test(text) ? text : JSON.stringify(text);
    })
    .join('.');
}

function compileDictionary(file: z.infer<typeof dataDictionaryFile>): DataDictionary {
  const tables: DictionaryTable[] = [];
  const qualified = new Map<string, DictionaryTable>();
  const bare = new Map<string, DictionaryTable>();
  const hidden = new Set<string>();
  let columnCount = 0;
  for (const [key, entry] of Object.entries(file.tables)) {
    const dot = key.indexOf('.');
    const schema = dot > 0 && dot < key.length - 1 ? key.slice(0, dot) : undefined;
    const tableName = schema === undefined ? key : key.slice(dot + 1);
    const columns = new Map<string, DictionaryColumn>();
    for (const [columnName, column] of Object.entries(entry.columns ?? {})) {
      columns.set(columnName.toLowerCase(), {
        name: columnName,
        description: column.description,
        synonyms: column.synonyms,
        unit: column.unit,
        pii: column.pii === true,
        hidden: column.hidden === true,
      });
    }
    columnCount += columns.size;
    const table: DictionaryTable = {
      schema,
      name: tableName,
      description: entry.description,
      synonyms: entry.synonyms,
      pii: entry.pii === true,
      hidden: entry.hidden === true,
      columns,
    };
    tables.push(table);
    if (schema === undefined) bare.set(tableName.toLowerCase(), table);
    else qualified.set(qualifiedKey(schema, tableName), table);
    if (table.hidden) hidden.add(tableName.toLowerCase());
  }
  return {
    tables,
    hiddenTableNames: hidden,
    columnCount,
    entryFor(ref) {
      if (ref.schema !== undefined) {
        const found = qualified.get(qualifiedKey(ref.schema, ref.name));
        if (found !== undefined) return found;
      }
      return bare.get(ref.name.toLowerCase());
    },
  };
}

function qualifiedKey(schema: string, table: string): string {
  return `${schema.toLowerCase()}\u0000${table.toLowerCase()}`;
}

/** True when the dictionary hides `ref`. */
export function isHiddenTable(dictionary: DataDictionary | undefined, ref: TableRef): boolean {
  return dictionary?.entryFor(ref)?.hidden === true;
}

/** `t` with its dictionary text; the same object when the dictionary says nothing about it. */
function annotateTable(t: TableInfo, entry: DictionaryTable | undefined): TableInfo {
  if (entry === undefined || (!entry.description && !entry.synonyms?.length && !entry.pii)) return t;
  return {
    ...t,
    ...(entry.description ? { description: entry.description } : {}),
    ...(entry.synonyms?.length ? { synonyms: entry.synonyms } : {}),
    ...(entry.pii ? { pii: true } : {}),
  };
}

function annotateColumn<C extends ColumnInfo | ColumnSummary>(c: C, entry: DictionaryColumn | undefined): C {
  if (entry === undefined || (!entry.description && !entry.synonyms?.length && !entry.unit && !entry.pii))
    return c;
  return {
    ...c,
    ...(entry.description ? { description: entry.description } : {}),
    ...(entry.synonyms?.length ? { synonyms: entry.synonyms } : {}),
    ...(entry.unit ? { unit: entry.unit } : {}),
    ...(entry.pii ? { pii: true } : {}),
  };
}

const hiddenColumn = (entry: DictionaryTable | undefined, column: string) =>
  entry !== undefined && entry.columns.size > 0 && entry.columns.get(column.toLowerCase())?.hidden === true;

/** True when a key touches a hidden table or a hidden column on either side. */
function touchesHidden(dictionary: DataDictionary, fk: ForeignKeyInfo): boolean {
  const from = dictionary.entryFor(fk.table);
  const to = dictionary.entryFor(fk.referencedTable);
  return (
    from?.hidden === true ||
    to?.hidden === true ||
    fk.columns.some((c) => hiddenColumn(from, c)) ||
    fk.referencedColumns.some((c) => hiddenColumn(to, c))
  );
}

/**
 * `snapshot` as the dictionary shows it: hidden tables and columns gone (with the keys that touch
 * them, so inferred relationships and join paths never route through them), descriptions, synonyms,
 * units and pii flags added. Same version as the catalog read, so list_tables cursors carry over.
 * Built once per snapshot and dictionary and kept with the snapshot, so its search index is too.
 */
export function withDictionary(
  snapshot: SchemaSnapshot,
  dictionary: DataDictionary | undefined,
): SchemaSnapshot {
  if (dictionary === undefined || dictionary.tables.length === 0) return snapshot;
  const views = snapshot.derive('dictionary-views', () => new WeakMap<DataDictionary, SchemaSnapshot>());
  let view = views.get(dictionary);
  if (view === undefined) {
    view = overlay(snapshot, dictionary);
    views.set(dictionary, view);
  }
  return view;
}

function overlay(snapshot: SchemaSnapshot, dictionary: DataDictionary): SchemaSnapshot {
  const tables: TableInfo[] = [];
  for (const t of snapshot.tables) {
    const entry = dictionary.entryFor(t);
    if (entry?.hidden) continue;
    tables.push(annotateTable(t, entry));
  }
  let columns: ColumnSummary[] | undefined;
  if (snapshot.columns !== undefined) {
    columns = [];
    // Columns come grouped by table: look each table up once per run of its columns.
    let lastTable: TableRef | undefined;
    let entry: DictionaryTable | undefined;
    for (const c of snapshot.columns) {
      if (lastTable === undefined || c.table.name !== lastTable.name || c.table.schema !== lastTable.schema) {
        lastTable = c.table;
        entry = dictionary.entryFor(c.table);
      }
      if (entry === undefined) {
        columns.push(c);
        continue;
      }
      if (entry.hidden) continue;
      const columnEntry = entry.columns.get(c.name.toLowerCase());
      if (columnEntry?.hidden) continue;
      columns.push(annotateColumn(c, columnEntry));
    }
  }
  let keys: SchemaKeys | undefined;
  if (snapshot.keys !== undefined) {
    keys = {
      // A primary key with a hidden column is dropped whole: half a key would mislead inference.
      primaryKeys: snapshot.keys.primaryKeys.filter((pk) => {
        const entry = dictionary.entryFor(pk.table);
        return !entry?.hidden && !pk.columns.some((c) => hiddenColumn(entry, c));
      }),
      foreignKeys: snapshot.keys.foreignKeys.filter((fk) => !touchesHidden(dictionary, fk)),
    };
  }
  return new SchemaSnapshot({
    tables,
    columns,
    keys,
    version: snapshot.version,
    builtAt: snapshot.builtAt,
    fingerprint: snapshot.fingerprint,
    schema: snapshot.schema,
    sorted: true,
  });
}

/**
 * A table's detail as the dictionary shows it: undefined when the table is hidden; otherwise hidden
 * columns removed (with the keys and indexes that name them), and the dictionary's text added.
 */
export function detailWithDictionary(
  detail: TableDetail,
  dictionary: DataDictionary | undefined,
): TableDetail | undefined {
  if (dictionary === undefined || dictionary.tables.length === 0) return detail;
  const entry = dictionary.entryFor(detail.table);
  if (entry?.hidden) return undefined;
  const hides = (column: string) => hiddenColumn(entry, column);
  const foreignKeys = detail.foreignKeys.filter((fk) => !touchesHidden(dictionary, fk));
  const referencedBy = detail.referencedBy.filter((fk) => !touchesHidden(dictionary, fk));
  if (entry === undefined && foreignKeys.length === detail.foreignKeys.length) {
    if (referencedBy.length === detail.referencedBy.length) return detail;
    return { ...detail, referencedBy };
  }
  const keyHidden = detail.primaryKey.some(hides);
  return {
    ...detail,
    table: annotateTable(detail.table, entry),
    columns: detail.columns
      .filter((c) => !hides(c.name))
      .map((c) => {
        const annotated = annotateColumn(c, entry?.columns.get(c.name.toLowerCase()));
        if (!keyHidden || annotated.primaryKeyPosition === undefined) return annotated;
        const { primaryKeyPosition: _, ...rest } = annotated;
        return rest;
      }),
    primaryKey: keyHidden ? [] : detail.primaryKey,
    foreignKeys,
    referencedBy,
    // An index over a hidden column would name it.
    indexes: detail.indexes.filter((ix) => !ix.columns.some(hides)),
  };
}

/**
 * Dictionary entries that match nothing in `snapshot` (a typo, or a table since dropped): the table
 * entries, and — when the snapshot has its columns — the column entries of tables that exist. Only
 * meaningful for a snapshot of everything (`snapshot.schema` undefined).
 */
export function unmatchedDictionaryEntries(
  snapshot: SchemaSnapshot,
  dictionary: DataDictionary,
): { readonly tables: string[]; readonly columns: string[] } {
  const tables: string[] = [];
  const columns: string[] = [];
  const present = new Map<DictionaryTable, Set<string>>();
  for (const t of snapshot.tables) {
    const entry = dictionary.entryFor(t);
    if (entry !== undefined && !present.has(entry)) present.set(entry, new Set());
  }
  for (const c of snapshot.columns ?? []) {
    const entry = dictionary.entryFor(c.table);
    if (entry !== undefined) present.get(entry)?.add(c.name.toLowerCase());
  }
  for (const entry of dictionary.tables) {
    const display = entry.schema === undefined ? entry.name : `${entry.schema}.${entry.name}`;
    const found = present.get(entry);
    if (found === undefined) {
      tables.push(display);
      continue;
    }
    if (snapshot.columns === undefined) continue;
    for (const column of entry.columns.values()) {
      if (!found.has(column.name.toLowerCase())) columns.push(`${display}.${column.name}`);
    }
  }
  return { tables, columns };
}
