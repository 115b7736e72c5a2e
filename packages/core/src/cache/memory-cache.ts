import type { CachePort } from '../ports.js';

export interface MemoryCacheOptions {
  /** Entries kept, least recently used dropped first. Default 1,000. */
  readonly maxEntries?: number | undefined;
  /** Approximate bytes of all values together (UTF-16 length × 2). Default 64 MiB. */
  readonly maxBytes?: number | undefined;
  /** The clock, in ms; tests pass their own. */
  readonly now?: (() => number) | undefined;
}

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

/**
 * A CachePort in this process's memory: an LRU bounded by entries and bytes, entries expiring after
 * their TTL. What one replica caches the others don't see; use the Redis adapter for that.
 */
export function createMemoryCache(options: MemoryCacheOptions = {}): CachePort {
  const maxEntries = options.maxEntries ?? 1000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on read makes its first key the least recent.
  const entries = new Map<string, Entry>();
  const generations = new Map<string, number>();
  let bytes = 0;
  const remove = (key: string) => {
    const found = entries.get(key);
    if (found === undefined) return;
    entries.delete(key);
    bytes -= size(key, found.value);
  };
  return {
    async get(key) {
      const found = entries.get(key);
      if (found === undefined) return undefined;
      remove(key);
      if (found.expiresAt <= now()) return undefined;
      entries.set(key, found);
      bytes += size(key, found.value);
      return found.value;
    },
    async set(key, value, ttlMs) {
      remove(key);
      const cost = size(key, value);
      if (cost > maxBytes || ttlMs <= 0) return;
      entries.set(key, { value, expiresAt: now() + ttlMs });
      bytes += cost;
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries && bytes <= maxBytes) break;
        remove(oldest);
      }
    },
    async generation(namespace) {
      return generations.get(namespace) ?? 0;
    },
    async bump(namespace) {
      generations.set(namespace, (generations.get(namespace) ?? 0) + 1);
    },
    async close() {
      entries.clear();
      bytes = 0;
    },
  };
}

function size(key: string, value: string): number {
  return (key.length + value.length) * 2;
}
