import type { LoggerPort } from '@legacybridge/core';
import { describe, expect, it } from 'vitest';
import { ORACLE_POOL_DEFAULTS, oracleAdapter, parseOracleConfig, parseOracleUrl } from '../src/index.js';

const url = (text: string) => parseOracleUrl(text)._unsafeUnwrap();

function recordingLogger(): LoggerPort & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  const logger: LoggerPort & { warnings: unknown[] } = {
    warnings,
    debug() {},
    info() {},
    warn(message, context) {
      warnings.push({ message, ...context });
    },
    error() {},
    child: () => logger,
  };
  return logger;
}

describe('oracle:// URLs', () => {
  it('turns host, port and service name into an Easy Connect string', () => {
    expect(url('oracle://scott:tiger@db.example:1521/ORCLPDB1')).toMatchObject({
      user: 'scott',
      password: 'tiger',
      connectString: 'db.example:1521/ORCLPDB1',
      host: 'db.example',
      port: 1521,
    });
  });

  it('defaults the port to 1521 and takes ?service_name= as the service', () => {
    expect(url('oracle://scott@db.example?service_name=sales.example.com').connectString).toBe(
      'db.example:1521/sales.example.com',
    );
    expect(url('oracle://scott@db.example/FREEPDB1').connectString).toBe('db.example:1521/FREEPDB1');
  });

  it('names a SID with ?sid= or host:port:SID, through a connect descriptor', () => {
    const descriptor =
      '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db.example)(PORT=1521))(CONNECT_DATA=(SID=ORCL)))';
    expect(url('oracle://scott:tiger@db.example:1521?sid=ORCL').connectString).toBe(descriptor);
    expect(url('oracle://scott:tiger@db.example:1521:ORCL').connectString).toBe(descriptor);
  });

  it('refuses a URL naming both a SID and a service', () => {
    expect(parseOracleUrl('oracle://u@h:1521/SVC?sid=ORCL')._unsafeUnwrapErr().message).toMatch(/both a SID/);
  });

  it('treats a bare name with configDir as a tnsnames.ora alias', () => {
    const parsed = url('oracle://reader@prod_ro?configDir=/etc/oracle/tns');
    expect(parsed).toMatchObject({ user: 'reader', connectString: 'prod_ro', configDir: '/etc/oracle/tns' });
    expect(parsed.host).toBeUndefined();
  });

  it('passes a raw connectString through unchanged (Easy Connect or descriptor)', () => {
    const descriptor =
      '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=a)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=s)))';
    expect(url(`oracle://reader@?connectString=${encodeURIComponent(descriptor)}`)).toMatchObject({
      user: 'reader',
      connectString: descriptor,
    });
    expect(
      url('oracle://reader:pw@?connectString=tcps%3A%2F%2Fh%3A2484%2Fs%3Fwallet_location%3D%2Fw')
        .connectString,
    ).toBe('tcps://h:2484/s?wallet_location=/w');
  });

  it('builds a tcps:// Easy Connect string with TLS options and Easy Connect Plus parameters', () => {
    const parsed = url(
      'oracle://u@db.example/SVC?protocol=tcps&walletLocation=/etc/wallet&sslServerDNMatch=true&sslServerCertDN=CN%3Ddb&retry_count=3&expire_time=2',
    );
    expect(parsed.connectString).toBe('tcps://db.example:2484/SVC?retry_count=3&expire_time=2');
    expect(parsed.tls).toEqual({ walletLocation: '/etc/wallet', serverDnMatch: true, serverCertDn: 'CN=db' });
  });

  it('decodes percent-escapes in user, password and paths, and keeps a + in a wallet path', () => {
    const parsed = url('oracle://app%40corp:p%3Ass%2Fw@db.example/SVC?walletLocation=/opt/a+b/wallet');
    expect(parsed).toMatchObject({ user: 'app@corp', password: 'p:ss/w' });
    expect(parsed.tls.walletLocation).toBe('/opt/a+b/wallet');
  });

  it('accepts IPv6 hosts', () => {
    expect(url('oracle://u@[::1]:1522/SVC')).toMatchObject({
      connectString: '[::1]:1522/SVC',
      host: '::1',
      port: 1522,
    });
  });

  it('reads connect_timeout in seconds', () => {
    expect(url('oracle://u@h/SVC?connect_timeout=2.5').connectTimeoutMs).toBe(2_500);
    expect(parseOracleUrl('oracle://u@h/SVC?connect_timeout=soon').isErr()).toBe(true);
  });

  it.each([
    ['postgres://u@h/db', /must start with oracle/],
    ['oracle://u@h:99999/SVC', /invalid port/],
    ['oracle://u@/SVC', /must name a host/],
    ['oracle://u@h/SVC?protocol=ipc', /protocol must be/],
    ['oracle://u@?connectString=', /must not be empty/],
  ])('refuses %s without repeating it', (text, message) => {
    const failure = parseOracleUrl(text)._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'InvalidConfig', variable: 'DATABASE_URL' });
    expect(failure.message).toMatch(message);
    expect(failure.message).not.toContain(text);
  });

  it('warns about parameters it does not know and drops them', () => {
    const logger = recordingLogger();
    const parsed = parseOracleUrl('oracle://u@h/SVC?sslmode=require', 'DATABASE_URL', logger)._unsafeUnwrap();
    expect(parsed.connectString).toBe('h:1521/SVC');
    expect(logger.warnings).toEqual([{ message: 'oracle URL parameter ignored', parameter: 'sslmode' }]);
  });
});

describe('parseOracleConfig', () => {
  it('applies the documented defaults and the guide pool', () => {
    const config = parseOracleConfig({ url: 'oracle://u:pw@h/SVC' })._unsafeUnwrap();
    expect(config).toMatchObject({
      password: 'pw',
      pool: ORACLE_POOL_DEFAULTS,
      connectTimeoutMs: 5_000,
      catalogTimeoutMs: 30_000,
      maxBinaryBytes: 4_096,
      maxLobChars: 65_536,
      fetchArraySize: 500,
    });
  });

  it('lets the SecretPort password win over the URL one', () => {
    expect(
      parseOracleConfig({ url: 'oracle://u:url-pw@h/SVC', password: 'secret' })._unsafeUnwrap().password,
    ).toBe('secret');
  });

  it('refuses invalid options with the option name', () => {
    const failure = parseOracleConfig({ url: 'oracle://u@h/SVC', fetchArraySize: 0 })._unsafeUnwrapErr();
    expect(failure.variable).toBe('oracle fetchArraySize');
  });

  it('registers the oracle scheme; create() opens nothing', () => {
    expect(oracleAdapter.schemes).toEqual(['oracle']);
    const created = oracleAdapter.create({
      url: 'oracle://u@127.0.0.1:1/FREEPDB1',
      pool: ORACLE_POOL_DEFAULTS,
      logger: recordingLogger(),
      password: 'x',
    });
    expect(created.isOk()).toBe(true);
    expect(created._unsafeUnwrap().poolStats()).toMatchObject({ active: 0, idle: 0, size: 0 });
  });
});
