import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { type LogContext, type LoggerPort, noopLogger } from '@legacybridge/core';
import { describe, expect, it } from 'vitest';
import { postgresAdapter } from '../src/index.js';
import { parsePostgresConfig, parsePostgresUrl, toPgSsl } from '../src/postgres-config.js';
import {
  readOnlyPipelineSql,
  resetSessionSql,
  sessionStartupOptions,
  setStatementTimeoutSql,
} from '../src/postgres-session.js';

const files: Record<string, string> = { '/ca.pem': 'CA', '/client.crt': 'CERT', '/client.key': 'KEY' };
const readFake = (path: string) => {
  const content = files[path];
  if (content === undefined) throw new Error(`ENOENT ${path}`);
  return content;
};

describe('parsePostgresUrl', () => {
  it('reads user, password, host, port and database, decoding escapes', () => {
    const url = parsePostgresUrl(
      'postgresql://app%40corp:p%40ss%2Fw0rd@db.example.com:6543/legacy%20erp',
    )._unsafeUnwrap();
    expect(url).toMatchObject({
      user: 'app@corp',
      password: 'p@ss/w0rd',
      host: 'db.example.com',
      port: 6543,
      database: 'legacy erp',
      tls: { mode: 'disable' },
    });
  });

  it('defaults the host and port, accepts IPv6 and Unix socket directories', () => {
    expect(parsePostgresUrl('postgres:///db')._unsafeUnwrap()).toMatchObject({
      host: 'localhost',
      port: 5432,
    });
    expect(parsePostgresUrl('postgres://u@[::1]:5433/db')._unsafeUnwrap()).toMatchObject({
      host: '::1',
      port: 5433,
    });
    expect(parsePostgresUrl('postgres://u@/db?host=/var/run/postgresql')._unsafeUnwrap().host).toBe(
      '/var/run/postgresql',
    );
  });

  it('reads TLS, timeout and application parameters', () => {
    const url = parsePostgresUrl(
      'postgres://u@h/db?sslmode=verify-full&sslrootcert=/ca.pem&sslcert=/client.crt&sslkey=/client.key&connect_timeout=3&application_name=erp',
    )._unsafeUnwrap();
    expect(url.tls).toEqual({
      mode: 'verify-full',
      rootCertPath: '/ca.pem',
      certPath: '/client.crt',
      keyPath: '/client.key',
    });
    expect(url.connectTimeoutMs).toBe(3_000);
    expect(url.applicationName).toBe('erp');
  });

  it('decodes parameters like libpq: %XX escapes only, a + stays a plus sign', () => {
    const url = parsePostgresUrl(
      'postgres://u@h/db?sslmode=verify-ca&sslrootcert=/etc/ssl/a+b/my%20ca.pem&sslcert=/c%2B1.crt&sslkey=/k+1.key&application_name=a+b',
    )._unsafeUnwrap();
    expect(url.tls).toEqual({
      mode: 'verify-ca',
      rootCertPath: '/etc/ssl/a+b/my ca.pem',
      certPath: '/c+1.crt',
      keyPath: '/k+1.key',
    });
    expect(url.applicationName).toBe('a+b');
  });

  it('rejects other schemes, bad ports, sslmodes and timeouts, naming the variable and never echoing the URL', () => {
    for (const bad of [
      'mysql://u:secretpw@h/db',
      'postgres://u:secretpw@h:99999/db',
      'postgres://u:secretpw@h/db?sslmode=always',
      'postgres://u:secretpw@h/db?connect_timeout=soon',
    ]) {
      const failure = parsePostgresUrl(bad)._unsafeUnwrapErr();
      expect(failure).toMatchObject({ kind: 'InvalidConfig', variable: 'DATABASE_URL' });
      expect(failure.message).not.toContain('secretpw');
    }
  });

  it('warns about parameters it ignores, by name only', () => {
    const warnings: [string, LogContext | undefined][] = [];
    const logger: LoggerPort = { ...noopLogger, warn: (m, c) => warnings.push([m, c]) };
    parsePostgresUrl(
      'postgres://u@h/db?target_session_attrs=read-write&sslmode=prefer',
      'DATABASE_URL',
      logger,
    );
    expect(warnings.map(([, c]) => c)).toEqual([
      { parameter: 'target_session_attrs' },
      { sslmode: 'prefer' },
    ]);
  });
});

describe('parsePostgresConfig', () => {
  it('applies the deployment guide pool defaults and merges partial pool options', () => {
    const c = parsePostgresConfig({ url: 'postgres://u@h/db', pool: { size: 3 } })._unsafeUnwrap();
    expect(c.pool).toEqual({
      size: 3,
      maxOverflow: 10,
      acquireTimeoutMs: 30_000,
      recycleMs: 3_600_000,
      prePing: true,
    });
    expect(c).toMatchObject({
      statementTimeoutMs: 30_000,
      connectTimeoutMs: 5_000,
      applicationName: 'legacybridge',
    });
  });

  it('a password from the SecretPort replaces the URL password', () => {
    expect(
      parsePostgresConfig({ url: 'postgres://u:old@h/db', password: 'fromfile' })._unsafeUnwrap().password,
    ).toBe('fromfile');
    expect(parsePostgresConfig({ url: 'postgres://u:old@h/db' })._unsafeUnwrap().password).toBe('old');
  });

  it('connect timeout: explicit option, then URL connect_timeout, then 5 s', () => {
    expect(
      parsePostgresConfig({ url: 'postgres://h/db?connect_timeout=2' })._unsafeUnwrap().connectTimeoutMs,
    ).toBe(2_000);
    expect(
      parsePostgresConfig({ url: 'postgres://h/db?connect_timeout=2', connectTimeoutMs: 900 })._unsafeUnwrap()
        .connectTimeoutMs,
    ).toBe(900);
    // libpq's 0 (wait forever) keeps our bound: an assistant must not hang on a dead host.
    expect(
      parsePostgresConfig({ url: 'postgres://h/db?connect_timeout=0' })._unsafeUnwrap().connectTimeoutMs,
    ).toBe(5_000);
  });

  it('rejects invalid options naming them', () => {
    const failure = parsePostgresConfig({ url: 'postgres://h/db', pool: { size: 0 } })._unsafeUnwrapErr();
    expect(failure.variable).toBe('postgres pool.size');
  });
});

describe('toPgSsl: libpq sslmode semantics on pg', () => {
  const tls = (mode: string, extra: Record<string, string> = {}) =>
    parsePostgresUrl(
      `postgres://u@db.example.com/x?sslmode=${mode}${Object.entries(extra)
        .map(([k, v]) => `&${k}=${v}`)
        .join('')}`,
    )._unsafeUnwrap().tls;

  it('disable (and allow/prefer, which pg cannot fall back from) connect without TLS', () => {
    for (const mode of ['disable', 'allow', 'prefer'])
      expect(toPgSsl(tls(mode), 'db.example.com', 'DATABASE_URL', readFake)._unsafeUnwrap()).toBe(false);
  });

  it('require encrypts without verifying', () => {
    expect(toPgSsl(tls('require'), 'db.example.com', 'DATABASE_URL', readFake)._unsafeUnwrap()).toEqual({
      rejectUnauthorized: false,
    });
  });

  it('require with a root certificate verifies the chain, as libpq does', () => {
    const ssl = toPgSsl(
      tls('require', { sslrootcert: '/ca.pem' }),
      'db.example.com',
      'DATABASE_URL',
      readFake,
    )._unsafeUnwrap();
    expect(ssl).toMatchObject({ ca: 'CA', rejectUnauthorized: true });
    expect((ssl as TlsOptions).checkServerIdentity?.('other.host', {} as never)).toBeUndefined();
  });

  it('verify-ca checks the chain but not the host name', () => {
    const ssl = toPgSsl(
      tls('verify-ca', { sslrootcert: '/ca.pem' }),
      'db.example.com',
      'DATABASE_URL',
      readFake,
    )._unsafeUnwrap();
    expect(ssl).toMatchObject({ ca: 'CA', rejectUnauthorized: true });
    expect(typeof (ssl as TlsOptions).checkServerIdentity).toBe('function');
  });

  it('verify-full checks chain and host name (Node default), with SNI for names only', () => {
    const ssl = toPgSsl(
      tls('verify-full', { sslrootcert: '/ca.pem', sslcert: '/client.crt', sslkey: '/client.key' }),
      'db.example.com',
      'DATABASE_URL',
      readFake,
    )._unsafeUnwrap();
    expect(ssl).toEqual({
      ca: 'CA',
      cert: 'CERT',
      key: 'KEY',
      rejectUnauthorized: true,
      servername: 'db.example.com',
    });
    const byIp = toPgSsl(tls('verify-full'), '10.0.0.5', 'DATABASE_URL', readFake)._unsafeUnwrap();
    expect(byIp).toEqual({ rejectUnauthorized: true });
  });

  it('fails as configuration when a file is unreadable or cert/key come alone', () => {
    expect(
      toPgSsl(
        tls('verify-full', { sslrootcert: '/missing.pem' }),
        'h',
        'DATABASE_URL',
        readFake,
      )._unsafeUnwrapErr().message,
    ).toMatch(/sslrootcert/);
    expect(
      toPgSsl(tls('require', { sslcert: '/client.crt' }), 'h', 'DATABASE_URL', readFake)._unsafeUnwrapErr()
        .message,
    ).toMatch(/together/);
  });
});

describe('session settings', () => {
  it('start every connection read-only with a statement timeout and fixed output formats', () => {
    const options = sessionStartupOptions(15_000);
    expect(options).toContain('-c default_transaction_read_only=on');
    expect(options).toContain('-c statement_timeout=15000');
    expect(options).toContain('-c IntervalStyle=iso_8601');
    expect(options).toContain('-c TimeZone=UTC');
  });

  it('statement timeouts stay within PostgreSQL int4 milliseconds', () => {
    expect(setStatementTimeoutSql(Number.POSITIVE_INFINITY)).toBe('SET statement_timeout = 2147483647');
    expect(setStatementTimeoutSql(0.2)).toBe('SET statement_timeout = 1');
    expect(setStatementTimeoutSql(1500.4)).toBe('SET statement_timeout = 1500');
  });

  it('the slow-path reset ends any block, then restores the timeout in use only when it differs', () => {
    expect(resetSessionSql(30_000, 30_000)).toEqual(['ROLLBACK', 'DISCARD ALL']);
    expect(resetSessionSql(5_000, 30_000)).toEqual([
      'ROLLBACK',
      'DISCARD ALL',
      'SET statement_timeout = 5000',
    ]);
  });

  it('caller SQL runs in a read-only block that resets and rolls back, the timeout set for it alone', () => {
    const after = ['SELECT pg_advisory_unlock_all()', 'DEALLOCATE ALL', 'ROLLBACK'];
    expect(readOnlyPipelineSql()).toEqual({ before: ['BEGIN READ ONLY'], after });
    expect(readOnlyPipelineSql(500)).toEqual({
      before: ['BEGIN READ ONLY', 'SET LOCAL statement_timeout = 500'],
      after,
    });
  });

  it('hands out the same frozen lists for the same timeout (the pipeline encodes each list once)', () => {
    expect(readOnlyPipelineSql(500)).toBe(readOnlyPipelineSql(500));
    expect(readOnlyPipelineSql()).toBe(readOnlyPipelineSql());
    expect(readOnlyPipelineSql(500).after).toBe(readOnlyPipelineSql().after);
    expect(readOnlyPipelineSql(700).before).not.toBe(readOnlyPipelineSql(500).before);
    for (const list of [
      readOnlyPipelineSql().before,
      readOnlyPipelineSql(500).before,
      readOnlyPipelineSql().after,
    ]) {
      expect(Object.isFrozen(list)).toBe(true);
    }
  });
});

describe('postgresAdapter (registry entry)', () => {
  it('serves postgres:// and postgresql:// and creates without connecting', () => {
    expect(postgresAdapter.schemes).toEqual(['postgres', 'postgresql']);
    const pool = { size: 1, maxOverflow: 0, acquireTimeoutMs: 100, recycleMs: 0, prePing: false };
    const created = postgresAdapter.create({
      url: 'postgresql://u@127.0.0.1:1/db',
      pool,
      logger: noopLogger,
    });
    expect(created.isOk()).toBe(true);
    expect(created._unsafeUnwrap().poolStats()).toEqual({ size: 1, max: 1, active: 0, idle: 0, waiting: 0 });
    expect(
      postgresAdapter.create({ url: 'postgres://u@h/db?sslmode=bogus', pool, logger: noopLogger }).isErr(),
    ).toBe(true);
  });
});
