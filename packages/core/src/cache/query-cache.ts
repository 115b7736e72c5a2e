import { createHash } from 'node:crypto';
import { okAsync, ResultAsync } from 'neverthrow';
import type { DatabaseFailure } from '../errors.js';
import type { Dialect, QueryLimits, QueryResult } from '../model.js';
import { type CachePort, type LoggerPort, type MetricsPort, noopLogger, noopMetrics } from '../ports.js';

export interface QueryCacheOptions {
  readonly cache: CachePort;
  /** How long an answer is served from the cache (QUERY_CACHE_TTL). */
  readonly ttlMs: number;
  /** Answers whose JSON is larger than this are not cached (QUERY_CACHE_MAX_ENTRY_BYTES). Default 256 KiB. */
  readonly maxEntryBytes?: number | undefined;
  /** Names the database in keys, so sources sharing one Redis never see each other's answers. */
  readonly source: string;
  readonly metrics?: MetricsPort | undefined;
  readonly logger?: LoggerPort | undefined;
}

/** What makes two queries the same answer: the text, the caps, and who may see the result. */
export interface QueryCacheKey {
  readonly sql: string;
  readonly dialect: Dialect;
  readonly limits: Pick<QueryLimits, 'maxRows' | 'maxBytes'>;
  /** The caller's permission scope (e.g. its role); answers are never shared across scopes. */
  readonly scope: string;
}

/** A read-through cache of query answers over a CachePort. */
export interface QueryCache {
  /**
   * The cached answer for `key` (with `cached: true`), else `run()`'s, stored when it succeeded, is
   * small enough, and its SQL calls nothing volatile. A cache outage behaves as a miss.
   */
  through(
    key: QueryCacheKey,
    run: () => ResultAsync<QueryResult, DatabaseFailure>,
  ): ResultAsync<QueryResult, DatabaseFailure>;
  /** Makes every cached answer of this source unreachable (schema change, explicit flush). */
  invalidate(): Promise<void>;
}

export const QUERY_CACHE_METRICS = {
  hits: 'query_cache_hits_total',
  misses: 'query_cache_misses_total',
  skipped: 'query_cache_skipped_total',
} as const;

// Functions and keywords whose value changes between two runs of the same text (time, randomness,
// sequences, session identity). Matched as words anywhere in the text: a false positive only costs
// a cache miss, a false negative would serve a stale "now()".
const VOLATILE =
  /\b(now|current_timestamp|current_date|current_time|localtime|localtimestamp|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday|sysdate|systimestamp|sysdatetime|sysdatetimeoffset|sysutcdatetime|getdate|getutcdate|curdate|curtime|utc_timestamp|utc_date|utc_time|unix_timestamp|random|rand|newid|newsequentialid|uuid|uuid_short|gen_random_uuid|uuid_generate_v[1-5]|sys_guid|dbms_random|nextval|currval|setval|lastval|last_insert_id|txid_current|pg_current_xact_id|pg_backend_pid|connection_id|@@spid|row_count|found_rows|changes|last_insert_rowid|randomblob)\b|'now'|"now"/i;

/** Whether an answer to `sql` may be reused: it calls nothing whose value changes between runs. */
export function isCacheableSql(sql: string): boolean {
  return !VOLATILE.test(sql);
}

/** A QueryCache keyed by source, generation, dialect, scope, caps and the statement's exact text. */
export function createQueryCache(options: QueryCacheOptions): QueryCache {
  const { cache, ttlMs, source } = options;
  const maxEntryBytes = options.maxEntryBytes ?? 256 * 1024;
  const metrics = options.metrics ?? noopMetrics;
  const logger = options.logger ?? noopLogger;
  const namespace = `q:${source}`;
  const labels = { source };

  const keyOf = async (key: QueryCacheKey): Promise<string> => {
    const generation = await cache.generation(namespace);
    // The exact text (trimmed): collapsing whitespace could merge two different string literals.
    const digest = createHash('sha256')
      .update(
        JSON.stringify([key.dialect, key.scope, key.limits.maxRows, key.limits.maxBytes, key.sql.trim()]),
      )
      .digest('base64url');
    return `${namespace}:g${generation}:${digest}`;
  };

  return {
    through(key, run) {
      if (!isCacheableSql(key.sql)) {
        metrics.increment(QUERY_CACHE_METRICS.skipped, { ...labels, reason: 'volatile' });
        return run();
      }
      return ResultAsync.fromSafePromise(
        keyOf(key)
          .then(async (cacheKey) => ({ cacheKey, hit: await cache.get(cacheKey) }))
          // CachePorts must not reject; if one does anyway, it is an outage: a miss, never an error.
          .catch((error: unknown) => {
            logger.warn('query cache read failed', { error });
            return { cacheKey: undefined, hit: undefined };
          }),
      ).andThen(({ cacheKey, hit }) => {
        const cached = hit === undefined ? undefined : parse(hit);
        if (cached !== undefined) {
          metrics.increment(QUERY_CACHE_METRICS.hits, labels);
          return okAsync<QueryResult, DatabaseFailure>({ ...cached, cached: true });
        }
        metrics.increment(QUERY_CACHE_METRICS.misses, labels);
        return run().map((result) => {
          if (cacheKey === undefined) return result;
          const text = JSON.stringify(result);
          if (text.length > maxEntryBytes) {
            metrics.increment(QUERY_CACHE_METRICS.skipped, { ...labels, reason: 'size' });
          } else {
            // Not awaited: the caller has its answer; a slow or failed write only costs a later miss.
            void cache.set(cacheKey, text, ttlMs).catch((error: unknown) => {
              logger.warn('query cache write failed', { error });
            });
          }
          return result;
        });
      });
    },
    invalidate: () => cache.bump(namespace),
  };
}

function parse(text: string): QueryResult | undefined {
  try {
    const value = JSON.parse(text) as QueryResult;
    return Array.isArray(value?.rows) && Array.isArray(value.columns) ? value : undefined;
  } catch {
    return undefined; // a corrupt entry is a miss
  }
}
