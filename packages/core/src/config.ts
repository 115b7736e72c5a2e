import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { type ConfigFailure, configFailure } from './errors.js';

/**
 * Twelve-factor configuration: every setting is an environment variable (DESIGN.md §8), with the
 * deployment guide's defaults. One zod schema per variable, so each message names its variable.
 */

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(v), {
    message: 'must be true or false',
  })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { message: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

const seconds = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, { message: `must be a number of seconds from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

const logLevel = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => (v === 'warning' ? 'warn' : v === 'critical' || v === 'fatal' ? 'error' : v))
  .pipe(z.enum(['debug', 'info', 'warn', 'error'], { message: 'must be DEBUG, INFO, WARNING or ERROR' }));

/** Each variable: its schema, its default (as the text an operator would write), and what it does. */
export const CONFIG_VARIABLES = {
  DATABASE_URL: {
    schema: z.string().trim().min(1),
    default: undefined,
    doc: 'Database to serve, e.g. postgresql://user:pass@host:5432/db. Unset: the embedded demo database.',
    secret: true,
  },
  DB_PASSWORD: {
    schema: z.string().refine((v) => v.trim() !== '', { message: 'must not be blank' }),
    default: undefined,
    doc: 'Database password; replaces the one in DATABASE_URL (use DB_PASSWORD_FILE to read it from a secret file).',
    secret: true,
  },
  SQLITE_PATH: {
    schema: z.string().trim().min(1),
    default: undefined,
    doc: 'SQLite file to serve when DATABASE_URL is unset (the demo database is generated there if missing).',
  },
  DB_POOL_SIZE: { schema: int(1, 1000), default: '5', doc: 'Connections kept open per replica.' },
  DB_MAX_OVERFLOW: {
    schema: int(0, 10_000),
    default: undefined,
    doc: 'Extra connections allowed under load (default: 2 × DB_POOL_SIZE).',
  },
  DB_TIMEOUT: {
    schema: seconds(0.1, 3600),
    default: '30',
    doc: 'Seconds to wait for a free connection, and the statement timeout unless QUERY_TIMEOUT is set.',
  },
  DB_POOL_RECYCLE: {
    schema: seconds(0, 604_800),
    default: '3600',
    doc: 'Maximum connection lifetime in seconds (0: unlimited).',
  },
  DB_POOL_PRE_PING: { schema: bool, default: 'true', doc: 'Validate a pooled connection before each use.' },
  QUERY_TIMEOUT: {
    schema: seconds(0.1, 3600),
    default: undefined,
    doc: 'Statement timeout in seconds (default: DB_TIMEOUT).',
  },
  QUERY_DEFAULT_ROWS: {
    schema: int(1, 1_000_000),
    default: '100',
    doc: 'Rows returned when a query does not set max_rows.',
  },
  QUERY_MAX_ROWS: {
    schema: int(1, 1_000_000),
    default: '1000',
    doc: 'Ceiling on rows per query, whatever max_rows asks.',
  },
  QUERY_MAX_BYTES: {
    schema: int(1024, 1_073_741_824),
    default: '1048576',
    doc: 'Ceiling on result bytes per query.',
  },
  QUERY_MAX_SQL_LENGTH: {
    schema: int(16, 10_000_000),
    default: '100000',
    doc: 'Longest SQL text accepted, in characters.',
  },
  APP_ENV: {
    schema: z.enum(['development', 'test', 'staging', 'production'], {
      message: 'must be development, test, staging or production',
    }),
    default: 'development',
    doc: 'Deployment environment; production tightens defaults (JSON logs, no stack traces).',
  },
  APP_HOST: {
    schema: z.string().trim().min(1),
    default: '127.0.0.1',
    doc: 'Interface the HTTP transport listens on.',
  },
  APP_PORT: { schema: int(0, 65_535), default: '8080', doc: 'Port of the HTTP transport.' },
  LOG_LEVEL: { schema: logLevel, default: 'INFO', doc: 'DEBUG, INFO, WARNING or ERROR.' },
  LOG_FORMAT: {
    schema: z.enum(['json', 'text'], { message: 'must be json or text' }),
    default: undefined,
    doc: 'json or text (default: json in production, text elsewhere).',
  },
  API_KEY_REQUIRED: { schema: bool, default: 'false', doc: 'Require an API key on HTTP endpoints.' },
  API_KEYS: {
    schema: z.string().trim().min(1),
    default: undefined,
    doc: 'HTTP API keys as comma-separated name:key pairs (use API_KEYS_FILE for a secret file); the name identifies the caller in logs and rate limits.',
    secret: true,
  },
  ALLOW_UNAUTHENTICATED: {
    schema: bool,
    default: 'false',
    doc: 'Allow the HTTP transport to start in production (APP_ENV=production) with API_KEY_REQUIRED=false, e.g. behind an authenticating gateway.',
  },
  ALLOWED_HOSTS: {
    schema: csv,
    default: undefined,
    doc: 'Comma-separated Host names the HTTP service answers (exact or *.domain); unset: localhost only when bound to loopback.',
  },
  RATE_LIMIT_ENABLED: { schema: bool, default: 'false', doc: 'Limit requests per caller.' },
  RATE_LIMIT_REQUESTS: {
    schema: int(1, 1_000_000),
    default: '100',
    doc: 'Requests allowed per caller per window.',
  },
  RATE_LIMIT_WINDOW: { schema: int(1, 86_400), default: '60', doc: 'Rate-limit window in seconds.' },
  RATE_LIMIT_FAIL_MODE: {
    schema: z.enum(['open', 'closed'], { message: 'must be open or closed' }),
    default: 'open',
    doc: 'When Redis is unreachable: open lets requests through (logged), closed answers 503.',
  },
  RATE_LIMIT_KEY_PREFIX: {
    schema: z.string().trim().min(1).max(200),
    default: 'legacybridge:ratelimit:',
    doc: 'Prefix of the rate-limit keys in Redis, so several deployments can share one Redis.',
  },
  SHUTDOWN_TIMEOUT: {
    schema: seconds(0, 3600),
    default: '25',
    doc: 'Seconds in-flight HTTP requests get to finish on SIGTERM before they are cancelled.',
  },
  TRUST_PROXY: {
    schema: z
      .string()
      .trim()
      .min(1)
      .transform((v): boolean | number | string =>
        /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : /^\d+$/.test(v) ? Number(v) : v,
      ),
    default: 'false',
    doc: 'Which proxies in front of the HTTP service to trust for the client address (X-Forwarded-For), used as the rate-limit caller without an API key: false, true, a hop count, or addresses/subnets such as loopback,10.0.0.0/8.',
  },
  HEALTH_CHECK_ENABLED: { schema: bool, default: 'true', doc: 'Serve /health and /ready.' },
  METRICS_ENABLED: { schema: bool, default: 'true', doc: 'Serve Prometheus metrics at /metrics.' },
  METRICS_PORT: {
    schema: int(1, 65_535),
    default: undefined,
    doc: 'Serve /metrics on this port instead of APP_PORT.',
  },
  REQUIRE_READ_ONLY_USER: {
    schema: bool,
    default: 'false',
    doc: 'Refuse to start when the database user can write or change schema (checked at startup).',
  },
  SCHEMA_CACHE_TTL: {
    schema: seconds(0, 86_400),
    default: '300',
    doc: 'Seconds a schema snapshot is served before it is re-read (in the background, up to twice this age).',
  },
  SCHEMA_CACHE_MAX_ENTRIES: {
    schema: int(1, 100_000),
    default: '100',
    doc: "Schema snapshots kept, least recently used dropped first (the deployment guide's schema_cache LRU of 100).",
  },
  SCHEMA_CACHE_MAX_BYTES: {
    schema: int(1_048_576, 17_179_869_184),
    default: '67108864',
    doc: 'Approximate memory all schema snapshots may take together.',
  },
  SCHEMA_CACHE_CHECK_INTERVAL: {
    schema: seconds(0, 86_400),
    default: '10',
    doc: 'Seconds between checks of the cheap catalog fingerprint that triggers a rebuild when the schema changed (0: every request).',
  },
  DATA_DICTIONARY_PATH: {
    schema: z.string().trim().min(1),
    default: undefined,
    doc: 'A YAML or JSON data dictionary laid over the catalog: table and column descriptions, synonyms (found by search_schema), units, pii flags, and hidden tables and columns, which disappear from every answer (hidden tables are also refused in queries). Unset with the demo database: the demo dictionary shipped with the server.',
  },
  REDIS_URL: {
    schema: z.string().trim().min(1),
    default: undefined,
    doc: 'Redis for state shared across replicas.',
    secret: true,
  },
  QUERY_CACHE_TTL: {
    schema: seconds(0, 86_400),
    default: '0',
    doc: "Seconds a query answer is reused for the same SQL, caps and caller scope (0: off; the deployment guide's example is 300). Shared through Redis when REDIS_URL is set, else per replica. Never caches errors or SQL calling now(), random() and the like.",
  },
  QUERY_CACHE_MAX_ENTRY_BYTES: {
    schema: int(1024, 67_108_864),
    default: '262144',
    doc: 'Largest answer (as JSON) the query cache stores; bigger answers are always read from the database.',
  },
} as const;

export type ConfigVariable = keyof typeof CONFIG_VARIABLES;

export interface AppConfig {
  readonly databaseUrl?: string | undefined;
  /** Replaces the password in `databaseUrl` when set (DB_PASSWORD or DB_PASSWORD_FILE). */
  readonly databasePassword?: string | undefined;
  readonly sqlitePath?: string | undefined;
  readonly pool: {
    readonly size: number;
    readonly maxOverflow: number;
    readonly acquireTimeoutMs: number;
    readonly recycleMs: number;
    readonly prePing: boolean;
    /** Whether DB_POOL_SIZE or DB_MAX_OVERFLOW was set: the server picks per-dialect sizes otherwise. */
    readonly sized: boolean;
  };
  readonly query: {
    readonly timeoutMs: number;
    readonly defaultRows: number;
    readonly maxRows: number;
    readonly maxBytes: number;
    readonly maxSqlLength: number;
  };
  readonly env: 'development' | 'test' | 'staging' | 'production';
  readonly host: string;
  readonly port: number;
  readonly log: { readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly format: 'json' | 'text' };
  readonly apiKeyRequired: boolean;
  /** API_KEYS (or API_KEYS_FILE): `name:key` pairs, parsed by the HTTP transport. Secret. */
  readonly apiKeys?: string | undefined;
  /** ALLOW_UNAUTHENTICATED: production may run the HTTP transport without API keys. */
  readonly allowUnauthenticated: boolean;
  /** SHUTDOWN_TIMEOUT: how long in-flight HTTP requests may finish on shutdown. */
  readonly shutdownTimeoutMs: number;
  /** TRUST_PROXY: Express `trust proxy` (false, true, hop count, or addresses/subnets). */
  readonly trustProxy: boolean | number | string;
  readonly allowedHosts?: readonly string[] | undefined;
  readonly rateLimit: {
    readonly enabled: boolean;
    readonly requests: number;
    readonly windowSeconds: number;
    /** RATE_LIMIT_FAIL_MODE. */
    readonly failMode: 'open' | 'closed';
    /** RATE_LIMIT_KEY_PREFIX. */
    readonly keyPrefix: string;
  };
  readonly healthCheckEnabled: boolean;
  readonly metrics: { readonly enabled: boolean; readonly port?: number | undefined };
  readonly redisUrl?: string | undefined;
  /** SCHEMA_CACHE_*: options for `createSchemaCache`. */
  readonly schemaCache: {
    readonly ttlMs: number;
    readonly maxEntries: number;
    readonly maxBytes: number;
    readonly checkIntervalMs: number;
  };
  /** DATA_DICTIONARY_PATH: the data dictionary file the server reads at startup. */
  readonly dataDictionaryPath?: string | undefined;
  /** QUERY_CACHE_*: the query result cache; `ttlMs` 0 turns it off. */
  readonly queryCache: { readonly ttlMs: number; readonly maxEntryBytes: number };
  /** REQUIRE_READ_ONLY_USER: refuse to start unless the privilege audit says read-only. */
  readonly requireReadOnlyUser: boolean;
}

type Parsed = { -readonly [K in ConfigVariable]?: z.output<(typeof CONFIG_VARIABLES)[K]['schema']> };

/**
 * Reads and validates every variable at once.
 * @returns err with one ConfigFailure per bad variable, each naming it and never echoing a secret's value.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
): Result<AppConfig, ConfigFailure[]> {
  const failures: ConfigFailure[] = [];
  const parsed: Parsed = {};
  for (const [name, spec] of Object.entries(CONFIG_VARIABLES) as [
    ConfigVariable,
    (typeof CONFIG_VARIABLES)[ConfigVariable],
  ][]) {
    const raw = env[name] !== undefined && env[name] !== '' ? env[name] : spec.default;
    if (raw === undefined) continue;
    const result = spec.schema.safeParse(raw);
    if (result.success) {
      (parsed as Record<string, unknown>)[name] = result.data;
    } else {
      const shown = 'secret' in spec && spec.secret ? '' : ` (got "${truncate(raw)}")`;
      failures.push(
        configFailure(name, `${name} ${result.error.issues[0]?.message ?? 'is invalid'}${shown}.`),
      );
    }
  }
  if (
    parsed.QUERY_DEFAULT_ROWS !== undefined &&
    parsed.QUERY_MAX_ROWS !== undefined &&
    parsed.QUERY_DEFAULT_ROWS > parsed.QUERY_MAX_ROWS
  ) {
    // Only an operator's own QUERY_DEFAULT_ROWS is a contradiction; the built-in default of 100
    // simply follows a lower QUERY_MAX_ROWS instead of refusing to start.
    if (env.QUERY_DEFAULT_ROWS !== undefined && env.QUERY_DEFAULT_ROWS !== '') {
      failures.push(
        configFailure('QUERY_DEFAULT_ROWS', 'QUERY_DEFAULT_ROWS must not exceed QUERY_MAX_ROWS.'),
      );
    } else {
      parsed.QUERY_DEFAULT_ROWS = parsed.QUERY_MAX_ROWS;
    }
  }
  if (failures.length > 0) return err(failures);

  const p = parsed as Required<
    Omit<
      Parsed,
      | 'DATABASE_URL'
      | 'SQLITE_PATH'
      | 'DB_MAX_OVERFLOW'
      | 'QUERY_TIMEOUT'
      | 'LOG_FORMAT'
      | 'ALLOWED_HOSTS'
      | 'METRICS_PORT'
      | 'REDIS_URL'
      | 'API_KEYS'
      | 'DATA_DICTIONARY_PATH'
    >
  > &
    Parsed;
  const appEnv = p.APP_ENV;
  return ok({
    databaseUrl: p.DATABASE_URL,
    databasePassword: p.DB_PASSWORD,
    sqlitePath: p.SQLITE_PATH,
    pool: {
      size: p.DB_POOL_SIZE,
      maxOverflow: p.DB_MAX_OVERFLOW ?? p.DB_POOL_SIZE * 2,
      acquireTimeoutMs: Math.round(p.DB_TIMEOUT * 1000),
      recycleMs: Math.round(p.DB_POOL_RECYCLE * 1000),
      prePing: p.DB_POOL_PRE_PING,
      sized: [env.DB_POOL_SIZE, env.DB_MAX_OVERFLOW].some((v) => v !== undefined && v !== ''),
    },
    query: {
      timeoutMs: Math.round((p.QUERY_TIMEOUT ?? p.DB_TIMEOUT) * 1000),
      defaultRows: p.QUERY_DEFAULT_ROWS,
      maxRows: p.QUERY_MAX_ROWS,
      maxBytes: p.QUERY_MAX_BYTES,
      maxSqlLength: p.QUERY_MAX_SQL_LENGTH,
    },
    env: appEnv,
    host: p.APP_HOST,
    port: p.APP_PORT,
    log: { level: p.LOG_LEVEL, format: p.LOG_FORMAT ?? (appEnv === 'production' ? 'json' : 'text') },
    apiKeyRequired: p.API_KEY_REQUIRED,
    apiKeys: p.API_KEYS,
    allowUnauthenticated: p.ALLOW_UNAUTHENTICATED,
    shutdownTimeoutMs: Math.round(p.SHUTDOWN_TIMEOUT * 1000),
    trustProxy: p.TRUST_PROXY,
    allowedHosts: p.ALLOWED_HOSTS,
    rateLimit: {
      enabled: p.RATE_LIMIT_ENABLED,
      requests: p.RATE_LIMIT_REQUESTS,
      windowSeconds: p.RATE_LIMIT_WINDOW,
      failMode: p.RATE_LIMIT_FAIL_MODE,
      keyPrefix: p.RATE_LIMIT_KEY_PREFIX,
    },
    healthCheckEnabled: p.HEALTH_CHECK_ENABLED,
    metrics: { enabled: p.METRICS_ENABLED, port: p.METRICS_PORT },
    redisUrl: p.REDIS_URL,
    schemaCache: {
      ttlMs: Math.round(p.SCHEMA_CACHE_TTL * 1000),
      maxEntries: p.SCHEMA_CACHE_MAX_ENTRIES,
      maxBytes: p.SCHEMA_CACHE_MAX_BYTES,
      checkIntervalMs: Math.round(p.SCHEMA_CACHE_CHECK_INTERVAL * 1000),
    },
    dataDictionaryPath: p.DATA_DICTIONARY_PATH,
    queryCache: {
      ttlMs: Math.round(p.QUERY_CACHE_TTL * 1000),
      maxEntryBytes: p.QUERY_CACHE_MAX_ENTRY_BYTES,
    },
    requireReadOnlyUser: p.REQUIRE_READ_ONLY_USER,
  });
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
