import { createRequire } from 'node:module';
import type { CachePort, LoggerPort, MetricsPort } from '@legacybridge/core';
import type * as IORedis from 'ioredis';

// ioredis is required when a cache is created, not when this module loads: the server imports this
// package whether or not REDIS_URL is set, and ioredis is a noticeable part of a stdio server's
// startup. (A synchronous require keeps createRedisCache synchronous; the CommonJS bundle gets
// import.meta.url from tsup's shim.)
const requireHere = createRequire(import.meta.url);

export interface RedisCacheOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://` (REDIS_URL). */
  readonly url: string;
  /** Prefix of every key, so several deployments can share one Redis. Default `legacybridge:`. */
  readonly keyPrefix?: string | undefined;
  /** Longest a cache command may take before it counts as a miss. Default 250 ms. */
  readonly commandTimeoutMs?: number | undefined;
  readonly logger?: LoggerPort | undefined;
  /**
   * Counts `query_cache_unavailable_total{operation}`: commands answered as a miss (or dropped)
   * because Redis was unreachable, hung or refused — an outage seen apart from cold misses.
   */
  readonly metrics?: MetricsPort | undefined;
}

/** A CachePort on Redis, shared by every replica. */
export interface RedisCache extends CachePort {
  /** Whether the connection is up now (for readiness reporting; the cache works without it). */
  readonly connected: boolean;
  /**
   * Resolves true once connected, false after `timeoutMs` (default 2 s). Until then every read is a
   * miss (a silent one until the first connection attempt settles: see `settled`).
   */
  ready(timeoutMs?: number): Promise<boolean>;
}

const WARN_EVERY_MS = 30_000;
// After a command timed out, Redis is hung or the path to it is silent: for this long every command
// is a miss at once. Without it every request pays the command timeout once per command (a read is
// two: the generation, then the entry: ~0.5 s a request for as long as the hang lasts); with it, one
// request a second pays it and finds out whether Redis answers again.
const QUIET_AFTER_TIMEOUT_MS = 1_000;

/**
 * Answers cached in Redis, so a result one replica read is a hit on the others. A cache never fails
 * a request: while Redis is unreachable every read is a miss and every write is dropped at once (no
 * offline queue, no retries per command, a short command timeout, then a second of misses without
 * asking after a timeout), with one warning per 30 s; the
 * client reconnects in the background and the cache resumes by itself.
 */
export function createRedisCache(options: RedisCacheOptions): RedisCache {
  const logger = options.logger;
  const { Redis } = requireHere('ioredis') as typeof IORedis;
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix ?? 'legacybridge:',
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 250,
    connectTimeout: 2_000,
    // Back off to one attempt every 2 s while Redis is down; never give up (it will come back).
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let lastWarning = Number.NEGATIVE_INFINITY;
  const outage = (operation: string, error: unknown) => {
    const now = Date.now();
    if (now - lastWarning < WARN_EVERY_MS) return;
    lastWarning = now;
    // The message only: ioredis errors can name the host, never the password, but stay terse anyway.
    logger?.warn('redis cache unavailable: serving without cache', {
      operation,
      reason: error instanceof Error ? error.message : String(error),
    });
  };
  // Commands sent before the first connection attempt settled fail at once (no offline queue): a
  // request that races a fresh process' connection is a cold miss, not an outage. Warning for it
  // logged a false "unavailable" at every start, and used up the 30 s window so that a real outage
  // right after start went unreported.
  let settled = false;
  redis.once('ready', () => {
    settled = true;
  });
  // Without a listener, ioredis reports connection errors as unhandled 'error' events.
  redis.on('error', (error) => {
    settled = true;
    outage('connect', error);
  });
  let closed = false;

  let quietUntil = 0;
  const unavailable = (operation: string) =>
    options.metrics?.increment('query_cache_unavailable_total', { operation });
  const attempt = async <T>(operation: string, run: () => Promise<T>, fallback: T): Promise<T> => {
    if (closed) return fallback;
    if (Date.now() < quietUntil) {
      unavailable(operation);
      return fallback;
    }
    try {
      return await run();
    } catch (error) {
      // ioredis' own message for `commandTimeout` (Command.js); it has no error class or code.
      if (error instanceof Error && error.message === 'Command timed out') {
        quietUntil = Date.now() + QUIET_AFTER_TIMEOUT_MS;
      }
      if (settled) {
        unavailable(operation);
        outage(operation, error);
      }
      return fallback;
    }
  };

  return {
    get connected() {
      return redis.status === 'ready';
    },
    ready(timeoutMs = 2_000) {
      if (redis.status === 'ready') return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = (value: boolean) => {
          clearTimeout(timer);
          redis.off('ready', onReady);
          resolve(value);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        redis.once('ready', onReady);
      });
    },
    get: (key) => attempt('get', async () => (await redis.get(key)) ?? undefined, undefined),
    set: (key, value, ttlMs) =>
      attempt(
        'set',
        async () => {
          await redis.set(key, value, 'PX', Math.max(1, Math.round(ttlMs)));
        },
        undefined,
      ),
    generation: (namespace) =>
      attempt('generation', async () => Number((await redis.get(`gen:${namespace}`)) ?? 0), 0),
    bump: (namespace) =>
      attempt(
        'bump',
        async () => {
          await redis.incr(`gen:${namespace}`);
        },
        undefined,
      ),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
