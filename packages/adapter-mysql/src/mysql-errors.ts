import { type DatabaseFailure, dbFailure, isDatabaseFailure } from '@legacybridge/core';

/**
 * The one conversion of mysql2 errors into core's DatabaseFailure union. mysql2 errors carry the
 * server's `errno` (1146) with `code` (`ER_NO_SUCH_TABLE`) and `sqlState` (`42S02`), or, for network
 * failures, only a Node `code` (`ECONNREFUSED`, `PROTOCOL_CONNECTION_LOST`). Matching is structural,
 * never `instanceof`. Error numbers are from the MySQL and MariaDB server error references.
 */

/** The shape of a mysql2 error (or a Node socket error), as far as mapping needs it. */
export interface MysqlDriverError {
  readonly message: string;
  readonly errno?: number | undefined;
  readonly code?: string | undefined;
  readonly sqlState?: string | undefined;
  readonly sqlMessage?: string | undefined;
  readonly fatal?: boolean | undefined;
}

/** What the caller knows that the error itself does not. */
export interface MysqlErrorContext {
  /** The SQL that failed, to turn the server's `near '…'` into a character position. */
  readonly sql?: string | undefined;
  /** The timeout in force, for Timeout failures the server raises. */
  readonly timeoutMs?: number | undefined;
  /** Secrets to scrub from any message (the password), in case a driver ever echoes one. */
  readonly secrets?: readonly string[] | undefined;
}

/** True for any object with a string `message` and a numeric `errno` or string `code`. */
export function isMysqlDriverError(error: unknown): error is MysqlDriverError {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { message?: unknown; errno?: unknown; code?: unknown };
  return typeof e.message === 'string' && (typeof e.errno === 'number' || typeof e.code === 'string');
}

/** Server error numbers the adapter maps (MySQL `ER_*`, MariaDB additions noted). */
export const MYSQL_ERRNO = {
  conCount: 1040,
  dbAccessDenied: 1044,
  accessDenied: 1045,
  badDb: 1049,
  serverShutdown: 1053,
  badField: 1054,
  parse: 1064,
  tableAccessDenied: 1142,
  columnAccessDenied: 1143,
  noSuchTable: 1146,
  syntax: 1149,
  tooManyUserConnections: 1203,
  userLimitReached: 1226, // max_user_connections and other per-account resource limits
  lockWaitTimeout: 1205,
  specificAccessDenied: 1227,
  optionPreventsStatement: 1290,
  queryInterrupted: 1317,
  procAccessDenied: 1370,
  accessDeniedNoPassword: 1698,
  readOnlyTransaction: 1792,
  readOnlyMode: 1836,
  connectionKilled: 1927, // MariaDB ER_CONNECTION_KILLED
  statementTimeout: 1969, // MariaDB ER_STATEMENT_TIMEOUT (max_statement_time)
  queryTimeout: 3024, // MySQL ER_QUERY_TIMEOUT (MAX_EXECUTION_TIME)
  clientInteractionTimeout: 4031, // MySQL 8: server closed an idle session
} as const;

const CLOSED_MESSAGE = /closed state|connection lost|server has gone away/i;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_PACKETS_OUT_OF_ORDER',
  'HANDSHAKE_SSL_ERROR',
  'HANDSHAKE_NO_SSL_SUPPORT',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'ENOENT', // a TLS certificate file named in the URL is missing
]);

// mysql2 wraps Node's certificate errors (SELF_SIGNED_CERT_IN_CHAIN, ERR_TLS_CERT_ALTNAME_INVALID …) in
// HANDSHAKE_SSL_ERROR. Retrying never fixes a certificate, so these say what to check instead.
const TLS_CODES = new Set([
  'HANDSHAKE_SSL_ERROR',
  'HANDSHAKE_NO_SSL_SUPPORT',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);

/**
 * Converts anything thrown by mysql2, the socket or the adapter itself into a DatabaseFailure.
 * A value that already is a DatabaseFailure passes through. Engine text goes to `publicDetail` only
 * for statement errors (syntax, unknown names, denied object), which echo the caller's own SQL.
 * @returns a failure of the kind matching errno, SQLSTATE or Node code; `DriverError` when nothing matches.
 */
export function toDatabaseError(error: unknown, context: MysqlErrorContext = {}): DatabaseFailure {
  if (isDatabaseFailure(error)) return error;
  if (!isMysqlDriverError(error)) {
    // mysql2 reports a command on a dead connection with a plain fatal Error that has no code.
    const e = error as { fatal?: unknown; message?: unknown } | null;
    if (typeof e?.message === 'string' && (e.fatal === true || CLOSED_MESSAGE.test(e.message))) {
      return dbFailure('ConnectionFailed', { message: scrub(e.message, context.secrets), cause: error });
    }
    return dbFailure('DriverError', {
      message: scrub(error instanceof Error ? error.message : String(error), context.secrets),
      cause: error,
    });
  }
  const message = scrub(error.sqlMessage ?? error.message, context.secrets);
  const originalCode = error.errno !== undefined ? String(error.errno) : error.code;
  const base = { message, originalCode, cause: error };
  switch (error.errno) {
    case MYSQL_ERRNO.accessDenied:
    case MYSQL_ERRNO.accessDeniedNoPassword:
      return dbFailure('AuthenticationFailed', base);
    case MYSQL_ERRNO.badDb:
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'database',
        name: quoted(message) ?? '',
      });
    case MYSQL_ERRNO.conCount:
    case MYSQL_ERRNO.tooManyUserConnections:
    case MYSQL_ERRNO.userLimitReached:
      return dbFailure('ConnectionFailed', {
        ...base,
        publicDetail: 'The database server has too many connections.',
      });
    case MYSQL_ERRNO.serverShutdown:
    case MYSQL_ERRNO.connectionKilled:
    case MYSQL_ERRNO.clientInteractionTimeout:
      return dbFailure('ConnectionFailed', base);
    case MYSQL_ERRNO.noSuchTable:
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'table',
        name: unqualified(quoted(message) ?? ''),
        publicDetail: message,
      });
    case MYSQL_ERRNO.badField:
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'column',
        name: quoted(message) ?? '',
        publicDetail: message,
      });
    case MYSQL_ERRNO.parse:
    case MYSQL_ERRNO.syntax:
      return dbFailure('SyntaxError', {
        ...base,
        position: syntaxPosition(message, context.sql),
        publicDetail: syntaxDetail(message),
      });
    case MYSQL_ERRNO.dbAccessDenied:
    case MYSQL_ERRNO.tableAccessDenied:
    case MYSQL_ERRNO.columnAccessDenied:
    case MYSQL_ERRNO.specificAccessDenied:
    case MYSQL_ERRNO.procAccessDenied:
      return dbFailure('PermissionDenied', { ...base, publicDetail: deniedDetail(message) });
    case MYSQL_ERRNO.readOnlyTransaction:
    case MYSQL_ERRNO.readOnlyMode:
      return dbFailure('ReadOnlyViolation', {
        ...base,
        reason: 'the database session is read-only and refused to write.',
      });
    case MYSQL_ERRNO.optionPreventsStatement:
      return /read.only/i.test(message)
        ? dbFailure('ReadOnlyViolation', { ...base, reason: 'the database server is read-only.' })
        : dbFailure('PermissionDenied', base);
    case MYSQL_ERRNO.statementTimeout:
    case MYSQL_ERRNO.queryTimeout:
    case MYSQL_ERRNO.lockWaitTimeout:
      return dbFailure('Timeout', { ...base, timeoutMs: context.timeoutMs ?? 0 });
    case MYSQL_ERRNO.queryInterrupted:
      return dbFailure('Cancelled', base);
    default:
      break;
  }
  if (error.code !== undefined && NETWORK_CODES.has(error.code)) {
    const publicDetail =
      error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN'
        ? 'The database host name does not resolve.'
        : error.code === 'ETIMEDOUT'
          ? 'Connecting to the database timed out.'
          : TLS_CODES.has(error.code)
            ? 'The TLS handshake with the database failed (check ssl_ca, ssl_cert/ssl_key and the host name).'
            : undefined;
    return dbFailure('ConnectionFailed', { ...base, publicDetail });
  }
  if (error.fatal === true || CLOSED_MESSAGE.test(message)) {
    return dbFailure('ConnectionFailed', base);
  }
  const state = error.sqlState ?? '';
  if (state.startsWith('08')) return dbFailure('ConnectionFailed', base);
  if (state === '28000') return dbFailure('AuthenticationFailed', base);
  if (state === '25006') {
    return dbFailure('ReadOnlyViolation', { ...base, reason: 'the database session is read-only.' });
  }
  if (state === '42S02') {
    return dbFailure('ObjectNotFound', { ...base, objectType: 'table', name: '', publicDetail: message });
  }
  if (state === '70100') return dbFailure('Cancelled', base);
  return dbFailure('DriverError', base);
}

/** The first `'…'` quoted text of a server message: the object name in "Table 'db.t' doesn't exist". */
function quoted(message: string): string | undefined {
  return /'([^']*)'/.exec(message)?.[1];
}

function unqualified(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1) : name;
}

/**
 * The 1-based character position of a syntax error: the server quotes the SQL from the failing token
 * on (`near 'FROMM t' at line 2`, at most 80 characters); we find that text in the caller's SQL,
 * starting at the reported line. `near ''` means the statement ended too early.
 */
export function syntaxPosition(message: string, sql: string | undefined): number | undefined {
  if (sql === undefined) return undefined;
  const m = /near '([\s\S]*)' at line (\d+)\s*$/.exec(message);
  if (!m) return undefined;
  const near = m[1]!;
  const line = Number(m[2]);
  let lineStart = 0;
  for (let i = 1; i < line; i++) {
    const next = sql.indexOf('\n', lineStart);
    if (next < 0) break;
    lineStart = next + 1;
  }
  if (near === '') return sql.trimEnd().length + 1;
  const at = sql.indexOf(near, lineStart);
  if (at >= 0) return at + 1;
  const anywhere = sql.indexOf(near);
  return anywhere >= 0 ? anywhere + 1 : undefined;
}

/** The server's syntax message without its "check the manual" boilerplate: only the caller's SQL is quoted. */
function syntaxDetail(message: string): string {
  const near = /(near '[\s\S]*' at line \d+)\s*$/.exec(message)?.[1];
  return near ? `MySQL reports the error ${near}.` : message;
}

/** "SELECT command denied to user 'u'@'host' for table 't'" → without the user and host. */
function deniedDetail(message: string): string {
  return message.replace(/ to user '[^']*'@'[^']*'/, '').replace(/ for user '[^']*'@'[^']*'/, '');
}

/** Removes secrets and URL credentials from text bound for logs. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@\s/]*@/gi, '$1***@');
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  return out;
}
