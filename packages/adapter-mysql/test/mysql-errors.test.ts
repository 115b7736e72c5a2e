import { dbFailure, toPublicMessage } from '@legacybridge/core';
import { describe, expect, it } from 'vitest';
import { isMysqlDriverError, scrub, syntaxPosition, toDatabaseError } from '../src/mysql-errors.js';

/** A fake mysql2 server error, shaped like what mysql2 builds from an ERR packet. */
const serverError = (errno: number, code: string, sqlState: string, sqlMessage: string) =>
  Object.assign(new Error(sqlMessage), { errno, code, sqlState, sqlMessage });

/** A fake socket / protocol error: only a Node code. */
const netError = (code: string, message = `connect ${code} 127.0.0.1:1`, fatal = true) =>
  Object.assign(new Error(message), { code, fatal });

describe('toDatabaseError (fake mysql2 errors)', () => {
  it.each([
    [
      1045,
      'ER_ACCESS_DENIED_ERROR',
      '28000',
      "Access denied for user 'app'@'10.0.0.1' (using password: YES)",
      'AuthenticationFailed',
    ],
    [
      1698,
      'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
      '28000',
      "Access denied for user 'app'@'localhost'",
      'AuthenticationFailed',
    ],
    [1049, 'ER_BAD_DB_ERROR', '42000', "Unknown database 'nope'", 'ObjectNotFound'],
    [1146, 'ER_NO_SUCH_TABLE', '42S02', "Table 'shop.nope' doesn't exist", 'ObjectNotFound'],
    [1054, 'ER_BAD_FIELD_ERROR', '42S22', "Unknown column 'x' in 'field list'", 'ObjectNotFound'],
    [
      1064,
      'ER_PARSE_ERROR',
      '42000',
      "You have an error in your SQL syntax; near 'FROMM t' at line 1",
      'SyntaxError',
    ],
    [1317, 'ER_QUERY_INTERRUPTED', '70100', 'Query execution was interrupted', 'Cancelled'],
    [
      3024,
      'ER_QUERY_TIMEOUT',
      'HY000',
      'Query execution was interrupted, maximum statement execution time exceeded',
      'Timeout',
    ],
    [
      1969,
      'ER_STATEMENT_TIMEOUT',
      '70100',
      'Query execution was interrupted (max_statement_time exceeded)',
      'Timeout',
    ],
    [
      1205,
      'ER_LOCK_WAIT_TIMEOUT',
      'HY000',
      'Lock wait timeout exceeded; try restarting transaction',
      'Timeout',
    ],
    [1040, 'ER_CON_COUNT_ERROR', '08004', 'Too many connections', 'ConnectionFailed'],
    [
      1203,
      'ER_TOO_MANY_USER_CONNECTIONS',
      '42000',
      "User app already has more than 'max_user_connections' active connections",
      'ConnectionFailed',
    ],
    [
      1226,
      'ER_USER_LIMIT_REACHED',
      '42000',
      "User 'app' has exceeded the 'max_user_connections' resource (current value: 1)",
      'ConnectionFailed',
    ],
    [1053, 'ER_SERVER_SHUTDOWN', '08S01', 'Server shutdown in progress', 'ConnectionFailed'],
    [1927, 'ER_CONNECTION_KILLED', '70100', 'Connection was killed', 'ConnectionFailed'],
    [
      1142,
      'ER_TABLEACCESS_DENIED_ERROR',
      '42000',
      "SELECT command denied to user 'ro'@'localhost' for table 'secret'",
      'PermissionDenied',
    ],
    [
      1143,
      'ER_COLUMNACCESS_DENIED_ERROR',
      '42000',
      "SELECT command denied to user 'ro'@'localhost' for column 'pw' in table 'users'",
      'PermissionDenied',
    ],
    [
      1044,
      'ER_DBACCESS_DENIED_ERROR',
      '42000',
      "Access denied for user 'ro'@'%' to database 'hr'",
      'PermissionDenied',
    ],
    [
      1227,
      'ER_SPECIFIC_ACCESS_DENIED_ERROR',
      '42000',
      'Access denied; you need (at least one of) the SUPER privilege(s)',
      'PermissionDenied',
    ],
    [
      1792,
      'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
      '25006',
      'Cannot execute statement in a READ ONLY transaction',
      'ReadOnlyViolation',
    ],
    [
      1290,
      'ER_OPTION_PREVENTS_STATEMENT',
      'HY000',
      'The MariaDB server is running with the --read-only option so it cannot execute this statement',
      'ReadOnlyViolation',
    ],
    [1213, 'ER_LOCK_DEADLOCK', '40001', 'Deadlock found when trying to get lock', 'DriverError'],
  ])('errno %i (%s) → %s', (errno, code, state, message, kind) => {
    const failure = toDatabaseError(serverError(errno, code, state, message), { timeoutMs: 5000 });
    expect(failure.kind).toBe(kind);
    expect(failure.originalCode).toBe(String(errno));
    expect(failure.cause).toBeDefined();
  });

  it.each([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ETIMEDOUT',
    'ECONNRESET',
    'EPIPE',
    'EHOSTUNREACH',
    'PROTOCOL_CONNECTION_LOST',
    'PROTOCOL_SEQUENCE_TIMEOUT',
    'HANDSHAKE_SSL_ERROR',
    'HANDSHAKE_NO_SSL_SUPPORT',
  ])('network code %s → ConnectionFailed', (code) => {
    const failure = toDatabaseError(netError(code));
    expect(failure.kind).toBe('ConnectionFailed');
    expect(failure.originalCode).toBe(code);
  });

  it.each(['HANDSHAKE_SSL_ERROR', 'HANDSHAKE_NO_SSL_SUPPORT', 'SELF_SIGNED_CERT_IN_CHAIN'])(
    'TLS code %s says what to check instead of "try again"',
    (code) => {
      expect(toDatabaseError(netError(code)).publicDetail).toMatch(/TLS handshake.*ssl_ca/);
    },
  );

  it('names what it can: the table, the column, the database, and the timeout in force', () => {
    expect(
      toDatabaseError(serverError(1146, 'ER_NO_SUCH_TABLE', '42S02', "Table 'shop.orderz' doesn't exist")),
    ).toMatchObject({
      kind: 'ObjectNotFound',
      objectType: 'table',
      name: 'orderz',
    });
    expect(
      toDatabaseError(
        serverError(1054, 'ER_BAD_FIELD_ERROR', '42S22', "Unknown column 'qty' in 'field list'"),
      ),
    ).toMatchObject({
      objectType: 'column',
      name: 'qty',
    });
    expect(
      toDatabaseError(serverError(1049, 'ER_BAD_DB_ERROR', '42000', "Unknown database 'nope'")),
    ).toMatchObject({
      objectType: 'database',
      name: 'nope',
    });
    expect(
      toDatabaseError(serverError(1969, 'ER_STATEMENT_TIMEOUT', '70100', 'x'), { timeoutMs: 1234 }),
    ).toMatchObject({
      kind: 'Timeout',
      timeoutMs: 1234,
    });
  });

  it('turns the server’s near-quote into a 1-based position and keeps only that in publicDetail', () => {
    const sql = 'SELECT a,\n  b FROMM t WHERE x = 1';
    const message =
      "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'FROMM t WHERE x = 1' at line 2";
    const failure = toDatabaseError(serverError(1064, 'ER_PARSE_ERROR', '42000', message), { sql });
    expect(failure).toMatchObject({ kind: 'SyntaxError', position: sql.indexOf('FROMM') + 1 });
    expect(failure.publicDetail).toBe("MySQL reports the error near 'FROMM t WHERE x = 1' at line 2.");
    expect(failure.publicDetail).not.toMatch(/manual/);
  });

  it("positions an error at the end of the statement for near ''", () => {
    expect(syntaxPosition("... to use near '' at line 1", 'SELECT 1 +')).toBe('SELECT 1 +'.length + 1);
    expect(syntaxPosition("... near 'zzz' at line 1", 'SELECT 1')).toBeUndefined();
    expect(syntaxPosition('no near text', 'SELECT 1')).toBeUndefined();
  });

  it('strips user and host from a permission message before showing it', () => {
    const failure = toDatabaseError(
      serverError(
        1142,
        'ER_TABLEACCESS_DENIED_ERROR',
        '42000',
        "SELECT command denied to user 'ro'@'10.1.2.3' for table 'secret'",
      ),
    );
    expect(failure.publicDetail).toBe("SELECT command denied for table 'secret'");
  });

  it('says "too many connections" publicly for 1040 without the server text', () => {
    const failure = toDatabaseError(serverError(1040, 'ER_CON_COUNT_ERROR', '08004', 'Too many connections'));
    expect(toPublicMessage(failure)).toMatch(/too many connections/i);
  });

  it('treats mysql2’s code-less fatal errors on a closed connection as ConnectionFailed', () => {
    const closed = Object.assign(new Error("Can't add new command when connection is in closed state"), {
      fatal: true,
    });
    expect(toDatabaseError(closed).kind).toBe('ConnectionFailed');
    const write = new Error("Can't write in closed state");
    expect(toDatabaseError(write).kind).toBe('ConnectionFailed');
  });

  it('falls back on SQLSTATE classes for errno it does not know', () => {
    expect(toDatabaseError(serverError(9999, 'X', '08S01', 'link down')).kind).toBe('ConnectionFailed');
    expect(toDatabaseError(serverError(9998, 'X', '28000', 'who are you')).kind).toBe('AuthenticationFailed');
    expect(toDatabaseError(serverError(9997, 'X', '25006', 'ro')).kind).toBe('ReadOnlyViolation');
    expect(toDatabaseError(serverError(9996, 'X', 'HY000', 'odd')).kind).toBe('DriverError');
  });

  it('passes DatabaseFailures through and wraps anything else as DriverError', () => {
    const cancelled = dbFailure('Cancelled', { message: 'stop' });
    expect(toDatabaseError(cancelled)).toBe(cancelled);
    expect(toDatabaseError('boom')).toMatchObject({ kind: 'DriverError', message: 'boom' });
    expect(toDatabaseError(new TypeError('x is not a function')).kind).toBe('DriverError');
    expect(isMysqlDriverError({ message: 'm' })).toBe(false);
    expect(isMysqlDriverError({ message: 'm', errno: 1 })).toBe(true);
  });

  it('never leaves a password or URL credentials in a message', () => {
    const leaky = netError('ECONNREFUSED', 'failed for mysql://app:s3cr3t-pw@db:3306/shop with s3cr3t-pw');
    const failure = toDatabaseError(leaky, { secrets: ['s3cr3t-pw'] });
    expect(failure.message).not.toContain('s3cr3t-pw');
    expect(failure.message).toContain('mysql://***@db:3306/shop');
    expect(scrub('postgres://u:p@h/x and mariadb://a@b/c')).toBe('postgres://***@h/x and mariadb://***@b/c');
  });

  it('keeps user and host of an authentication failure out of the public message', () => {
    const auth = toDatabaseError(
      serverError(
        1045,
        'ER_ACCESS_DENIED_ERROR',
        '28000',
        "Access denied for user 'app'@'10.0.0.1' (using password: YES)",
      ),
    );
    expect(auth.publicDetail).toBeUndefined();
    expect(toPublicMessage(auth)).not.toMatch(/app|10\.0\.0\.1/);
  });
});
