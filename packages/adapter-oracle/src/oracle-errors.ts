import {
  type DatabaseFailure,
  dbFailure,
  isDatabaseFailure,
  redactCredentials as redact,
  redactFailure,
} from '@legacybridge/core';

/**
 * The one conversion of node-oracledb and socket errors into core's DatabaseFailure union.
 * node-oracledb errors carry `code`: `ORA-NNNNN` from the server, `NJS-NNN` from the driver (Thin
 * mode's network layer is NJS-5xx), and — from older releases, Thick mode or python-oracledb logs —
 * `DPI-NNNN`/`DPY-NNNN`. Thin mode rewrites some server codes (ORA-03113 → NJS-500) and keeps the
 * original in the message, so the message's own codes are read too. Matching is structural, never
 * `instanceof`.
 */

/** The fields of a node-oracledb error the mapping reads. */
export interface OracleDriverError {
  readonly code?: string | undefined;
  readonly message: string;
  /** The ORA number, e.g. 942. */
  readonly errorNum?: number | undefined;
  /** 0-based character offset of a parse error in the statement. */
  readonly offset?: number | undefined;
}

/** What the adapter knows about the operation that failed. */
export interface ErrorContext {
  /** The timeout in force, for `Timeout` failures raised by `callTimeout`. */
  readonly timeoutMs?: number | undefined;
}

const CODE = /^(ORA|NJS|DPI|DPY)-\d+$/;

/** True for an error node-oracledb raised (a code like `ORA-00942` or `NJS-500` and a message). */
export function isOracleDriverError(error: unknown): error is OracleDriverError & { code: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    CODE.test((error as { code: string }).code) &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

// Codes that mean the server or the network is not reachable, or the session died.
const CONNECTION_CODES = new Set([
  'NJS-500', // connection closed or broken
  'NJS-501', // terminated unexpectedly
  'NJS-503', // could not be established (ECONNREFUSED, EHOSTUNREACH …)
  'NJS-504', // through a proxy
  'NJS-510', // connect timed out
  'NJS-511', // listener refused
  'NJS-512', // invalid connect-string parameters
  'NJS-513',
  'NJS-514', // connect-descriptor syntax
  'NJS-515', // Easy Connect syntax
  'NJS-516', // no configuration directory for an alias
  'NJS-517', // alias not in tnsnames.ora
  'NJS-518', // service not registered with the listener
  'NJS-519', // SID not registered
  'NJS-520', // tnsnames.ora not found
  'NJS-521', // end-of-file on the channel
  'NJS-530', // host unresolvable
  'NJS-533', // native network encryption demanded by the server (Thick only)
  'NJS-003', // invalid or closed connection
  'DPY-6005', // python-oracledb: cannot connect
  'DPY-4011', // python-oracledb: connection closed
  'DPI-1080', // connection closed by a call timeout
  'ORA-03113', // end-of-file on communication channel
  'ORA-03114', // not connected
  'ORA-03135', // connection lost contact
  'ORA-12154', // could not resolve the connect identifier
  'ORA-12170', // connect timeout
  'ORA-12505', // SID not known to the listener
  'ORA-12514', // service not known to the listener
  'ORA-12516', // no handler with a free slot
  'ORA-12518', // listener could not hand off
  'ORA-12519', // no appropriate handler
  'ORA-12520',
  'ORA-12521', // instance not known
  'ORA-12526', // restricted mode
  'ORA-12528', // blocking new connections
  'ORA-12537', // connection closed
  'ORA-12541', // no listener
  'ORA-12543', // destination host unreachable
  'ORA-12545', // host or object does not exist
  'ORA-12547', // lost contact
  'ORA-12560', // protocol adapter error
  'ORA-12570',
  'ORA-01033', // initialisation or shutdown in progress
  'ORA-01034', // not available
  'ORA-01089', // immediate shutdown
  'ORA-01090', // shutdown in progress
  'ORA-00018', // maximum sessions exceeded
  'ORA-00020', // maximum processes exceeded
  'ORA-02391', // SESSIONS_PER_USER limit
  'ORA-00028', // session killed
  'ORA-01012', // not logged on
  'ORA-02396', // idle time exceeded
]);

const TLS_CODES = new Set(['NJS-505', 'NJS-506', 'NJS-507', 'NJS-508', 'NJS-529', 'ORA-29024', 'ORA-28759']);

// Node's socket errors, when one escapes the driver unwrapped.
const NETWORK_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

const SERVER_CODE = /\b(ORA-\d{5})\b/g;

/**
 * Converts anything node-oracledb or a socket threw into a DatabaseFailure. Server text goes to
 * `publicDetail` only for statement errors (syntax, unknown names, data errors), which echo the
 * caller's own SQL; connection errors never expose hosts, services or users.
 * @returns a failure of the kind matching the code; `DriverError` when nothing matches.
 */
export function toDatabaseError(error: unknown, context: ErrorContext = {}): DatabaseFailure {
  if (isDatabaseFailure(error)) return error;
  if (isOracleDriverError(error)) return fromCode(error, context);
  const code = (error as { code?: unknown } | null)?.code;
  const message = messageOf(error);
  if (typeof code === 'string' && NETWORK_ERRNO.has(code)) {
    return dbFailure('ConnectionFailed', { message: redact(message), originalCode: code, cause: error });
  }
  return dbFailure('DriverError', { message: redact(message), cause: error });
}

function fromCode(error: OracleDriverError & { code: string }, context: ErrorContext): DatabaseFailure {
  const code = error.code;
  const base = { message: redact(firstLine(error.message)), originalCode: code, cause: error };
  const detail = statementDetail(error.message);
  // Thin mode folds some server codes into NJS-500; the original one is still in the text.
  const inMessage = [...error.message.matchAll(SERVER_CODE)].map((match) => match[1]!);
  switch (code) {
    case 'ORA-01017': // invalid username/password
    case 'ORA-28000': // account locked
    case 'ORA-28001': // password expired
    case 'ORA-01045': // lacks CREATE SESSION
    case 'ORA-01005': // null password
    case 'ORA-28040': // no matching authentication protocol
    case 'ORA-28273': // no mapping for user
    case 'ORA-01040': // invalid character in password
      return dbFailure('AuthenticationFailed', base);
    case 'NJS-136': // Thin mode cannot use this password verifier (10G): Thick mode only
    case 'NJS-116':
      return dbFailure('AuthenticationFailed', {
        ...base,
        publicDetail: 'The account uses a password verifier Thin mode does not support (reset its password).',
      });
    case 'ORA-00942': // table or view does not exist
    case 'ORA-04043': // object does not exist
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'table',
        name: objectName(error.message) ?? 'table or view',
        publicDetail: detail,
      });
    case 'ORA-00904': // invalid identifier (an unknown column)
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'column',
        name: objectName(error.message) ?? 'column',
        publicDetail: detail,
      });
    case 'ORA-01918': // user does not exist
    case 'ORA-01435':
      return dbFailure('ObjectNotFound', { ...base, objectType: 'schema', name: 'schema' });
    case 'ORA-00900': // invalid SQL statement
    case 'ORA-00901': // invalid CREATE command
    case 'ORA-00905': // missing keyword
    case 'ORA-00906': // missing left parenthesis
    case 'ORA-00907': // missing right parenthesis
    case 'ORA-00909': // invalid number of arguments
    case 'ORA-00911': // invalid character (a trailing semicolon, mostly)
    case 'ORA-00917': // missing comma
    case 'ORA-00918': // column ambiguously defined
    case 'ORA-00920': // invalid relational operator
    case 'ORA-00921': // unexpected end of SQL command
    case 'ORA-00923': // FROM keyword not found where expected
    case 'ORA-00924': // missing BY keyword
    case 'ORA-00928': // missing SELECT keyword
    case 'ORA-00933': // SQL command not properly ended
    case 'ORA-00936': // missing expression
    case 'ORA-00937': // not a single-group group function
    case 'ORA-00979': // not a GROUP BY expression
    case 'ORA-01756': // quoted string not properly terminated
    case 'ORA-01740': // missing double quote in identifier
    case 'ORA-03049': // SQL keyword cannot be used as an identifier (23ai)
    case 'ORA-03048':
      return dbFailure('SyntaxError', { ...base, position: position(error), publicDetail: detail });
    case 'ORA-01031': // insufficient privileges
    case 'ORA-01720': // grant option does not exist
    case 'ORA-29471': // DBMS_SQL access denied
    case 'ORA-28113': // policy predicate error (VPD)
      return dbFailure('PermissionDenied', { ...base, publicDetail: detail });
    case 'ORA-01456': // may not perform insert/delete/update inside a READ ONLY transaction
    case 'ORA-16000': // database or pluggable database open for read-only access
    case 'ORA-06519': // active autonomous transaction detected and rolled back
      return dbFailure('ReadOnlyViolation', {
        ...base,
        reason: 'the read-only transaction refused to write.',
      });
    case 'ORA-01013': // user requested cancel of current operation (connection.break())
      return dbFailure('Cancelled', base);
    case 'NJS-123': // call timeout of %d ms exceeded
    case 'DPI-1067':
    case 'DPY-4024':
      return dbFailure('Timeout', { ...base, timeoutMs: context.timeoutMs ?? callTimeoutOf(error.message) });
    case 'ORA-00054': // resource busy and acquire with NOWAIT
    case 'ORA-30006': // resource busy; WAIT timeout expired
    case 'ORA-00040': // active time limit exceeded (resource plan)
    case 'ORA-56735': // elapsed time limit exceeded (resource plan)
      return dbFailure('Timeout', { ...base, timeoutMs: context.timeoutMs ?? 0, publicDetail: detail });
    case 'ORA-01555': // snapshot too old: the read outlived undo retention
      return dbFailure('DriverError', {
        ...base,
        publicDetail: 'The query ran longer than the database keeps undo for (ORA-01555); narrow it.',
      });
    case 'ORA-01652': // unable to extend temp segment
    case 'ORA-04030': // out of process memory
    case 'ORA-04036': // PGA limit
      return dbFailure('DriverError', {
        ...base,
        publicDetail: 'The database ran out of temporary space or memory for this query.',
      });
    case 'ORA-00439': // feature not enabled
    case 'ORA-03001': // unimplemented feature
    case 'NJS-089': // unsupported data type
    case 'NJS-099':
    case 'NJS-078':
      return dbFailure('Unsupported', { ...base, feature: firstLine(error.message), publicDetail: detail });
  }
  if (TLS_CODES.has(code) || inMessage.some((c) => TLS_CODES.has(c))) {
    return dbFailure('ConnectionFailed', {
      ...base,
      publicDetail:
        'The TLS handshake with the database failed (check walletLocation and the server certificate).',
    });
  }
  if (CONNECTION_CODES.has(code) || inMessage.some((c) => CONNECTION_CODES.has(c))) {
    return dbFailure('ConnectionFailed', { ...base, publicDetail: connectionAdvice(code, inMessage) });
  }
  if (code.startsWith('ORA-')) {
    const n = Number(code.slice(4));
    // 01400–01899: data errors (invalid number, date format …); 06500s: PL/SQL errors in the caller's SQL.
    if ((n >= 1400 && n < 1900) || (n >= 6500 && n < 6600) || (n >= 1000 && n < 1100)) {
      return dbFailure('DriverError', { ...base, publicDetail: detail });
    }
  }
  return dbFailure('DriverError', base);
}

function connectionAdvice(code: string, inMessage: readonly string[]): string | undefined {
  const codes = new Set([code, ...inMessage]);
  if (codes.has('NJS-518') || codes.has('ORA-12514'))
    return 'The listener does not know this service name (check the path of the URL).';
  if (codes.has('NJS-519') || codes.has('ORA-12505'))
    return 'The listener does not know this SID (check ?sid=).';
  if (codes.has('NJS-516') || codes.has('NJS-517') || codes.has('NJS-520') || codes.has('ORA-12154'))
    return 'The TNS alias was not found (check configDir and tnsnames.ora).';
  if (codes.has('NJS-515') || codes.has('NJS-514') || codes.has('NJS-512'))
    return 'The connect string is malformed.';
  if (codes.has('ORA-00018') || codes.has('ORA-00020') || codes.has('ORA-02391') || codes.has('ORA-12516'))
    return 'The database server has no free sessions.';
  return undefined;
}

/** The server's message without the driver's help link and extra lines. */
function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function statementDetail(message: string): string {
  return redact(firstLine(message));
}

// node-oracledb gives parse errors a 0-based `offset`; core's `position` is 1-based like PostgreSQL's.
function position(error: OracleDriverError): number | undefined {
  return typeof error.offset === 'number' && error.offset >= 0 ? error.offset + 1 : undefined;
}

// ORA-00904: "CUSTOMER_IDX": invalid identifier; ORA-04043: object "X"."Y" does not exist.
function objectName(message: string): string | undefined {
  const m = /"([^"]+)"(?:\."([^"]+)")?/.exec(message);
  if (!m) return undefined;
  return m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`;
}

function callTimeoutOf(message: string): number {
  const m = /call timeout of (\d+) ms/.exec(message);
  return m ? Number(m[1]) : 0;
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
