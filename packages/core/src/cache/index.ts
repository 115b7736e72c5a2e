export { createMemoryCache, type MemoryCacheOptions } from './memory-cache.js';
export {
  createQueryCache,
  isCacheableSql,
  QUERY_CACHE_METRICS,
  type QueryCache,
  type QueryCacheKey,
  type QueryCacheOptions,
} from './query-cache.js';
