import { ResultAsync } from 'neverthrow';
import type { DatabaseFailure } from '../errors.js';
import { type DatabasePort, type LoggerPort, type MetricsPort } from '../ports.js';
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
    /** Drops the snapshots of `db` (every database when omitted); the next request rebuilds. */
    invalidate(db?: DatabasePort): void;
    stats(): SchemaCacheStats;
    /** Resolves when no build or check runs (background refreshes included); for tests and shutdown. */
    idle(): Promise<void>;
}
/** Creates an empty cache; see SchemaCache. */
export declare function createSchemaCache(options?: SchemaCacheOptions): SchemaCache;
//# sourceMappingURL=schema-cache.d.ts.map