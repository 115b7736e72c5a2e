import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DatabaseFailure,
  type DatabasePort,
  noopLogger,
  type QueryLimits,
  toPublicMessage,
} from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresAdapter, postgresAdapter } from '../src/index.js';
import { describeWithPostgres } from './pg-test-db.js';
import {
  CERT_USER,
  PASSWORD_USER,
  startTlsPostgres,
  type TlsPostgres,
  tlsPostgresUnavailable,
} from './tls-server.js';

// A throwaway TLS-only server started by this file: the shared server on 5432 runs without TLS and
// must not be reconfigured. Missing binaries fail the run when LEGACYBRIDGE_REQUIRE_DB lists postgres.
const unavailable = await tlsPostgresUnavailable();
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'postgres');
const limits: QueryLimits = { maxRows: 10, maxBytes: 100_000, timeoutMs: 10_000 };
const pool = { size: 1, maxOverflow: 0, acquireTimeoutMs: 10_000, recycleMs: 0, prePing: false };

describeWithPostgres('postgres adapter over TLS (throwaway server)', unavailable, () => {
  let server: TlsPostgres;
  const opened: DatabasePort[] = [];

  beforeAll(async () => {
    server = await startTlsPostgres();
  });
  afterAll(async () => {
    await Promise.all(opened.map((a) => a.close()));
    await server?.stop();
  });

  /** A URL to the throwaway server; `params` are appended as they are (already encoded). */
  const url = (params: string, user = 'postgres', host = 'localhost') =>
    `postgres://${user}@${host}:${server.port}/postgres?${params}`;
  const enc = encodeURIComponent;
  const adapter = (u: string, password?: string) => {
    const a = createPostgresAdapter({
      url: u,
      password,
      connectTimeoutMs: 5_000,
      pool: { size: 1, maxOverflow: 0 },
    });
    opened.push(a);
    return a;
  };
  /** The session's TLS state and user, read through the adapter. */
  const session = async (a: DatabasePort) => {
    const result = await a.executeReadOnly(
      q('SELECT s.ssl, s.version, current_user AS who FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()'),
      limits,
    );
    if (result.isErr()) throw new Error(`query failed: ${result.error.kind}: ${result.error.message}`);
    const [ssl, version, who] = result.value.rows[0] ?? [];
    return { ssl, version, who };
  };
  const failure = async (a: DatabasePort): Promise<DatabaseFailure> => {
    const result = await a.ping();
    if (result.isOk()) throw new Error('expected the connection to fail');
    return result.error;
  };

  it('sslmode=require connects and the session is encrypted', async () => {
    const s = await session(adapter(url('sslmode=require')));
    expect(s.ssl).toBe(true);
    expect(s.version).toMatch(/^TLSv1\.[23]$/);
  });

  it('sslmode=disable against a hostssl-only server fails and says why', async () => {
    const f = await failure(adapter(url('sslmode=disable')));
    // The server has no `host` (plain) line: it refuses the unencrypted start-up, and the caller is
    // pointed at sslmode rather than at the password.
    expect(f.kind).toBe('ConnectionFailed');
    expect(f.message).toMatch(/no encryption/);
    expect(toPublicMessage(f)).toMatch(/accepts only TLS connections \(set sslmode=require/);
  });

  it('verify-ca with the right sslrootcert connects, also to an address the certificate does not name', async () => {
    const right = `sslmode=verify-ca&sslrootcert=${enc(server.files.ca)}`;
    expect((await session(adapter(url(right)))).ssl).toBe(true);
    // verify-ca checks the chain, not the host name (libpq's meaning).
    expect((await session(adapter(url(right, 'postgres', '127.0.0.2')))).ssl).toBe(true);
  });

  it('verify-ca with a wrong CA fails with ConnectionFailed, naming TLS and no secret', async () => {
    const a = adapter(
      url(`sslmode=verify-ca&sslrootcert=${enc(server.files.otherCa)}`, PASSWORD_USER),
      server.password,
    );
    const f = await failure(a);
    expect(f.kind).toBe('ConnectionFailed');
    expect(toPublicMessage(f)).toMatch(/TLS handshake/);
    expect(JSON.stringify({ ...f, cause: undefined })).not.toContain(server.password);
    expect(toPublicMessage(f)).not.toContain(server.password);
  });

  it('sslmode=require with an sslrootcert verifies the chain, as libpq does', async () => {
    const f = await failure(adapter(url(`sslmode=require&sslrootcert=${enc(server.files.otherCa)}`)));
    expect(f.kind).toBe('ConnectionFailed');
    expect((await session(adapter(url(`sslmode=require&sslrootcert=${enc(server.files.ca)}`)))).ssl).toBe(
      true,
    );
  });

  it('verify-full passes for localhost and 127.0.0.1, and fails for an address not in the certificate', async () => {
    const full = `sslmode=verify-full&sslrootcert=${enc(server.files.ca)}`;
    expect((await session(adapter(url(full, 'postgres', 'localhost')))).ssl).toBe(true);
    expect((await session(adapter(url(full, 'postgres', '127.0.0.1')))).ssl).toBe(true);
    const f = await failure(adapter(url(full, 'postgres', '127.0.0.2')));
    expect(f.kind).toBe('ConnectionFailed');
    expect(f.originalCode).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('verify-full fails for a host name not in the certificate (this machine’s name)', async (ctx) => {
    if (server.otherName === undefined) {
      console.warn('[legacybridge] skipping: this machine’s name does not resolve');
      ctx.skip();
    }
    const full = `sslmode=verify-full&sslrootcert=${enc(server.files.ca)}`;
    const f = await failure(adapter(url(full, 'postgres', server.otherName)));
    expect(f.kind).toBe('ConnectionFailed');
    expect(f.originalCode).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    // The same name with verify-ca connects: only the name check failed.
    const ca = `sslmode=verify-ca&sslrootcert=${enc(server.files.ca)}`;
    expect((await session(adapter(url(ca, 'postgres', server.otherName)))).ssl).toBe(true);
  });

  it('a client certificate (sslcert/sslkey) logs in the cert user; without it the server refuses', async () => {
    const base = `sslmode=verify-full&sslrootcert=${enc(server.files.ca)}`;
    const withCert = `${base}&sslcert=${enc(server.files.clientCert)}&sslkey=${enc(server.files.clientKey)}`;
    const s = await session(adapter(url(withCert, CERT_USER)));
    expect(s).toMatchObject({ ssl: true, who: CERT_USER });
    const f = await failure(adapter(url(base, CERT_USER)));
    expect(f.kind).toBe('AuthenticationFailed');
  });

  it('reads certificate paths with spaces, %-escapes and a literal +, like libpq', async () => {
    const odd = join(server.dir, 'odd dir+x');
    await mkdir(odd);
    const files = { ca: join(odd, 'ca 1.crt'), cert: join(odd, 'c+1.crt'), key: join(odd, 'c+1.key') };
    await copyFile(server.files.ca, files.ca);
    await copyFile(server.files.clientCert, files.cert);
    await copyFile(server.files.clientKey, files.key);
    const escaped = `sslmode=verify-full&sslrootcert=${enc(files.ca)}&sslcert=${enc(files.cert)}&sslkey=${enc(files.key)}`;
    expect((await session(adapter(url(escaped, CERT_USER)))).who).toBe(CERT_USER);
    // libpq decodes %XX only: a raw `+` in a path is a plus sign, not a space.
    const raw = `sslmode=verify-full&sslrootcert=${odd.replace(/ /g, '%20')}/ca%201.crt&sslcert=${odd.replace(/ /g, '%20')}/c+1.crt&sslkey=${odd.replace(/ /g, '%20')}/c+1.key`;
    expect((await session(adapter(url(raw, CERT_USER)))).who).toBe(CERT_USER);
  });

  it('through the registry entry: a password from the secret path authenticates over TLS; a wrong one fails without leaking', async () => {
    const u = url(`sslmode=verify-full&sslrootcert=${enc(server.files.ca)}`, PASSWORD_USER);
    const created = postgresAdapter.create({ url: u, password: server.password, pool, logger: noopLogger });
    if (created.isErr()) throw new Error(created.error.message);
    opened.push(created.value);
    expect(await session(created.value)).toMatchObject({ ssl: true, who: PASSWORD_USER });
    const wrong = `${server.password}-wrong`;
    const f = await failure(adapter(u, wrong));
    expect(f.kind).toBe('AuthenticationFailed');
    expect(JSON.stringify({ ...f, cause: undefined })).not.toContain(wrong);
  });

  it('an unreadable sslrootcert is a configuration error naming the parameter, not a connect failure', () => {
    const created = postgresAdapter.create({
      url: url(`sslmode=verify-full&sslrootcert=${enc(join(server.dir, 'missing.crt'))}`),
      pool,
      logger: noopLogger,
    });
    expect(created.isErr() && created.error.message).toMatch(/sslrootcert file cannot be read/);
  });
});
