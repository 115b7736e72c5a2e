import { type DatabaseFailure, dbFailure, isDatabaseFailure } from '@legacybridge/core';

/**
 * The one conversion of SQLite and runner errors into core's DatabaseFailure union. Errors arrive
 * either as better-sqlite3's `SqliteError` (in the runner) or as its plain `{ code, message, name }`
 * copy sent over IPC, so matching is structural (`code`, `message`), never `instanceof`.
 */

/** An error object carrying an SQLite result code, e.g. `SQLITE_READONLY` or `SQLITE_BUSY_SNAPSHOT`. */
export interface SqliteCodedError {
  readonly code: string;
  readonly message: string;
}

/** Codes the runner itself raises for refusals it decides before SQLite sees the statement. */
export const RUNNER_CODES = {
  notAQuery: 'LEGACYBRIDGE_NOT_A_QUERY',
  notOpen: 'LEGACYBRIDGE_NOT_OPEN',
  protocol: 'LEGACYBRIDGE_PROTOCOL',
} as const;

/** True for any object with a string `code` and `message`, the shape of `SqliteError` and its IPC copy. */
export function isSqliteCodedError(error: unknown): error is SqliteCodedError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/**
 * True when `code` is `primary` or one of its extended codes (`SQLITE_READONLY_DBMOVED` is a
 * `SQLITE_READONLY`): SQLite's extended result codes keep the primary code as their prefix.
 */
export function hasSqliteCode(error: SqliteCodedError, primary: string): boolean {
  return error.code === primary || error.code.startsWith(`${primary}_`);
}

/**
 * Converts anything thrown by better-sqlite3 or reported by a runner into a DatabaseFailure. Engine
 * text goes to `publicDetail` only for statement errors (syntax, unknown names), which echo the
 * caller's own SQL; file paths are stripped from it all the same.
 * @returns a failure of the kind matching the SQLite code or message; `DriverError` when nothing matches.
 */
export function toDatabaseError(error: unknown): DatabaseFailure {
  if (isDatabaseFailure(error)) return error;
  if (!isSqliteCodedError(error)) return fromUncoded(error);
  const base = { message: error.message, originalCode: error.code, cause: error };
  if (error.code === RUNNER_CODES.notAQuery) {
    return dbFailure('ReadOnlyViolation', {
      ...base,
      reason: 'the statement returns no rows, so it is not a query.',
    });
  }
  if (hasSqliteCode(error, 'SQLITE_READONLY') || /readonly database|query_only/i.test(error.message)) {
    return dbFailure('ReadOnlyViolation', {
      ...base,
      reason: 'the database connection is read-only and refused to write.',
    });
  }
  if (hasSqliteCode(error, 'SQLITE_CANTOPEN')) {
    return dbFailure('ConnectionFailed', { ...base, publicDetail: 'The SQLite file cannot be opened.' });
  }
  if (hasSqliteCode(error, 'SQLITE_NOTADB')) {
    return dbFailure('ConnectionFailed', { ...base, publicDetail: 'The file is not a SQLite database.' });
  }
  if (hasSqliteCode(error, 'SQLITE_AUTH') || hasSqliteCode(error, 'SQLITE_PERM')) {
    return dbFailure('PermissionDenied', base);
  }
  if (hasSqliteCode(error, 'SQLITE_INTERRUPT')) return dbFailure('Cancelled', base);
  if (hasSqliteCode(error, 'SQLITE_BUSY') || hasSqliteCode(error, 'SQLITE_LOCKED')) {
    return dbFailure('DriverError', {
      ...base,
      publicDetail: 'The database file is locked by a writer; retry shortly.',
    });
  }
  if (hasSqliteCode(error, 'SQLITE_ERROR')) return fromStatementError(error, base);
  return dbFailure('DriverError', base);
}

type Base = { message: string; originalCode: string; cause: unknown };

// SQLITE_ERROR is SQLite's generic code: the message is the only thing that tells a missing table
// from a typo, so these patterns follow sqlite3's own wording (sqlite/src/*.c, stable for decades).
function fromStatementError(error: SqliteCodedError, base: Base): DatabaseFailure {
  const detail = publicText(error.message);
  const missing = /^no such (table|view|column|function|module|collation(?: sequence)?): (.+)$/i.exec(
    error.message.trim(),
  );
  if (missing) {
    const what = missing[1]!.toLowerCase();
    const objectType =
      what === 'table' || what === 'view' ? 'table' : what === 'column' ? 'column' : 'object';
    return dbFailure('ObjectNotFound', {
      ...base,
      objectType,
      name: stripMainSchema(missing[2]!.trim()),
      publicDetail: objectType === 'object' ? detail : undefined,
    });
  }
  if (/syntax error|incomplete input|unrecognized token/i.test(error.message)) {
    return dbFailure('SyntaxError', { ...base, publicDetail: detail });
  }
  if (/not authorized/i.test(error.message)) return dbFailure('PermissionDenied', base);
  return dbFailure('DriverError', { ...base, publicDetail: detail });
}

// better-sqlite3 raises TypeError/RangeError (no `code`) for API misuse it detects before SQLite.
function fromUncoded(error: unknown): DatabaseFailure {
  const message =
    typeof error === 'object' && error !== null && typeof (error as Error).message === 'string'
      ? (error as Error).message
      : String(error);
  if (/contains no statements/i.test(message)) {
    return dbFailure('InvalidInput', {
      message,
      cause: error,
      field: 'sql',
      reason: 'it contains no statement.',
    });
  }
  if (/more than one statement/i.test(message)) {
    return dbFailure('InvalidInput', {
      message,
      cause: error,
      field: 'sql',
      reason: 'it contains more than one statement; send one at a time.',
    });
  }
  if (/does not return data/i.test(message)) {
    return dbFailure('ReadOnlyViolation', {
      message,
      cause: error,
      reason: 'the statement returns no rows, so it is not a query.',
    });
  }
  return dbFailure('DriverError', { message, cause: error });
}

function stripMainSchema(name: string): string {
  return name.replace(/^main\./i, '');
}

// Statement errors echo the caller's SQL, but ATTACH and similar can name files: keep paths out.
function publicText(message: string): string {
  return message.replace(/(?:[A-Za-z]:)?[\\/][^\s'"]*[^\s'":,;.)\]]/g, '<path>');
}
