import type { LogContext, LoggerPort } from '@legacybridge/core';
import { describe, expect, it } from 'vitest';
import { parseMssqlConfig, parseMssqlUrl } from '../src/mssql-config.js';
import { authenticationOf, driverConfig } from '../src/mssql-session.js';

function recordingLogger() {
  const lines: { level: string; message: string; context?: LogContext }[] = [];
  const logger: LoggerPort = {
    debug: (message, context) => lines.push({ level: 'debug', message, context }),
    info: (message, context) => lines.push({ level: 'info', message, context }),
    warn: (message, context) => lines.push({ level: 'warn', message, context }),
    error: (message, context) => lines.push({ level: 'error', message, context }),
    child: () => logger,
  };
  return { logger, lines };
}

const parse = (url: string) => parseMssqlUrl(url)._unsafeUnwrap();

describe('parseMssqlUrl', () => {
  it('reads host, port, user, password and database from mssql:// and sqlserver://', () => {
    for (const scheme of ['mssql', 'sqlserver']) {
      expect(parse(`${scheme}://sa:p%40ss@db.example.com:14330/Sales`)).toMatchObject({
        host: 'db.example.com',
        port: 14330,
        user: 'sa',
        password: 'p@ss',
        database: 'Sales',
        authentication: 'sql',
        encrypt: true,
        trustServerCertificate: false,
        readOnlyIntent: false,
      });
    }
  });

  it('defaults to port 1433 and localhost', () => {
    expect(parse('mssql://sa@/db')).toMatchObject({ host: 'localhost', port: 1433 });
  });

  it('accepts mssql+pyodbc URLs and logs that the ODBC driver is ignored', () => {
    const { logger, lines } = recordingLogger();
    const url = parseMssqlUrl(
      'mssql+pyodbc://reader:secret@sql01:1433/Legacy?driver=ODBC+Driver+18+for+SQL+Server&TrustServerCertificate=yes',
      'DATABASE_URL',
      logger,
    )._unsafeUnwrap();
    expect(url).toMatchObject({ host: 'sql01', database: 'Legacy', trustServerCertificate: true });
    const note = lines.find((l) => l.message.includes('driver parameter ignored'));
    expect(note?.level).toBe('info');
    expect(note?.context).toEqual({ driver: 'ODBC Driver 18 for SQL Server' });
    expect(lines.some((l) => l.level === 'warn')).toBe(false);
  });

  it('reads encrypt and trustServerCertificate as ODBC-style booleans, and encrypt=strict', () => {
    expect(parse('mssql://h/db?encrypt=false&trustServerCertificate=true')).toMatchObject({
      encrypt: false,
      trustServerCertificate: true,
    });
    expect(parse('mssql://h/db?Encrypt=no')).toMatchObject({ encrypt: false });
    expect(parse('mssql://h/db?encrypt=strict')).toMatchObject({ encrypt: 'strict' });
    const bad = parseMssqlUrl('mssql://h/db?encrypt=maybe');
    expect(bad._unsafeUnwrapErr()).toMatchObject({ kind: 'InvalidConfig', variable: 'DATABASE_URL' });
  });

  it('takes the instance from instanceName= or host\\instance, and then leaves the port to the Browser', () => {
    expect(parse('mssql://sa:x@sql01/db?instanceName=LEGACY')).toMatchObject({
      host: 'sql01',
      instanceName: 'LEGACY',
      port: undefined,
    });
    expect(parse('mssql://sa:x@sql01\\LEGACY/db')).toMatchObject({ host: 'sql01', instanceName: 'LEGACY' });
    expect(parse('mssql://sa:x@sql01%5CLEGACY/db')).toMatchObject({ host: 'sql01', instanceName: 'LEGACY' });
    expect(parse('mssql://sa:x@sql01:50000/db?instanceName=LEGACY')).toMatchObject({ port: 50000 });
  });

  it('reads applicationIntent=ReadOnly case-insensitively and refuses other intents', () => {
    expect(parse('mssql://h/db?applicationIntent=ReadOnly').readOnlyIntent).toBe(true);
    expect(parse('mssql://h/db?ApplicationIntent=readonly').readOnlyIntent).toBe(true);
    expect(parse('mssql://h/db?applicationIntent=ReadWrite').readOnlyIntent).toBe(false);
    expect(parseMssqlUrl('mssql://h/db?applicationIntent=Sometimes').isErr()).toBe(true);
  });

  it('uses NTLM with domain= or a DOMAIN\\user login', () => {
    expect(parse('mssql://svc_reader:pw@h/db?domain=CORP')).toMatchObject({
      authentication: 'ntlm',
      domain: 'CORP',
      user: 'svc_reader',
    });
    expect(parse('mssql://CORP%5Csvc_reader:pw@h/db')).toMatchObject({
      authentication: 'ntlm',
      domain: 'CORP',
      user: 'svc_reader',
    });
    expect(parseMssqlUrl('mssql://u:p@h/db?authentication=ntlm').isErr()).toBe(true);
  });

  it('accepts the Azure AD authentications and refuses unknown ones', () => {
    expect(
      parse('mssql://h/db?authentication=azure-active-directory-default&clientId=abc').authentication,
    ).toBe('azure-active-directory-default');
    expect(parse('mssql://u:p@h/db?authentication=SqlPassword').authentication).toBe('sql');
    const bad = parseMssqlUrl('mssql://h/db?authentication=kerberos-magic');
    expect(bad._unsafeUnwrapErr().message).toMatch(/authentication must be one of/);
  });

  it('converts connectTimeout seconds to ms, keeping a bound for 0', () => {
    expect(parse('mssql://h/db?connectTimeout=2.5').connectTimeoutMs).toBe(2500);
    expect(parse('mssql://h/db?connect_timeout=0').connectTimeoutMs).toBeUndefined();
    expect(parseMssqlUrl('mssql://h/db?connectTimeout=soon').isErr()).toBe(true);
  });

  it('warns about parameters it does not know, naming only the parameter', () => {
    const { logger, lines } = recordingLogger();
    parseMssqlUrl('mssql://h/db?MultiSubnetFailover=yes', 'DATABASE_URL', logger);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'mssql URL parameter ignored',
        context: { parameter: 'multisubnetfailover' },
      },
    ]);
  });

  it('refuses other schemes and bad ports without repeating the URL', () => {
    const other = parseMssqlUrl('postgres://u:hunter2@h/db')._unsafeUnwrapErr();
    expect(other.message).toMatch(/mssql:\/\/, sqlserver:\/\/ or mssql\+pyodbc:\/\//);
    expect(other.message).not.toContain('hunter2');
    const port = parseMssqlUrl('mssql://u:hunter2@h:99999/db')._unsafeUnwrapErr();
    expect(port.message).not.toContain('hunter2');
  });
});

describe('parseMssqlConfig', () => {
  it('applies the deployment guide defaults', () => {
    const c = parseMssqlConfig({ url: 'mssql://sa:x@h/db' })._unsafeUnwrap();
    expect(c.pool).toEqual({
      size: 5,
      maxOverflow: 10,
      acquireTimeoutMs: 30_000,
      recycleMs: 3_600_000,
      prePing: true,
    });
    expect(c).toMatchObject({
      connectTimeoutMs: 5_000,
      catalogTimeoutMs: 30_000,
      lockTimeoutMs: 5_000,
      maxBinaryBytes: 4_096,
      applicationName: 'legacybridge',
    });
  });

  it('lets the SecretPort password win over the URL password', () => {
    expect(
      parseMssqlConfig({ url: 'mssql://sa:inurl@h/db', password: 'fromfile' })._unsafeUnwrap().password,
    ).toBe('fromfile');
  });

  it('needs a token for azure-active-directory-access-token, and takes it from the password', () => {
    const url = 'mssql://h/db?authentication=azure-active-directory-access-token';
    expect(parseMssqlConfig({ url })._unsafeUnwrapErr().message).toMatch(/token as the password/);
    const c = parseMssqlConfig({ url, password: 'eyJ0eXAi.token' })._unsafeUnwrap();
    expect(authenticationOf(c)).toEqual({
      type: 'azure-active-directory-access-token',
      options: { token: 'eyJ0eXAi.token' },
    });
  });

  it('names the option that is invalid', () => {
    const failure = parseMssqlConfig({ url: 'mssql://h/db', pool: { size: 0 } })._unsafeUnwrapErr();
    expect(failure.variable).toBe('mssql pool.size');
    expect(parseMssqlConfig({ url: ' ' })._unsafeUnwrapErr().variable).toBe('DATABASE_URL');
  });
});

describe('driverConfig', () => {
  it('maps the URL onto tedious: one connection per session, no driver-side timeouts or validation', () => {
    const c = parseMssqlConfig({
      url: 'sqlserver://reader:pw@sql01/Legacy?instanceName=OLD&applicationIntent=ReadOnly&trustServerCertificate=true',
      connectTimeoutMs: 1234,
    })._unsafeUnwrap();
    const d = driverConfig(c);
    expect(d).toMatchObject({
      server: 'sql01',
      port: undefined,
      database: 'Legacy',
      user: 'reader',
      password: 'pw',
      connectionTimeout: 1234,
      requestTimeout: 0,
      arrayRowMode: true,
      validateConnection: false,
      pool: { min: 0, max: 1 },
      options: {
        encrypt: true,
        trustServerCertificate: true,
        instanceName: 'OLD',
        readOnlyIntent: true,
        appName: 'legacybridge',
        useUTC: true,
        abortTransactionOnError: true,
      },
    });
    expect(d.authentication).toBeUndefined();
  });

  it('sends NTLM credentials in tedious authentication options', () => {
    const c = parseMssqlConfig({ url: 'mssql://svc:pw@h/db?domain=CORP' })._unsafeUnwrap();
    expect(driverConfig(c)).toMatchObject({
      authentication: { type: 'ntlm', options: { userName: 'svc', password: 'pw', domain: 'CORP' } },
    });
    expect(driverConfig(c).user).toBeUndefined();
  });
});
