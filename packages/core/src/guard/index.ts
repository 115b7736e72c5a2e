// INTERIM: replaced by the real lexer-based guard (being written now). Signature is the contract.
import { err, ok, type Result } from 'neverthrow';
import { type DatabaseFailure, dbFailure } from '../errors.js';
import type { Dialect } from '../model.js';
import { brandReadOnlyQuery, type ReadOnlyQuery } from './read-only-query.js';

export type { ReadOnlyQuery, ReadOnlyStatementKind } from './read-only-query.js';

export interface GuardOptions {
  /** Longest SQL accepted, in characters (default 100,000). */
  readonly maxLength?: number | undefined;
}

/**
 * Accepts exactly one read-only statement of `dialect`.
 * @returns err(InvalidInput) for empty or malformed text, err(LimitExceeded 'sqlLength') for oversized
 * text, err(ReadOnlyViolation) with an actionable reason for anything that could write or has side effects.
 */
export function checkReadOnlySql(
  sql: string,
  dialect: Dialect,
  options: GuardOptions = {},
): Result<ReadOnlyQuery, DatabaseFailure> {
  const max = options.maxLength ?? 100_000;
  if (sql.length > max) {
    return err(dbFailure('LimitExceeded', { limit: 'sqlLength', max, message: 'sql too long' }));
  }
  if (sql.trim() === '') {
    return err(dbFailure('InvalidInput', { field: 'sql', reason: 'it is empty.', message: 'empty sql' }));
  }
  return ok(brandReadOnlyQuery(sql, dialect, 'select'));
}
