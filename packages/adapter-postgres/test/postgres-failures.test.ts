import { createServer, type Socket } from 'node:net';
import type { DatabaseFailure, DatabasePort, QueryLimits } from '@legacybridge/core';
import { toPublicMessage } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresAdapter } from '../src/index.js';
import {
  createTestDatabase,
  describeWithPostgres,
  postgresUnavailable,
  randomSuffix,
  type TestDatabase,
  withDatabase,
  withHostPort,
} from './pg-test-db.js';

const unavailable = await postgresUnavailable();
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'postgres');
const limits: QueryLimits = { maxRows: 10, maxBytes: 100_000, timeoutMs: 10_000 };
const PASSWORD = 'Sup3r-Secret-Passw0rd';

/** The URL with another user and a password the failure must never repeat. */
function asUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = PASSWORD;
  return u.toString();
}

function expectNoSecret(failure: DatabaseFailure) {
  for (const text of [failure.message, failure.publicDetail ?? '', toPublicMessage(failure)]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toMatch(/postgres(ql)?:\/\//);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describeWithPostgres('postgres failures end to end (real server)', unavailable, () => {
  let db: TestDatabase;
  const suffix = randomSuffix();
  const roles = {
    reader: `lb_pg_reader_${suffix}`,
    nologin: `lb_pg_nologin_${suffix}`,
    limited: `lb_pg_limited_${suffix}`,
  };
  const adapters: DatabasePort[] = [];
  const make = (config: Parameters<typeof createPostgresAdapter>[0]) => {
    const adapter = createPostgresAdapter(config);
    adapters.push(adapter);
    return adapter;
  };

  beforeAll(async () => {
    db = await createTestDatabase('failures');
    await db.admin.query('CREATE TABLE open_data (id int)');
    await db.admin.query('CREATE TABLE secret (id int)');
    await db.admin.query(`CREATE ROLE ${roles.reader} LOGIN`);
    await db.admin.query(`CREATE ROLE ${roles.nologin} NOLOGIN`);
    await db.admin.query(`CREATE ROLE ${roles.limited} LOGIN CONNECTION LIMIT 1`);
    await db.admin.query(`GRANT SELECT ON open_data TO ${roles.reader}, ${roles.limited}`);
  });
  afterAll(async () => {
    await Promise.all(adapters.map((a) => a.close()));
    if (!db) return;
    await db.admin.query(`DROP OWNED BY ${Object.values(roles).join(', ')}`).catch(() => {});
    await db.drop();
    const { default: pg } = await import('pg');
    const server = new pg.Client({ connectionString: withDatabase(db.url, 'postgres') });
    await server.connect();
    for (const role of Object.values(roles)) await server.query(`DROP ROLE IF EXISTS ${role}`);
    await server.end();
  });

  it('an unknown role is AuthenticationFailed, without the password in any text', async () => {
    const adapter = make({ url: asUser(db.url, `lb_pg_nobody_${suffix}`) });
    const failure = (await adapter.ping())._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'AuthenticationFailed', originalCode: '28000' });
    expectNoSecret(failure);
  });

  it('a NOLOGIN role is AuthenticationFailed', async () => {
    const failure = (await make({ url: asUser(db.url, roles.nologin) }).ping())._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'AuthenticationFailed', originalCode: '28000' });
  });

  it('a closed port is ConnectionFailed within a few seconds', async () => {
    const started = performance.now();
    const url = withHostPort(asUser(db.url, 'postgres'), '127.0.0.1', await freePort());
    const failure = (await make({ url }).ping())._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'ConnectionFailed', originalCode: 'ECONNREFUSED' });
    expect(performance.now() - started).toBeLessThan(3_000);
    expectNoSecret(failure);
  });

  it('an unknown host is ConnectionFailed within a few seconds', async () => {
    const started = performance.now();
    const url = withHostPort(db.url, 'no-such-host.invalid', 5432);
    const failure = (await make({ url, connectTimeoutMs: 2_000 }).ping())._unsafeUnwrapErr();
    expect(failure.kind).toBe('ConnectionFailed');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a host that never answers is ConnectionFailed after the connect timeout', async () => {
    // A listener that accepts TCP but never speaks the protocol: the startup reply never comes.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = performance.now();
      const failure = (
        await make({ url: withHostPort(db.url, '127.0.0.1', port), connectTimeoutMs: 800 }).ping()
      )._unsafeUnwrapErr();
      const elapsed = performance.now() - started;
      expect(failure.kind).toBe('ConnectionFailed');
      expect(elapsed).toBeGreaterThanOrEqual(700);
      expect(elapsed).toBeLessThan(3_000);
    } finally {
      silent.close();
    }
  });

  it('an unknown database is ObjectNotFound (database)', async () => {
    const failure = (
      await make({ url: withDatabase(db.url, `lb_pg_missing_${suffix}`) }).ping()
    )._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'ObjectNotFound', objectType: 'database', originalCode: '3D000' });
  });

  it('reading a table without privilege is PermissionDenied; introspection hides it', async () => {
    const adapter = make({ url: asUser(db.url, roles.reader) });
    const failure = (await adapter.executeReadOnly(q('SELECT * FROM secret'), limits))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'PermissionDenied', originalCode: '42501' });
    expect(failure.publicDetail).toMatch(/permission denied for table secret/);
    const names = (await adapter.listTables())._unsafeUnwrap().map((t) => t.name);
    expect(names).toEqual(['open_data']);
  });

  it('a role over its connection limit gets ConnectionFailed naming the cause', async () => {
    const adapter = make({ url: asUser(db.url, roles.limited), pool: { size: 2, maxOverflow: 0 } });
    const slow = adapter.executeReadOnly(q('SELECT pg_sleep(1)'), limits);
    await new Promise((r) => setTimeout(r, 200));
    const failure = (await adapter.executeReadOnly(q('SELECT 1'), limits))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'ConnectionFailed', originalCode: '53300' });
    expect(failure.publicDetail).toMatch(/no free connection slots/);
    expect((await slow).isOk()).toBe(true);
  });

  it('after close every method fails with ConnectionFailed, and close is idempotent', async () => {
    const adapter = make({ url: db.url });
    expect((await adapter.ping()).isOk()).toBe(true);
    await adapter.close();
    await adapter.close();
    expect((await adapter.ping())._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    expect((await adapter.executeReadOnly(q('SELECT 1'), limits))._unsafeUnwrapErr().kind).toBe(
      'ConnectionFailed',
    );
  });
});

/**
 * A stand-in server that speaks just enough of the PostgreSQL protocol to reject a password: it asks
 * for a cleartext password, then answers FATAL 28P01 — the wrong-password path end to end through pg,
 * which the local trust-auth server cannot produce.
 */
async function startPasswordRejectingServer(received: string[]) {
  const server = createServer((socket: Socket) => {
    let stage = 0;
    socket.on('data', (chunk) => {
      if (stage === 0) {
        stage = 1;
        const ask = Buffer.alloc(9);
        ask.write('R', 0);
        ask.writeInt32BE(8, 1);
        ask.writeInt32BE(3, 5); // AuthenticationCleartextPassword
        socket.write(ask);
        return;
      }
      received.push(chunk.subarray(5).toString('utf8').replace(/\0$/, ''));
      const fields = Buffer.from(
        'SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "app"\0\0',
        'utf8',
      );
      const header = Buffer.alloc(5);
      header.write('E', 0);
      header.writeInt32BE(fields.length + 4, 1);
      socket.end(Buffer.concat([header, fields]));
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

describe('postgres wrong password (protocol-level stand-in server)', () => {
  it('is AuthenticationFailed (28P01) and the password appears in no text', async () => {
    const received: string[] = [];
    const { server, port } = await startPasswordRejectingServer(received);
    const adapter = createPostgresAdapter({ url: `postgres://app:${PASSWORD}@127.0.0.1:${port}/db` });
    try {
      const failure = (await adapter.ping())._unsafeUnwrapErr();
      expect(failure).toMatchObject({ kind: 'AuthenticationFailed', originalCode: '28P01' });
      expectNoSecret(failure);
      expect(received).toEqual([PASSWORD]); // the driver really sent it: the check above is meaningful
    } finally {
      await adapter.close();
      server.close();
    }
  });

  it('a password from the SecretPort replaces the one in the URL', async () => {
    const received: string[] = [];
    const { server, port } = await startPasswordRejectingServer(received);
    const adapter = createPostgresAdapter({
      url: `postgres://app:stale@127.0.0.1:${port}/db`,
      password: PASSWORD,
    });
    try {
      expect((await adapter.ping())._unsafeUnwrapErr().kind).toBe('AuthenticationFailed');
      expect(received).toEqual([PASSWORD]);
    } finally {
      await adapter.close();
      server.close();
    }
  });

  it('sslmode=require against a server without TLS is ConnectionFailed with advice', async () => {
    // The stand-in answers the SSLRequest with 'N' (no TLS), as a server with ssl=off does.
    const server = createServer((socket) => {
      socket.once('data', () => socket.write('N'));
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const adapter = createPostgresAdapter({ url: `postgres://app@127.0.0.1:${port}/db?sslmode=require` });
    try {
      const failure = (await adapter.ping())._unsafeUnwrapErr();
      expect(failure.kind).toBe('ConnectionFailed');
      expect(failure.publicDetail).toMatch(/TLS/);
    } finally {
      await adapter.close();
      server.close();
    }
  });
});
