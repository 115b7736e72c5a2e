import type { ForeignKeyInfo, PrimaryKeyInfo, TableRef } from './model.js';

/** One column of a declared key as catalogs return it: one row per key column, in key order. */
export interface KeyColumnRow {
  /** Unique per constraint (e.g. schema + table + constraint name): rows with the same id form one key. */
  readonly id: string;
  readonly table: TableRef;
  readonly column: string;
}

/** One column of a foreign key; `referencedColumn` is absent where the catalog could not name it. */
export interface ForeignKeyColumnRow extends KeyColumnRow {
  readonly name?: string | undefined;
  readonly referencedTable: TableRef;
  readonly referencedColumn?: string | null | undefined;
}

/** Primary keys from per-column catalog rows, columns in row order. */
export function groupPrimaryKeys(rows: Iterable<KeyColumnRow>): PrimaryKeyInfo[] {
  const keys = new Map<string, { table: TableRef; columns: string[] }>();
  for (const r of rows) {
    const key = keys.get(r.id) ?? { table: r.table, columns: [] };
    key.columns.push(r.column);
    keys.set(r.id, key);
  }
  return [...keys.values()];
}

/** Foreign keys from per-column catalog rows (the grouping every adapter's catalog needs). */
export function groupForeignKeys(rows: Iterable<ForeignKeyColumnRow>): ForeignKeyInfo[] {
  const keys = new Map<string, ForeignKeyInfo & { columns: string[]; referencedColumns: string[] }>();
  for (const r of rows) {
    let key = keys.get(r.id);
    if (key === undefined) {
      key = {
        name: r.name,
        table: r.table,
        columns: [],
        referencedTable: r.referencedTable,
        referencedColumns: [],
      };
      keys.set(r.id, key);
    }
    key.columns.push(r.column);
    if (r.referencedColumn !== undefined && r.referencedColumn !== null) {
      key.referencedColumns.push(r.referencedColumn);
    }
  }
  return [...keys.values()];
}

/** `keys` split into those declared on `table` and those pointing at it (a self-reference is both). */
export function keysOfTable(
  keys: readonly ForeignKeyInfo[],
  table: TableRef,
): { foreignKeys: ForeignKeyInfo[]; referencedBy: ForeignKeyInfo[] } {
  const isThis = (ref: TableRef) => ref.schema === table.schema && ref.name === table.name;
  return {
    foreignKeys: keys.filter((k) => isThis(k.table)),
    referencedBy: keys.filter((k) => isThis(k.referencedTable)),
  };
}
