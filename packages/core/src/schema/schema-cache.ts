import { err, ok, type Result, ResultAsync } from 'neverthrow';
import type { DatabaseFailure } from '../errors.js';
import type { ColumnSummary, TableInfo } from '../model.js';
import { type DatabasePort, type LoggerPort, type MetricsPort, noopLogger, noopMetrics } from '../ports.js';
import { SchemaSnapshot } from './schema-snapshot.js';

/** Bounds and clocks of a SchemaCache; the server takes them from SCHEMA_CACHE_* (config.ts). */
export interface SchemaCacheOptions {
  /** Age after which a snapshot is rebuilt (served stale meanwhile, up to twice this age). Default 300 s. */
  readonly ttlMs?: number | undefined;
  /** Snapshots kept, least recently used dropped first (deployment guide: LRU of 100). Default 100. */
  readonly maxEntries?: number | undefined;
  /** Approximate heap bytes of all snapshots together. Default 64 MiB. */
  readonly maxBytes?: number | undefined;
  /**
   * How often, at most, a request asks the adapter's `catalogFingerprint()` whether the catalog
   * changed; 0 asks on every request. Default 10 s.
   */
  readonly checkIntervalMs?: number | undefined;
  readonly metrics?: MetricsPort | undefined;
  readonly logger?: LoggerPort | undefined;
  /** The clock, in ms; tests pass their own. */
  readonly now?: (() => number) | undefined;
}

/** What a caller needs from the snapshot. */
export interface SnapshotRequest {
  /**
   * The schema the caller filters by. A snapshot of everything serves it when it holds that schema;
   * otherwise one is read with the filter (MySQL reads another database only when asked by name).
   */
  readonly schema?: string | undefined;
  /** Columns are read on first need (schema search), not for listings. */
  readonly columns?: boolean | undefined;
  /** Declared keys (`listKeys`) are read on first need (relationships, join paths). */
  readonly keys?: boolean | undefined;
}

export interface SchemaCacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly refreshes: number;
}

/**
 * Snapshots of database catalogs, shared by the schema use cases: an LRU bounded by entries and bytes,
 * refreshed on a TTL and when the adapter's catalog fingerprint changes, and invalidated on demand.
 * Concurrent callers share one build (single flight). Metrics: `schema_cache_hits_total`,
 * `schema_cache_misses_total`, `schema_cache_refreshes_total{reason}`, `schema_snapshot_build_seconds{part}`,
 * gauges `schema_cache_entries` and `schema_cache_bytes`.
 */
export interface SchemaCache {
  /**
   * A snapshot of `db`'s catalog covering `request`. Fresh: served from memory. Past the TTL: served
   * stale while one rebuild runs in the background (past twice the TTL the caller waits for it).
   * Fingerprint changed: the caller waits for the rebuild.
   * @returns err with the adapter's failure when the catalog cannot be read and nothing is cached.
   */
  snapshot(db: DatabasePort, request?: SnapshotRequest): ResultAsync<SchemaSnapshot, DatabaseFailure>;
  /** How long a snapshot is served before it is re-read (SCHEMA_CACHE_TTL): what clients may cache too. */
  readonly ttlMs: number;
  /** True when a snapshot of `db` covering `schema` is cached (whatever its age): `snapshot` would not wait for a first build. */
  has(db: DatabasePort, schema?: string | undefined): boolean;
  /** Drops the snapshots of `db` (every database when omitted); the next request rebuilds. */
  invalidate(db?: DatabasePort): void;
  stats(): SchemaCacheStats;
  /** Resolves when no build or check runs (background refreshes included); for tests and shutdown. */
  idle(): Promise<void>;
}

interface Entry {
  readonly key: string;
  readonly db: DatabasePort;
  readonly schema: string | undefined;
  snapshot?: SchemaSnapshot;
  building?: Promise<Result<SchemaSnapshot, DatabaseFailure>> | undefined;
  columnsLoading?: Promise<Result<SchemaSnapshot, DatabaseFailure>> | undefined;
  keysLoading?: Promise<Result<SchemaSnapshot, DatabaseFailure>> | undefined;
  checking?: Promise<Result<boolean, DatabaseFailure>> | undefined;
  lastCheckAt: number;
  bytes: number;
}

const DEFAULTS = {
  ttlMs: 300_000,
  maxEntries: 100,
  maxBytes: 64 * 1024 * 1024,
  checkIntervalMs: 10_000,
};

let versionCounter = 0;

/** Creates an empty cache; see SchemaCache. */
export function createSchemaCache(options: SchemaCacheOptions = {}): SchemaCache {
  const ttlMs = options.ttlMs ?? DEFAULTS.ttlMs;
  const maxEntries = Math.max(1, options.maxEntries ?? DEFAULTS.maxEntries);
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  const checkIntervalMs = options.checkIntervalMs ?? DEFAULTS.checkIntervalMs;
  const metrics = options.metrics ?? noopMetrics;
  const logger = options.logger ?? noopLogger;
  const now = options.now ?? Date.now;
  // Map order is recency order: a touched entry is re-inserted at the end; eviction takes the first.
  const entries = new Map<string, Entry>();
  const portIds = new WeakMap<DatabasePort, number>();
  const pending = new Set<Promise<unknown>>();
  let nextPortId = 1;
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  let refreshes = 0;

  const portId = (db: DatabasePort): number => {
    let id = portIds.get(db);
    if (id === undefined) {
      id = nextPortId++;
      portIds.set(db, id);
    }
    return id;
  };
  const keyOf = (db: DatabasePort, schema: string | undefined) => `${portId(db)}\u0000${schema ?? '\u0001'}`;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    promise.finally(() => pending.delete(promise)).catch(() => {});
    return promise;
  };

  const publishGauges = () => {
    metrics.gauge('schema_cache_entries', entries.size);
    metrics.gauge('schema_cache_bytes', bytes);
  };

  const store = (entry: Entry, snapshot: SchemaSnapshot) => {
    // A build finishing after invalidate() must not resurrect the dropped entry.
    if (entries.get(entry.key) !== entry) return;
    bytes += snapshot.approxBytes - entry.bytes;
    entry.bytes = snapshot.approxBytes;
    entry.snapshot = snapshot;
    evict(entry);
    publishGauges();
  };

  const remove = (entry: Entry) => {
    if (entries.get(entry.key) !== entry) return;
    entries.delete(entry.key);
    bytes -= entry.bytes;
  };

  const evict = (keep: Entry) => {
    for (const entry of entries.values()) {
      if (entries.size <= maxEntries && bytes <= maxBytes) break;
      if (entry !== keep) remove(entry);
    }
    if (bytes > maxBytes) {
      // The snapshot alone exceeds the bound: the caller still gets it, but it is not kept.
      logger.warn('schema snapshot larger than the schema cache; not cached', {
        snapshotBytes: keep.bytes,
        maxBytes,
      });
      remove(keep);
    }
  };

  const touch = (entry: Entry) => {
    entries.delete(entry.key);
    entries.set(entry.key, entry);
  };

  const timed = <T>(
    part: 'tables' | 'columns' | 'keys',
    work: ResultAsync<T, DatabaseFailure>,
  ): Promise<Result<T, DatabaseFailure>> => {
    const started = performance.now();
    return Promise.resolve(work).then((result) => {
      if (result.isOk())
        metrics.observe('schema_snapshot_build_seconds', (performance.now() - started) / 1000, { part });
      return result;
    });
  };

  /** Reads the catalog into a new snapshot for `entry` (one build at a time per entry). */
  const build = (entry: Entry, withColumns: boolean): Promise<Result<SchemaSnapshot, DatabaseFailure>> => {
    if (entry.building) return entry.building;
    const filter = entry.schema === undefined ? undefined : { schema: entry.schema };
    const db = entry.db;
    const building = (async (): Promise<Result<SchemaSnapshot, DatabaseFailure>> => {
      const readAt = now();
      // The fingerprint is read alongside the catalog: a change landing during the build shows up
      // as a different fingerprint at the next check, so it is never missed, at worst rebuilt twice.
      const [fingerprint, tables, columns] = await Promise.all([
        db.catalogFingerprint ? Promise.resolve(db.catalogFingerprint()) : Promise.resolve(ok(undefined)),
        timed('tables', db.listTables(filter)),
        withColumns ? timed('columns', db.listColumns(filter)) : Promise.resolve(ok(undefined)),
      ]);
      if (tables.isErr() || columns.isErr()) {
        // Failures are not cached: an entry that never had a snapshot goes, the next call retries.
        if (entry.snapshot === undefined) remove(entry);
        return err(
          tables.isErr() ? tables.error : (columns as typeof columns & { error: DatabaseFailure }).error,
        );
      }
      if (fingerprint.isErr()) {
        logger.warn('catalog fingerprint failed; the schema cache relies on its TTL', {
          kind: fingerprint.error.kind,
        });
      }
      const snapshot = new SchemaSnapshot({
        tables: tables.value as readonly TableInfo[],
        columns: columns.value as readonly ColumnSummary[] | undefined,
        version: `${(++versionCounter).toString(36)}.${readAt.toString(36)}`,
        builtAt: readAt,
        fingerprint: fingerprint.isOk() ? fingerprint.value : undefined,
        schema: entry.schema,
      });
      entry.lastCheckAt = readAt;
      store(entry, snapshot);
      return ok(snapshot);
    })().finally(() => {
      entry.building = undefined;
    });
    entry.building = track(building);
    return building;
  };

  const loadColumns = (
    entry: Entry,
    snapshot: SchemaSnapshot,
  ): Promise<Result<SchemaSnapshot, DatabaseFailure>> => {
    if (entry.columnsLoading) return entry.columnsLoading;
    const filter = entry.schema === undefined ? undefined : { schema: entry.schema };
    const loading = timed('columns', entry.db.listColumns(filter))
      .then((columns) => {
        if (columns.isErr()) return err(columns.error);
        // Keys may have arrived meanwhile: add the columns to the newest snapshot of the same read.
        const base = entry.snapshot?.version === snapshot.version ? entry.snapshot : snapshot;
        const full = base.withColumns(columns.value);
        if (entry.snapshot === base) store(entry, full);
        return ok(full);
      })
      .finally(() => {
        entry.columnsLoading = undefined;
      });
    entry.columnsLoading = track(loading);
    return loading;
  };

  const loadKeys = (
    entry: Entry,
    snapshot: SchemaSnapshot,
  ): Promise<Result<SchemaSnapshot, DatabaseFailure>> => {
    if (entry.keysLoading) return entry.keysLoading;
    const filter = entry.schema === undefined ? undefined : { schema: entry.schema };
    // No listKeys: nothing declared is known; relationships then come from names alone.
    const read = entry.db.listKeys
      ? timed('keys', entry.db.listKeys(filter))
      : Promise.resolve(ok({ primaryKeys: [], foreignKeys: [] }));
    const loading = read
      .then((keys) => {
        if (keys.isErr()) return err(keys.error);
        // Columns may have arrived meanwhile: add the keys to the newest snapshot of the same read.
        const base = entry.snapshot?.version === snapshot.version ? entry.snapshot : snapshot;
        const full = base.withKeys(keys.value);
        if (entry.snapshot === base) store(entry, full);
        return ok(full);
      })
      .finally(() => {
        entry.keysLoading = undefined;
      });
    entry.keysLoading = track(loading);
    return loading;
  };

  /** Asks the adapter whether the catalog changed since `snapshot` (one check at a time per entry). */
  const changed = (entry: Entry, snapshot: SchemaSnapshot): Promise<Result<boolean, DatabaseFailure>> => {
    if (entry.checking) return entry.checking;
    const fingerprint = entry.db.catalogFingerprint!;
    const checking = Promise.resolve(fingerprint.call(entry.db))
      .then((result) => {
        entry.lastCheckAt = now();
        return result.map((value) => value !== snapshot.fingerprint);
      })
      .finally(() => {
        entry.checking = undefined;
      });
    entry.checking = track(checking);
    return checking;
  };

  const refresh = (entry: Entry, reason: 'ttl' | 'fingerprint', withColumns: boolean) => {
    // Callers arriving while a rebuild runs share it; it counts once.
    if (entry.building) return entry.building;
    refreshes++;
    metrics.increment('schema_cache_refreshes_total', { reason });
    return build(entry, withColumns);
  };

  const serve = async (
    db: DatabasePort,
    request: SnapshotRequest,
  ): Promise<Result<SchemaSnapshot, DatabaseFailure>> => {
    const entry = entryFor(db, request.schema);
    const current = entry.snapshot;
    let result: Result<SchemaSnapshot, DatabaseFailure>;
    if (current === undefined) {
      misses++;
      metrics.increment('schema_cache_misses_total');
      // Wanting keys too: read the (cheap) tables first, then columns and keys side by side, so a
      // cold relationship answer costs tables + the slower of the two instead of all three in series.
      result = await build(entry, request.columns === true && request.keys !== true);
    } else {
      result = await freshen(entry, current, request.columns === true);
    }
    if (!result.isOk()) return result;
    const snapshot = result.value;
    const columns = request.columns && snapshot.columns === undefined;
    const keys = request.keys && snapshot.keys === undefined;
    if (columns && keys) {
      const [withColumns, withKeys] = await Promise.all([
        loadColumns(entry, snapshot),
        loadKeys(entry, snapshot),
      ]);
      if (withColumns.isErr()) return withColumns;
      if (withKeys.isErr()) return withKeys;
      // Each load added its part to the newest snapshot of this read; the cache holds both unless
      // the entry was rebuilt or evicted meanwhile, and then the two halves are joined here.
      const stored = entry.snapshot;
      if (stored?.version === snapshot.version && stored.columns !== undefined && stored.keys !== undefined)
        return ok(stored);
      return ok(withKeys.value.withColumns(withColumns.value.columns ?? []));
    }
    if (columns) return loadColumns(entry, snapshot);
    if (keys) return loadKeys(entry, snapshot);
    return result;
  };

  const freshen = async (
    entry: Entry,
    current: SchemaSnapshot,
    wantColumns: boolean,
  ): Promise<Result<SchemaSnapshot, DatabaseFailure>> => {
    const age = now() - current.builtAt;
    const keepColumns = wantColumns || current.columns !== undefined;
    if (age >= 2 * ttlMs) return refresh(entry, 'ttl', keepColumns);
    if (age >= ttlMs) {
      // Stale while revalidating: names rarely change within a TTL and the fingerprint check below
      // catches the changes that matter, so the caller is not made to wait for the catalog.
      if (!entry.building) {
        refresh(entry, 'ttl', keepColumns).then((r) => {
          if (r.isErr())
            logger.warn('schema snapshot refresh failed; serving the previous one', { kind: r.error.kind });
        });
      }
    } else if (
      entry.db.catalogFingerprint !== undefined &&
      current.fingerprint !== undefined &&
      now() - entry.lastCheckAt >= checkIntervalMs
    ) {
      const check = await changed(entry, current);
      if (check.isOk() && check.value) {
        // Another caller may have rebuilt already while this one waited for the check.
        if (entry.snapshot !== current && entry.snapshot !== undefined) return ok(entry.snapshot);
        return refresh(entry, 'fingerprint', keepColumns);
      }
      if (check.isErr()) {
        logger.warn('catalog fingerprint failed; serving the cached schema', { kind: check.error.kind });
      }
    }
    hits++;
    metrics.increment('schema_cache_hits_total');
    return ok(entry.snapshot ?? current);
  };

  const entryFor = (db: DatabasePort, schema: string | undefined): Entry => {
    if (schema !== undefined) {
      // A snapshot of everything serves a schema it holds: no second copy of the same tables.
      const whole = entries.get(keyOf(db, undefined));
      if (whole?.snapshot?.hasSchema(schema)) {
        touch(whole);
        return whole;
      }
    }
    const key = keyOf(db, schema);
    const existing = entries.get(key);
    if (existing) {
      touch(existing);
      return existing;
    }
    const entry: Entry = { key, db, schema, lastCheckAt: 0, bytes: 0 };
    entries.set(key, entry);
    evict(entry);
    return entry;
  };

  return {
    ttlMs,
    snapshot(db, request = {}) {
      return new ResultAsync(serve(db, request));
    },
    has(db, schema) {
      const whole = entries.get(keyOf(db, undefined))?.snapshot;
      if (whole !== undefined && (schema === undefined || whole.hasSchema(schema))) return true;
      return schema !== undefined && entries.get(keyOf(db, schema))?.snapshot !== undefined;
    },
    invalidate(db) {
      for (const entry of [...entries.values()]) {
        if (db === undefined || entry.db === db) remove(entry);
      }
      publishGauges();
    },
    stats() {
      return { entries: entries.size, bytes, hits, misses, refreshes };
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
