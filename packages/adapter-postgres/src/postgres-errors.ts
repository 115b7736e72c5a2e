import {
  type DatabaseFailure,
  dbFailure,
  isDatabaseFailure,
  redactCredentials as redact,
  redactFailure,
} from '@legacybridge/core';

/**
 * The one conversion of pg and socket errors into core's DatabaseFailure union. pg's
 * `DatabaseError` carries the server's SQLSTATE in `code`; Node's socket errors carry an errno name
 * (`ECONNREFUSED`); pg's own client-side failures are plain `Error`s known only by their text. Matching
 * is structural throughout, never `instanceof` (a second copy of pg would defeat it).
 */

/** The fields of a server ErrorResponse that pg copies onto its `DatabaseError`. */
export interface PgServerError {
  readonly code: string;
  readonly message: string;
  readonly severity?: string | undefined;
  /** 1-based character offset into the statement, as a decimal string. */
  readonly position?: string | undefined;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
}

/** A Node.js system error (`connect ECONNREFUSED …`, `getaddrinfo ENOTFOUND …`). */
export interface NodeSystemError {
  readonly code: string;
  readonly message: string;
  readonly syscall?: string | undefined;
}

/** What the adapter knows about the operation that failed, to fill fields the error itself lacks. */
export interface ErrorContext {
  /** The timeout in force, for `Timeout` failures raised by the server's statement_timeout. */
  readonly timeoutMs?: number | undefined;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * True for pg's `DatabaseError` shape: a five-character SQLSTATE `code` and a `message`, and none of
 * the `errno`/`syscall` fields of a Node system error (`EPIPE` and `EPERM` also have five characters).
 */
export function isPgServerError(error: unknown): error is PgServerError {
  return (
    hasCodeAndMessage(error) &&
    SQLSTATE.test(error.code) &&
    (error as { errno?: unknown }).errno === undefined &&
    (error as { syscall?: unknown }).syscall === undefined
  );
}

/** True for Node's system errors (`code` like `ECONNREFUSED`) and TLS errors (`code` like `CERT_HAS_EXPIRED`). */
export function isNodeSystemError(error: unknown): error is NodeSystemError {
  return hasCodeAndMessage(error) && !isPgServerError(error);
}

function hasCodeAndMessage(error: unknown): error is { code: string; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'ENOENT', // a Unix socket path that does not exist
  'EACCES',
  'ERR_STREAM_DESTROYED',
  'ERR_SOCKET_CLOSED',
]);

const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|ERR_OSSL)/;

// pg's own client-side failures have no code: these are its texts (pg/lib/client.js, pg-pool/index.js).
const PG_CONNECTION_TEXT =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Client was closed|Cannot use a pool after calling end|Client has already been connected|The server does not support SSL connections|unexpected end of|ended by the other party/i;

/**
 * Converts anything thrown by pg or a socket into a DatabaseFailure. Server text goes to
 * `publicDetail` only for statement errors (syntax, unknown names, data errors), which echo the
 * caller's own SQL and data they may read; connection errors never expose hosts or users.
 * @returns a failure of the kind matching the SQLSTATE, errno or pg message; `DriverError` when nothing matches.
 */
export function toDatabaseError(error: unknown, context: ErrorContext = {}): DatabaseFailure {
  if (isDatabaseFailure(error)) return error;
  if (isPgServerError(error)) return fromSqlState(error, context);
  if (isNodeSystemError(error)) return fromSystemError(error);
  const message = messageOf(error);
  if (/SASL|password authentication|client password must be a string/i.test(message)) {
    // pg raises these before talking to the server when a password is missing or malformed.
    return dbFailure('AuthenticationFailed', { message: redact(message), cause: error });
  }
  if (PG_CONNECTION_TEXT.test(message)) {
    const tls = /SSL/i.test(message);
    return dbFailure('ConnectionFailed', {
      message: redact(message),
      cause: error,
      publicDetail: tls ? 'The server does not accept TLS connections (check sslmode).' : undefined,
    });
  }
  return dbFailure('DriverError', { message: redact(message), cause: error });
}

function fromSqlState(error: PgServerError, context: ErrorContext): DatabaseFailure {
  const code = error.code;
  const base = { message: redact(error.message), originalCode: code, cause: error };
  const statementText = statementDetail(error);
  switch (code) {
    case '28000': // invalid_authorization_specification: no pg_hba entry, unknown role, NOLOGIN
      // A pg_hba.conf with only `hostssl` lines refuses a plain connection this way; the fix is
      // sslmode, not the password.
      if (/no encryption\s*$/i.test(error.message)) {
        return dbFailure('ConnectionFailed', {
          ...base,
          publicDetail: 'The server accepts only TLS connections (set sslmode=require or stronger).',
        });
      }
      return dbFailure('AuthenticationFailed', base);
    case '28P01': // invalid_password
      return dbFailure('AuthenticationFailed', base);
    case '3D000': // invalid_catalog_name
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'database',
        name: quotedName(error.message) ?? 'database',
      });
    case '3F000': // invalid_schema_name
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'schema',
        name: quotedName(error.message) ?? 'schema',
      });
    case '42P01': // undefined_table
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'table',
        name: quotedName(error.message) ?? 'table',
      });
    case '42703': // undefined_column
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'column',
        name: columnName(error.message) ?? 'column',
        publicDetail: statementText,
      });
    case '42883': // undefined_function
    case '42704': // undefined_object
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'object',
        name: quotedName(error.message) ?? 'object',
        publicDetail: statementText,
      });
    case '42601': // syntax_error (also "cannot insert multiple commands into a prepared statement")
    case '42P02': // undefined_parameter
      return dbFailure('SyntaxError', { ...base, position: position(error), publicDetail: statementText });
    case '42501': // insufficient_privilege
      return dbFailure('PermissionDenied', { ...base, publicDetail: statementText });
    case '25006': // read_only_sql_transaction
      return dbFailure('ReadOnlyViolation', {
        ...base,
        reason: 'the database session is read-only and refused to write.',
      });
    case '57014': // query_canceled: the server says why
      return /statement timeout/i.test(error.message)
        ? dbFailure('Timeout', { ...base, timeoutMs: context.timeoutMs ?? 0 })
        : dbFailure('Cancelled', base);
    case '53300': // too_many_connections
    case '53400': // configuration_limit_exceeded (per-role / per-database connection limits)
      return dbFailure('ConnectionFailed', {
        ...base,
        publicDetail: 'The database server has no free connection slots.',
      });
    case '57P01': // admin_shutdown: backend terminated
    case '57P02': // crash_shutdown
    case '57P03': // cannot_connect_now: starting up, shutting down, in recovery
    case '57P05': // idle_session_timeout
      return dbFailure('ConnectionFailed', base);
    case '55P03': // lock_not_available: lock_timeout hit, a timeout in the caller's terms
      return dbFailure('Timeout', {
        ...base,
        timeoutMs: context.timeoutMs ?? 0,
        publicDetail: statementText,
      });
    case '0A000': // feature_not_supported
      return dbFailure('Unsupported', { ...base, feature: error.message, publicDetail: statementText });
  }
  if (code.startsWith('08')) return dbFailure('ConnectionFailed', base); // connection_exception class
  if (code.startsWith('28')) return dbFailure('AuthenticationFailed', base);
  // Data exceptions (22), other statement errors (42), cardinality/integrity (21, 23) echo the caller's SQL.
  if (/^(21|22|23|42|2F|38|39|44|54)/.test(code)) {
    return dbFailure('DriverError', { ...base, publicDetail: statementText });
  }
  return dbFailure('DriverError', base);
}

function fromSystemError(error: NodeSystemError): DatabaseFailure {
  const base = { message: redact(error.message), originalCode: error.code, cause: error };
  if (TLS_CODE.test(error.code)) {
    return dbFailure('ConnectionFailed', {
      ...base,
      publicDetail: 'The TLS handshake with the database failed (check sslmode and certificates).',
    });
  }
  if (NETWORK_CODES.has(error.code)) return dbFailure('ConnectionFailed', base);
  return dbFailure('DriverError', base);
}

function statementDetail(error: PgServerError): string {
  const hint = error.hint ? ` Hint: ${error.hint}` : '';
  return redact(`${error.message}${hint}`);
}

function position(error: PgServerError): number | undefined {
  if (error.position === undefined) return undefined;
  const n = Number.parseInt(error.position, 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

// PostgreSQL quotes the object in its English messages: relation "x" does not exist.
function quotedName(message: string): string | undefined {
  return /"([^"]+)"/.exec(message)?.[1];
}

// `column "x" does not exist` or `column t.x does not exist`.
function columnName(message: string): string | undefined {
  return quotedName(message) ?? /column (\S+) does not exist/i.exec(message)?.[1];
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
