export { createRedisCache, type RedisCache, type RedisCacheOptions } from './redis-cache.js';
