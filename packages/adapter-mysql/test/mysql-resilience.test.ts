import { skipOrFail, startTcpProxy } from '@legacybridge/adapter-conformance';
import type { QueryLimits } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, expect, it } from 'vitest';
import { createMysqlAdapter } from '../src/index.js';
import { connectAdmin, TEST_MYSQL_URL, urlFor } from './mysql-test-db.js';

/**
 * The database goes away and comes back, through a TCP proxy: in-flight queries fail with
 * ConnectionFailed quickly, new ones fail fast instead of hanging, and the same adapter serves
 * queries again within seconds of the database returning.
 */

const LIMITS: QueryLimits = { maxRows: 10, maxBytes: 100_000, timeoutMs: 30_000 };
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'mysql');

const admin = await connectAdmin();
if ('skip' in admin) {
  skipOrFail('mysql', admin.skip);
} else {
  await admin.end();
  const server = new URL(TEST_MYSQL_URL);
  const proxy = await startTcpProxy({
    host: server.hostname,
    port: server.port === '' ? 3306 : Number(server.port),
  });
  const db = createMysqlAdapter({
    url: urlFor(server.pathname.slice(1), { hostPort: `127.0.0.1:${proxy.port}` }),
    pool: { size: 2, maxOverflow: 1, acquireTimeoutMs: 3_000 },
    connectTimeoutMs: 2_000,
  });
  afterAll(async () => {
    await db.close();
    await proxy.close();
  });

  it('fails in-flight and new queries with ConnectionFailed during an outage and recovers without a restart', async () => {
    expect((await db.executeReadOnly(q('SELECT 1'), LIMITS)).isOk()).toBe(true);

    const inFlight = [
      db.executeReadOnly(q('SELECT SLEEP(20)'), LIMITS),
      db.executeReadOnly(q('SELECT SLEEP(20)'), LIMITS),
    ];
    await new Promise((r) => setTimeout(r, 200));
    const cutAt = performance.now();
    await proxy.cut();
    for (const result of await Promise.all(inFlight)) {
      expect(result._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    }
    expect(performance.now() - cutAt).toBeLessThan(1_000);

    // While the database is away: fast failures, never a hang.
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const failure = (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrapErr();
      expect(failure.kind).toBe('ConnectionFailed');
      expect(performance.now() - started).toBeLessThan(2_500);
    }
    expect((await db.ping())._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    expect(db.poolStats()).toMatchObject({ active: 0, waiting: 0 });

    await proxy.restore();
    const restoredAt = performance.now();
    let recovered = false;
    while (!recovered && performance.now() - restoredAt < 5_000) {
      recovered = (await db.executeReadOnly(q('SELECT 1'), LIMITS)).isOk();
      if (!recovered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(true);
    expect(performance.now() - restoredAt).toBeLessThan(3_000);
    // Everything works again, listing included.
    expect((await db.listTables()).isOk()).toBe(true);
  }, 30_000);

  it('a silent network (no RST, no bytes) never hangs a query or a catalog read, and recovers', async () => {
    const port = createMysqlAdapter({
      url: urlFor(server.pathname.slice(1), { hostPort: `127.0.0.1:${proxy.port}` }),
      pool: { size: 1, maxOverflow: 0, acquireTimeoutMs: 3_000 },
      connectTimeoutMs: 1_000,
      catalogTimeoutMs: 500,
    });
    try {
      expect((await port.executeReadOnly(q('SELECT 1'), LIMITS)).isOk()).toBe(true);
      proxy.freeze();
      let started = performance.now();
      const query = await port.executeReadOnly(q('SELECT 1'), { ...LIMITS, timeoutMs: 500 });
      // Timeout when the client guard fires; ConnectionFailed when the pre-ping or a reconnect gave up first.
      expect(['Timeout', 'ConnectionFailed']).toContain(query._unsafeUnwrapErr().kind);
      expect(performance.now() - started).toBeLessThan(4_000);
      started = performance.now();
      expect(['Timeout', 'ConnectionFailed']).toContain((await port.listTables())._unsafeUnwrapErr().kind);
      expect(performance.now() - started).toBeLessThan(4_000);
      proxy.thaw();
      let recovered = false;
      const thawedAt = performance.now();
      while (!recovered && performance.now() - thawedAt < 5_000) {
        recovered = (await port.executeReadOnly(q('SELECT 1'), LIMITS)).isOk();
      }
      expect(recovered).toBe(true);
    } finally {
      proxy.thaw();
      await port.close();
    }
  }, 30_000);

  it('close() ends a running query with ConnectionFailed instead of leaving it pending', async () => {
    const port = createMysqlAdapter({ url: urlFor(server.pathname.slice(1)) });
    const running = port.executeReadOnly(q('SELECT SLEEP(10)'), LIMITS);
    await new Promise((r) => setTimeout(r, 200));
    const started = performance.now();
    await port.close();
    expect((await running)._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    expect(performance.now() - started).toBeLessThan(500);
    await port.close(); // idempotent
  });
}
