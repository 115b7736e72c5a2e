import { dbFailure, toPublicMessage } from '@legacybridge/core';
import { describe, expect, it } from 'vitest';
import {
  isNodeSystemError,
  isPgServerError,
  redact,
  redactFailure,
  toDatabaseError,
} from '../src/postgres-errors.js';

/** A stand-in for pg's DatabaseError: what pg copies from the server's ErrorResponse. */
function pgError(code: string, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { name: 'error', severity: 'ERROR', code, ...extra });
}

/** A stand-in for a Node system error. */
function sysError(code: string, message: string) {
  return Object.assign(new Error(message), { code, errno: -1, syscall: 'connect' });
}

describe('toDatabaseError (fake driver errors)', () => {
  it.each([
    ['28P01', 'password authentication failed for user "app"', 'AuthenticationFailed'],
    ['28000', 'role "ghost" does not exist', 'AuthenticationFailed'],
    ['28000', 'no pg_hba.conf entry for host "10.0.0.1"', 'AuthenticationFailed'],
    [
      '28000',
      'no pg_hba.conf entry for host "10.0.0.1", user "app", database "db", no encryption',
      'ConnectionFailed',
    ],
    ['25006', 'cannot execute INSERT in a read-only transaction', 'ReadOnlyViolation'],
    ['42501', 'permission denied for table payroll', 'PermissionDenied'],
    ['57014', 'canceling statement due to user request', 'Cancelled'],
    ['57014', 'canceling statement due to statement timeout', 'Timeout'],
    ['53300', 'sorry, too many clients already', 'ConnectionFailed'],
    ['53300', 'too many connections for role "app"', 'ConnectionFailed'],
    ['57P01', 'terminating connection due to administrator command', 'ConnectionFailed'],
    ['57P03', 'the database system is starting up', 'ConnectionFailed'],
    ['08006', 'connection failure', 'ConnectionFailed'],
    ['08P01', 'invalid message format', 'ConnectionFailed'],
    ['0A000', 'cannot use LIMIT here', 'Unsupported'],
    ['22012', 'division by zero', 'DriverError'],
    ['40P01', 'deadlock detected', 'DriverError'],
    ['XX000', 'internal error', 'DriverError'],
  ])('SQLSTATE %s (%s) → %s', (code, message, kind) => {
    const failure = toDatabaseError(pgError(code, message), { timeoutMs: 1234 });
    expect(failure.kind).toBe(kind);
    expect(failure.originalCode).toBe(code);
    if (failure.kind === 'Timeout') expect(failure.timeoutMs).toBe(1234);
  });

  it('an unknown table is ObjectNotFound (table) with its name', () => {
    const failure = toDatabaseError(
      pgError('42P01', 'relation "custmst" does not exist', { position: '15' }),
    );
    expect(failure).toMatchObject({ kind: 'ObjectNotFound', objectType: 'table', name: 'custmst' });
  });

  it('an unknown database, schema, column and function name the object', () => {
    expect(toDatabaseError(pgError('3D000', 'database "legacy" does not exist'))).toMatchObject({
      kind: 'ObjectNotFound',
      objectType: 'database',
      name: 'legacy',
    });
    expect(toDatabaseError(pgError('3F000', 'schema "sales" does not exist'))).toMatchObject({
      objectType: 'schema',
      name: 'sales',
    });
    expect(toDatabaseError(pgError('42703', 'column c.nme does not exist'))).toMatchObject({
      objectType: 'column',
      name: 'c.nme',
    });
    expect(toDatabaseError(pgError('42703', 'column "nme" does not exist'))).toMatchObject({ name: 'nme' });
    expect(
      toDatabaseError(
        pgError('42883', 'function lowr(text) does not exist', { hint: 'No function matches.' }),
      ),
    ).toMatchObject({
      kind: 'ObjectNotFound',
      objectType: 'object',
      publicDetail: 'function lowr(text) does not exist Hint: No function matches.',
    });
  });

  it('a syntax error carries the position and the server text as public detail', () => {
    const failure = toDatabaseError(pgError('42601', 'syntax error at or near "FORM"', { position: '10' }));
    expect(failure).toMatchObject({
      kind: 'SyntaxError',
      position: 10,
      publicDetail: 'syntax error at or near "FORM"',
    });
    expect(toPublicMessage(failure)).toContain('near character 10');
    expect(toDatabaseError(pgError('42601', 'x', { position: 'junk' }))).toMatchObject({
      position: undefined,
    });
  });

  it('several statements in one string are a SyntaxError', () => {
    const failure = toDatabaseError(
      pgError('42601', 'cannot insert multiple commands into a prepared statement'),
    );
    expect(failure.kind).toBe('SyntaxError');
  });

  it('connection errors never expose server text as public detail', () => {
    for (const code of ['28P01', '57P01', '08006']) {
      expect(
        toDatabaseError(pgError(code, 'x for user "app" at host 10.1.2.3')).publicDetail,
      ).toBeUndefined();
    }
  });

  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432', 'ConnectionFailed'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND db.invalid', 'ConnectionFailed'],
    ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN db', 'ConnectionFailed'],
    ['ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:5432', 'ConnectionFailed'],
    ['ECONNRESET', 'read ECONNRESET', 'ConnectionFailed'],
    ['EPIPE', 'write EPIPE', 'ConnectionFailed'],
    ['EHOSTUNREACH', 'connect EHOSTUNREACH', 'ConnectionFailed'],
    ['EMFILE', 'too many open files', 'DriverError'],
  ])('Node error %s → %s', (code, message, kind) => {
    expect(toDatabaseError(sysError(code, message))).toMatchObject({ kind, originalCode: code });
  });

  it('EPIPE is a socket error even though it has five capital letters like a SQLSTATE', () => {
    expect(isPgServerError(sysError('EPIPE', 'write EPIPE'))).toBe(false);
    expect(isNodeSystemError(sysError('EPIPE', 'write EPIPE'))).toBe(true);
    expect(isPgServerError(pgError('42P01', 'x'))).toBe(true);
    expect(isPgServerError({ message: 'no code' })).toBe(false);
    expect(isPgServerError(null)).toBe(false);
  });

  it('TLS failures are ConnectionFailed with advice about sslmode', () => {
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'CERT_HAS_EXPIRED',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ]) {
      const failure = toDatabaseError(Object.assign(new Error('tls'), { code }));
      expect(failure).toMatchObject({ kind: 'ConnectionFailed' });
      expect(failure.publicDetail).toMatch(/sslmode/);
    }
    const hostsslOnly = toDatabaseError(
      pgError('28000', 'no pg_hba.conf entry for host "127.0.0.1", user "app", database "db", no encryption'),
    );
    expect(hostsslOnly.publicDetail).toMatch(/only TLS connections.*sslmode=require/);
    const noTls = toDatabaseError(new Error('The server does not support SSL connections'));
    expect(noTls).toMatchObject({ kind: 'ConnectionFailed', publicDetail: expect.stringMatching(/TLS/) });
  });

  it("pg's own uncoded connection errors are ConnectionFailed", () => {
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
      'Client has encountered a connection error and is not queryable',
    ]) {
      expect(toDatabaseError(new Error(message)).kind, message).toBe('ConnectionFailed');
    }
  });

  it('a missing or non-string password is AuthenticationFailed', () => {
    expect(
      toDatabaseError(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string')).kind,
    ).toBe('AuthenticationFailed');
  });

  it('anything else is a DriverError; failures pass through unchanged', () => {
    expect(toDatabaseError('boom')).toMatchObject({ kind: 'DriverError', message: 'boom' });
    expect(toDatabaseError(new TypeError('bad'))).toMatchObject({ kind: 'DriverError', message: 'bad' });
    const failure = dbFailure('Cancelled', { message: 'x' });
    expect(toDatabaseError(failure)).toBe(failure);
  });

  it('keeps the raw error as cause, for logs', () => {
    const raw = pgError('42P01', 'relation "x" does not exist');
    expect(toDatabaseError(raw).cause).toBe(raw);
  });
});

describe('redaction', () => {
  it('removes URL credentials and password= pairs from any text', () => {
    expect(redact('could not reach postgres://app:hunter22@db:5432/x')).toBe(
      'could not reach postgres://***@db:5432/x',
    );
    expect(redact("host=db password='se cret' user=x")).toBe('host=db password=*** user=x');
    expect(redact('password=hunter22 dbname=x')).toBe('password=*** dbname=x');
  });

  it('removes the configured password from message and public detail', () => {
    const failure = toDatabaseError(new Error('weird driver text with hunter22 inside'));
    const clean = redactFailure({ ...failure, publicDetail: 'echo hunter22' }, ['hunter22']);
    expect(clean.message).not.toContain('hunter22');
    expect(clean.publicDetail).toBe('echo ***');
  });
});
