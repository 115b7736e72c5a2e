import { randomBytes } from 'node:crypto';
import { skipOrFail, startTcpProxy } from '@legacybridge/adapter-conformance';
import { createQueryCache, type QueryResult } from '@legacybridge/core';
import { createRecordingLogger, createRecordingMetrics } from '@legacybridge/core/testing';
import { Redis } from 'ioredis';
import { okAsync } from 'neverthrow';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisCache } from '../src/index.js';

const REDIS_URL = process.env.LEGACYBRIDGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `lbtest:${randomBytes(4).toString('hex')}:`;

async function unavailable(): Promise<string | undefined> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch (error) {
    return `Redis unreachable at ${REDIS_URL} (${(error as Error).message}); set LEGACYBRIDGE_TEST_REDIS_URL`;
  } finally {
    probe.disconnect();
  }
}

const RESULT: QueryResult = {
  columns: [{ name: 'n', logicalType: 'integer' }],
  rows: [[1]],
  rowCount: 1,
  truncated: false,
  durationMs: 2,
};

const reason = await unavailable();
if (reason !== undefined) {
  skipOrFail('redis', reason);
} else {
  describe('createRedisCache (real Redis)', () => {
    const opened: { close(): Promise<void> }[] = [];
    const open = async (url = REDIS_URL) => {
      const cache = createRedisCache({ url, keyPrefix: PREFIX });
      opened.push(cache);
      expect(await cache.ready()).toBe(true);
      return cache;
    };
    afterAll(async () => {
      for (const c of opened) await c.close();
      const admin = new Redis(REDIS_URL);
      const keys = await admin.keys(`${PREFIX}*`);
      if (keys.length > 0) await admin.del(...keys);
      admin.disconnect();
    });

    it('stores with a TTL, under its key prefix', async () => {
      const cache = await open();
      await cache.set('k', 'v', 60_000);
      expect(await cache.get('k')).toBe('v');
      const admin = new Redis(REDIS_URL);
      const ttl = await admin.pttl(`${PREFIX}k`);
      admin.disconnect();
      expect(ttl).toBeGreaterThan(50_000);
      await cache.set('short', 'v', 30);
      await new Promise((r) => setTimeout(r, 80));
      expect(await cache.get('short')).toBeUndefined();
    });

    it('shares answers between two replicas: a query cached by one is a hit in the other', async () => {
      const replicaA = createQueryCache({ cache: await open(), ttlMs: 60_000, source: 'main' });
      const replicaB = createQueryCache({ cache: await open(), ttlMs: 60_000, source: 'main' });
      let calls = 0;
      const run = () => {
        calls++;
        return okAsync(RESULT);
      };
      const key = {
        sql: 'SELECT n FROM t',
        dialect: 'postgres' as const,
        limits: { maxRows: 10, maxBytes: 1e6 },
        scope: 's',
      };
      await replicaA.through(key, run);
      await new Promise((r) => setTimeout(r, 20)); // the write is not awaited by the caller
      const fromB = await replicaB.through(key, run);
      expect(calls).toBe(1);
      expect(fromB._unsafeUnwrap().cached).toBe(true);
      // A flush on one replica invalidates for all of them.
      await replicaB.invalidate();
      await replicaA.through(key, run);
      expect(calls).toBe(2);
    });

    it('is silent about misses that race the first connection (a cold start is no outage)', async () => {
      const logger = createRecordingLogger();
      const cache = createRedisCache({ url: REDIS_URL, keyPrefix: PREFIX, logger });
      opened.push(cache);
      // Sent before the connection is up: no offline queue, so these are misses at once.
      expect(cache.connected).toBe(false);
      expect(await cache.get('cold')).toBeUndefined();
      expect(await cache.generation('ns')).toBe(0);
      expect(await cache.ready()).toBe(true);
      await cache.set('cold', 'v', 60_000);
      expect(await cache.get('cold')).toBe('v');
      expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
    });

    it('treats a closed port as misses at once, without errors, and warns once', async () => {
      const logger = createRecordingLogger();
      const metrics = createRecordingMetrics();
      const cache = createRedisCache({ url: 'redis://127.0.0.1:1', keyPrefix: PREFIX, logger, metrics });
      opened.push(cache);
      const started = performance.now();
      expect(await cache.ready(300)).toBe(false);
      expect(await cache.get('k')).toBeUndefined();
      await cache.set('k', 'v', 1000);
      expect(await cache.generation('ns')).toBe(0);
      await cache.bump('ns');
      expect(performance.now() - started).toBeLessThan(1000);
      expect(cache.connected).toBe(false);
      const warnings = logger.lines.filter((l) => l.level === 'warn');
      expect(warnings.length).toBe(1);
      expect(warnings[0]?.message).toMatch(/redis cache unavailable/);
      // Every command after the first failed connection attempt counts as an outage, by operation.
      expect(metrics.total('query_cache_unavailable_total')).toBe(4);
      expect(metrics.named('query_cache_unavailable_total').map((m) => m.labels.operation)).toEqual([
        'get',
        'set',
        'generation',
        'bump',
      ]);
    });

    it('degrades to misses while Redis is cut, and serves hits again after it returns', async () => {
      const target = new URL(REDIS_URL);
      const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
      try {
        const cache = await open(`redis://127.0.0.1:${proxy.port}`);
        await cache.set('k', 'v', 60_000);
        expect(await cache.get('k')).toBe('v');
        await proxy.cut();
        const started = performance.now();
        expect(await cache.get('k')).toBeUndefined();
        expect(performance.now() - started).toBeLessThan(1000);
        await proxy.restore();
        const deadline = Date.now() + 10_000;
        let back: string | undefined;
        while (back === undefined && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          back = await cache.get('k');
        }
        expect(back).toBe('v');
      } finally {
        await proxy.close();
      }
    });

    it('while Redis hangs, one command waits for the timeout and the next second’s are misses at once', async () => {
      const target = new URL(REDIS_URL);
      const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
      try {
        const cache = await open(`redis://127.0.0.1:${proxy.port}`);
        await cache.set('hung', 'v', 60_000);
        proxy.freeze();
        const timed = async <T>(work: Promise<T>) => {
          const started = performance.now();
          const value = await work;
          return { value, ms: performance.now() - started };
        };
        const first = await timed(cache.get('hung'));
        expect(first.value).toBeUndefined();
        expect(first.ms).toBeGreaterThanOrEqual(240); // the 250 ms command timeout
        expect(first.ms).toBeLessThan(1_000);
        // The next reads do not wait for Redis at all (without the quiet second: 250 ms each).
        const next = await timed(
          (async () => {
            for (let i = 0; i < 5; i++) {
              expect(await cache.generation('ns')).toBe(0);
              expect(await cache.get('hung')).toBeUndefined();
            }
          })(),
        );
        expect(next.ms).toBeLessThan(100);
        proxy.thaw();
        // After the quiet second, commands go to Redis again and the entry is there.
        const deadline = Date.now() + 5_000;
        let back: string | undefined;
        while (back === undefined && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          back = await cache.get('hung');
        }
        expect(back).toBe('v');
      } finally {
        await proxy.close();
      }
    });
  });
}
