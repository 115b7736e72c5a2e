import { isIP } from 'node:net';
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

/** TLS settings from the URL. File paths are read at connect time, so rotated certificates are picked up. */
export interface MysqlTlsConfig {
  /** PEM file of the CA that signed the server certificate. */
  readonly caPath?: string | undefined;
  /** PEM client certificate (for X509 / REQUIRE SUBJECT users). */
  readonly certPath?: string | undefined;
  /** PEM client key. */
  readonly keyPath?: string | undefined;
  /** Verify the server certificate's chain (default true; `ssl_reject_unauthorized=false` turns it off). */
  readonly rejectUnauthorized: boolean;
  /**
   * Also check the host name against the certificate: with `rejectUnauthorized` when the URL names the
   * host. Not for an IP address: mysql2 sends no server name then and Node compares the certificate
   * with "localhost" instead of the address, which would accept a certificate for localhost from any
   * IP and refuse one naming the right IP.
   */
  readonly verifyIdentity: boolean;
}

/** Options of `createMysqlAdapter`. Only `url` is required; every other field has a documented default. */
export interface MysqlAdapterConfig {
  /**
   * `mysql://user:pass@host:3306/db` or `mariadb://…`, with optional query parameters `ssl`, `ssl_ca`,
   * `ssl_cert`, `ssl_key`, `ssl_reject_unauthorized`, `connect_timeout` (seconds).
   */
  readonly url: string;
  /** Overrides the URL's password (from the SecretPort, e.g. `DB_PASSWORD_FILE`). */
  readonly password?: string | undefined;
  /** Defaults: size 5, overflow 10, acquire 30 s, recycle 1 h, pre-ping on (deployment guide). */
  readonly pool?: Partial<PoolOptions> | undefined;
  /** Where pool lifecycle events go (never stdout). Default: no logging. */
  readonly logger?: LoggerPort | undefined;
  /** TCP + handshake deadline of a new connection. Default 10,000 ms (URL `connect_timeout` in seconds). */
  readonly connectTimeoutMs?: number | undefined;
  /** Timeout of catalog reads (listTables, describeTable …). Default 30,000 ms. */
  readonly catalogTimeoutMs?: number | undefined;
  /** Bytes of each binary value returned (base64-encoded); longer values are cut and marked. Default 4,096. */
  readonly maxBinaryBytes?: number | undefined;
  /** Connections beyond `pool.size` are closed after this long idle. Default 10,000 ms. */
  readonly overflowIdleMs?: number | undefined;
  /**
   * With `pool.prePing`, a connection idle longer than this is pinged before use. Default 1,000 ms:
   * a connection closed by the server is already noticed through its socket's close event, so the ping
   * only guards against silent network loss, which takes longer than a second to matter.
   */
  readonly prePingIdleMs?: number | undefined;
}

/** A validated configuration with every default applied. Holds the password: never log it. */
export interface ResolvedMysqlConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string | undefined;
  /** The database named in the URL: the default schema. */
  readonly database?: string | undefined;
  readonly tls?: MysqlTlsConfig | undefined;
  readonly pool: PoolOptions;
  readonly logger: LoggerPort;
  readonly connectTimeoutMs: number;
  readonly catalogTimeoutMs: number;
  readonly maxBinaryBytes: number;
  readonly overflowIdleMs: number;
  readonly prePingIdleMs: number;
}

/** The deployment guide's pool defaults (DB_POOL_SIZE 5, overflow 2 × size, DB_TIMEOUT 30 s, recycle 1 h, pre-ping). */
export const MYSQL_POOL_DEFAULTS: PoolOptions = {
  size: 5,
  maxOverflow: 10,
  acquireTimeoutMs: 30_000,
  recycleMs: 3_600_000,
  prePing: true,
};

/** URL query parameters the adapter understands; any other is refused so a typo never silently disables TLS. */
export const MYSQL_URL_PARAMETERS = [
  'ssl',
  'ssl_ca',
  'ssl_cert',
  'ssl_key',
  'ssl_reject_unauthorized',
  'connect_timeout',
] as const;

const schema = z.object({
  url: z.string().trim().min(1, { message: 'must not be empty' }),
  password: z.string().optional(),
  pool: poolOptionsSchema().optional(),
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
});

const BOOL_TRUE = ['true', '1', 'yes', 'on', 'required'];
const BOOL_FALSE = ['false', '0', 'no', 'off', 'disabled'];

/**
 * Validates adapter options and parses the URL; `password` (when given) replaces the URL's.
 * @returns err(InvalidConfig) naming `variable` (default `DATABASE_URL`) when the URL or an option is
 * invalid; the message never repeats the URL, which may hold a password.
 */
export function parseMysqlConfig(
  input: MysqlAdapterConfig,
  variable = 'DATABASE_URL',
): Result<ResolvedMysqlConfig, ConfigFailure> {
  const parsed = schema.safeParse({ ...input, logger: undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'config';
    // Never echo zod's view of the password field.
    const name = field === 'url' ? variable : `mysql ${field}`;
    return err(configFailure(name, `${name} ${issue?.message ?? 'is invalid'}.`));
  }
  const c = parsed.data;
  return parseMysqlUrl(c.url, variable).map((url) => ({
    host: url.host,
    port: url.port,
    user: url.user,
    password: c.password ?? url.password,
    database: url.database,
    tls: url.tls,
    pool: resolvePoolOptions(c.pool, MYSQL_POOL_DEFAULTS),
    logger: input.logger ?? noopLogger,
    connectTimeoutMs: c.connectTimeoutMs ?? url.connectTimeoutMs ?? 10_000,
    catalogTimeoutMs: c.catalogTimeoutMs ?? 30_000,
    maxBinaryBytes: c.maxBinaryBytes ?? 4_096,
    overflowIdleMs: c.overflowIdleMs ?? 10_000,
    prePingIdleMs: c.prePingIdleMs ?? 1_000,
  }));
}

/** What a MySQL URL says. */
export interface ParsedMysqlUrl {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string | undefined;
  readonly database?: string | undefined;
  readonly tls?: MysqlTlsConfig | undefined;
  readonly connectTimeoutMs?: number | undefined;
}

/**
 * Parses `mysql://` / `mariadb://` URLs: user and password %-decoded, port 3306 by default, the path
 * as the database, TLS and connect timeout from the query string.
 * @returns err(InvalidConfig) naming `variable` for another scheme, a malformed URL, an unknown or
 * invalid parameter.
 */
export function parseMysqlUrl(
  text: string,
  variable = 'DATABASE_URL',
): Result<ParsedMysqlUrl, ConfigFailure> {
  const scheme = urlScheme(text);
  if (scheme !== 'mysql' && scheme !== 'mariadb') {
    return err(configFailure(variable, `${variable} must be a mysql:// or mariadb:// URL.`));
  }
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return err(configFailure(variable, `${variable} is not a valid ${scheme}:// URL.`));
  }
  let user: string;
  let password: string | undefined;
  let database: string | undefined;
  try {
    user = decodeURIComponent(url.username);
    password = url.password === '' ? undefined : decodeURIComponent(url.password);
    const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
    database = path === '' ? undefined : path;
  } catch {
    return err(configFailure(variable, `${variable} has an invalid %-escape.`));
  }
  if (url.hostname === '') return err(configFailure(variable, `${variable} names no host.`));
  if (user === '') return err(configFailure(variable, `${variable} names no user (mysql://user@host/db).`));
  if (database?.includes('/')) {
    return err(configFailure(variable, `${variable} must name at most one database in its path.`));
  }
  const params = new Map<string, string>();
  for (const [key, value] of queryParams(url.search)) {
    const k = key.toLowerCase();
    if (!(MYSQL_URL_PARAMETERS as readonly string[]).includes(k)) {
      return err(
        configFailure(
          variable,
          `${variable} has the unknown parameter "${key}". Supported: ${MYSQL_URL_PARAMETERS.join(', ')}.`,
        ),
      );
    }
    params.set(k, value);
  }
  const flag = (name: string): Result<boolean | undefined, ConfigFailure> => {
    const v = params.get(name)?.trim().toLowerCase();
    if (v === undefined) return ok(undefined);
    if (BOOL_TRUE.includes(v)) return ok(true);
    if (BOOL_FALSE.includes(v)) return ok(false);
    return err(configFailure(variable, `${variable} parameter ${name} must be true or false.`));
  };
  const ssl = flag('ssl');
  if (ssl.isErr()) return err(ssl.error);
  const reject = flag('ssl_reject_unauthorized');
  if (reject.isErr()) return err(reject.error);
  const caPath = params.get('ssl_ca') || undefined;
  const certPath = params.get('ssl_cert') || undefined;
  const keyPath = params.get('ssl_key') || undefined;
  const anyFile = caPath !== undefined || certPath !== undefined || keyPath !== undefined;
  if (ssl.value === false && anyFile) {
    return err(configFailure(variable, `${variable} sets ssl=false together with ssl_ca/ssl_cert/ssl_key.`));
  }
  if ((certPath === undefined) !== (keyPath === undefined)) {
    return err(configFailure(variable, `${variable} must set ssl_cert and ssl_key together.`));
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const rejectUnauthorized = reject.value ?? true;
  // Naming a certificate file means TLS was wanted even when `ssl=true` was forgotten.
  const tls =
    ssl.value === true || anyFile
      ? {
          caPath,
          certPath,
          keyPath,
          rejectUnauthorized,
          verifyIdentity: rejectUnauthorized && isIP(host) === 0,
        }
      : undefined;
  let connectTimeoutMs: number | undefined;
  const timeout = params.get('connect_timeout');
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (!/^\d+(\.\d+)?$/.test(timeout.trim()) || seconds <= 0 || seconds > 600) {
      return err(
        configFailure(variable, `${variable} parameter connect_timeout must be seconds from 0 to 600.`),
      );
    }
    connectTimeoutMs = Math.round(seconds * 1000);
  }
  return ok({
    host,
    port: url.port === '' ? 3306 : Number(url.port),
    user,
    password,
    database,
    tls,
    connectTimeoutMs,
  });
}

/**
 * Query parameters with only `%XX` decoded. URLSearchParams would also turn `+` into a space, so
 * `ssl_ca=/etc/ssl/a+b/ca.pem` would name a file that does not exist.
 */
function queryParams(search: string): [string, string][] {
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  return search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq === -1 ? [decode(pair), ''] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
    });
}

/** mysql2's `ssl` option: what `tls.connect` receives. */
export interface Mysql2SslOptions {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  /**
   * Check the server certificate's names against the host. mysql2 skips that check unless asked,
   * even with `rejectUnauthorized`: without it a certificate from the trusted CA passes for any host.
   */
  verifyIdentity: boolean;
}

/**
 * Maps TLS settings onto mysql2's `ssl` option, reading the PEM files through `readFile` (called at
 * each connect, so rotated certificates take effect without a restart).
 * @returns undefined when TLS is off. Throws what `readFile` throws (a missing file is a connect failure).
 */
export function toMysql2Ssl(
  tls: MysqlTlsConfig | undefined,
  readFile: (path: string) => string,
): Mysql2SslOptions | undefined {
  if (!tls) return undefined;
  const ssl: Mysql2SslOptions = {
    rejectUnauthorized: tls.rejectUnauthorized,
    verifyIdentity: tls.verifyIdentity,
  };
  if (tls.caPath) ssl.ca = readFile(tls.caPath);
  if (tls.certPath) ssl.cert = readFile(tls.certPath);
  if (tls.keyPath) ssl.key = readFile(tls.keyPath);
  return ssl;
}
