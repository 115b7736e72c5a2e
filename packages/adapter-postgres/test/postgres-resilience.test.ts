import { startTcpProxy, type TcpProxy } from '@legacybridge/adapter-conformance';
import type { DatabasePort, QueryLimits } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresAdapter } from '../src/index.js';
import {
  createTestDatabase,
  describeWithPostgres,
  postgresUnavailable,
  type TestDatabase,
  withHostPort,
} from './pg-test-db.js';

const unavailable = await postgresUnavailable();
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'postgres');
const limits: QueryLimits = { maxRows: 10, maxBytes: 100_000, timeoutMs: 10_000 };

describeWithPostgres('postgres resilience through a TCP proxy (real server)', unavailable, () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let adapter: DatabasePort;

  const timed = async <T>(work: PromiseLike<T>) => {
    const started = performance.now();
    const value = await work;
    return { value, ms: performance.now() - started };
  };

  beforeAll(async () => {
    db = await createTestDatabase('resilience');
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    adapter = createPostgresAdapter({
      url: withHostPort(db.url, '127.0.0.1', proxy.port),
      pool: { size: 2, maxOverflow: 1, acquireTimeoutMs: 5_000 },
      connectTimeoutMs: 1_000,
      cancelGraceMs: 500,
      prePingIdleMs: 0,
    });
    expect((await adapter.ping()).isOk()).toBe(true);
  });
  afterAll(async () => {
    await adapter?.close();
    await proxy?.close();
    await db?.drop();
  });

  it('in-flight queries fail with ConnectionFailed at once when the database goes away', async () => {
    const inflight = [1, 2, 3].map(() => adapter.executeReadOnly(q('SELECT pg_sleep(5)'), limits));
    await new Promise((r) => setTimeout(r, 300));
    const cutAt = performance.now();
    await proxy.cut('reset');
    const results = await Promise.all(inflight);
    const elapsed = performance.now() - cutAt;
    for (const r of results) expect(r._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    expect(elapsed).toBeLessThan(1_000);
  });

  it('while it is away, every call fails fast with ConnectionFailed and nothing hangs', async () => {
    const { value, ms } = await timed(
      Promise.all([
        adapter.ping(),
        adapter.listTables(),
        adapter.executeReadOnly(q('SELECT 1'), limits),
        adapter.describeTable({ name: 'x' }),
      ]),
    );
    for (const r of value) expect(r._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    expect(ms).toBeLessThan(2_000);
    expect(adapter.poolStats()).toMatchObject({ active: 0, waiting: 0 });
  });

  it('queries succeed again within seconds of the database returning, with the same adapter', async () => {
    await proxy.restore();
    const { value: recovered, ms } = await timed(
      (async () => {
        for (let i = 0; i < 50; i++) {
          const r = await adapter.executeReadOnly(q('SELECT 42'), limits);
          if (r.isOk()) return r.value;
          await new Promise((res) => setTimeout(res, 100));
        }
        return undefined;
      })(),
    );
    expect(recovered?.rows).toEqual([[42]]);
    expect(ms).toBeLessThan(3_000);
    const all = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => adapter.executeReadOnly(q(`SELECT ${n}`), limits)),
    );
    expect(all.every((r) => r.isOk())).toBe(true);
  });

  it('a silent partition (no FIN, no RST) cannot hang a query: the client guard stops it', async () => {
    const pending = adapter.executeReadOnly(q('SELECT pg_sleep(5)'), { ...limits, timeoutMs: 1_000 });
    await new Promise((r) => setTimeout(r, 200)); // the statement is running on the server
    const started = performance.now();
    proxy.freeze();
    const result = await pending;
    const ms = performance.now() - started;
    expect(result._unsafeUnwrapErr().kind).toBe('Timeout');
    // timeout + client grace (250 ms) + cancel grace (500 ms) after the start, with slack for a loaded machine.
    expect(ms).toBeLessThan(2_500);
    proxy.thaw();
  });

  it('pre-ping replaces pooled connections that went silent, instead of hanging a query on them', async () => {
    // Two connections idle in the pool, then their network path silently drops everything.
    const warm = await Promise.all(
      [1, 2].map(() => adapter.executeReadOnly(q('SELECT pg_sleep(0.1)'), limits)),
    );
    expect(warm.every((r) => r.isOk())).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(adapter.poolStats().idle).toBe(2);
    proxy.freezeExisting();
    const { value, ms } = await timed(adapter.executeReadOnly(q('SELECT 7'), limits));
    expect(value._unsafeUnwrap().rows).toEqual([[7]]);
    // Each stale connection costs one failed ping (connectTimeoutMs = 1 s), far below the query timeout.
    expect(ms).toBeLessThan(limits.timeoutMs / 2);
  });
});
