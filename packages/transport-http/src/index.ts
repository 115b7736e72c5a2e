export { type ApiKey, type ApiKeyVerifier, createApiKeyVerifier, parseApiKeys } from './api-keys.js';
export { createHttpApp, type HttpAppOptions } from './app.js';
export { DEFAULT_PUBLIC_PATHS } from './auth.js';
export { databaseReadiness } from './health.js';
export {
  allowedHostsFor,
  isHostAllowed,
  isLoopbackBind,
  isOriginAllowed,
  LOOPBACK_HOSTS,
} from './host-check.js';
export { HTTP_METRICS, routeOf } from './http-metrics.js';
export { createLifecycle, type HttpLifecycle } from './lifecycle.js';
export { buildOpenApiDocument } from './openapi.js';
export type {
  AuthOptions,
  LegacyBridgeHttpOptions,
  MetricsHook,
  RateLimitOptions,
  ReadinessOutcome,
} from './options.js';
export { failureProblem, type Problem, statusOf } from './problem.js';
export { createMemoryRateLimitStore, type RateLimitHit, type RateLimitStore } from './rate-limit.js';
export {
  createRedisRateLimitStore,
  type RedisRateLimitStore,
  type RedisRateLimitStoreOptions,
} from './redis-store.js';
export { createLegacyBridgeRouter, TRANSPORT_HTTP_VERSION } from './router.js';
export { type HttpService, type ServeHttpOptions, serveHttp } from './serve.js';
