import { errAsync, okAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import {
  createMemoryCache,
  createQueryCache,
  dbFailure,
  isCacheableSql,
  type QueryCacheKey,
  type QueryResult,
} from '../src/index.js';
import { createRecordingMetrics } from '../src/testing/index.js';

const RESULT: QueryResult = {
  columns: [{ name: 'n', logicalType: 'integer' }],
  rows: [[1], [2]],
  rowCount: 2,
  truncated: false,
  durationMs: 4,
};

const key = (sql: string, over: Partial<QueryCacheKey> = {}): QueryCacheKey => ({
  sql,
  dialect: 'postgres',
  limits: { maxRows: 100, maxBytes: 1_000_000 },
  scope: 'analyst',
  ...over,
});

function counted(result = RESULT) {
  let calls = 0;
  return {
    run: () => {
      calls++;
      return okAsync(result);
    },
    calls: () => calls,
  };
}

describe('createMemoryCache', () => {
  it('expires entries after their TTL and evicts the least recently used beyond maxEntries', async () => {
    let clock = 0;
    const cache = createMemoryCache({ maxEntries: 2, now: () => clock });
    await cache.set('a', '1', 100);
    await cache.set('b', '2', 100);
    expect(await cache.get('a')).toBe('1'); // a is now the most recent
    await cache.set('c', '3', 100); // evicts b
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe('1');
    clock = 100;
    expect(await cache.get('a')).toBeUndefined();
  });

  it('keeps within maxBytes and never stores a value bigger than the whole budget', async () => {
    const cache = createMemoryCache({ maxBytes: 100 });
    await cache.set('big', 'x'.repeat(100), 1000);
    expect(await cache.get('big')).toBeUndefined();
    await cache.set('k1', 'x'.repeat(30), 1000); // (2 + 30) × 2 = 64 bytes
    await cache.set('k2', 'y'.repeat(30), 1000); // 128 > 100: k1 goes
    expect(await cache.get('k1')).toBeUndefined();
    expect(await cache.get('k2')).toBe('y'.repeat(30));
  });
});

describe('createQueryCache', () => {
  it('answers the second identical query from the cache, marked cached, and counts hits and misses', async () => {
    const metrics = createRecordingMetrics();
    const qc = createQueryCache({ cache: createMemoryCache(), ttlMs: 60_000, source: 'main', metrics });
    const db = counted();
    const first = await qc.through(key('SELECT n FROM t'), db.run);
    const second = await qc.through(key('SELECT n FROM t'), db.run);
    expect(db.calls()).toBe(1);
    expect(first._unsafeUnwrap().cached).toBeUndefined();
    expect(second._unsafeUnwrap()).toEqual({ ...RESULT, cached: true });
    expect(metrics.total('query_cache_misses_total')).toBe(1);
    expect(metrics.total('query_cache_hits_total')).toBe(1);
  });

  it('keys by scope, caps, dialect and exact text', async () => {
    const qc = createQueryCache({ cache: createMemoryCache(), ttlMs: 60_000, source: 'main' });
    const db = counted();
    await qc.through(key('SELECT n FROM t'), db.run);
    await qc.through(key('SELECT n FROM t', { scope: 'admin' }), db.run);
    await qc.through(key('SELECT n FROM t', { limits: { maxRows: 5, maxBytes: 1_000_000 } }), db.run);
    await qc.through(key('SELECT n FROM t', { dialect: 'mysql' }), db.run);
    await qc.through(key("SELECT n FROM t WHERE s = 'a  b'"), db.run);
    await qc.through(key("SELECT n FROM t WHERE s = 'a b'"), db.run);
    expect(db.calls()).toBe(6);
    await qc.through(key('  SELECT n FROM t  '), db.run); // trimmed text is the same statement
    expect(db.calls()).toBe(6);
  });

  it('never caches errors, volatile statements or answers over the size limit', async () => {
    const metrics = createRecordingMetrics();
    const qc = createQueryCache({
      cache: createMemoryCache(),
      ttlMs: 60_000,
      source: 'main',
      maxEntryBytes: 200,
      metrics,
    });
    let failures = 0;
    const failing = () => {
      failures++;
      return errAsync(dbFailure('Timeout', { timeoutMs: 10, message: 'slow' }));
    };
    await qc.through(key('SELECT slow()'), failing);
    await qc.through(key('SELECT slow()'), failing);
    expect(failures).toBe(2);

    const db = counted();
    await qc.through(key('SELECT now()'), db.run);
    await qc.through(key('SELECT now()'), db.run);
    expect(db.calls()).toBe(2);

    const big = counted({ ...RESULT, rows: Array.from({ length: 50 }, (_, i) => [i]), rowCount: 50 });
    await qc.through(key('SELECT n FROM big'), big.run);
    await qc.through(key('SELECT n FROM big'), big.run);
    expect(big.calls()).toBe(2);
    expect(metrics.total('query_cache_skipped_total')).toBe(4);
  });

  it('invalidate() makes every earlier answer of the source unreachable, not other sources', async () => {
    const cache = createMemoryCache();
    const main = createQueryCache({ cache, ttlMs: 60_000, source: 'main' });
    const other = createQueryCache({ cache, ttlMs: 60_000, source: 'other' });
    const db = counted();
    await main.through(key('SELECT 1'), db.run);
    await other.through(key('SELECT 1'), db.run);
    await main.invalidate();
    await main.through(key('SELECT 1'), db.run);
    await other.through(key('SELECT 1'), db.run);
    expect(db.calls()).toBe(3);
  });

  it('treats a store that fails as a miss, never as an error', async () => {
    const broken = {
      get: () => Promise.reject(new Error('down')),
      set: () => Promise.reject(new Error('down')),
      generation: () => Promise.reject(new Error('down')),
      bump: () => Promise.reject(new Error('down')),
      close: async () => {},
    };
    // CachePort implementations must not reject; this guards the use case if one does anyway.
    const qc = createQueryCache({ cache: broken, ttlMs: 60_000, source: 'main' });
    const db = counted();
    const result = await qc.through(key('SELECT 1'), db.run);
    expect(result.isOk()).toBe(true);
    expect(db.calls()).toBe(1);
  });
});

describe('isCacheableSql', () => {
  it.each([
    'SELECT now()',
    'SELECT CURRENT_TIMESTAMP',
    'SELECT random()',
    'SELECT RAND()',
    'SELECT NEWID()',
    "SELECT datetime('now')",
    'SELECT SYSDATE FROM dual',
    "SELECT nextval('s')",
    'SELECT gen_random_uuid()',
    'SELECT GETDATE()',
  ])('%s is volatile', (sql) => {
    expect(isCacheableSql(sql)).toBe(false);
  });

  it.each(['SELECT * FROM CUSTMST', 'SELECT nowhere, randomly FROM t', 'SELECT count(*) FROM ORDHDR'])(
    '%s may be cached',
    (sql) => {
      expect(isCacheableSql(sql)).toBe(true);
    },
  );
});
