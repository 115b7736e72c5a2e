import { describe, expect, it } from 'vitest';
import {
  DATABASE_FAILURE_KINDS,
  type DatabaseFailure,
  type DatabaseFailureKind,
  dbFailure,
  isDatabaseFailure,
  redactCredentials,
  redactFailure,
  toPublicMessage,
} from '../src/errors.js';

const SECRET_MESSAGE = 'FATAL at db.internal:5432 user=admin password=hunter2 SECRET-MESSAGE';
const SECRET_CAUSE = new Error('connect postgres://admin:s3cr3t@db.internal/prod SECRET-CAUSE');
const base = { message: SECRET_MESSAGE, cause: SECRET_CAUSE };

// A Record, so a new kind fails to compile here until it has a sample.
const SAMPLES: Record<DatabaseFailureKind, DatabaseFailure> = {
  ConnectionFailed: dbFailure('ConnectionFailed', base),
  AuthenticationFailed: dbFailure('AuthenticationFailed', base),
  Timeout: dbFailure('Timeout', { ...base, timeoutMs: 30_000 }),
  Cancelled: dbFailure('Cancelled', base),
  PoolExhausted: dbFailure('PoolExhausted', { ...base, waitedMs: 1500 }),
  PermissionDenied: dbFailure('PermissionDenied', base),
  ObjectNotFound: dbFailure('ObjectNotFound', { ...base, objectType: 'table', name: 'CUSTMSTR' }),
  SyntaxError: dbFailure('SyntaxError', { ...base, position: 7 }),
  ReadOnlyViolation: dbFailure('ReadOnlyViolation', { ...base, reason: 'DELETE changes data.' }),
  LimitExceeded: dbFailure('LimitExceeded', { ...base, limit: 'sqlLength', max: 100_000 }),
  InvalidInput: dbFailure('InvalidInput', { ...base, field: 'cursor', reason: 'it is not a cursor.' }),
  Unsupported: dbFailure('Unsupported', { ...base, feature: 'explain_query' }),
  DriverError: dbFailure('DriverError', { ...base, originalCode: 'XX000' }),
};

describe('toPublicMessage', () => {
  it.each(DATABASE_FAILURE_KINDS)('%s: never shows message or cause text', (kind) => {
    const failure = SAMPLES[kind];
    expect(failure.kind).toBe(kind);
    const text = toPublicMessage(failure);
    expect(text.length).toBeGreaterThan(10);
    for (const secret of ['hunter2', 's3cr3t', 'db.internal', 'SECRET-MESSAGE', 'SECRET-CAUSE', 'admin']) {
      expect(text).not.toContain(secret);
    }
  });

  it('covers exactly the kinds in DATABASE_FAILURE_KINDS', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...DATABASE_FAILURE_KINDS].sort());
  });

  it('adds publicDetail where a detail helps, and not for credentials problems', () => {
    const detail = 'Unknown column "CUSTNAM".';
    for (const kind of [
      'ConnectionFailed',
      'PermissionDenied',
      'ObjectNotFound',
      'SyntaxError',
      'DriverError',
    ] as const) {
      expect(toPublicMessage({ ...SAMPLES[kind], publicDetail: detail }), kind).toContain(detail);
    }
    expect(toPublicMessage({ ...SAMPLES.AuthenticationFailed, publicDetail: 'user admin' })).not.toContain(
      'admin',
    );
  });

  it('says what to do: seconds, suggestions, position, reason, field, limit', () => {
    expect(toPublicMessage(SAMPLES.Timeout)).toContain('30 s');
    expect(toPublicMessage(SAMPLES.PoolExhausted)).toContain('1.5 s');
    const notFound = dbFailure('ObjectNotFound', {
      message: 'x',
      objectType: 'table',
      name: 'CUSTMSTR',
      suggestions: ['CUSTMST', 'CUSTADR'],
    });
    expect(toPublicMessage(notFound)).toBe(
      'No table named "CUSTMSTR" exists. Did you mean: CUSTMST, CUSTADR?',
    );
    expect(toPublicMessage(SAMPLES.SyntaxError)).toContain('near character 7');
    expect(toPublicMessage(SAMPLES.ReadOnlyViolation)).toContain('DELETE changes data.');
    expect(toPublicMessage(SAMPLES.InvalidInput)).toBe('Invalid cursor: it is not a cursor.');
    expect(toPublicMessage(SAMPLES.LimitExceeded)).toContain('100000-character limit');
    expect(toPublicMessage(SAMPLES.DriverError)).toContain('(XX000)');
  });
});

describe('isDatabaseFailure', () => {
  it('recognises every kind and rejects look-alikes', () => {
    for (const kind of DATABASE_FAILURE_KINDS) expect(isDatabaseFailure(SAMPLES[kind])).toBe(true);
    expect(isDatabaseFailure({ kind: 'Oops', message: 'x' })).toBe(false);
    expect(isDatabaseFailure({ kind: 'Timeout' })).toBe(false);
    expect(isDatabaseFailure(new Error('Timeout'))).toBe(false);
    expect(isDatabaseFailure(null)).toBe(false);
    expect(isDatabaseFailure('Timeout')).toBe(false);
  });
});

describe('redactCredentials', () => {
  it.each([
    ['postgres://app:s3cr3t@db:5432/erp failed', 'postgres://***@db:5432/erp failed'],
    ["host=db password='s3 cr3t' dbname=erp", 'host=db password=*** dbname=erp'],
    ['Server=db;User Id=sa;Pwd={s3;cr3t};Database=erp', 'Server=db;User Id=sa;Pwd=***;Database=erp'],
    ['(DESCRIPTION=(wallet_password=s3cr3t)(HOST=db))', '(DESCRIPTION=(wallet_password=***)(HOST=db))'],
    ['AccessToken=eyJabc.def;Encrypt=true', 'AccessToken=***;Encrypt=true'],
    ['passwd = hunter2 and more', 'passwd = *** and more'],
  ])('%s', (input, expected) => {
    expect(redactCredentials(input)).toBe(expected);
  });

  it('removes the configured secrets anywhere, but not secrets shorter than 3 characters', () => {
    expect(redactCredentials('login failed for token abc123 (abc123)', ['abc123'])).toBe(
      'login failed for token *** (***)',
    );
    expect(redactCredentials('a b', ['a'])).toBe('a b');
  });

  it('redactFailure cleans message and public detail, keeps the kind and the cause', () => {
    const cause = new Error('x');
    const failure = redactFailure(
      dbFailure('DriverError', { message: 'pw hunter22 here', publicDetail: 'hunter22', cause }),
      ['hunter22'],
    );
    expect(failure).toMatchObject({ kind: 'DriverError', message: 'pw *** here', publicDetail: '***' });
    expect(failure.cause).toBe(cause);
  });
});
