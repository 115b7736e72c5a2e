import type { Dialect } from '../model.js';

declare const readOnlyBrand: unique symbol;

/** The kind of statement the guard accepted. */
export type ReadOnlyStatementKind =
  | 'select'
  | 'with'
  | 'values'
  | 'explain'
  | 'show'
  | 'describe'
  | 'pragma'
  | 'table';

/**
 * A statement the statement guard accepted for one dialect. Only `checkReadOnlySql` (and the explicit
 * test escape hatch in `@legacybridge/core/testing`) create one, so an adapter can't be handed
 * unchecked SQL by accident.
 */
export interface ReadOnlyQuery {
  readonly sql: string;
  readonly dialect: Dialect;
  readonly statementKind: ReadOnlyStatementKind;
  readonly [readOnlyBrand]: true;
}

/** @internal Used by the guard and the testing entry point only. */
export function brandReadOnlyQuery(
  sql: string,
  dialect: Dialect,
  statementKind: ReadOnlyStatementKind,
): ReadOnlyQuery {
  return { sql, dialect, statementKind } as ReadOnlyQuery;
}
