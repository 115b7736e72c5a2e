import {
  type DatabaseFailure,
  dbFailure,
  isDatabaseFailure,
  redactCredentials as redact,
  redactFailure,
} from '@legacybridge/core';

/**
 * The one conversion of mssql/tedious errors into core's DatabaseFailure union. mssql wraps
 * everything in `ConnectionError` (code `ELOGIN`, `ETIMEOUT`, `ESOCKET`, `EINSTLOOKUP` …),
 * `RequestError` (code `EREQUEST` with the server's error `number`, `ECANCEL`, `ETIMEOUT`) or
 * `TransactionError` (`EABORT`, `ENOTBEGUN`, `EREQINPROG`); the server's own failure is the `number`.
 * Matching is structural (`name`, `code`, `number`), never `instanceof` (a second copy of mssql
 * would defeat it).
 */

/** The fields of an mssql error the mapping reads. */
export interface MssqlErrorLike {
  readonly name?: string | undefined;
  readonly code?: string | undefined;
  readonly message: string;
  /** The SQL Server error number (`sys.messages.message_id`). */
  readonly number?: number | undefined;
  /** 1-based line of the batch the error is on. */
  readonly lineNumber?: number | undefined;
  readonly class?: number | undefined;
  readonly state?: number | undefined;
  readonly originalError?: unknown;
  /** Errors the server sent before this one in the same batch (mssql keeps the last as the error). */
  readonly precedingErrors?: readonly MssqlErrorLike[] | undefined;
}

/** What the adapter knows about the operation that failed. */
export interface ErrorContext {
  /** The timeout in force, for `Timeout` failures. */
  readonly timeoutMs?: number | undefined;
}

const NETWORK_TEXT =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|socket hang up|Connection lost|Failed to connect|Connection closed|connection is closed|Could not connect/i;
const TLS_TEXT =
  /certificate|self[- ]signed|SSL|TLS|handshake|CERT_|ERR_TLS|UNABLE_TO_VERIFY|HOSTNAME_MISMATCH/i;

const TLS_ADVICE =
  'The TLS handshake with the database failed (check encrypt and trustServerCertificate in the URL, or the server certificate).';

/** True for a value shaped like an mssql/tedious error: a `message` and a string `code` or numeric `number`. */
export function isMssqlError(error: unknown): error is MssqlErrorLike {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { message?: unknown; code?: unknown; number?: unknown };
  return typeof e.message === 'string' && (typeof e.code === 'string' || typeof e.number === 'number');
}

/**
 * Converts anything thrown by mssql, tedious or a socket into a DatabaseFailure. Server text goes to
 * `publicDetail` only for statement errors (syntax, unknown names, conversions), which echo the
 * caller's own SQL; login and connection errors never expose hosts or users.
 * @returns a failure of the kind matching the error number or code; `DriverError` when nothing matches.
 */
export function toDatabaseError(error: unknown, context: ErrorContext = {}): DatabaseFailure {
  if (isDatabaseFailure(error)) return error;
  if (!isMssqlError(error)) {
    return dbFailure('DriverError', { message: redact(messageOf(error)), cause: error });
  }
  const number = serverNumber(error);
  if (number !== undefined) return fromServerNumber(error, number, context);
  return fromCode(error, context);
}

/** The server error number: on the error, or on the tedious error it wraps (login failures). */
function serverNumber(error: MssqlErrorLike): number | undefined {
  if (typeof error.number === 'number' && error.number > 0) return error.number;
  const inner = error.originalError as { number?: unknown } | undefined;
  if (inner && typeof inner.number === 'number' && inner.number > 0) return inner.number;
  return undefined;
}

function fromServerNumber(error: MssqlErrorLike, number: number, context: ErrorContext): DatabaseFailure {
  // 3621 "The statement has been terminated" only follows the real error: report that one.
  if (number === 3621 && error.precedingErrors?.length) {
    const first = error.precedingErrors[0]!;
    const inner = serverNumber(first);
    if (inner !== undefined && inner !== 3621) return fromServerNumber(first, inner, context);
  }
  const base = { message: redact(error.message), originalCode: String(number), cause: error };
  const statement = redact(error.message);
  switch (number) {
    case 18456: // Login failed for user
    case 18452: // login from an untrusted domain (Windows auth)
    case 18470: // account disabled
    case 18486: // account locked out
    case 18487: // password expired
    case 18488: // password must be changed
    case 18463: // password change failed
      return dbFailure('AuthenticationFailed', base);
    case 4060: // Cannot open database requested by the login
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'database',
        name: bracketedOrQuoted(error.message) ?? 'database',
      });
    case 911: // Database does not exist (USE)
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'database',
        name: bracketedOrQuoted(error.message) ?? 'database',
        publicDetail: statement,
      });
    case 208: // Invalid object name
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'table',
        name: bracketedOrQuoted(error.message) ?? 'table',
        publicDetail: statement,
      });
    case 207: // Invalid column name
    case 4104: // multi-part identifier could not be bound
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'column',
        name: bracketedOrQuoted(error.message) ?? 'column',
        publicDetail: statement,
      });
    case 2760: // specified schema name does not exist
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'schema',
        name: bracketedOrQuoted(error.message) ?? 'schema',
        publicDetail: statement,
      });
    case 2812: // Could not find stored procedure
    case 195: // is not a recognized built-in function name
    case 4121: // Cannot find either column or the user-defined function
    case 15151: // Cannot find the object, because it does not exist or you do not have permission
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'object',
        name: bracketedOrQuoted(error.message) ?? 'object',
        publicDetail: statement,
      });
    case 102: // Incorrect syntax near
    case 105: // Unclosed quotation mark
    case 156: // Incorrect syntax near the keyword
    case 170: // Line n: Incorrect syntax
    case 319: // Incorrect syntax near 'with' (missing semicolon before a CTE)
    case 1038: // empty object or column name
    case 8180: // Statement(s) could not be prepared
      return dbFailure('SyntaxError', { ...base, position: undefined, publicDetail: lineDetail(error) });
    case 229: // permission denied on object
    case 230: // permission denied on column
    case 262: // CREATE … permission denied in database
    case 297: // user does not have permission to perform this action
    case 300: // VIEW SERVER STATE / VIEW DATABASE STATE permission denied
    case 916: // server principal is not able to access the database
    case 15247: // no permission to perform this action
    case 1088: // cannot find the object or no permission (TRUNCATE, ALTER)
      return dbFailure('PermissionDenied', { ...base, publicDetail: statement });
    case 3906: // Failed to update database because the database is read-only
    case 3908: // could not run BEGIN TRANSACTION in a read-only database (secondary replica)
      return dbFailure('ReadOnlyViolation', {
        ...base,
        reason: 'the database is read-only and refused to write.',
      });
    case 1222: // Lock request time out period exceeded (SET LOCK_TIMEOUT)
      return dbFailure('Timeout', {
        ...base,
        timeoutMs: context.timeoutMs ?? 0,
        publicDetail: 'A lock held by another session was not released in time.',
      });
    case 1205: // chosen as deadlock victim
      return dbFailure('DriverError', {
        ...base,
        publicDetail: 'The query was chosen as a deadlock victim; retrying it usually succeeds.',
      });
    case 976: // target database not in an AG readable secondary for ApplicationIntent=ReadOnly
    case 978: // ApplicationIntent=ReadOnly and the database is not readable
    case 40613: // Azure SQL: database not currently available
    case 40197: // Azure SQL: service error processing the request
    case 40501: // Azure SQL: service is busy
    case 49918: // not enough resources
    case 49919: // too many create/update operations
    case 49920: // too many operations in progress
    case 10928: // resource limit reached
    case 10929: // resource limit reached (min guarantee)
    case 17142: // server paused
    case 17809: // max user connections reached
    case 233: // no process on the other end of the pipe
    case 10053: // transport-level error (connection aborted)
    case 10054: // transport-level error (connection reset)
    case 10060: // network-related error (timeout)
    case 6005: // SHUTDOWN is in progress
      return dbFailure('ConnectionFailed', base);
  }
  // Severity 20 and above end the connection: whatever the number, it is a connection problem.
  if (typeof error.class === 'number' && error.class >= 20) return dbFailure('ConnectionFailed', base);
  // Conversion, arithmetic, constraint and other statement errors echo the caller's SQL and data.
  if (typeof error.class === 'number' && error.class >= 11 && error.class <= 16) {
    return dbFailure('DriverError', { ...base, publicDetail: statement });
  }
  return dbFailure('DriverError', base);
}

function fromCode(error: MssqlErrorLike, context: ErrorContext): DatabaseFailure {
  const code = error.code ?? '';
  const name = error.name ?? '';
  const inner = messageOf(error.originalError ?? '');
  const text = `${error.message} ${inner}`;
  const base = { message: redact(error.message), originalCode: code || undefined, cause: error };
  switch (code) {
    case 'ELOGIN':
      // tedious says "Login failed" with the server's number, but also ELOGIN for a refused Azure token.
      return dbFailure('AuthenticationFailed', base);
    case 'ECANCEL':
      return dbFailure('Cancelled', base);
    case 'ETIMEOUT':
      // A RequestError timeout is the request timeout; a ConnectionError one is the connect timeout.
      if (name === 'RequestError')
        return dbFailure('Timeout', { ...base, timeoutMs: context.timeoutMs ?? 0 });
      return dbFailure('ConnectionFailed', base);
    case 'EINSTLOOKUP':
      return dbFailure('ConnectionFailed', {
        ...base,
        publicDetail: 'The SQL Server Browser did not answer for the named instance (check instanceName).',
      });
    case 'ESOCKET':
    case 'ECONNCLOSED':
    case 'ENOTOPEN':
    case 'ENOCONN':
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EAI_AGAIN':
    case 'EPIPE':
      return TLS_TEXT.test(text)
        ? dbFailure('ConnectionFailed', { ...base, publicDetail: TLS_ADVICE })
        : dbFailure('ConnectionFailed', base);
    case 'EALREADYCONNECTED':
    case 'EALREADYCONNECTING':
    case 'EINVALIDSTATE':
      return dbFailure('ConnectionFailed', base);
    case 'EABORT': // the server rolled the transaction back (XACT_ABORT): the statement failed
    case 'ENOTBEGUN':
    case 'EREQINPROG':
    case 'EARGS':
    case 'EINJECT':
    case 'ENOTRSET':
      return dbFailure('DriverError', base);
  }
  if (TLS_TEXT.test(text) && name === 'ConnectionError') {
    return dbFailure('ConnectionFailed', { ...base, publicDetail: TLS_ADVICE });
  }
  if (NETWORK_TEXT.test(text) || name === 'ConnectionError') return dbFailure('ConnectionFailed', base);
  return dbFailure('DriverError', base);
}

/** The server's statement message with its line, which only echoes the caller's own SQL. */
function lineDetail(error: MssqlErrorLike): string {
  const line =
    typeof error.lineNumber === 'number' && error.lineNumber > 1 ? ` (line ${error.lineNumber})` : '';
  return redact(`${error.message}${line}`);
}

// SQL Server quotes names as 'x' (most messages) or "x" (some); a bracketed part is kept as written.
function bracketedOrQuoted(message: string): string | undefined {
  return /'([^']+)'/.exec(message)?.[1] ?? /"([^"]+)"/.exec(message)?.[1];
}

function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as Error).message === 'string') {
    return (error as Error).message;
  }
  return String(error);
}

// One redaction for every adapter (core's): the URL userinfo, connection-string secrets and the
// configured password or token.
export { redact, redactFailure };

/**
 * True when the connection is still healthy after the error: a statement error (the server answered,
 * the batch ended). Socket, login, timeout and cancel leave the wire in an unknown state.
 */
export function reusableAfter(error: unknown): boolean {
  if (!isMssqlError(error)) return false;
  const number = serverNumber(error);
  if (number === undefined) return false;
  return !(typeof error.class === 'number' && error.class >= 20);
}
