import type { ColumnSummary, TableInfo, TableRef } from '../model.js';
/**
 * One database's catalog as read at one moment: every table and view (sorted for paging), and — once
 * schema search has needed them — every column. Built from the port's `listTables()` and
 * `listColumns()`, a fixed number of catalog queries whatever the schema's size; immutable, so pages
 * and searches read it without locks while the cache builds the next one.
 */
export declare class SchemaSnapshot {
    #private;
    /** Tables and views sorted by `compareTableKeys` (schema, then name). */
    readonly tables: readonly TableInfo[];
    /** Every column, when they were read (search loads them on first use); undefined before. */
    readonly columns: readonly ColumnSummary[] | undefined;
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
    constructor(init: {
        readonly tables: readonly TableInfo[];
        readonly columns?: readonly ColumnSummary[] | undefined;
        readonly version: string;
        readonly builtAt: number;
        readonly fingerprint?: string | undefined;
        readonly schema?: string | undefined;
        /** True when `tables` is already sorted (a snapshot gaining its columns). */
        readonly sorted?: boolean;
    });
    /** The same catalog read plus its columns (same version: both describe the same moment, roughly). */
    withColumns(columns: readonly ColumnSummary[]): SchemaSnapshot;
    /** True when the snapshot holds at least one table of `schema`. */
    hasSchema(schema: string): boolean;
    /**
     * The sorted tables in `schema` (all when undefined) whose names match `pattern` (glob or substring).
     * Memoised per filter, a few filters deep, so paging through one filter scans the catalog once.
     */
    filter(schema: string | undefined, pattern: string | undefined): readonly TableInfo[];
    /** Tables whose name equals `name` ignoring letter case, in `schema` when given. */
    tablesNamed(name: string, schema?: string | undefined): readonly TableInfo[];
    /**
     * A value computed once per snapshot (a search index): `build` runs on the first call for `key`.
     * Lives and dies with the snapshot, so a refresh never serves an index of the old catalog.
     */
    derive<T>(key: string, build: (snapshot: SchemaSnapshot) => T): T;
}
/** The listing order: schema, then name; tables without a schema first. */
export declare function compareTableKeys(a: TableRef, b: TableRef): number;
/** Index of the first table in `sorted` that comes after `key` (binary search on the listing order). */
export declare function indexAfter(sorted: readonly TableRef[], key: TableRef): number;
//# sourceMappingURL=schema-snapshot.d.ts.map