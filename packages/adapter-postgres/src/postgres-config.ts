import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
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

/** libpq's sslmode values that this adapter implements with libpq's meaning. */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** TLS settings from the URL, before any certificate file is read. */
export interface PostgresTlsConfig {
  readonly mode: SslMode;
  readonly rootCertPath?: string | undefined;
  readonly certPath?: string | undefined;
  readonly keyPath?: string | undefined;
}

/** Options of `createPostgresAdapter`. Only `url` is required; every other field has a documented default. */
export interface PostgresAdapterConfig {
  /**
   * `postgres://user:pass@host:5432/db?sslmode=verify-full&sslrootcert=/ca.pem`, or `postgresql://…`.
   * A Unix socket directory goes in `?host=/var/run/postgresql`.
   */
  readonly url: string;
  /** Overrides the URL's password (a secret resolved by the SecretPort, e.g. DB_PASSWORD_FILE). */
  readonly password?: string | undefined;
  /** Pool with the deployment guide's semantics. Defaults: size 5, overflow 10, acquire 30 s, recycle 1 h, pre-ping on. */
  readonly pool?: Partial<PoolOptions> | undefined;
  /** Where pool and connection events go (never stdout). Default: no logging. */
  readonly logger?: LoggerPort | undefined;
  /** Session statement_timeout set at connection start; each query's own `timeoutMs` replaces it. Default 30,000 ms. */
  readonly statementTimeoutMs?: number | undefined;
  /** How long opening one connection may take before ConnectionFailed. Default: URL `connect_timeout`, else 5,000 ms. */
  readonly connectTimeoutMs?: number | undefined;
  /** Timeout of catalog reads (listTables, describeTable …). Default 30,000 ms. */
  readonly catalogTimeoutMs?: number | undefined;
  /** Bytes of each bytea value returned (base64-encoded); longer values are cut and marked. Default 4,096. */
  readonly maxBinaryBytes?: number | undefined;
  /** Connections beyond `pool.size` are closed after this long idle. Default 10,000 ms. */
  readonly overflowIdleMs?: number | undefined;
  /** With `pool.prePing`, a connection idle at least this long is pinged before use. Default 500 ms (HikariCP's bypass window). */
  readonly prePingIdleMs?: number | undefined;
  /** After a cancel request, how long to wait for the server before dropping the connection. Default 2,000 ms. */
  readonly cancelGraceMs?: number | undefined;
}

/** A validated configuration with every default applied; what `pg.Pool` and the session are built from. */
export interface ResolvedPostgresConfig {
  readonly host: string;
  readonly port: number;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly database?: string | undefined;
  readonly applicationName: string;
  readonly tls: PostgresTlsConfig;
  readonly pool: PoolOptions;
  readonly logger: LoggerPort;
  readonly statementTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly catalogTimeoutMs: number;
  readonly maxBinaryBytes: number;
  readonly overflowIdleMs: number;
  readonly prePingIdleMs: number;
  readonly cancelGraceMs: number;
}

/** The deployment guide's pool defaults: size 5, overflow twice the size, 30 s wait, 1 h recycle, pre-ping. */
export const POSTGRES_POOL_DEFAULTS: PoolOptions = {
  size: 5,
  maxOverflow: 10,
  acquireTimeoutMs: 30_000,
  recycleMs: 3_600_000,
  prePing: true,
};

/** URL query parameters the adapter understands; anything else is ignored with a warning. */
export const POSTGRES_URL_PARAMETERS = [
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'connect_timeout',
  'application_name',
  'host',
  'port',
  'user',
  'password',
  'dbname',
] as const;

const ms = (max: number) => z.number().int().min(0).max(max);

const schema = z.object({
  url: z.string().trim().min(1, { message: 'must not be empty' }),
  password: z.string().optional(),
  pool: poolOptionsSchema().optional(),
  statementTimeoutMs: z.number().int().min(1).max(86_400_000).optional(),
  connectTimeoutMs: z.number().int().min(1).max(600_000).optional(),
  catalogTimeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  maxBinaryBytes: z
    .number()
    .int()
    .min(0)
    .max(64 * 1024 * 1024)
    .optional(),
  overflowIdleMs: poolIdleMsSchema.optional(),
  prePingIdleMs: poolIdleMsSchema.optional(),
  cancelGraceMs: ms(600_000).optional(),
});

const sslModeSchema = z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'], {
  message: 'sslmode must be disable, require, verify-ca or verify-full',
});

/**
 * Validates adapter options and parses the URL.
 * @returns err(InvalidConfig) naming `variable` (default `DATABASE_URL`) when the URL or an option is
 * invalid; the message never repeats the URL, which may hold a password.
 */
export function parsePostgresConfig(
  input: PostgresAdapterConfig,
  variable = 'DATABASE_URL',
): Result<ResolvedPostgresConfig, ConfigFailure> {
  const parsed = schema.safeParse({ ...input, logger: undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'config';
    const name = field === 'url' ? variable : `postgres ${field}`;
    return err(configFailure(name, `${name} ${issue?.message ?? 'is invalid'}.`));
  }
  const c = parsed.data;
  const logger = input.logger ?? noopLogger;
  return parsePostgresUrl(c.url, variable, logger).map((url) => ({
    ...url,
    // A password resolved by the SecretPort wins over one written in the URL.
    password: c.password ?? url.password,
    applicationName: url.applicationName ?? 'legacybridge',
    pool: resolvePoolOptions(c.pool, POSTGRES_POOL_DEFAULTS),
    logger,
    statementTimeoutMs: c.statementTimeoutMs ?? 30_000,
    connectTimeoutMs: c.connectTimeoutMs ?? url.connectTimeoutMs ?? 5_000,
    catalogTimeoutMs: c.catalogTimeoutMs ?? 30_000,
    maxBinaryBytes: c.maxBinaryBytes ?? 4_096,
    overflowIdleMs: c.overflowIdleMs ?? 10_000,
    prePingIdleMs: c.prePingIdleMs ?? 500,
    cancelGraceMs: c.cancelGraceMs ?? 2_000,
  }));
}

/** The connection fields a URL carries. */
export interface ParsedPostgresUrl {
  readonly host: string;
  readonly port: number;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly database?: string | undefined;
  readonly applicationName?: string | undefined;
  readonly connectTimeoutMs?: number | undefined;
  readonly tls: PostgresTlsConfig;
}

/**
 * Parses a `postgres://` or `postgresql://` URL with libpq's parameter names.
 * @returns err(InvalidConfig) naming `variable` for another scheme, a bad port, sslmode or connect_timeout.
 */
export function parsePostgresUrl(
  text: string,
  variable = 'DATABASE_URL',
  logger: LoggerPort = noopLogger,
): Result<ParsedPostgresUrl, ConfigFailure> {
  const scheme = urlScheme(text);
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    return err(configFailure(variable, `${variable} must start with postgres:// or postgresql://.`));
  }
  let url: URL;
  try {
    // libpq accepts `postgres://user@/db?host=/socket/dir` (no host); WHATWG URL does not.
    url = new URL(text.trim().replace(/^([a-z]+:\/\/[^/?#@]*@)(?=[/?#]|$)/i, '$1localhost'));
  } catch {
    return err(configFailure(variable, `${variable} is not a valid URL.`));
  }
  const q = libpqQuery(url.search);
  for (const key of new Set(q.keys())) {
    if (!(POSTGRES_URL_PARAMETERS as readonly string[]).includes(key)) {
      logger.warn('postgres URL parameter ignored', { parameter: key });
    }
  }
  const mode = sslModeSchema.safeParse(q.get('sslmode') ?? 'disable');
  if (!mode.success) return err(configFailure(variable, `${variable} ${mode.error.issues[0]?.message}.`));
  if (mode.data === 'allow' || mode.data === 'prefer') {
    // pg cannot fall back between TLS and plain text the way libpq does: say so rather than guess.
    logger.warn('postgres sslmode allow/prefer: connecting without TLS; use require or verify-full', {
      sslmode: mode.data,
    });
  }
  const portText = q.get('port') ?? url.port;
  const port = portText === '' ? 5432 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    return err(configFailure(variable, `${variable} has an invalid port.`));
  }
  const timeoutText = q.get('connect_timeout');
  let connectTimeoutMs: number | undefined;
  if (timeoutText !== null) {
    const seconds = Number(timeoutText);
    if (!Number.isFinite(seconds) || seconds < 0) {
      return err(configFailure(variable, `${variable} connect_timeout must be a number of seconds.`));
    }
    // libpq: 0 means wait forever; we keep a bound, as an assistant must never hang on a dead host.
    connectTimeoutMs = seconds === 0 ? undefined : Math.max(1, Math.round(seconds * 1000));
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const path = decode(url.pathname.replace(/^\//, ''));
  return ok({
    host: q.get('host') ?? (hostname === '' ? 'localhost' : decode(hostname)),
    port,
    user: q.get('user') ?? (url.username === '' ? undefined : decode(url.username)),
    password: q.get('password') ?? (url.password === '' ? undefined : decode(url.password)),
    database: q.get('dbname') ?? (path === '' ? undefined : path),
    applicationName: q.get('application_name') ?? undefined,
    connectTimeoutMs,
    tls: {
      mode: mode.data,
      rootCertPath: q.get('sslrootcert') ?? undefined,
      certPath: q.get('sslcert') ?? undefined,
      keyPath: q.get('sslkey') ?? undefined,
    },
  });
}

/** Reads a certificate or key file; injected so the TLS mapping is testable without files. */
export type ReadFile = (path: string) => string | Buffer;

/**
 * Maps libpq's sslmode onto pg's `ssl` option with libpq's meaning (not pg-connection-string's, where
 * `require` verifies): `require` encrypts without verifying, unless a root certificate is given, which
 * makes it `verify-ca` as in libpq; `verify-ca` checks the chain but not the host name; `verify-full`
 * checks both. Client certificates go with any mode but `disable`.
 * @returns err(InvalidConfig) naming `variable` when a certificate file cannot be read, or only one of sslcert/sslkey is set.
 */
export function toPgSsl(
  tls: PostgresTlsConfig,
  host: string,
  variable = 'DATABASE_URL',
  readFile: ReadFile = (path) => readFileSync(path),
): Result<false | ConnectionOptions, ConfigFailure> {
  if (tls.mode === 'disable' || tls.mode === 'allow' || tls.mode === 'prefer') return ok(false);
  if ((tls.certPath === undefined) !== (tls.keyPath === undefined)) {
    return err(configFailure(variable, `${variable} must set sslcert and sslkey together.`));
  }
  const files: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer } = {};
  for (const [field, path, param] of [
    ['ca', tls.rootCertPath, 'sslrootcert'],
    ['cert', tls.certPath, 'sslcert'],
    ['key', tls.keyPath, 'sslkey'],
  ] as const) {
    if (path === undefined) continue;
    try {
      files[field] = readFile(path);
    } catch {
      return err(configFailure(variable, `${variable} ${param} file cannot be read.`));
    }
  }
  const verifyChain = tls.mode === 'verify-ca' || tls.mode === 'verify-full' || files.ca !== undefined;
  const options: ConnectionOptions = { ...files, rejectUnauthorized: verifyChain };
  if (tls.mode === 'verify-full') {
    // Node checks the host name by default; SNI must name the host for that (not for a socket path).
    if (!host.startsWith('/') && isIP(host) === 0) options.servername = host;
  } else if (verifyChain) {
    options.checkServerIdentity = () => undefined;
  }
  return ok(options);
}

/**
 * Query parameters decoded the way libpq decodes them: only `%XX` escapes. URLSearchParams would
 * also turn `+` into a space, so `sslrootcert=/etc/ssl/a+b/ca.pem` would name a file that does not exist.
 */
function libpqQuery(search: string): URLSearchParams {
  const params = new URLSearchParams();
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    params.append(decode(eq === -1 ? pair : pair.slice(0, eq)), eq === -1 ? '' : decode(pair.slice(eq + 1)));
  }
  return params;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
