import { err, type Result } from 'neverthrow';
import { type DatabaseFailure, dbFailure } from '../errors.js';
import type { Dialect } from '../model.js';
import { DIALECT_RULES } from './dialects.js';
import { guardSql } from './guard.js';
import { brandReadOnlyQuery, type ReadOnlyQuery } from './read-only-query.js';

export type { ReadOnlyQuery, ReadOnlyStatementKind } from './read-only-query.js';

/** Longest SQL accepted when the caller sets no limit, in UTF-16 code units. */
export const DEFAULT_MAX_SQL_LENGTH = 100_000;

/** Options of `checkReadOnlySql`; every field has a safe default. */
export interface GuardOptions {
  /** Longest SQL accepted, in characters (default 100,000). */
  readonly maxLength?: number | undefined;
  /**
   * Lower-case names of tables a statement may not name (the data dictionary's hidden tables,
   * `DataDictionary.hiddenTableNames`). Default: none.
   */
  readonly hiddenTables?: ReadonlySet<string> | undefined;
}

/**
 * Accepts exactly one read-only statement of `dialect`, returning it unchanged as a ReadOnlyQuery.
 * @returns err(InvalidInput) for empty or malformed text (unterminated string or comment, NUL,
 * invalid UTF-16, invisible characters), err(LimitExceeded 'sqlLength') for oversized text,
 * err(ReadOnlyViolation) with an actionable reason for anything that could write or has side effects,
 * err(PermissionDenied) when it names one of `options.hiddenTables` (as a name or inside a string).
 */
export function checkReadOnlySql(
  sql: string,
  dialect: Dialect,
  options: GuardOptions = {},
): Result<ReadOnlyQuery, DatabaseFailure> {
  const max = options.maxLength ?? DEFAULT_MAX_SQL_LENGTH;
  // First, so that an oversized text costs nothing more than reading its length.
  if (sql.length > max) {
    return err(
      dbFailure('LimitExceeded', {
        limit: 'sqlLength',
        max,
        message: `statement guard: sql of ${sql.length} characters exceeds ${max}`,
      }),
    );
  }
  const bad = findInvalidCharacter(sql);
  if (bad)
    return err(dbFailure('InvalidInput', { field: 'sql', reason: bad, message: `statement guard: ${bad}` }));
  return guardSql(sql, DIALECT_RULES[dialect], options.hiddenTables).map((kind) =>
    brandReadOnlyQuery(sql, dialect, kind),
  );
}

// A NUL ends the text early in C drivers, and a lone surrogate cannot be encoded as UTF-8: either
// way the server would see different SQL than the guard did.
const INVALID_CHARACTER = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function findInvalidCharacter(sql: string): string | undefined {
  const match = INVALID_CHARACTER.exec(sql);
  if (!match) return undefined;
  const where = `character ${match.index + 1}`;
  return match[0] === '\0'
    ? `it contains a NUL character at ${where}.`
    : `it is not valid Unicode text (a lone UTF-16 surrogate at ${where}).`;
}
