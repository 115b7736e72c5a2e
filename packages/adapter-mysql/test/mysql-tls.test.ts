import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { skipOrFail } from '@legacybridge/adapter-conformance';
import {
  type DatabaseFailure,
  type DatabasePort,
  noopLogger,
  type QueryLimits,
  toPublicMessage,
} from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlAdapter, mysqlAdapter } from '../src/index.js';
import {
  SSL_USER,
  startTlsMariadb,
  type TlsMariadb,
  tlsMariadbUnavailable,
  X509_USER,
} from './tls-server.js';

// A throwaway MariaDB with TLS started by this file: the shared server on 3306 runs without TLS and
// must not be reconfigured. Missing binaries fail the run when LEGACYBRIDGE_REQUIRE_DB lists mysql.
const unavailable = await tlsMariadbUnavailable();
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'mysql');
const limits: QueryLimits = { maxRows: 10, maxBytes: 100_000, timeoutMs: 10_000 };
const pool = { size: 1, maxOverflow: 0, acquireTimeoutMs: 10_000, recycleMs: 0, prePing: false };
const enc = encodeURIComponent;

if (unavailable !== undefined) {
  skipOrFail('mysql', `no throwaway TLS MariaDB: ${unavailable}`);
} else {
  describe('mysql adapter over TLS (throwaway MariaDB)', () => {
    let server: TlsMariadb;
    const opened: DatabasePort[] = [];

    beforeAll(async () => {
      server = await startTlsMariadb();
    });
    afterAll(async () => {
      await Promise.all(opened.map((a) => a.close()));
      await server?.stop();
    });

    /** A URL to the throwaway server; `params` are appended as they are (already encoded). */
    const url = (params: string, user = SSL_USER, host = 'localhost') =>
      `mysql://${user}@${host}:${server.port}/${params === '' ? '' : `?${params}`}`;
    /** `password` as the SecretPort would pass it; none for the X509 user. */
    const adapter = (u: string, password?: string) => {
      const a = createMysqlAdapter({ url: u, password, connectTimeoutMs: 5_000, pool });
      opened.push(a);
      return a;
    };
    /** The session's TLS cipher and user, read through the adapter. */
    const session = async (a: DatabasePort) => {
      const status = await a.executeReadOnly(q("SHOW SESSION STATUS LIKE 'Ssl_cipher'"), limits);
      if (status.isErr()) throw new Error(`query failed: ${status.error.kind}: ${status.error.message}`);
      const who = await a.executeReadOnly(q('SELECT CURRENT_USER()'), limits);
      if (who.isErr()) throw new Error(`query failed: ${who.error.kind}: ${who.error.message}`);
      return { cipher: status.value.rows[0]?.[1], who: who.value.rows[0]?.[0] };
    };
    const failure = async (a: DatabasePort): Promise<DatabaseFailure> => {
      const result = await a.ping();
      if (result.isOk()) throw new Error('expected the connection to fail');
      return result.error;
    };
    const verified = () => `ssl=true&ssl_ca=${enc(server.files.ca)}`;

    it('ssl=true&ssl_ca connects the REQUIRE SSL user with an encrypted session', async () => {
      const s = await session(adapter(url(verified()), server.password));
      expect(s.cipher).toMatch(/^[A-Z0-9_-]+$/);
      expect(s.who).toBe(`${SSL_USER}@%`);
    });

    it('without ssl the REQUIRE SSL user is refused', async () => {
      const f = await failure(adapter(url(''), server.password));
      expect(f.kind).toBe('AuthenticationFailed');
      expect(f.message).toMatch(/Access denied/);
      expect(JSON.stringify({ ...f, cause: undefined })).not.toContain(server.password);
    });

    it('a wrong CA fails with ConnectionFailed, naming TLS and no secret', async () => {
      const f = await failure(adapter(url(`ssl=true&ssl_ca=${enc(server.files.otherCa)}`), server.password));
      expect(f.kind).toBe('ConnectionFailed');
      expect(toPublicMessage(f)).toMatch(/TLS handshake with the database failed \(check ssl_ca/);
      expect(JSON.stringify({ ...f, cause: undefined })).not.toContain(server.password);
      expect(toPublicMessage(f)).not.toContain(server.password);
    });

    it('ssl=true without ssl_ca trusts only public CAs; ssl_reject_unauthorized=false encrypts unverified', async () => {
      expect((await failure(adapter(url('ssl=true'), server.password))).kind).toBe('ConnectionFailed');
      expect(
        (await session(adapter(url('ssl=true&ssl_reject_unauthorized=false'), server.password))).cipher,
      ).toMatch(/\w/);
    });

    it('verifies the host name: localhost passes, a name not in the certificate (this machine’s) fails', async (ctx) => {
      expect(
        (await session(adapter(url(verified(), SSL_USER, 'localhost'), server.password))).cipher,
      ).toMatch(/\w/);
      if (server.otherName === undefined) {
        console.warn('[legacybridge] skipping the wrong-name half: this machine’s name does not resolve');
        ctx.skip();
      }
      const f = await failure(adapter(url(verified(), SSL_USER, server.otherName), server.password));
      expect(f.kind).toBe('ConnectionFailed');
      // mysql2 wraps Node's ERR_TLS_CERT_ALTNAME_INVALID.
      expect(f.message).toMatch(/does not match certificate's altnames/);
      expect(toPublicMessage(f)).toMatch(/TLS handshake with the database failed/);
      // ssl_reject_unauthorized=false turns off both checks (chain and name).
      const off = `${verified()}&ssl_reject_unauthorized=false`;
      expect((await session(adapter(url(off, SSL_USER, server.otherName), server.password))).cipher).toMatch(
        /\w/,
      );
    });

    it('by IP address the chain is verified but not the address (mysql2 cannot check an IP)', async () => {
      for (const ip of ['127.0.0.1', '127.0.0.2']) {
        expect((await session(adapter(url(verified(), SSL_USER, ip), server.password))).cipher).toMatch(/\w/);
      }
      const wrongCa = `ssl=true&ssl_ca=${enc(server.files.otherCa)}`;
      expect((await failure(adapter(url(wrongCa, SSL_USER, '127.0.0.2'), server.password))).kind).toBe(
        'ConnectionFailed',
      );
    });

    it('ssl_cert/ssl_key log in the REQUIRE X509 user; without them it is refused', async () => {
      const cert = `${verified()}&ssl_cert=${enc(server.files.clientCert)}&ssl_key=${enc(server.files.clientKey)}`;
      expect(await session(adapter(url(cert, X509_USER)))).toMatchObject({
        who: `${X509_USER}@%`,
      });
      expect((await failure(adapter(url(verified(), X509_USER)))).kind).toBe('AuthenticationFailed');
    });

    it('reads certificate paths with spaces, %-escapes and a literal +', async () => {
      const odd = join(server.dir, 'odd dir+x');
      await mkdir(odd);
      const files = { ca: join(odd, 'ca 1.crt'), cert: join(odd, 'c+1.crt'), key: join(odd, 'c+1.key') };
      await copyFile(server.files.ca, files.ca);
      await copyFile(server.files.clientCert, files.cert);
      await copyFile(server.files.clientKey, files.key);
      const escaped = `ssl=true&ssl_ca=${enc(files.ca)}&ssl_cert=${enc(files.cert)}&ssl_key=${enc(files.key)}`;
      expect((await session(adapter(url(escaped, X509_USER)))).who).toBe(`${X509_USER}@%`);
      const sp = (path: string) => path.replace(/ /g, '%20');
      const raw = `ssl=true&ssl_ca=${sp(files.ca)}&ssl_cert=${sp(files.cert)}&ssl_key=${sp(files.key)}`;
      expect((await session(adapter(url(raw, X509_USER)))).who).toBe(`${X509_USER}@%`);
    });

    it('through the registry entry: the secret-path password works over TLS; a wrong one fails without leaking', async () => {
      const created = mysqlAdapter.create({
        url: url(verified()),
        password: server.password,
        pool,
        logger: noopLogger,
      });
      if (created.isErr()) throw new Error(created.error.message);
      opened.push(created.value);
      expect((await session(created.value)).cipher).toMatch(/\w/);
      const wrong = `${server.password}-wrong`;
      const f = await failure(adapter(url(verified()), wrong));
      expect(f.kind).toBe('AuthenticationFailed');
      expect(JSON.stringify({ ...f, cause: undefined })).not.toContain(wrong);
    });
  });
}
