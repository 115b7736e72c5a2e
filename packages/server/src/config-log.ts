import type { AppConfig, ConfigVariable } from '@legacybridge/core';
import { redactUrl } from './redact.js';

/** A variable's effective value as logged: null when unset and without a default. */
export type LoggedValue = string | number | boolean | readonly string[] | null;

const HIDDEN = '***';

/**
 * Every configuration variable with the value the server actually runs with (defaults and derived
 * defaults applied, durations back in the seconds an operator writes), for the startup log line.
 * Secrets never appear: DATABASE_URL and REDIS_URL as URLs with the password replaced by `***`
 * (the host and database are what an operator needs to see), DB_PASSWORD and API_KEYS as `***`.
 * Typed as a Record over every ConfigVariable so a variable added to core without a line here fails
 * the type check instead of silently missing from the log.
 */
export function effectiveConfiguration(config: AppConfig): Record<ConfigVariable, LoggedValue> {
  const seconds = (ms: number) => ms / 1000;
  const url = (value: string | undefined) => (value === undefined ? null : redactUrl(value));
  const hidden = (value: string | undefined) => (value === undefined ? null : HIDDEN);
  return {
    DATABASE_URL: url(config.databaseUrl),
    DB_PASSWORD: hidden(config.databasePassword),
    SQLITE_PATH: config.sqlitePath ?? null,
    DB_POOL_SIZE: config.pool.size,
    DB_MAX_OVERFLOW: config.pool.maxOverflow,
    DB_TIMEOUT: seconds(config.pool.acquireTimeoutMs),
    DB_POOL_RECYCLE: seconds(config.pool.recycleMs),
    DB_POOL_PRE_PING: config.pool.prePing,
    QUERY_TIMEOUT: seconds(config.query.timeoutMs),
    QUERY_DEFAULT_ROWS: config.query.defaultRows,
    QUERY_MAX_ROWS: config.query.maxRows,
    QUERY_MAX_BYTES: config.query.maxBytes,
    QUERY_MAX_SQL_LENGTH: config.query.maxSqlLength,
    APP_ENV: config.env,
    APP_HOST: config.host,
    APP_PORT: config.port,
    LOG_LEVEL: config.log.level,
    LOG_FORMAT: config.log.format,
    API_KEY_REQUIRED: config.apiKeyRequired,
    API_KEYS: hidden(config.apiKeys),
    ALLOW_UNAUTHENTICATED: config.allowUnauthenticated,
    ALLOWED_HOSTS: config.allowedHosts ?? null,
    RATE_LIMIT_ENABLED: config.rateLimit.enabled,
    RATE_LIMIT_REQUESTS: config.rateLimit.requests,
    RATE_LIMIT_WINDOW: config.rateLimit.windowSeconds,
    RATE_LIMIT_FAIL_MODE: config.rateLimit.failMode,
    RATE_LIMIT_KEY_PREFIX: config.rateLimit.keyPrefix,
    SHUTDOWN_TIMEOUT: seconds(config.shutdownTimeoutMs),
    TRUST_PROXY: config.trustProxy,
    HEALTH_CHECK_ENABLED: config.healthCheckEnabled,
    METRICS_ENABLED: config.metrics.enabled,
    METRICS_PORT: config.metrics.port ?? null,
    REQUIRE_READ_ONLY_USER: config.requireReadOnlyUser,
    SCHEMA_CACHE_TTL: seconds(config.schemaCache.ttlMs),
    SCHEMA_CACHE_MAX_ENTRIES: config.schemaCache.maxEntries,
    SCHEMA_CACHE_MAX_BYTES: config.schemaCache.maxBytes,
    SCHEMA_CACHE_CHECK_INTERVAL: seconds(config.schemaCache.checkIntervalMs),
    DATA_DICTIONARY_PATH: config.dataDictionaryPath ?? null,
    REDIS_URL: url(config.redisUrl),
    QUERY_CACHE_TTL: seconds(config.queryCache.ttlMs),
    QUERY_CACHE_MAX_ENTRY_BYTES: config.queryCache.maxEntryBytes,
  };
}
