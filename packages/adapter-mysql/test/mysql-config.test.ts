import { noopLogger } from '@legacybridge/core';
import { describe, expect, it } from 'vitest';
import {
  MYSQL_POOL_DEFAULTS,
  mysqlAdapter,
  parseMysqlConfig,
  parseMysqlUrl,
  toMysql2Ssl,
} from '../src/index.js';
import {
  connectionOptions,
  parseServerVersion,
  sessionSetupSql,
  timeoutAssignment,
} from '../src/mysql-session.js';

describe('parseMysqlUrl', () => {
  it('reads user, %-decoded password, host, default port and database', () => {
    const url = parseMysqlUrl('mysql://app:p%40ss%3Aw0rd@db.internal/shop')._unsafeUnwrap();
    expect(url).toMatchObject({
      host: 'db.internal',
      port: 3306,
      user: 'app',
      password: 'p@ss:w0rd',
      database: 'shop',
    });
    expect(url.tls).toBeUndefined();
  });

  it('accepts mariadb://, IPv6 hosts, explicit ports and no database', () => {
    expect(parseMysqlUrl('mariadb://root@[::1]:3307')._unsafeUnwrap()).toMatchObject({
      host: '::1',
      port: 3307,
      database: undefined,
      password: undefined,
    });
    expect(parseMysqlUrl('mysql://u@h:80/d')._unsafeUnwrap().port).toBe(80);
  });

  it('maps ssl parameters, with files implying TLS and verification on by default', () => {
    expect(parseMysqlUrl('mysql://u@h/d?ssl=true')._unsafeUnwrap().tls).toEqual({
      caPath: undefined,
      certPath: undefined,
      keyPath: undefined,
      rejectUnauthorized: true,
      verifyIdentity: true,
    });
    expect(
      parseMysqlUrl(
        'mysql://u@h/d?ssl_ca=/etc/ca.pem&ssl_cert=/c.pem&ssl_key=/k.pem&ssl_reject_unauthorized=false',
      )._unsafeUnwrap().tls,
    ).toEqual({
      caPath: '/etc/ca.pem',
      certPath: '/c.pem',
      keyPath: '/k.pem',
      rejectUnauthorized: false,
      verifyIdentity: false,
    });
    expect(parseMysqlUrl('mysql://u@h/d?ssl=false')._unsafeUnwrap().tls).toBeUndefined();
  });

  it('checks the host name only for a host name: an IP address gets the chain check alone', () => {
    expect(parseMysqlUrl('mysql://u@db.example.com/d?ssl=true')._unsafeUnwrap().tls?.verifyIdentity).toBe(
      true,
    );
    expect(parseMysqlUrl('mysql://u@10.0.0.5/d?ssl=true')._unsafeUnwrap().tls).toMatchObject({
      rejectUnauthorized: true,
      verifyIdentity: false,
    });
    expect(parseMysqlUrl('mysql://u@[::1]/d?ssl=true')._unsafeUnwrap().tls?.verifyIdentity).toBe(false);
  });

  it('decodes %XX escapes in parameters and keeps a + as a plus sign', () => {
    expect(
      parseMysqlUrl(
        'mysql://u@h/d?ssl_ca=/etc/ssl/a+b/my%20ca.pem&ssl_cert=/c%2B1.pem&ssl_key=/k+1.pem',
      )._unsafeUnwrap().tls,
    ).toMatchObject({ caPath: '/etc/ssl/a+b/my ca.pem', certPath: '/c+1.pem', keyPath: '/k+1.pem' });
  });

  it('reads connect_timeout in seconds', () => {
    expect(parseMysqlUrl('mysql://u@h/d?connect_timeout=2.5')._unsafeUnwrap().connectTimeoutMs).toBe(2500);
  });

  it.each([
    ['postgres://u@h/d', /mysql:\/\/ or mariadb:\/\//],
    ['mysql://u@h/d?sslmode=require', /unknown parameter "sslmode"/],
    ['mysql://u@h/d?ssl=maybe', /ssl must be true or false/],
    ['mysql://u@h/d?ssl=false&ssl_ca=/x', /ssl=false together/],
    ['mysql://u@h/d?ssl_cert=/c.pem', /ssl_cert and ssl_key together/],
    ['mysql://u@h/d?connect_timeout=abc', /connect_timeout/],
    ['mysql://h/d', /names no user/],
    ['mysql://u@h/a/b', /at most one database/],
    ['mysql://u:%ZZ@h/d', /%-escape/],
  ])('refuses %s, naming DATABASE_URL', (url, message) => {
    const failure = parseMysqlUrl(url)._unsafeUnwrapErr();
    expect(failure.variable).toBe('DATABASE_URL');
    expect(failure.message).toMatch(message);
  });

  it('never repeats the password in a failure', () => {
    const failure = parseMysqlUrl('mysql://u:hunter2@h/d?bogus=1')._unsafeUnwrapErr();
    expect(failure.message).not.toContain('hunter2');
  });
});

describe('parseMysqlConfig', () => {
  it('applies the deployment guide pool defaults and merges partial pool options', () => {
    const c = parseMysqlConfig({ url: 'mysql://u@h/d', pool: { size: 2, prePing: false } })._unsafeUnwrap();
    expect(c.pool).toEqual({ ...MYSQL_POOL_DEFAULTS, size: 2, prePing: false });
    expect(MYSQL_POOL_DEFAULTS).toMatchObject({
      size: 5,
      maxOverflow: 10,
      acquireTimeoutMs: 30_000,
      recycleMs: 3_600_000,
    });
    expect(c.connectTimeoutMs).toBe(10_000);
  });

  it('lets the SecretPort password replace the URL password', () => {
    expect(parseMysqlConfig({ url: 'mysql://u:old@h/d', password: 'new' })._unsafeUnwrap().password).toBe(
      'new',
    );
    expect(parseMysqlConfig({ url: 'mysql://u:old@h/d' })._unsafeUnwrap().password).toBe('old');
  });

  it('refuses invalid options naming the field', () => {
    const failure = parseMysqlConfig({ url: 'mysql://u@h/d', pool: { size: 0 } })._unsafeUnwrapErr();
    expect(failure.variable).toBe('mysql pool.size');
  });

  it('registry entry: schemes mysql and mariadb, create returns data errors and opens nothing', () => {
    expect(mysqlAdapter.schemes).toEqual(['mysql', 'mariadb']);
    expect(mysqlAdapter.dialect).toBe('mysql');
    const input = { pool: MYSQL_POOL_DEFAULTS, logger: noopLogger };
    expect(mysqlAdapter.create({ ...input, url: 'mysql://u@h/d?nope=1' }).isErr()).toBe(true);
    const port = mysqlAdapter
      .create({ ...input, url: 'mariadb://u@nowhere.invalid/d', password: 'x' })
      ._unsafeUnwrap();
    expect(port.dialect).toBe('mysql');
    expect(port.poolStats()).toEqual({ size: 0, max: 15, active: 0, idle: 0, waiting: 0 });
  });
});

describe('TLS mapping onto mysql2', () => {
  const files: Record<string, string> = { '/ca.pem': 'CA', '/c.pem': 'CERT', '/k.pem': 'KEY' };
  const read = (path: string) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };

  it('is off without TLS settings', () => {
    expect(toMysql2Ssl(undefined, read)).toBeUndefined();
  });

  it('reads the PEM files and keeps verification', () => {
    const tls = parseMysqlUrl('mysql://u@h/d?ssl_ca=/ca.pem&ssl_cert=/c.pem&ssl_key=/k.pem')._unsafeUnwrap()
      .tls;
    expect(toMysql2Ssl(tls, read)).toEqual({
      ca: 'CA',
      cert: 'CERT',
      key: 'KEY',
      rejectUnauthorized: true,
      verifyIdentity: true,
    });
  });

  it('ssl=true alone uses the system CAs; ssl_reject_unauthorized=false turns verification off', () => {
    expect(toMysql2Ssl(parseMysqlUrl('mysql://u@h/d?ssl=1')._unsafeUnwrap().tls, read)).toEqual({
      rejectUnauthorized: true,
      verifyIdentity: true,
    });
    expect(
      toMysql2Ssl(
        parseMysqlUrl('mysql://u@h/d?ssl=true&ssl_reject_unauthorized=0')._unsafeUnwrap().tls,
        read,
      ),
    ).toEqual({ rejectUnauthorized: false, verifyIdentity: false });
  });

  it('re-reads the files at each connect and fails on a missing one', () => {
    const tls = parseMysqlUrl('mysql://u@h/d?ssl_ca=/ca.pem')._unsafeUnwrap().tls;
    expect(toMysql2Ssl(tls, read)?.ca).toBe('CA');
    files['/ca.pem'] = 'ROTATED';
    expect(toMysql2Ssl(tls, read)?.ca).toBe('ROTATED');
    expect(() =>
      toMysql2Ssl(parseMysqlUrl('mysql://u@h/d?ssl_ca=/missing.pem')._unsafeUnwrap().tls, read),
    ).toThrow(/ENOENT/);
  });

  it('connection options carry the ssl object and refuse LOCAL INFILE and multiple statements', () => {
    const config = parseMysqlConfig({ url: 'mysql://u:pw@h:3310/d?ssl=true' })._unsafeUnwrap();
    const options = connectionOptions(config);
    expect(options).toMatchObject({ host: 'h', port: 3310, user: 'u', password: 'pw', database: 'd' });
    expect(options.ssl).toEqual({ rejectUnauthorized: true, verifyIdentity: true });
    expect(options.multipleStatements).toBe(false);
    expect(options.flags).toEqual(expect.arrayContaining(['-LOCAL_FILES', '-MULTI_STATEMENTS']));
  });
});

describe('session settings per flavour', () => {
  it('detects MariaDB behind the 5.5.5- prefix', () => {
    expect(parseServerVersion('5.5.5-10.11.6-MariaDB-0+deb12u1')).toEqual({
      flavour: 'mariadb',
      version: '10.11.6-MariaDB-0+deb12u1',
    });
    expect(parseServerVersion('8.0.36')).toEqual({ flavour: 'mysql', version: '8.0.36' });
  });

  it('uses max_statement_time (seconds) on MariaDB and max_execution_time (ms) on MySQL ≥ 5.7.8', () => {
    expect(sessionSetupSql('mariadb', '10.11.6-MariaDB', 1500)).toBe(
      "SET SESSION tx_read_only = 1, autocommit = 1, time_zone = '+00:00', max_statement_time = 1.500",
    );
    expect(sessionSetupSql('mysql', '8.0.36', 1500)).toBe(
      "SET SESSION transaction_read_only = 1, autocommit = 1, time_zone = '+00:00', max_execution_time = 1500",
    );
    expect(sessionSetupSql('mysql', '5.6.51', 1500)).toBe(
      "SET SESSION tx_read_only = 1, autocommit = 1, time_zone = '+00:00'",
    );
    expect(timeoutAssignment('mysql', '5.7.7', 10)).toBeUndefined();
  });
});
