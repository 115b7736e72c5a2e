import { okAsync, ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { dbFailure } from '../src/errors.js';
import { createSchemaCache, type SchemaCacheOptions } from '../src/schema/schema-cache.js';
import {
  createFakeDatabase,
  createRecordingLogger,
  createRecordingMetrics,
  type FakeDatabase,
  fakeTable,
  legacyFakeTables,
} from '../src/testing/index.js';

const col = ['ID', 'INTEGER', 'integer'] as const;

/** A cache on a hand-driven clock, with recording metrics. */
function setup(options: Partial<SchemaCacheOptions> = {}, db: FakeDatabase = createFakeDatabase()) {
  let clock = 1_000_000;
  const metrics = createRecordingMetrics();
  const logger = createRecordingLogger();
  const cache = createSchemaCache({ ttlMs: 60_000, now: () => clock, metrics, logger, ...options });
  return {
    db,
    cache,
    metrics,
    logger,
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe('SchemaCache', () => {
  it('reads the catalog once for concurrent callers, then serves hits from memory', async () => {
    const { db, cache, metrics } = setup({}, createFakeDatabase({ latencyMs: 20 }));
    const all = await Promise.all(Array.from({ length: 10 }, () => cache.snapshot(db)));
    const versions = new Set(all.map((r) => r._unsafeUnwrap().version));
    expect(versions.size).toBe(1);
    expect(db.callsTo('listTables')).toHaveLength(1);
    // Listings need no columns: schema search loads them on first use.
    expect(db.callsTo('listColumns')).toHaveLength(0);
    const again = (await cache.snapshot(db))._unsafeUnwrap();
    expect(again.version).toBe([...versions][0]);
    expect(db.callsTo('listTables')).toHaveLength(1);
    expect(metrics.total('schema_cache_misses_total')).toBe(10);
    expect(metrics.total('schema_cache_hits_total')).toBe(1);
    expect(metrics.named('schema_snapshot_build_seconds')).toHaveLength(1);
    expect(metrics.named('schema_snapshot_build_seconds')[0]?.labels).toEqual({ part: 'tables' });
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 1, misses: 10, refreshes: 0 });
    expect(cache.stats().bytes).toBeGreaterThan(0);
  });

  it('loads columns once, on first need, into the same snapshot version', async () => {
    const { db, cache, metrics } = setup({}, createFakeDatabase({ latencyMs: 5 }));
    const tablesOnly = (await cache.snapshot(db))._unsafeUnwrap();
    expect(tablesOnly.columns).toBeUndefined();
    const [a, b] = await Promise.all([
      cache.snapshot(db, { columns: true }),
      cache.snapshot(db, { columns: true }),
    ]);
    expect(db.callsTo('listColumns')).toHaveLength(1);
    expect(a._unsafeUnwrap().columns?.length).toBeGreaterThan(10);
    expect(b._unsafeUnwrap().version).toBe(tablesOnly.version);
    // Later callers, with or without columns, get the snapshot that has them.
    expect((await cache.snapshot(db))._unsafeUnwrap().columns).toBeDefined();
    expect(metrics.named('schema_snapshot_build_seconds').map((m) => m.labels.part)).toEqual([
      'tables',
      'columns',
    ]);
    expect(cache.stats().bytes).toBe(a._unsafeUnwrap().approxBytes);
  });

  it('loads declared keys once, on first need, keeping columns loaded meanwhile', async () => {
    const fake = createFakeDatabase({ latencyMs: 5 });
    let keyReads = 0;
    const keys = {
      primaryKeys: [{ table: { name: 'CUSTMST' }, columns: ['CUSTNO'] }],
      foreignKeys: [],
    };
    // The fake has no listKeys: a port that does, counting its reads.
    const db = Object.assign(Object.create(fake) as FakeDatabase, {
      listKeys: () => {
        keyReads++;
        return okAsync(keys);
      },
    });
    const { cache, metrics } = setup({}, db);
    const plain = (await cache.snapshot(db))._unsafeUnwrap();
    expect(plain.keys).toBeUndefined();
    expect(keyReads).toBe(0);
    const [a, b] = await Promise.all([
      cache.snapshot(db, { keys: true }),
      cache.snapshot(db, { columns: true, keys: true }),
    ]);
    expect(keyReads).toBe(1);
    expect(a._unsafeUnwrap().keys).toBe(keys);
    expect(b._unsafeUnwrap().columns).toBeDefined();
    // The cached snapshot holds both, whichever load finished last.
    const both = (await cache.snapshot(db))._unsafeUnwrap();
    expect(both.keys).toBe(keys);
    expect(both.columns).toBeDefined();
    expect(both.version).toBe(plain.version);
    expect(keyReads).toBe(1);
    expect(metrics.named('schema_snapshot_build_seconds').map((m) => m.labels.part)).toContain('keys');

    // A port without listKeys: no declared keys, and no catalog read for them.
    const bare = setup();
    expect((await bare.cache.snapshot(bare.db, { keys: true }))._unsafeUnwrap().keys).toEqual({
      primaryKeys: [],
      foreignKeys: [],
    });
  });

  it('reads columns and keys side by side on a cold relationship request, not one after the other', async () => {
    const fake = createFakeDatabase({ latencyMs: { listTables: 5 } });
    const keys = { primaryKeys: [{ table: { name: 'CUSTMST' }, columns: ['CUSTNO'] }], foreignKeys: [] };
    // Both reads take 60 ms; each notes whether the other was in flight when it started.
    const inFlight = new Set<string>();
    let overlapped = false;
    const slow = <T>(name: string, value: () => Promise<T>) => {
      if (inFlight.size > 0) overlapped = true;
      inFlight.add(name);
      return ResultAsync.fromSafePromise(new Promise((r) => setTimeout(r, 60)).then(value)).map((v) => {
        inFlight.delete(name);
        return v;
      });
    };
    const db = Object.assign(Object.create(fake) as FakeDatabase, {
      listKeys: () => slow('keys', async () => keys),
      listColumns: (filter?: { schema: string }) =>
        slow('columns', async () => (await fake.listColumns(filter))._unsafeUnwrap()),
    });
    const { cache } = setup({}, db);
    const both = (await cache.snapshot(db, { columns: true, keys: true }))._unsafeUnwrap();
    expect(overlapped).toBe(true);
    expect(both.columns).toBeDefined();
    expect(both.keys).toBe(keys);
    // The cache holds the joined snapshot: a later call reads nothing.
    const again = (await cache.snapshot(db, { columns: true, keys: true }))._unsafeUnwrap();
    expect(again).toBe(both);
  });

  it('serves a snapshot past its TTL while one background refresh runs, then the new one', async () => {
    const { db, cache, metrics, advance } = setup({ ttlMs: 1_000 });
    const first = (await cache.snapshot(db))._unsafeUnwrap();
    advance(1_500);
    const stale = await Promise.all([cache.snapshot(db), cache.snapshot(db)]);
    expect(stale.map((r) => r._unsafeUnwrap().version)).toEqual([first.version, first.version]);
    await cache.idle();
    expect(db.callsTo('listTables')).toHaveLength(2);
    const fresh = (await cache.snapshot(db))._unsafeUnwrap();
    expect(fresh.version).not.toBe(first.version);
    expect(metrics.total('schema_cache_refreshes_total', { reason: 'ttl' })).toBe(1);
  });

  it('makes the caller wait for the rebuild past twice the TTL', async () => {
    const { db, cache, advance } = setup({ ttlMs: 1_000 });
    const first = (await cache.snapshot(db))._unsafeUnwrap();
    db.setTables([fakeTable('NEWTBL', [col])]);
    advance(2_000);
    const rebuilt = (await cache.snapshot(db))._unsafeUnwrap();
    expect(rebuilt.version).not.toBe(first.version);
    expect(rebuilt.tables.map((t) => t.name)).toEqual(['NEWTBL']);
  });

  it('keeps serving the previous snapshot when a background refresh fails', async () => {
    const { db, cache, logger, advance } = setup({ ttlMs: 1_000 });
    const first = (await cache.snapshot(db))._unsafeUnwrap();
    db.setFailure('listTables', dbFailure('ConnectionFailed', { message: 'down' }));
    advance(1_200);
    expect((await cache.snapshot(db))._unsafeUnwrap()).toBe(first);
    await cache.idle();
    expect((await cache.snapshot(db))._unsafeUnwrap()).toBe(first);
    expect(logger.lines.some((e) => e.level === 'warn' && e.message.includes('refresh failed'))).toBe(true);
  });

  it('rebuilds when the catalog fingerprint changed, checking it at most once per interval', async () => {
    const db = createFakeDatabase({ catalogFingerprint: true });
    const { cache, metrics, advance } = setup({ checkIntervalMs: 5_000 }, db);
    const first = (await cache.snapshot(db))._unsafeUnwrap();
    expect(first.fingerprint).toBe('v1');
    db.setTables([...legacyFakeTables(), fakeTable('ADDED', [col])]);
    // Within the interval nothing asks the database.
    advance(1_000);
    expect((await cache.snapshot(db))._unsafeUnwrap()).toBe(first);
    expect(db.callsTo('catalogFingerprint')).toHaveLength(1);
    advance(5_000);
    const rebuilt = (await cache.snapshot(db))._unsafeUnwrap();
    expect(rebuilt.tablesNamed('ADDED')).toHaveLength(1);
    expect(rebuilt.fingerprint).toBe('v2');
    expect(metrics.total('schema_cache_refreshes_total', { reason: 'fingerprint' })).toBe(1);
    // An unchanged fingerprint costs one cheap call and no catalog read.
    advance(5_000);
    expect((await cache.snapshot(db))._unsafeUnwrap()).toBe(rebuilt);
    expect(db.callsTo('listTables')).toHaveLength(2);
  });

  it('shares one rebuild among concurrent callers that saw the fingerprint change', async () => {
    const db = createFakeDatabase({ catalogFingerprint: true, latencyMs: 10 });
    const { cache, metrics, advance } = setup({ checkIntervalMs: 1_000 }, db);
    await cache.snapshot(db);
    db.setTables([fakeTable('ONLY', [col])]);
    advance(1_000);
    const all = await Promise.all(Array.from({ length: 5 }, () => cache.snapshot(db)));
    expect(new Set(all.map((r) => r._unsafeUnwrap().version)).size).toBe(1);
    expect(all[0]?._unsafeUnwrap().tables.map((t) => t.name)).toEqual(['ONLY']);
    // One read with each build, one check shared by the five callers.
    expect(db.callsTo('catalogFingerprint')).toHaveLength(3);
    expect(db.callsTo('listTables')).toHaveLength(2);
    expect(metrics.total('schema_cache_refreshes_total')).toBe(1);
  });

  it('invalidates on demand, one database or all', async () => {
    const { cache, metrics } = setup();
    const a = createFakeDatabase();
    const b = createFakeDatabase();
    await cache.snapshot(a);
    await cache.snapshot(b);
    cache.invalidate(a);
    expect(cache.stats().entries).toBe(1);
    await cache.snapshot(a);
    await cache.snapshot(b);
    expect(a.callsTo('listTables')).toHaveLength(2);
    expect(b.callsTo('listTables')).toHaveLength(1);
    cache.invalidate();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
    expect(metrics.named('schema_cache_entries').at(-1)?.value).toBe(0);
  });

  it('never resurrects an entry invalidated while its build was running', async () => {
    const { cache } = setup({}, createFakeDatabase({ latencyMs: 20 }));
    const db = createFakeDatabase({ latencyMs: 20 });
    const pending = cache.snapshot(db);
    cache.invalidate(db);
    expect((await pending).isOk()).toBe(true);
    expect(cache.stats().entries).toBe(0);
  });

  it('evicts the least recently used snapshot beyond maxEntries', async () => {
    const { cache } = setup({ maxEntries: 2 });
    const [a, b, c] = [createFakeDatabase(), createFakeDatabase(), createFakeDatabase()];
    await cache.snapshot(a);
    await cache.snapshot(b);
    await cache.snapshot(a); // a is now more recent than b
    await cache.snapshot(c);
    expect(cache.stats().entries).toBe(2);
    await cache.snapshot(a);
    expect(a.callsTo('listTables')).toHaveLength(1);
    await cache.snapshot(b);
    expect(b.callsTo('listTables')).toHaveLength(2);
  });

  it('bounds the bytes: older snapshots go first, one larger than the bound is served but not kept', async () => {
    const big = Array.from({ length: 2_000 }, (_, i) =>
      fakeTable(`T${i}`, [col], { comment: 'x'.repeat(100) }),
    );
    const small = createFakeDatabase();
    const large = createFakeDatabase({ tables: big });
    const { cache, logger } = setup({ maxBytes: 100_000 });
    await cache.snapshot(small);
    expect(cache.stats().entries).toBe(1);
    const served = (await cache.snapshot(large))._unsafeUnwrap();
    expect(served.tables).toHaveLength(2_000);
    expect(served.approxBytes).toBeGreaterThan(100_000);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
    expect(logger.lines.some((e) => e.message.includes('larger than the schema cache'))).toBe(true);
    await cache.snapshot(large);
    expect(large.callsTo('listTables')).toHaveLength(2);
  });

  it('does not cache failures: the next call asks again', async () => {
    const down = dbFailure('ConnectionFailed', { message: 'down' });
    const db = createFakeDatabase({ failWith: { listTables: down } });
    const { cache } = setup({}, db);
    expect((await cache.snapshot(db))._unsafeUnwrapErr()).toBe(down);
    expect(cache.stats().entries).toBe(0);
    db.setFailure('listTables', undefined);
    expect((await cache.snapshot(db)).isOk()).toBe(true);
  });

  it('serves a schema from the snapshot of everything when it holds it, else reads that schema', async () => {
    const db = createFakeDatabase({
      tables: [fakeTable('A', [col], { schema: 'crm' }), fakeTable('B', [col], { schema: 'sales' })],
    });
    const { cache } = setup({}, db);
    expect(cache.has(db)).toBe(false);
    const whole = (await cache.snapshot(db))._unsafeUnwrap();
    expect([cache.has(db), cache.has(db, 'crm'), cache.has(db, 'archive')]).toEqual([true, true, false]);
    expect((await cache.snapshot(db, { schema: 'crm' }))._unsafeUnwrap()).toBe(whole);
    expect(db.callsTo('listTables')).toHaveLength(1);
    const other = (await cache.snapshot(db, { schema: 'archive' }))._unsafeUnwrap();
    expect(other.schema).toBe('archive');
    expect(db.callsTo('listTables').at(-1)?.args[0]).toEqual({ schema: 'archive' });
  });
});
