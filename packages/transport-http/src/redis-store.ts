import { Redis } from 'ioredis';
import type { RateLimitHit, RateLimitStore } from './rate-limit.js';

/** Options of the Redis rate-limit store. */
export interface RedisRateLimitStoreOptions {
  /** REDIS_URL. Secret (it may hold a password): never logged. */
  readonly url: string;
  /** Prepended to every key, so several deployments (or test runs) can share one Redis. */
  readonly keyPrefix?: string | undefined;
  /** How long one command may take before the request is let through or refused (default 250 ms). */
  readonly commandTimeoutMs?: number | undefined;
}

/** A Redis store plus a way to wait for its first connection at startup. */
export interface RedisRateLimitStore extends RateLimitStore {
  /** Resolves true once connected, false after `timeoutMs` (startup goes on; requests then fail open or closed). */
  ready(timeoutMs: number): Promise<boolean>;
}

// Count and expire in one atomic step: INCR alone then PEXPIRE from the client would leave a key
// without a TTL (a caller blocked forever) if the client died between the two. PTTL repairs a key
// that lost its TTL anyway.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

/**
 * Fixed-window counters shared by every replica through Redis. Commands fail fast while Redis is
 * unreachable (no offline queue, a short command timeout), so an outage costs each request at most
 * `commandTimeoutMs`, and ioredis keeps reconnecting in the background.
 */
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RedisRateLimitStore {
  const prefix = options.keyPrefix ?? 'legacybridge:ratelimit:';
  const redis = new Redis(options.url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: options.commandTimeoutMs ?? 250,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Without a listener ioredis prints every reconnect failure; the middleware logs outages itself.
  redis.on('error', () => {});
  redis.defineCommand('legacybridgeHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  const hit = (
    redis as unknown as {
      legacybridgeHit(key: string, windowMs: number): Promise<[number, number]>;
    }
  ).legacybridgeHit.bind(redis);
  return {
    kind: 'redis',
    async hit(caller, windowMs): Promise<RateLimitHit> {
      const [count, resetMs] = await hit(`${prefix}${caller}`, windowMs);
      return { count: Number(count), resetMs: Number(resetMs) };
    },
    ready(timeoutMs) {
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
    async close() {
      if (redis.status === 'end') return;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
