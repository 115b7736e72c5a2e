import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRedisCache } from '@legacybridge/cache-redis';
import {
  type AdapterDefinition,
  type AppConfig,
  type CachePort,
  type ConfigFailure,
  configFailure,
  createAdapterRegistry,
  createMemoryCache,
  createQueryCache,
  createSchemaCache,
  type DatabasePort,
  type Dialect,
  type LoggerPort,
  type MetricsPort,
  noopMetrics,
  type QueryCache,
  type UseCaseDeps,
  urlScheme,
} from '@legacybridge/core';
import { traceDatabase } from '@legacybridge/telemetry';
import { err, ok, type Result } from 'neverthrow';
import { chooseDataDictionary, type LoadedDictionary } from './data-dictionary.js';
import { defaultDemoPath } from './demo/demo-path.js';
import { ensureDemoDatabase } from './demo/ensure-demo.js';
import { redactUrl } from './redact.js';
import type { Settings } from './settings.js';
import { VERSION } from './version.js';

/** Which database the server serves, and why: for the startup log and `doctor`. */
export type DatabaseSource =
  | { readonly kind: 'url'; readonly url: string; readonly variable: string }
  | { readonly kind: 'sqlite-path'; readonly path: string; readonly generatedDemo: boolean }
  | { readonly kind: 'demo'; readonly path: string; readonly generated: boolean };

/** Everything the transports need: the use cases' ports, and how to release them. */
export interface Runtime {
  readonly deps: UseCaseDeps;
  readonly source: DatabaseSource;
  /** What to log at startup; never contains a password. */
  readonly description: string;
  /** The data dictionary in use (DATA_DICTIONARY_PATH, or the demo's), if any. */
  readonly dictionary?: LoadedDictionary | undefined;
  /** Closes the adapter's pool. Idempotent. */
  close(): Promise<void>;
}

/** What `createRuntime` composes: validated settings, the adapters to register, the logger. */
export interface RuntimeInput {
  readonly settings: Settings;
  readonly adapters: readonly AdapterDefinition[];
  readonly logger: LoggerPort;
  /** Overrides the default demo location (tests). */
  readonly demoPath?: string | undefined;
  /** Where the use cases record metrics (the server's Prometheus registry); default: nowhere. */
  readonly metrics?: MetricsPort | undefined;
  /** Wrap the database in OpenTelemetry spans (only when tracing is on: spans are per query). */
  readonly traced?: boolean | undefined;
}

/**
 * Composes the runtime: picks the database (URL, SQLite path, or the embedded demo, generated if
 * missing), creates its adapter from the registry with the configured pool, and builds the use
 * cases' ports. Opens no connection: adapters connect on first use, because an MCP client in
 * `auto` mode starts a throwaway copy of a stdio server just to probe it.
 * @returns err(InvalidConfig) for an unsupported scheme (listing the supported ones), a malformed
 * URL, a SQLite file that does not exist, or a data dictionary that cannot be read or is invalid.
 */
export function createRuntime(input: RuntimeInput): Result<Runtime, ConfigFailure> {
  const { config, urlSource } = input.settings;
  const registry = createAdapterRegistry(input.adapters);
  const source = chooseSource(config, urlSource, input.demoPath);
  if (source.isErr()) return err(source.error);
  const url = source.value.kind === 'url' ? source.value.url : source.value.path;
  const variable = source.value.kind === 'url' ? source.value.variable : 'SQLITE_PATH';

  const definition = registry.resolve(url, variable);
  if (definition.isErr()) return err(definition.error);
  // Before the adapter exists: a broken dictionary stops startup with nothing to close.
  const dictionary = chooseDataDictionary(config.dataDictionaryPath, source.value.kind === 'demo');
  if (dictionary.isErr()) return err(dictionary.error);
  if (source.value.kind === 'url' && definition.value.dialect === 'sqlite') {
    const missing = missingSqliteFile(url);
    if (missing !== undefined) {
      return err(
        configFailure(
          variable,
          `points to the SQLite file ${missing}, which does not exist. Check the path, or unset it to use the demo database.`,
        ),
      );
    }
  }
  const db = definition.value.create({
    url,
    pool: poolFor(definition.value.dialect, config.pool),
    logger: input.logger.child({ component: 'db' }),
    password: config.databasePassword,
  });
  if (db.isErr()) return err(db.error);

  const metrics = input.metrics ?? noopMetrics;
  const queryCache = createQueryCacheFor(config, url, db.value, metrics, input.logger);
  const deps: UseCaseDeps = {
    db: input.traced ? traceDatabase(db.value) : db.value,
    metrics,
    logger: input.logger,
    policy: config.query,
    schemaCache: createSchemaCache({
      ...config.schemaCache,
      metrics,
      logger: input.logger.child({ component: 'schema-cache' }),
    }),
    queryCache: queryCache?.cache,
    dictionary: dictionary.value?.dictionary,
  };
  return ok({
    deps,
    source: source.value,
    description: describeSource(source.value, db.value),
    dictionary: dictionary.value,
    close: async () => {
      await db.value.close();
      await queryCache?.store.close();
    },
  });
}

// SQLite runs each pooled connection as a child process of about 70 MB, and its reads are CPU
// bound: more runners than cores buys nothing. Unless the operator sized the pool, SQLite gets
// 2 + 2 instead of the network databases' 5 + 10 (which would allow 15 runners, ~1 GB).
const SQLITE_DEFAULT_POOL = { size: 2, maxOverflow: 2 } as const;

function poolFor(dialect: Dialect, pool: AppConfig['pool']): AppConfig['pool'] {
  return dialect === 'sqlite' && !pool.sized ? { ...pool, ...SQLITE_DEFAULT_POOL } : pool;
}

/**
 * The query result cache when QUERY_CACHE_TTL > 0: in Redis when REDIS_URL is set (shared by every
 * replica), else in this process. Keys are namespaced by the database (its URL without the
 * password, hashed), so replicas serving the same database share answers and others never do.
 */
function createQueryCacheFor(
  config: AppConfig,
  url: string,
  db: DatabasePort,
  metrics: MetricsPort,
  logger: LoggerPort,
): { cache: QueryCache; store: CachePort } | undefined {
  if (config.queryCache.ttlMs <= 0) return undefined;
  const log = logger.child({ component: 'query-cache' });
  const store =
    config.redisUrl !== undefined
      ? createRedisCache({ url: config.redisUrl, logger: log, metrics })
      : createMemoryCache();
  const source = `${db.dialect}:${createHash('sha256').update(redactUrl(url)).digest('hex').slice(0, 16)}`;
  const cache = createQueryCache({
    cache: store,
    ttlMs: config.queryCache.ttlMs,
    maxEntryBytes: config.queryCache.maxEntryBytes,
    source,
    metrics,
    logger: log,
  });
  return { cache, store };
}

function chooseSource(
  config: AppConfig,
  urlSource: string,
  demoPath: string | undefined,
): Result<DatabaseSource, ConfigFailure> {
  if (config.databaseUrl !== undefined) {
    return ok({ kind: 'url', url: config.databaseUrl, variable: urlSource });
  }
  if (config.sqlitePath !== undefined) {
    const path = config.sqlitePath;
    return generateDemo(() => (existsSync(path) ? false : ensureDemoDatabase(path).created))
      .map((generatedDemo): DatabaseSource => ({ kind: 'sqlite-path', path, generatedDemo }))
      .mapErr((code) =>
        configFailure(
          'SQLITE_PATH',
          `SQLITE_PATH points to ${path}, where the demo database cannot be created (${code}).`,
        ),
      );
  }
  const path = demoPath ?? defaultDemoPath(VERSION);
  return generateDemo(() => ensureDemoDatabase(path).created)
    .map((generated): DatabaseSource => ({ kind: 'demo', path, generated }))
    .mapErr((code) =>
      configFailure(
        'XDG_CACHE_HOME',
        `XDG_CACHE_HOME (or the home directory) gives no usable cache directory: the demo database cannot be created at ${path} (${code}). Set SQLITE_PATH to a writable file, or DATABASE_URL to your database.`,
      ),
    );
}

// Generation failures are I/O (unwritable or non-directory parents): report the errno, not a stack.
function generateDemo(run: () => boolean): Result<boolean, string> {
  try {
    return ok(run());
  } catch (error) {
    return err((error as NodeJS.ErrnoException).code ?? String(error));
  }
}

// Only the obvious file forms: the adapter stays the authority on its URL syntax, this check just
// turns "the file is not there" into an exit at startup instead of a failure on every tool call.
function missingSqliteFile(url: string): string | undefined {
  const scheme = urlScheme(url);
  let path: string;
  if (scheme === undefined) path = url;
  else if (scheme === 'sqlite' && url.startsWith('sqlite:///')) {
    try {
      path = decodeURIComponent(url.slice('sqlite://'.length));
    } catch {
      return undefined;
    }
  } else return undefined;
  if (path === ':memory:' || path.trim() === '') return undefined;
  return existsSync(path) ? undefined : path;
}

function describeSource(source: DatabaseSource, db: DatabasePort): string {
  switch (source.kind) {
    case 'url':
      return `${db.dialect} database at ${redactUrl(source.url)}`;
    case 'sqlite-path':
      return `SQLite file ${source.path}${source.generatedDemo ? ' (demo database generated there)' : ''}`;
    case 'demo':
      return `demo database at ${source.path}${source.generated ? ' (generated)' : ''}`;
  }
}
