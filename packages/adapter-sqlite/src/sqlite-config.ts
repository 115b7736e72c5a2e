import { isAbsolute, resolve } from 'node:path';
import {
  type ConfigFailure,
  configFailure,
  type LoggerPort,
  noopLogger,
  type PoolOptions,
  poolIdleMsSchema,
  poolOptionsSchema,
  resolvePoolOptions,
  urlScheme,
} from '@legacybridge/core';
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';

/** What the adapter reads: a database file (absolute path) or a private in-memory database. */
export type SqliteTarget = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'memory' };

/** Options of `createSqliteAdapter`. Only `url` is required; every other field has a documented default. */
export interface SqliteAdapterConfig {
  /**
   * `sqlite:///abs/path.db`, `sqlite://./rel.db`, `sqlite:rel.db`, `sqlite::memory:`, or a bare file
   * path (`/x/y.db`, `./y.db`, `y.sqlite`). Relative paths resolve against `cwd`.
   */
  readonly url: string;
  /** Runner pool (one child process per connection). Defaults: size 2, overflow 2, acquire 30 s, recycle 1 h, pre-ping on. */
  readonly pool?: Partial<PoolOptions> | undefined;
  /** Where runner lifecycle events go (never stdout). Default: no logging. */
  readonly logger?: LoggerPort | undefined;
  /** Base directory for relative paths. Default: `process.cwd()` at creation. */
  readonly cwd?: string | undefined;
  /** How long SQLite waits on a writer's lock before SQLITE_BUSY. Default 5,000 ms. */
  readonly busyTimeoutMs?: number | undefined;
  /** Timeout of catalog reads (listTables, describeTable …). Default 30,000 ms. */
  readonly catalogTimeoutMs?: number | undefined;
  /** Bytes of each blob returned (base64-encoded); longer blobs are cut and marked. Default 4,096. */
  readonly maxBinaryBytes?: number | undefined;
  /** Runners beyond `pool.size` are retired after this long idle. Default 10,000 ms. */
  readonly overflowIdleMs?: number | undefined;
  /** With `pool.prePing`, a runner idle longer than this is pinged before use. Default 30,000 ms. */
  readonly prePingIdleMs?: number | undefined;
}

/** A validated configuration with every default applied. */
export interface ResolvedSqliteConfig {
  readonly target: SqliteTarget;
  readonly pool: PoolOptions;
  readonly logger: LoggerPort;
  readonly busyTimeoutMs: number;
  readonly catalogTimeoutMs: number;
  readonly maxBinaryBytes: number;
  readonly overflowIdleMs: number;
  readonly prePingIdleMs: number;
}

/** The pool defaults for SQLite: each connection is a process, so fewer than a network database. */
export const SQLITE_POOL_DEFAULTS: PoolOptions = {
  size: 2,
  maxOverflow: 2,
  acquireTimeoutMs: 30_000,
  recycleMs: 3_600_000,
  prePing: true,
};

const ms = (max: number) => z.number().int().min(0).max(max);

const schema = z.object({
  url: z.string().trim().min(1, { message: 'must not be empty' }),
  // Each session is a process: fewer than a network database allows.
  pool: poolOptionsSchema({ maxSize: 256, maxOverflow: 1024 }).optional(),
  cwd: z.string().min(1).optional(),
  busyTimeoutMs: ms(3_600_000).optional(),
  catalogTimeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  maxBinaryBytes: z
    .number()
    .int()
    .min(0)
    .max(64 * 1024 * 1024)
    .optional(),
  overflowIdleMs: poolIdleMsSchema.optional(),
  prePingIdleMs: poolIdleMsSchema.optional(),
});

/**
 * Validates adapter options and resolves the URL to an absolute file path (or memory).
 * @returns err(InvalidConfig) naming `variable` (default `DATABASE_URL`) when the URL or an option is invalid.
 */
export function parseSqliteConfig(
  input: SqliteAdapterConfig,
  variable = 'DATABASE_URL',
): Result<ResolvedSqliteConfig, ConfigFailure> {
  const parsed = schema.safeParse({ ...input, logger: undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'config';
    const name = field === 'url' ? variable : `sqlite ${field}`;
    return err(configFailure(name, `${name} ${issue?.message ?? 'is invalid'}.`));
  }
  const c = parsed.data;
  return parseSqliteUrl(c.url, c.cwd ?? process.cwd(), variable).map((target) => ({
    target,
    pool: resolvePoolOptions(c.pool, SQLITE_POOL_DEFAULTS),
    logger: input.logger ?? noopLogger,
    busyTimeoutMs: c.busyTimeoutMs ?? 5_000,
    catalogTimeoutMs: c.catalogTimeoutMs ?? 30_000,
    maxBinaryBytes: c.maxBinaryBytes ?? 4_096,
    overflowIdleMs: c.overflowIdleMs ?? 10_000,
    prePingIdleMs: c.prePingIdleMs ?? 30_000,
  }));
}

/**
 * Resolves every accepted URL form to a target; relative paths against `cwd`.
 * @returns err(InvalidConfig) naming `variable` for another scheme, an empty path or bad %-escapes.
 */
export function parseSqliteUrl(
  url: string,
  cwd: string,
  variable = 'DATABASE_URL',
): Result<SqliteTarget, ConfigFailure> {
  const text = url.trim();
  const scheme = urlScheme(text);
  if (scheme === undefined) {
    if (text === ':memory:') return ok({ kind: 'memory' });
    return text === '' ? err(configFailure(variable, `${variable} is empty.`)) : ok(fileAt(text, cwd));
  }
  if (scheme !== 'sqlite') {
    return err(
      configFailure(variable, `${variable} must be a sqlite: URL or a file path (got "${scheme}:").`),
    );
  }
  // `sqlite://` + path: `sqlite:///abs` keeps its leading slash (absolute), `sqlite://./rel` is relative.
  let rest = text.slice('sqlite:'.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest === ':memory:' || rest === '') {
    return rest === ''
      ? err(configFailure(variable, `${variable} names no SQLite file.`))
      : ok({ kind: 'memory' });
  }
  let path: string;
  try {
    path = decodeURIComponent(rest);
  } catch {
    return err(configFailure(variable, `${variable} has an invalid %-escape in its path.`));
  }
  return ok(fileAt(path, cwd));
}

function fileAt(path: string, cwd: string): SqliteTarget {
  return { kind: 'file', path: isAbsolute(path) ? resolve(path) : resolve(cwd, path) };
}
