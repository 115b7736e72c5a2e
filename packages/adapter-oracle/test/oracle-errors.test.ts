import { dbFailure } from '@legacybridge/core';
import { describe, expect, it } from 'vitest';
import { redact, redactFailure, toDatabaseError } from '../src/oracle-errors.js';
import { oraError } from './fake-oracle.js';

// Messages as node-oracledb 6.x/26.x Thin mode words them (the trailing Help: line included).
const help = (n: string) => `\nHelp: https://docs.oracle.com/error-help/db/ora-${n}/`;

describe('toDatabaseError', () => {
  it.each([
    ['ORA-01017', 'ORA-01017: invalid credential or not authorized; logon denied', 'AuthenticationFailed'],
    ['ORA-28000', 'ORA-28000: The account is locked.', 'AuthenticationFailed'],
    ['ORA-28001', 'ORA-28001: the password has expired', 'AuthenticationFailed'],
    [
      'ORA-01045',
      'ORA-01045: Login denied. User READER does not have CREATE SESSION privilege.',
      'AuthenticationFailed',
    ],
    [
      'NJS-116',
      'NJS-116: password verifier type 0x939 is not supported by node-oracledb in Thin mode',
      'AuthenticationFailed',
    ],
    ['ORA-00942', 'ORA-00942: table or view "APP"."NO_SUCH_TABLE" does not exist', 'ObjectNotFound'],
    ['ORA-04043', 'ORA-04043: object "APP"."X" does not exist', 'ObjectNotFound'],
    ['ORA-00904', 'ORA-00904: "CUSTOMER_IDX": invalid identifier', 'ObjectNotFound'],
    ['ORA-00900', 'ORA-00900: invalid SQL statement', 'SyntaxError'],
    ['ORA-00933', 'ORA-00933: SQL command not properly ended', 'SyntaxError'],
    ['ORA-00936', 'ORA-00936: missing expression', 'SyntaxError'],
    ['ORA-00923', 'ORA-00923: FROM keyword not found where expected', 'SyntaxError'],
    ['ORA-00911', 'ORA-00911: ;: invalid character after SELECT 1 FROM dual', 'SyntaxError'],
    ['ORA-00907', 'ORA-00907: missing right parenthesis', 'SyntaxError'],
    ['ORA-01756', 'ORA-01756: quoted string not properly terminated', 'SyntaxError'],
    ['ORA-01031', 'ORA-01031: insufficient privileges', 'PermissionDenied'],
    [
      'ORA-01456',
      'ORA-01456: may not perform insert, delete, update operation inside a READ ONLY transaction',
      'ReadOnlyViolation',
    ],
    ['ORA-16000', 'ORA-16000: database or pluggable database open for read-only access', 'ReadOnlyViolation'],
    ['ORA-01013', 'ORA-01013: User requested cancel of current operation.', 'Cancelled'],
    ['NJS-123', 'NJS-123: call timeout of 1250 ms exceeded', 'Timeout'],
    ['DPI-1067', 'DPI-1067: call timeout of 1250 ms exceeded with ORA-3156', 'Timeout'],
    ['DPY-4024', 'DPY-4024: call timeout of 1250 ms exceeded', 'Timeout'],
    ['ORA-00054', 'ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired', 'Timeout'],
    ['NJS-500', 'NJS-500: connection to Oracle Database was closed or broken', 'ConnectionFailed'],
    ['NJS-501', 'NJS-501: connection to host h port 1521 terminated unexpectedly.', 'ConnectionFailed'],
    [
      'NJS-503',
      'NJS-503: connection to host 127.0.0.1 port 1 could not be established.\nconnect ECONNREFUSED',
      'ConnectionFailed',
    ],
    [
      'NJS-510',
      'NJS-510: connection to host h port 1521 timed out. Request exceeded "connectTimeout" of 5 seconds.',
      'ConnectionFailed',
    ],
    [
      'NJS-511',
      'NJS-511: connection to listener at host h port 1521 was refused.\nCause: ORA-12514',
      'ConnectionFailed',
    ],
    [
      'NJS-517',
      'NJS-517: cannot connect to Oracle Database. Unable to find "prod" in "/etc/tns/tnsnames.ora"',
      'ConnectionFailed',
    ],
    [
      'NJS-518',
      'NJS-518: cannot connect to Oracle Database. Service "X" is not registered with the listener',
      'ConnectionFailed',
    ],
    [
      'NJS-519',
      'NJS-519: cannot connect to Oracle Database. SID "X" is not registered with the listener',
      'ConnectionFailed',
    ],
    [
      'NJS-530',
      'NJS-530: The host addresses or URLs provided by the connect string are incorrect or unresolvable',
      'ConnectionFailed',
    ],
    ['DPY-6005', 'DPY-6005: cannot connect to database.', 'ConnectionFailed'],
    ['ORA-12541', 'ORA-12541: Cannot connect. No listener at host h port 1521.', 'ConnectionFailed'],
    [
      'ORA-12514',
      'ORA-12514: Cannot connect to database. Service X is not registered with the listener',
      'ConnectionFailed',
    ],
    ['ORA-03113', 'ORA-03113: end-of-file on communication channel', 'ConnectionFailed'],
    ['ORA-01033', 'ORA-01033: ORACLE initialization or shutdown in progress', 'ConnectionFailed'],
    ['ORA-00020', 'ORA-00020: maximum number of processes (300) exceeded', 'ConnectionFailed'],
    [
      'NJS-506',
      'NJS-506: connection to host h port 2484 encountered TLS handshake failure.',
      'ConnectionFailed',
    ],
    [
      'NJS-507',
      'NJS-507: TLS detected an invalid certificate. Server DN in certificate does not match',
      'ConnectionFailed',
    ],
    ['ORA-00439', 'ORA-00439: feature not enabled: Partitioning', 'Unsupported'],
    ['ORA-01722', 'ORA-01722: unable to convert string value containing "x" to a number', 'DriverError'],
    [
      'ORA-01555',
      'ORA-01555: snapshot too old: rollback segment number 1 with name "X" too small',
      'DriverError',
    ],
    ['ORA-99999', 'ORA-99999: something new', 'DriverError'],
  ])('%s → %s', (code, message, kind) => {
    const failure = toDatabaseError(oraError(code, message + help(code.slice(4))));
    expect(failure.kind).toBe(kind);
    expect(failure.originalCode).toBe(code);
    // The help link and the driver's extra lines stay in `cause`, out of the message.
    expect(failure.message).not.toContain('Help:');
  });

  it('gives syntax errors a 1-based position from the driver offset', () => {
    const failure = toDatabaseError(
      oraError('ORA-00923', 'ORA-00923: FROM keyword not found where expected', { offset: 9 }),
    );
    expect(failure).toMatchObject({ kind: 'SyntaxError', position: 10 });
  });

  it('names the missing object and column from the message', () => {
    expect(
      toDatabaseError(oraError('ORA-00942', 'ORA-00942: table or view "APP"."ORDERZ" does not exist')),
    ).toMatchObject({
      objectType: 'table',
      name: 'APP.ORDERZ',
    });
    expect(toDatabaseError(oraError('ORA-00904', 'ORA-00904: "NAMEZ": invalid identifier'))).toMatchObject({
      objectType: 'column',
      name: 'NAMEZ',
    });
    // Before 23ai the message had no name.
    expect(toDatabaseError(oraError('ORA-00942', 'ORA-00942: table or view does not exist'))).toMatchObject({
      name: 'table or view',
    });
  });

  it('reads the server code Thin mode folded into NJS-500', () => {
    const failure = toDatabaseError(
      oraError(
        'NJS-500',
        'NJS-500: connection to Oracle Database was closed or broken\nORA-03113: end-of-file on communication channel',
      ),
    );
    expect(failure.kind).toBe('ConnectionFailed');
  });

  it('explains the listener answers it can explain, without naming the host', () => {
    const failure = toDatabaseError(
      oraError(
        'NJS-518',
        'NJS-518: cannot connect to Oracle Database. Service "X" is not registered with the listener at host secret.example port 1521.',
      ),
    );
    expect(failure.publicDetail).toMatch(/service name/);
    expect(failure.publicDetail).not.toContain('secret.example');
  });

  it('keeps a call timeout as Timeout with the query timeout when known', () => {
    expect(
      toDatabaseError(oraError('NJS-123', 'NJS-123: call timeout of 1250 ms exceeded'), { timeoutMs: 1000 }),
    ).toMatchObject({
      kind: 'Timeout',
      timeoutMs: 1000,
    });
    expect(toDatabaseError(oraError('NJS-123', 'NJS-123: call timeout of 1250 ms exceeded'))).toMatchObject({
      timeoutMs: 1250,
    });
  });

  it('maps raw socket errors and unknown throwables', () => {
    expect(
      toDatabaseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))
        .kind,
    ).toBe('ConnectionFailed');
    expect(toDatabaseError(new Error('boom')).kind).toBe('DriverError');
    expect(toDatabaseError('weird').kind).toBe('DriverError');
  });

  it('passes DatabaseFailures through unchanged', () => {
    const failure = dbFailure('Cancelled', { message: 'x' });
    expect(toDatabaseError(failure)).toBe(failure);
  });
});

describe('redaction', () => {
  it('removes URL credentials, PASSWORD= pairs and configured secrets', () => {
    expect(redact('oracle://scott:tiger@h/S failed')).toBe('oracle://***@h/S failed');
    expect(redact('(DESCRIPTION=(PASSWORD=tiger)(WALLET_PASSWORD=w))')).toBe(
      '(DESCRIPTION=(PASSWORD=***)(WALLET_PASSWORD=***))',
    );
    expect(redact('logon for tiger99 denied', ['tiger99'])).toBe('logon for *** denied');
  });

  it('redacts message and publicDetail of a failure, not its cause', () => {
    const cause = new Error('hunter2');
    const failure = redactFailure(
      dbFailure('DriverError', { message: 'hunter2 leaked', publicDetail: 'also hunter2', cause }),
      ['hunter2'],
    );
    expect(failure).toMatchObject({ message: '*** leaked', publicDetail: 'also ***', cause });
  });
});
