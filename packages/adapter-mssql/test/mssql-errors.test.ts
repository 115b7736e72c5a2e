import { DATABASE_FAILURE_KINDS, dbFailure } from '@legacybridge/core';
import { describe, expect, it } from 'vitest';
import { redact, redactFailure, reusableAfter, toDatabaseError } from '../src/mssql-errors.js';

/** What mssql throws for a server error: a RequestError carrying the server's number and class. */
function requestError(number: number, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), {
    name: 'RequestError',
    code: 'EREQUEST',
    number,
    class: 16,
    state: 1,
    lineNumber: 1,
    ...extra,
  });
}

function connectionError(code: string, message: string, originalError?: unknown) {
  return Object.assign(new Error(message), { name: 'ConnectionError', code, originalError });
}

describe('toDatabaseError: SQL Server error numbers', () => {
  const cases: [number, string, string, Record<string, unknown>?][] = [
    [18456, "Login failed for user 'reader'.", 'AuthenticationFailed'],
    [18452, 'Login failed. The login is from an untrusted domain.', 'AuthenticationFailed'],
    [18486, "Login failed for user 'x' because the account is currently locked out.", 'AuthenticationFailed'],
    [
      18487,
      "Login failed for user 'x'. Reason: The password of the account has expired.",
      'AuthenticationFailed',
    ],
    [
      18488,
      "Login failed for user 'x'. Reason: The password of the account must be changed.",
      'AuthenticationFailed',
    ],
    [
      4060,
      'Cannot open database "Sales" requested by the login. The login failed.',
      'ObjectNotFound',
      { objectType: 'database', name: 'Sales' },
    ],
    [
      208,
      "Invalid object name 'dbo.no_such_table'.",
      'ObjectNotFound',
      { objectType: 'table', name: 'dbo.no_such_table' },
    ],
    [207, "Invalid column name 'nope'.", 'ObjectNotFound', { objectType: 'column', name: 'nope' }],
    [
      4104,
      'The multi-part identifier "c.nope" could not be bound.',
      'ObjectNotFound',
      { objectType: 'column', name: 'c.nope' },
    ],
    [
      2760,
      "The specified schema name 'etl' either does not exist or you do not have permission to use it.",
      'ObjectNotFound',
      { objectType: 'schema', name: 'etl' },
    ],
    [
      2812,
      "Could not find stored procedure 'sp_nope'.",
      'ObjectNotFound',
      { objectType: 'object', name: 'sp_nope' },
    ],
    [195, "'NOPE' is not a recognized built-in function name.", 'ObjectNotFound', { objectType: 'object' }],
    [102, "Incorrect syntax near 'customer_id'.", 'SyntaxError'],
    [156, "Incorrect syntax near the keyword 'FROM'.", 'SyntaxError'],
    [105, "Unclosed quotation mark after the character string 'abc'.", 'SyntaxError'],
    [319, "Incorrect syntax near the keyword 'with'.", 'SyntaxError'],
    [
      229,
      "The SELECT permission was denied on the object 'salaries', database 'hr', schema 'dbo'.",
      'PermissionDenied',
    ],
    [230, "The SELECT permission was denied on the column 'ssn' of the object 'people'.", 'PermissionDenied'],
    [262, "CREATE TABLE permission denied in database 'hr'.", 'PermissionDenied'],
    [
      300,
      "VIEW SERVER STATE permission was denied on object 'server', database 'master'.",
      'PermissionDenied',
    ],
    [3906, 'Failed to update database "hr" because the database is read-only.', 'ReadOnlyViolation'],
    [1222, 'Lock request time out period exceeded.', 'Timeout', { timeoutMs: 5000 }],
    [
      1205,
      'Transaction (Process ID 52) was deadlocked on lock resources with another process.',
      'DriverError',
    ],
    [
      976,
      'The target database is in an availability group and is currently accessible for connections when the application intent is set to read only.',
      'ConnectionFailed',
    ],
    [40613, 'Database on server is not currently available.', 'ConnectionFailed'],
    [
      17809,
      'Could not connect because the maximum number of user connections has already been reached.',
      'ConnectionFailed',
    ],
    [8134, 'Divide by zero error encountered.', 'DriverError'],
  ];
  for (const [number, message, kind, fields] of cases) {
    it(`${number} → ${kind}`, () => {
      const failure = toDatabaseError(requestError(number, message), { timeoutMs: 5000 });
      expect(failure.kind).toBe(kind);
      expect(failure.originalCode).toBe(String(number));
      if (fields) expect(failure).toMatchObject(fields);
    });
  }

  it('shows statement errors to the caller, with the line when it is not the first', () => {
    const failure = toDatabaseError(requestError(102, "Incorrect syntax near 'FORM'.", { lineNumber: 3 }));
    expect(failure.publicDetail).toBe("Incorrect syntax near 'FORM'. (line 3)");
    expect(toDatabaseError(requestError(8134, 'Divide by zero error encountered.')).publicDetail).toBe(
      'Divide by zero error encountered.',
    );
  });

  it('never shows login failures to the caller', () => {
    expect(toDatabaseError(requestError(18456, "Login failed for user 'sa'.")).publicDetail).toBeUndefined();
  });

  it('reports the error behind 3621 "The statement has been terminated"', () => {
    const first = requestError(547, 'The INSERT statement conflicted with the FOREIGN KEY constraint.');
    const error = requestError(3621, 'The statement has been terminated.', {
      class: 0,
      precedingErrors: [requestError(208, "Invalid object name 'x'."), first],
    });
    expect(toDatabaseError(error)).toMatchObject({ kind: 'ObjectNotFound', originalCode: '208' });
    expect(toDatabaseError(requestError(3621, 'The statement has been terminated.', { class: 0 })).kind).toBe(
      'DriverError',
    );
  });

  it('treats severity 20+ as a lost connection whatever the number', () => {
    expect(toDatabaseError(requestError(50000, 'fatal', { class: 20 })).kind).toBe('ConnectionFailed');
  });

  it('reads the number of a login failure wrapped in a ConnectionError', () => {
    const inner = Object.assign(new Error("Login failed for user 'sa'."), { code: 'ELOGIN', number: 18456 });
    expect(toDatabaseError(connectionError('ELOGIN', "Login failed for user 'sa'.", inner))).toMatchObject({
      kind: 'AuthenticationFailed',
      originalCode: '18456',
    });
  });
});

describe('toDatabaseError: every other mapped number', () => {
  const kinds: Record<string, number[]> = {
    AuthenticationFailed: [18470, 18463],
    ObjectNotFound: [911, 4121, 15151],
    SyntaxError: [170, 1038, 8180],
    PermissionDenied: [297, 916, 15247, 1088],
    ReadOnlyViolation: [3908],
    ConnectionFailed: [
      978, 40197, 40501, 49918, 49919, 49920, 10928, 10929, 17142, 233, 10053, 10054, 10060, 6005,
    ],
  };
  for (const [kind, numbers] of Object.entries(kinds)) {
    for (const number of numbers) {
      it(`${number} → ${kind}`, () => {
        expect(toDatabaseError(requestError(number, `server error ${number} 'x'`)).kind).toBe(kind);
      });
    }
  }
});

describe('toDatabaseError: mssql and socket codes', () => {
  it('ELOGIN without a number is an authentication failure', () => {
    expect(toDatabaseError(connectionError('ELOGIN', 'Login failed.')).kind).toBe('AuthenticationFailed');
  });

  it('ETIMEOUT: a connection timeout is ConnectionFailed, a request timeout is Timeout', () => {
    expect(
      toDatabaseError(connectionError('ETIMEOUT', 'Failed to connect to 10.0.0.1:1433 in 5000ms')).kind,
    ).toBe('ConnectionFailed');
    const request = Object.assign(new Error('Timeout: Request failed to complete in 1000ms'), {
      name: 'RequestError',
      code: 'ETIMEOUT',
    });
    expect(toDatabaseError(request, { timeoutMs: 1000 })).toMatchObject({ kind: 'Timeout', timeoutMs: 1000 });
  });

  it('ESOCKET and refused connections are ConnectionFailed', () => {
    expect(
      toDatabaseError(
        connectionError('ESOCKET', 'Failed to connect to 127.0.0.1:1 - connect ECONNREFUSED 127.0.0.1:1'),
      ).kind,
    ).toBe('ConnectionFailed');
    for (const code of [
      'ECONNCLOSED',
      'ENOTOPEN',
      'ENOCONN',
      'ECONNREFUSED',
      'ECONNRESET',
      'ENOTFOUND',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'EAI_AGAIN',
      'EPIPE',
      'EALREADYCONNECTED',
      'EALREADYCONNECTING',
      'EINVALIDSTATE',
    ]) {
      expect(toDatabaseError(connectionError(code, 'x')).kind, code).toBe('ConnectionFailed');
    }
  });

  it('a TLS failure says which URL settings to check', () => {
    const failure = toDatabaseError(
      connectionError(
        'ESOCKET',
        'Failed to connect to db:1433 - self-signed certificate in certificate chain',
      ),
    );
    expect(failure.kind).toBe('ConnectionFailed');
    expect(failure.publicDetail).toMatch(/encrypt and trustServerCertificate/);
  });

  it('EINSTLOOKUP points at the instance name', () => {
    expect(
      toDatabaseError(connectionError('EINSTLOOKUP', 'Port for LEGACY not found in sql01')).publicDetail,
    ).toMatch(/instanceName/);
  });

  it('ECANCEL is Cancelled; transaction state errors are DriverError', () => {
    expect(
      toDatabaseError(Object.assign(new Error('Canceled.'), { name: 'RequestError', code: 'ECANCEL' })).kind,
    ).toBe('Cancelled');
    for (const code of ['EABORT', 'ENOTBEGUN', 'EREQINPROG', 'EARGS', 'EINJECT', 'ENOTRSET']) {
      expect(toDatabaseError(Object.assign(new Error('x'), { name: 'TransactionError', code })).kind).toBe(
        'DriverError',
      );
    }
  });

  it('passes DatabaseFailures through and wraps anything else as DriverError', () => {
    const failure = dbFailure('PoolExhausted', { waitedMs: 10, message: 'busy' });
    expect(toDatabaseError(failure)).toBe(failure);
    expect(toDatabaseError('boom')).toMatchObject({ kind: 'DriverError', message: 'boom' });
    expect(DATABASE_FAILURE_KINDS).toContain(toDatabaseError(new Error('x')).kind);
  });
});

describe('redaction', () => {
  it('removes URL credentials, password=/pwd= pairs and configured secrets', () => {
    expect(redact('failed for mssql://sa:hunter2@db:1433/x')).toBe('failed for mssql://***@db:1433/x');
    expect(redact('Server=db;User Id=sa;Password=hunter2;Encrypt=yes')).toBe(
      'Server=db;User Id=sa;Password=***;Encrypt=yes',
    );
    expect(redact('PWD={hun;ter2}')).toBe('PWD=***');
    expect(redact('token eyJhbGciOi used', ['eyJhbGciOi'])).toBe('token *** used');
  });

  it('redacts message and publicDetail of a failure but keeps the cause for logs', () => {
    const cause = new Error('x');
    const failure = redactFailure(
      dbFailure('SyntaxError', { message: 'near hunter2', publicDetail: 'near hunter2', cause }),
      ['hunter2'],
    );
    expect(failure).toMatchObject({ message: 'near ***', publicDetail: 'near ***', cause });
  });

  it('a wrong password never reaches the failure text', () => {
    const failure = redactFailure(
      toDatabaseError(connectionError('ELOGIN', "Login failed for user 'sa' with password hunter2")),
      ['hunter2'],
    );
    expect(JSON.stringify({ ...failure, cause: undefined })).not.toContain('hunter2');
  });
});

describe('reusableAfter', () => {
  it('keeps the connection after a statement error, not after socket, cancel or fatal errors', () => {
    expect(reusableAfter(requestError(208, 'x'))).toBe(true);
    expect(reusableAfter(requestError(50000, 'x', { class: 20 }))).toBe(false);
    expect(reusableAfter(connectionError('ESOCKET', 'x'))).toBe(false);
    expect(reusableAfter(Object.assign(new Error('Canceled.'), { code: 'ECANCEL' }))).toBe(false);
  });
});
