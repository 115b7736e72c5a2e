import { dbFailure } from '@legacybridge/core';
import { describe, expect, it } from 'vitest';
import { hasSqliteCode, isSqliteCodedError, RUNNER_CODES, toDatabaseError } from '../src/sqlite-errors.js';

// Shaped like better-sqlite3's SqliteError and like its copy sent over IPC by the runner.
const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });
const wire = (code: string, message: string) => ({ code, message, name: 'SqliteError' });

describe('toDatabaseError', () => {
  it.each([
    ['SQLITE_READONLY', 'attempt to write a readonly database', 'ReadOnlyViolation'],
    ['SQLITE_READONLY_DBMOVED', 'attempt to write a readonly database', 'ReadOnlyViolation'],
    ['SQLITE_CANTOPEN', 'unable to open database file', 'ConnectionFailed'],
    ['SQLITE_CANTOPEN_ISDIR', 'unable to open database file', 'ConnectionFailed'],
    ['SQLITE_NOTADB', 'file is not a database', 'ConnectionFailed'],
    ['SQLITE_AUTH', 'authorization denied', 'PermissionDenied'],
    ['SQLITE_PERM', 'access permission denied', 'PermissionDenied'],
    ['SQLITE_INTERRUPT', 'interrupted', 'Cancelled'],
    ['SQLITE_BUSY', 'database is locked', 'DriverError'],
    ['SQLITE_BUSY_SNAPSHOT', 'database is locked', 'DriverError'],
    ['SQLITE_LOCKED', 'database table is locked', 'DriverError'],
    ['SQLITE_CORRUPT', 'database disk image is malformed', 'DriverError'],
    ['SQLITE_IOERR_READ', 'disk I/O error', 'DriverError'],
    [RUNNER_CODES.notAQuery, 'The statement returns no data', 'ReadOnlyViolation'],
  ])('maps %s to %s', (code, message, kind) => {
    for (const error of [sqliteError(code, message), wire(code, message)]) {
      const failure = toDatabaseError(error);
      expect(failure.kind).toBe(kind);
      expect(failure.originalCode).toBe(code);
      expect(failure.message).toBe(message);
      expect(failure.cause).toBe(error);
    }
  });

  it('keeps the file path out of public text when a file cannot be opened', () => {
    const failure = toDatabaseError(wire('SQLITE_CANTOPEN', 'unable to open database file /srv/secret/x.db'));
    expect(failure.publicDetail).toBe('The SQLite file cannot be opened.');
  });

  it('reads unknown tables and columns from SQLITE_ERROR messages', () => {
    expect(toDatabaseError(wire('SQLITE_ERROR', 'no such table: main.Orders'))).toMatchObject({
      kind: 'ObjectNotFound',
      objectType: 'table',
      name: 'Orders',
    });
    expect(toDatabaseError(wire('SQLITE_ERROR', 'no such column: o.amout'))).toMatchObject({
      kind: 'ObjectNotFound',
      objectType: 'column',
      name: 'o.amout',
    });
    expect(toDatabaseError(wire('SQLITE_ERROR', 'no such function: sleep'))).toMatchObject({
      kind: 'ObjectNotFound',
      objectType: 'object',
      name: 'sleep',
      publicDetail: 'no such function: sleep',
    });
  });

  it('turns syntax errors into SyntaxError with the engine text as public detail', () => {
    for (const message of ['near "SELEC": syntax error', 'incomplete input', 'unrecognized token: "\'abc"']) {
      const failure = toDatabaseError(wire('SQLITE_ERROR', message));
      expect(failure.kind).toBe('SyntaxError');
      expect(failure.publicDetail).toBe(message);
    }
  });

  it('strips file paths from engine text it shows', () => {
    const failure = toDatabaseError(wire('SQLITE_ERROR', 'cannot attach /var/lib/app/data.db: in use'));
    expect(failure.kind).toBe('DriverError');
    expect(failure.publicDetail).toBe('cannot attach <path>: in use');
    expect(failure.message).toContain('/var/lib/app/data.db');
  });

  it('maps authorizer and query_only refusals by message when the code is generic', () => {
    expect(toDatabaseError(wire('SQLITE_ERROR', 'not authorized')).kind).toBe('PermissionDenied');
    expect(toDatabaseError(wire('SQLITE_ERROR', 'attempt to write a readonly database')).kind).toBe(
      'ReadOnlyViolation',
    );
  });

  it('maps better-sqlite3 API errors that carry no code', () => {
    expect(toDatabaseError(new RangeError('The supplied SQL string contains no statements'))).toMatchObject({
      kind: 'InvalidInput',
      field: 'sql',
    });
    expect(
      toDatabaseError(new RangeError('The supplied SQL string contains more than one statement')),
    ).toMatchObject({ kind: 'InvalidInput', field: 'sql' });
    expect(
      toDatabaseError(new TypeError('This statement does not return data. Use run() instead')).kind,
    ).toBe('ReadOnlyViolation');
    expect(toDatabaseError('boom')).toMatchObject({ kind: 'DriverError', message: 'boom' });
    expect(toDatabaseError({ code: 42, message: 'odd' }).kind).toBe('DriverError');
  });

  it('passes an existing DatabaseFailure through unchanged', () => {
    const failure = dbFailure('Timeout', { timeoutMs: 5, message: 'x' });
    expect(toDatabaseError(failure)).toBe(failure);
  });
});

describe('structural guards', () => {
  it('recognise coded errors and extended codes', () => {
    expect(isSqliteCodedError(wire('SQLITE_ERROR', 'x'))).toBe(true);
    expect(isSqliteCodedError({ code: 'SQLITE_ERROR' })).toBe(false);
    expect(isSqliteCodedError(null)).toBe(false);
    expect(hasSqliteCode(wire('SQLITE_IOERR_SHORT_READ', 'x'), 'SQLITE_IOERR')).toBe(true);
    expect(hasSqliteCode(wire('SQLITE_IOERRX', 'x'), 'SQLITE_IOERR')).toBe(false);
  });
});
