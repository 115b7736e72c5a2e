import type { ColumnSummary, SchemaKeys, TableInfo, TableRef } from '../model.js';
import { compileNamePattern } from '../use-cases/name-matching.js';

/**
 * One database's catalog as read at one moment: every table and view (sorted for paging), and — once
 * schema search has needed them — every column. Built from the port's `listTables()` and
 * `listColumns()`, a fixed number of catalog queries whatever the schema's size; immutable, so pages
 * and searches read it without locks while the cache builds the next one.
 */
export class SchemaSnapshot {
  /** Tables and views sorted by `compareTableKeys` (schema, then name). */
  readonly tables: readonly TableInfo[];
  /** Every column, when they were read (search loads them on first use); undefined before. */
  readonly columns: readonly ColumnSummary[] | undefined;
  /** Declared primary and foreign keys, once relationships needed them (`listKeys`); undefined before. */
  readonly keys: SchemaKeys | undefined;
  /** Changes with every build: cursors and derived indexes carry it. */
  readonly version: string;
  /** When the catalog was read, on the cache's clock (ms). */
  readonly builtAt: number;
  /** The adapter's catalog fingerprint read with it, when the adapter has one. */
  readonly fingerprint: string | undefined;
  /** The schema filter it was read with; undefined: everything the user can see. */
  readonly schema: string | undefined;
  /** Rough heap footprint, for the cache's byte bound. */
  readonly approxBytes: number;

  readonly #filtered = new Map<string, readonly TableInfo[]>();
  readonly #derived = new Map<string, unknown>();
  #byLowerName: Map<string, TableInfo[]> | undefined;

  constructor(init: {
    readonly tables: readonly TableInfo[];
    readonly columns?: readonly ColumnSummary[] | undefined;
    readonly keys?: SchemaKeys | undefined;
    readonly version: string;
    readonly builtAt: number;
    readonly fingerprint?: string | undefined;
    readonly schema?: string | undefined;
    /** True when `tables` is already sorted (a snapshot gaining its columns). */
    readonly sorted?: boolean;
  }) {
    this.tables = init.sorted ? init.tables : [...init.tables].sort(compareTableKeys);
    this.columns = init.columns;
    this.keys = init.keys;
    this.version = init.version;
    this.builtAt = init.builtAt;
    this.fingerprint = init.fingerprint;
    this.schema = init.schema;
    this.approxBytes = estimateBytes(this.tables, this.columns, this.keys);
  }

  /** The same catalog read plus its columns (same version: both describe the same moment, roughly). */
  withColumns(columns: readonly ColumnSummary[]): SchemaSnapshot {
    return new SchemaSnapshot({
      tables: this.tables,
      columns,
      keys: this.keys,
      version: this.version,
      builtAt: this.builtAt,
      fingerprint: this.fingerprint,
      schema: this.schema,
      sorted: true,
    });
  }

  /** The same catalog read plus its declared keys (same version, like `withColumns`). */
  withKeys(keys: SchemaKeys): SchemaSnapshot {
    return new SchemaSnapshot({
      tables: this.tables,
      columns: this.columns,
      keys,
      version: this.version,
      builtAt: this.builtAt,
      fingerprint: this.fingerprint,
      schema: this.schema,
      sorted: true,
    });
  }

  /** True when the snapshot holds at least one table of `schema`. */
  hasSchema(schema: string): boolean {
    return this.tables.some((t) => t.schema === schema);
  }

  /**
   * The sorted tables in `schema` (all when undefined) whose names match `pattern` (glob or substring).
   * Memoised per filter, a few filters deep, so paging through one filter scans the catalog once.
   */
  filter(schema: string | undefined, pattern: string | undefined): readonly TableInfo[] {
    // A snapshot read with a schema filter holds exactly what the adapter answered for it (SQLite's
    // tables carry no schema yet answer for `main`): filter only a snapshot of everything.
    if (this.schema !== undefined) schema = undefined;
    if (schema === undefined && pattern === undefined) return this.tables;
    const key = `${schema ?? ''}\u0000${pattern ?? ''}`;
    const cached = this.#filtered.get(key);
    if (cached !== undefined) return cached;
    const matcher = pattern === undefined ? undefined : compileNamePattern(pattern);
    const result = this.tables.filter(
      (t) => (schema === undefined || t.schema === schema) && (matcher === undefined || matcher(t.name)),
    );
    if (this.#filtered.size >= MAX_MEMOISED_FILTERS) {
      this.#filtered.delete(this.#filtered.keys().next().value!);
    }
    this.#filtered.set(key, result);
    return result;
  }

  /** Tables whose name equals `name` ignoring letter case, in `schema` when given. */
  tablesNamed(name: string, schema?: string | undefined): readonly TableInfo[] {
    if (this.#byLowerName === undefined) {
      this.#byLowerName = new Map();
      for (const t of this.tables) {
        const key = t.name.toLowerCase();
        const list = this.#byLowerName.get(key);
        if (list) list.push(t);
        else this.#byLowerName.set(key, [t]);
      }
    }
    const found = this.#byLowerName.get(name.toLowerCase()) ?? [];
    return schema === undefined ? found : found.filter((t) => t.schema === schema);
  }

  /**
   * A value computed once per snapshot (a search index): `build` runs on the first call for `key`.
   * Lives and dies with the snapshot, so a refresh never serves an index of the old catalog.
   */
  derive<T>(key: string, build: (snapshot: SchemaSnapshot) => T): T {
    if (this.#derived.has(key)) return this.#derived.get(key) as T;
    const value = build(this);
    this.#derived.set(key, value);
    return value;
  }
}

const MAX_MEMOISED_FILTERS = 16;

// Case-insensitive and numeric-aware ("ORD_2" before "ORD_10"), so listings read like a catalogue;
// exact code-unit order breaks ties so the order is total and keyset paging never skips a name.
const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

function compareText(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The listing order: schema, then name; tables without a schema first. */
export function compareTableKeys(a: TableRef, b: TableRef): number {
  return compareText(a.schema ?? '', b.schema ?? '') || compareText(a.name, b.name);
}

/** Index of the first table in `sorted` that comes after `key` (binary search on the listing order). */
export function indexAfter(sorted: readonly TableRef[], key: TableRef): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareTableKeys(sorted[mid]!, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Strings count two bytes a character, objects a fixed overhead: close enough to bound the heap.
function estimateBytes(
  tables: readonly TableInfo[],
  columns: readonly ColumnSummary[] | undefined,
  keys: SchemaKeys | undefined,
): number {
  let bytes = 0;
  for (const t of tables) {
    bytes += 96 + 2 * ((t.schema?.length ?? 0) + t.name.length + (t.comment?.length ?? 0));
  }
  for (const c of columns ?? []) {
    bytes += 112 + 2 * (c.name.length + c.nativeType.length + (c.comment?.length ?? 0));
  }
  // Keys hold names already counted above: count their references and arrays only.
  bytes += 64 * ((keys?.primaryKeys.length ?? 0) + 2 * (keys?.foreignKeys.length ?? 0));
  return bytes;
}
