import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, type ConfigVariable, loadConfig } from '../src/config.js';

// One malformed value per variable. ALLOWED_HOSTS is a free comma list: every text is valid.
const MALFORMED: Record<Exclude<ConfigVariable, 'ALLOWED_HOSTS'>, string> = {
  DATABASE_URL: '   ',
  DB_PASSWORD: '  ',
  SQLITE_PATH: ' ',
  DB_POOL_SIZE: 'five',
  DB_MAX_OVERFLOW: '-1',
  DB_TIMEOUT: '30s',
  DB_POOL_RECYCLE: 'never',
  DB_POOL_PRE_PING: 'maybe',
  QUERY_TIMEOUT: '0',
  QUERY_DEFAULT_ROWS: '0',
  QUERY_MAX_ROWS: '1e3',
  QUERY_MAX_BYTES: '10',
  QUERY_MAX_SQL_LENGTH: '3',
  APP_ENV: 'prod',
  APP_HOST: '  ',
  APP_PORT: '70000',
  LOG_LEVEL: 'verbose',
  LOG_FORMAT: 'xml',
  API_KEY_REQUIRED: 'sure',
  API_KEYS: ' ',
  ALLOW_UNAUTHENTICATED: 'perhaps',
  RATE_LIMIT_ENABLED: 'enabled',
  RATE_LIMIT_REQUESTS: '-5',
  RATE_LIMIT_WINDOW: '1.5',
  RATE_LIMIT_FAIL_MODE: 'sometimes',
  RATE_LIMIT_KEY_PREFIX: '   ',
  SHUTDOWN_TIMEOUT: '25s',
  TRUST_PROXY: '   ',
  HEALTH_CHECK_ENABLED: '2',
  METRICS_ENABLED: 'nope',
  METRICS_PORT: '0',
  REQUIRE_READ_ONLY_USER: 'always',
  REDIS_URL: '\t',
  SCHEMA_CACHE_TTL: '5m',
  SCHEMA_CACHE_MAX_ENTRIES: '0',
  SCHEMA_CACHE_MAX_BYTES: '1000',
  SCHEMA_CACHE_CHECK_INTERVAL: '-1',
  DATA_DICTIONARY_PATH: '   ',
  QUERY_CACHE_TTL: 'forever',
  QUERY_CACHE_MAX_ENTRY_BYTES: '12',
};

describe('loadConfig', () => {
  it('REQUIRE_READ_ONLY_USER defaults to false and reads booleans', () => {
    expect(loadConfig({})._unsafeUnwrap().requireReadOnlyUser).toBe(false);
    expect(loadConfig({ REQUIRE_READ_ONLY_USER: 'true' })._unsafeUnwrap().requireReadOnlyUser).toBe(true);
  });

  it('defaults match the deployment guide', () => {
    const config = loadConfig({})._unsafeUnwrap();
    expect(config.pool).toEqual({
      size: 5,
      maxOverflow: 10,
      acquireTimeoutMs: 30_000,
      recycleMs: 3_600_000,
      prePing: true,
      sized: false,
    });
    expect(loadConfig({ DB_POOL_SIZE: '5' })._unsafeUnwrap().pool.sized).toBe(true);
    expect(config.query.timeoutMs).toBe(30_000);
    expect(config.log.level).toBe('info');
    expect(config.port).toBe(8080);
    expect(config.env).toBe('development');
    expect(config.log.format).toBe('text');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.apiKeyRequired).toBe(false);
    expect(config.healthCheckEnabled).toBe(true);
    expect(config.metrics).toEqual({ enabled: true, port: undefined });
    expect(config.rateLimit).toEqual({
      enabled: false,
      requests: 100,
      windowSeconds: 60,
      failMode: 'open',
      keyPrefix: 'legacybridge:ratelimit:',
    });
    expect(config.apiKeys).toBeUndefined();
    expect(config.allowUnauthenticated).toBe(false);
    expect(config.shutdownTimeoutMs).toBe(25_000);
    expect(config.trustProxy).toBe(false);
    // The guide's schema_cache is an LRU of 100 entries; it names no TTL, so five minutes (its Redis TTL).
    expect(config.schemaCache).toEqual({
      ttlMs: 300_000,
      maxEntries: 100,
      maxBytes: 64 * 1024 * 1024,
      checkIntervalMs: 10_000,
    });
  });

  it('reads the schema cache settings in seconds and bytes', () => {
    const config = loadConfig({
      SCHEMA_CACHE_TTL: '60',
      SCHEMA_CACHE_MAX_ENTRIES: '3',
      SCHEMA_CACHE_MAX_BYTES: '2097152',
      SCHEMA_CACHE_CHECK_INTERVAL: '0.5',
    })._unsafeUnwrap();
    expect(config.schemaCache).toEqual({
      ttlMs: 60_000,
      maxEntries: 3,
      maxBytes: 2_097_152,
      checkIntervalMs: 500,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DB_POOL_SIZE: '', LOG_LEVEL: '' })._unsafeUnwrap().pool.size).toBe(5);
  });

  it('reads the deployment guide’s production example', () => {
    const config = loadConfig({
      APP_ENV: 'production',
      DATABASE_URL: 'postgresql://reader:pw@db:5432/chinook',
      DB_POOL_SIZE: '10',
      DB_TIMEOUT: '30',
      DB_POOL_RECYCLE: '3600',
      DB_POOL_PRE_PING: 'true',
      APP_PORT: '8080',
      LOG_LEVEL: 'INFO',
    })._unsafeUnwrap();
    expect(config.pool).toMatchObject({ size: 10, maxOverflow: 20, prePing: true });
    expect(config.log).toEqual({ level: 'info', format: 'json' });
    expect(config.databaseUrl).toBe('postgresql://reader:pw@db:5432/chinook');
  });

  it('reads TRUST_PROXY as a boolean, a hop count or a list of addresses', () => {
    expect(loadConfig({ TRUST_PROXY: 'TRUE' })._unsafeUnwrap().trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' })._unsafeUnwrap().trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: ' loopback,10.0.0.0/8 ' })._unsafeUnwrap().trustProxy).toBe(
      'loopback,10.0.0.0/8',
    );
  });

  it('accepts the usual spellings of booleans, levels and fractional seconds', () => {
    const config = loadConfig({
      DB_POOL_PRE_PING: 'OFF',
      API_KEY_REQUIRED: 'Yes',
      METRICS_ENABLED: '0',
      LOG_LEVEL: 'WARNING',
      DB_TIMEOUT: '2.5',
      QUERY_TIMEOUT: '10',
      DB_MAX_OVERFLOW: '0',
      ALLOWED_HOSTS: ' api.example.com, *.corp.example ,',
    })._unsafeUnwrap();
    expect(config.pool).toMatchObject({ prePing: false, acquireTimeoutMs: 2500, maxOverflow: 0 });
    expect(config.query.timeoutMs).toBe(10_000);
    expect(config.apiKeyRequired).toBe(true);
    expect(config.metrics.enabled).toBe(false);
    expect(config.log.level).toBe('warn');
    expect(config.allowedHosts).toEqual(['api.example.com', '*.corp.example']);
    expect(loadConfig({ LOG_LEVEL: 'critical' })._unsafeUnwrap().log.level).toBe('error');
  });

  it.each(Object.entries(MALFORMED))('%s=%j yields one failure naming it', (name, value) => {
    const failures = loadConfig({ [name]: value })._unsafeUnwrapErr();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ kind: 'InvalidConfig', variable: name });
    expect(failures[0]?.message).toContain(name);
  });

  it('covers every variable but the free-form ALLOWED_HOSTS', () => {
    expect([...Object.keys(MALFORMED), 'ALLOWED_HOSTS'].sort()).toEqual(Object.keys(CONFIG_VARIABLES).sort());
  });

  it('reports every bad variable at once', () => {
    const failures = loadConfig(MALFORMED)._unsafeUnwrapErr();
    expect(failures.map((f) => f.variable).sort()).toEqual(Object.keys(MALFORMED).sort());
  });

  it('shows a bad non-secret value back, to help fixing it', () => {
    const [failure] = loadConfig({ DB_POOL_SIZE: 'five' })._unsafeUnwrapErr();
    expect(failure?.message).toContain('"five"');
  });

  it('never echoes a secret’s value', () => {
    const secrets = Object.entries(CONFIG_VARIABLES).filter(([, spec]) => 'secret' in spec && spec.secret);
    expect(secrets.map(([name]) => name).sort()).toEqual([
      'API_KEYS',
      'DATABASE_URL',
      'DB_PASSWORD',
      'REDIS_URL',
    ]);
    const env = {
      DATABASE_URL: 'postgresql://admin:hunter2@db/prod',
      REDIS_URL: 'redis://:s3cr3t@cache:6379',
      DB_POOL_SIZE: 'hunter2',
    };
    const text = JSON.stringify(loadConfig(env)._unsafeUnwrapErr());
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('postgresql://');
    for (const [name] of secrets) {
      const [failure] = loadConfig({ [name]: ' \t ' })._unsafeUnwrapErr();
      expect(failure?.message).not.toContain('got');
    }
  });

  it('refuses a default row count above the ceiling, naming QUERY_DEFAULT_ROWS', () => {
    const failures = loadConfig({ QUERY_DEFAULT_ROWS: '500', QUERY_MAX_ROWS: '100' })._unsafeUnwrapErr();
    expect(failures).toEqual([expect.objectContaining({ variable: 'QUERY_DEFAULT_ROWS' })]);
  });

  it('lowers the built-in default row count to a smaller QUERY_MAX_ROWS instead of failing', () => {
    const config = loadConfig({ QUERY_MAX_ROWS: '50' })._unsafeUnwrap();
    expect(config.query).toMatchObject({ defaultRows: 50, maxRows: 50 });
  });
});
