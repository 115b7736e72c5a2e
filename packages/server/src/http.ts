import {
  type AppConfig,
  type ConfigFailure,
  configFailure,
  type LoggerPort,
  type SpanRunner,
  type UseCaseDeps,
} from '@legacybridge/core';
import {
  type ApiKey,
  createMemoryRateLimitStore,
  createRedisRateLimitStore,
  type MetricsHook,
  parseApiKeys,
  type RateLimitStore,
  serveHttp,
} from '@legacybridge/transport-http';
import { err, ok, type Result } from 'neverthrow';
import { allowedHostsFor } from './host-check.js';
import { LOG_SERVICE } from './logger.js';
import { type MetricsListener, startMetricsListener } from './metrics-listener.js';

/** How HTTP callers authenticate, from API_KEY_REQUIRED and API_KEYS. */
export interface HttpAuthSettings {
  readonly required: boolean;
  readonly apiKeys: readonly ApiKey[];
}

/** What `startHttpServer` serves and where it listens. */
export interface HttpServerOptions {
  readonly deps: UseCaseDeps;
  readonly logger: LoggerPort;
  readonly host: string;
  readonly port: number;
  /** ALLOWED_HOSTS; see `allowedHostsFor` for what applies when unset. */
  readonly allowedHosts?: readonly string[] | undefined;
  readonly healthCheckEnabled?: boolean | undefined;
  readonly name: string;
  readonly version: string;
  /** Default: no key required. */
  readonly auth?: HttpAuthSettings | undefined;
  /** RATE_LIMIT_*: applied when `enabled`. */
  readonly rateLimit?: AppConfig['rateLimit'] | undefined;
  /** REDIS_URL: rate-limit counters shared by every replica; unset: in memory. */
  readonly redisUrl?: string | undefined;
  /** SHUTDOWN_TIMEOUT in ms (default 25 s). */
  readonly shutdownTimeoutMs?: number | undefined;
  /** Serves /metrics when set: on the main port, or on `metricsPort` when that is set too. */
  readonly metrics?: MetricsHook | undefined;
  /** METRICS_PORT: /metrics on its own listener (same host) instead of the main port. */
  readonly metricsPort?: number | undefined;
  /** Runs each request and tool call in a trace span (when tracing is on). */
  readonly trace?: SpanRunner | undefined;
  /** TRUST_PROXY: whose X-Forwarded-For names the client address (default: nobody's). */
  readonly trustProxy?: boolean | number | string | undefined;
}

/** A listening HTTP server. */
export interface HttpServerHandle {
  /** `http://host:port` actually bound (port 0 resolved). */
  readonly url: string;
  readonly port: number;
  /** Where /metrics is served when it has its own port (METRICS_PORT); otherwise undefined. */
  readonly metricsUrl?: string | undefined;
  /**
   * Graceful stop: /ready turns 503, no new connections, in-flight requests finish within the
   * shutdown timeout or are cancelled at the database; then the rate-limit store closes. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * The HTTP auth settings, or every reason the configuration is unsafe or unusable: unparsable
 * API_KEYS, API_KEY_REQUIRED without keys, or production without keys unless ALLOW_UNAUTHENTICATED.
 */
export function httpAuthSettings(config: AppConfig): Result<HttpAuthSettings, ConfigFailure[]> {
  const failures: ConfigFailure[] = [];
  let apiKeys: readonly ApiKey[] = [];
  if (config.apiKeys !== undefined) {
    const parsed = parseApiKeys(config.apiKeys);
    if (parsed.isErr())
      failures.push(configFailure('API_KEYS', `API_KEYS (or API_KEYS_FILE): ${parsed.error}.`));
    else apiKeys = parsed.value;
  }
  if (config.apiKeyRequired && apiKeys.length === 0 && failures.length === 0) {
    failures.push(
      configFailure(
        'API_KEYS',
        'API_KEYS (or API_KEYS_FILE) must name at least one name:key when API_KEY_REQUIRED=true.',
      ),
    );
  }
  if (config.env === 'production' && !config.apiKeyRequired && !config.allowUnauthenticated) {
    failures.push(
      configFailure(
        'API_KEY_REQUIRED',
        'API_KEY_REQUIRED must be true for the HTTP transport in production (APP_ENV=production); set ALLOW_UNAUTHENTICATED=true to run without keys on purpose (e.g. behind an authenticating gateway).',
      ),
    );
  }
  return failures.length > 0 ? err(failures) : ok({ required: config.apiKeyRequired, apiKeys });
}

/**
 * Serves LegacyBridge over HTTP (@legacybridge/transport-http): `/mcp`, REST under `/v1`,
 * `/health`, `/ready` and `/metrics`, behind the host check, API keys and the rate limit; with
 * `metricsPort`, `/metrics` moves to its own listener (see `startMetricsListener`).
 * Rejects when a port cannot be bound (EADDRINUSE, EACCES; the error's `port` says which).
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const { deps, logger } = options;
  const log = logger.child({ component: 'http' });
  const allowed = allowedHostsFor(options.host, options.allowedHosts);
  if (allowed === undefined) {
    log.warn('listening on a non-loopback interface without ALLOWED_HOSTS: any Host header is accepted');
  }
  const limit = options.rateLimit;
  let store: RateLimitStore | undefined;
  if (limit?.enabled) {
    if (options.redisUrl !== undefined) {
      const redis = createRedisRateLimitStore({ url: options.redisUrl, keyPrefix: limit.keyPrefix });
      // Waited for briefly so the first requests are counted; startup never depends on Redis.
      if (!(await redis.ready(2000))) {
        log.warn('rate limit: Redis not reachable at startup; retrying in the background', {
          failMode: limit.failMode,
        });
      }
      store = redis;
    } else {
      store = createMemoryRateLimitStore();
    }
    log.info('rate limit on', {
      requests: limit.requests,
      windowSeconds: limit.windowSeconds,
      store: store.kind,
      failMode: limit.failMode,
    });
  }
  let metricsListener: MetricsListener | undefined;
  const separateMetrics = options.metrics !== undefined && options.metricsPort !== undefined;
  try {
    if (options.metrics !== undefined && options.metricsPort !== undefined) {
      metricsListener = await startMetricsListener({
        host: options.host,
        port: options.metricsPort,
        metrics: options.metrics,
        logger: log,
      });
    }
    const service = await serveHttp({
      deps,
      logger,
      host: options.host,
      port: options.port,
      name: options.name,
      version: options.version,
      service: LOG_SERVICE,
      allowedHosts: allowed,
      healthCheckEnabled: options.healthCheckEnabled,
      auth: options.auth,
      rateLimit:
        store !== undefined && limit !== undefined
          ? {
              requests: limit.requests,
              windowSeconds: limit.windowSeconds,
              store,
              onStoreFailure: limit.failMode,
            }
          : undefined,
      // With METRICS_PORT the main port answers /metrics with 404, like any unknown path.
      metrics: separateMetrics ? undefined : options.metrics,
      trace: options.trace,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
      trustProxy: options.trustProxy,
    });
    let closing: Promise<void> | undefined;
    return {
      url: service.url,
      port: service.port,
      metricsUrl: metricsListener?.url,
      close() {
        // The metrics listener closes last, so a scrape during the drain still sees the final counts.
        closing ??= service
          .close()
          .finally(() => store?.close())
          .finally(() => metricsListener?.close());
        return closing;
      },
    };
  } catch (error) {
    await metricsListener?.close();
    await store?.close();
    throw error;
  }
}
