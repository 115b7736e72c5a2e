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

/** Options of `createOracleAdapter`. Only `url` is required; every other field has a documented default. */
export interface OracleAdapterConfig {
  /**
   * `oracle://user:pass@host:1521/service_name`, `oracle://user@host:1521?sid=ORCL` (SID),
   * `oracle://user@alias?configDir=/etc/tns` (tnsnames.ora alias), `oracle://user@?connectString=…`
   * (any Easy Connect string or connect descriptor). See the README for every parameter.
   */
  readonly url: string;
  /** Overrides the URL's password (a secret resolved by the SecretPort, e.g. DB_PASSWORD_FILE). */
  readonly password?: string | undefined;
  /** Password of an encrypted PEM wallet (`ewallet.pem`); never taken from the URL. */
  readonly walletPassword?: string | undefined;
  /** Pool with the deployment guide's semantics. Defaults: size 5, overflow 10, acquire 30 s, recycle 1 h, pre-ping on. */
  readonly pool?: Partial<PoolOptions> | undefined;
  /** Where pool and connection events go (never stdout). Default: no logging. */
  readonly logger?: LoggerPort | undefined;
  /** How long opening one connection may take before ConnectionFailed. Default: URL `connect_timeout`, else 5,000 ms. */
  readonly connectTimeoutMs?: number | undefined;
  /** Timeout of catalog reads (listTables, describeTable …). Default 30,000 ms. */
  readonly catalogTimeoutMs?: number | undefined;
  /** Bytes of each BLOB/RAW value returned (base64-encoded); longer values are cut and marked. Default 4,096. */
  readonly maxBinaryBytes?: number | undefined;
  /** Characters of each CLOB/NCLOB value returned; longer values are cut and marked. Default 65,536. */
  readonly maxLobChars?: number | undefined;
  /** Rows per fetch round trip (`fetchArraySize`). Default 500. */
  readonly fetchArraySize?: number | undefined;
  /** Connections beyond `pool.size` are closed after this long idle. Default 10,000 ms. */
  readonly overflowIdleMs?: number | undefined;
  /** With `pool.prePing`, a connection idle at least this long is pinged before use. Default 500 ms. */
  readonly prePingIdleMs?: number | undefined;
  /** After `connection.break()`, how long to wait for the server before dropping the connection. Default 2,000 ms. */
  readonly cancelGraceMs?: number | undefined;
}

/** TLS (`tcps`) settings of Thin mode; the wallet password comes from the config, never the URL. */
export interface OracleTlsConfig {
  /** Directory holding `ewallet.pem` (Thin mode reads PEM wallets only). */
  readonly walletLocation?: string | undefined;
  readonly walletPassword?: string | undefined;
  /** Check the server certificate's DN (`sslServerDNMatch`); the default checks the host name. */
  readonly serverDnMatch?: boolean | undefined;
  /** The DN the server certificate must have (`sslServerCertDN`). */
  readonly serverCertDn?: string | undefined;
}

/** A validated configuration with every default applied; what `oracledb.getConnection` is called with. */
export interface ResolvedOracleConfig {
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  /** Easy Connect string, connect descriptor or tnsnames.ora alias. */
  readonly connectString: string;
  /** Where tnsnames.ora (and sqlnet.ora) are read from, for an alias. */
  readonly configDir?: string | undefined;
  /** The host and port when the URL named them (for messages and the closed-port check), else undefined. */
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly tls: OracleTlsConfig;
  readonly pool: PoolOptions;
  readonly logger: LoggerPort;
  readonly connectTimeoutMs: number;
  readonly catalogTimeoutMs: number;
  readonly maxBinaryBytes: number;
  readonly maxLobChars: number;
  readonly fetchArraySize: number;
  readonly overflowIdleMs: number;
  readonly prePingIdleMs: number;
  readonly cancelGraceMs: number;
}

/** The deployment guide's pool defaults: size 5, overflow twice the size, 30 s wait, 1 h recycle, pre-ping. */
export const ORACLE_POOL_DEFAULTS: PoolOptions = {
  size: 5,
  maxOverflow: 10,
  acquireTimeoutMs: 30_000,
  recycleMs: 3_600_000,
  prePing: true,
};

/** URL parameters the adapter itself reads (camelCase as in node-oracledb, or snake_case). */
export const ORACLE_URL_PARAMETERS = [
  'sid',
  'service_name',
  'serviceName',
  'connectString',
  'connect_string',
  'configDir',
  'config_dir',
  'protocol',
  'walletLocation',
  'wallet_location',
  'sslServerDNMatch',
  'ssl_server_dn_match',
  'sslServerCertDN',
  'ssl_server_cert_dn',
  'connect_timeout',
  'user',
] as const;

/**
 * Easy Connect Plus parameters passed through unchanged in the connect string (Thin mode parses them
 * itself). Anything else is dropped with a warning, so a typo cannot silently change the connection.
 */
export const EASY_CONNECT_PARAMETERS = [
  'transport_connect_timeout',
  'retry_count',
  'retry_delay',
  'expire_time',
  'sdu',
  'https_proxy',
  'https_proxy_port',
  'pool_connection_class',
  'pool_purity',
  'pool_boundary',
  'server',
  'source_route',
  'load_balance',
  'failover',
  'use_sni',
  'ssl_version',
  'ssl_allow_weak_dn_match',
] as const;

const ms = (max: number) => z.number().int().min(0).max(max);

const schema = z.object({
  url: z.string().trim().min(1, { message: 'must not be empty' }),
  password: z.string().optional(),
  walletPassword: z.string().optional(),
  pool: poolOptionsSchema().optional(),
  connectTimeoutMs: z.number().int().min(1).max(600_000).optional(),
  catalogTimeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  maxBinaryBytes: z
    .number()
    .int()
    .min(0)
    .max(64 * 1024 * 1024)
    .optional(),
  maxLobChars: z
    .number()
    .int()
    .min(0)
    .max(64 * 1024 * 1024)
    .optional(),
  fetchArraySize: z.number().int().min(1).max(100_000).optional(),
  overflowIdleMs: poolIdleMsSchema.optional(),
  prePingIdleMs: poolIdleMsSchema.optional(),
  cancelGraceMs: ms(600_000).optional(),
});

/**
 * Validates adapter options and parses the URL.
 * @returns err(InvalidConfig) naming `variable` (default `DATABASE_URL`) when the URL or an option is
 * invalid; the message never repeats the URL, which may hold a password.
 */
export function parseOracleConfig(
  input: OracleAdapterConfig,
  variable = 'DATABASE_URL',
): Result<ResolvedOracleConfig, ConfigFailure> {
  const parsed = schema.safeParse({ ...input, logger: undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'config';
    const name = field === 'url' ? variable : `oracle ${field}`;
    return err(configFailure(name, `${name} ${issue?.message ?? 'is invalid'}.`));
  }
  const c = parsed.data;
  const logger = input.logger ?? noopLogger;
  return parseOracleUrl(c.url, variable, logger).map((url) => ({
    ...url,
    // A password resolved by the SecretPort wins over one written in the URL.
    password: c.password ?? url.password,
    tls: { ...url.tls, walletPassword: c.walletPassword },
    pool: resolvePoolOptions(c.pool, ORACLE_POOL_DEFAULTS),
    logger,
    connectTimeoutMs: c.connectTimeoutMs ?? url.connectTimeoutMs ?? 5_000,
    catalogTimeoutMs: c.catalogTimeoutMs ?? 30_000,
    maxBinaryBytes: c.maxBinaryBytes ?? 4_096,
    maxLobChars: c.maxLobChars ?? 65_536,
    fetchArraySize: c.fetchArraySize ?? 500,
    overflowIdleMs: c.overflowIdleMs ?? 10_000,
    prePingIdleMs: c.prePingIdleMs ?? 500,
    cancelGraceMs: c.cancelGraceMs ?? 2_000,
  }));
}

/** The connection fields a URL carries. */
export interface ParsedOracleUrl {
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly connectString: string;
  readonly configDir?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly connectTimeoutMs?: number | undefined;
  readonly tls: OracleTlsConfig;
}

// scheme://[userinfo@][authority][/path][?query] — parsed by hand: WHATWG URL refuses an empty host
// with credentials (`oracle://scott@?connectString=…`) and the `host:port:SID` form.
const URL_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?(?:#.*)?$/i;

/**
 * Parses an `oracle://` URL into a Thin-mode connect string:
 * - `oracle://u:p@host:1521/service` → Easy Connect `host:1521/service`;
 * - `oracle://u@host:1521?sid=ORCL` or `oracle://u@host:1521:ORCL` → a descriptor with `(SID=ORCL)`;
 * - `oracle://u@alias?configDir=/etc/tns` (no port, no path) → the tnsnames.ora alias;
 * - `oracle://u@?connectString=…` → that string as is (Easy Connect or `(DESCRIPTION=…)`);
 * - `?protocol=tcps` → `tcps://host:port/service`, with `walletLocation`, `sslServerDNMatch`,
 *   `sslServerCertDN`; other Easy Connect Plus parameters are appended unchanged.
 * @returns err(InvalidConfig) naming `variable` for another scheme, a bad port, or a URL that names no database.
 */
export function parseOracleUrl(
  text: string,
  variable = 'DATABASE_URL',
  logger: LoggerPort = noopLogger,
): Result<ParsedOracleUrl, ConfigFailure> {
  const fail = (why: string) => err(configFailure(variable, `${variable} ${why}`));
  if (urlScheme(text) !== 'oracle') return fail('must start with oracle://.');
  const m = URL_SHAPE.exec(text.trim());
  if (!m) return fail('is not a valid URL.');
  const [, userinfo, authority = '', pathText = '', queryText = ''] = m;
  const q = queryOf(queryText);
  const known = new Set<string>([...ORACLE_URL_PARAMETERS, ...EASY_CONNECT_PARAMETERS]);
  for (const key of q.keys()) {
    if (!known.has(key)) logger.warn('oracle URL parameter ignored', { parameter: key });
  }
  const get = (...names: string[]) => {
    for (const name of names) {
      const value = q.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  };

  let user: string | undefined;
  let password: string | undefined;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    user = decode(colon === -1 ? userinfo : userinfo.slice(0, colon)) || undefined;
    password = colon === -1 ? undefined : decode(userinfo.slice(colon + 1));
  }
  user = get('user') ?? user;

  const timeoutText = get('connect_timeout');
  let connectTimeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    const seconds = Number(timeoutText);
    if (!Number.isFinite(seconds) || seconds <= 0)
      return fail('connect_timeout must be a number of seconds.');
    connectTimeoutMs = Math.max(1, Math.round(seconds * 1000));
  }
  const dnMatch = get('sslServerDNMatch', 'ssl_server_dn_match');
  const tls: OracleTlsConfig = {
    walletLocation: get('walletLocation', 'wallet_location'),
    serverDnMatch: dnMatch === undefined ? undefined : /^(true|on|yes|1)$/i.test(dnMatch),
    serverCertDn: get('sslServerCertDN', 'ssl_server_cert_dn'),
  };
  const configDir = get('configDir', 'config_dir');
  const base = { user, password, connectTimeoutMs, tls, configDir };

  const raw = get('connectString', 'connect_string');
  if (raw !== undefined) {
    if (raw.trim() === '') return fail('connectString must not be empty.');
    return ok({ ...base, connectString: raw.trim() });
  }

  // host, [IPv6], host:port, host:port:SID
  const hostMatch = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?(?::([^:]+))?$/.exec(decode(authority));
  if (!hostMatch) return fail('has an invalid host.');
  const host = hostMatch[1] ?? '';
  const portText = hostMatch[2];
  const colonSid = hostMatch[3];
  if (host === '') return fail('must name a host, or pass connectString=.');
  let port: number | undefined;
  if (portText !== undefined && portText !== '') {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) return fail('has an invalid port.');
  }
  const path = decode(pathText).replace(/\/+$/, '');
  const service = get('service_name', 'serviceName') ?? (path === '' ? undefined : path);
  const sid = get('sid') ?? colonSid;
  if (sid !== undefined && service !== undefined) return fail('names both a SID and a service name.');

  // A bare name with a configuration directory is a tnsnames.ora alias.
  if (configDir !== undefined && port === undefined && service === undefined && sid === undefined) {
    return ok({ ...base, connectString: host });
  }
  const protocol = (get('protocol') ?? 'tcp').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'tcps') return fail('protocol must be tcp or tcps.');
  const hostPort = `${host}:${port ?? (protocol === 'tcps' ? 2484 : 1521)}`;
  if (sid !== undefined) {
    // Easy Connect has no SID form: a connect descriptor is the only way to name one.
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    return ok({
      ...base,
      host: bare,
      port: port ?? (protocol === 'tcps' ? 2484 : 1521),
      connectString: `(DESCRIPTION=(ADDRESS=(PROTOCOL=${protocol.toUpperCase()})(HOST=${bare})(PORT=${
        port ?? (protocol === 'tcps' ? 2484 : 1521)
      }))(CONNECT_DATA=(SID=${sid})))`,
    });
  }
  const extras = EASY_CONNECT_PARAMETERS.filter((name) => q.has(name)).map(
    (name) => `${name}=${q.get(name)}`,
  );
  const connectString = `${protocol === 'tcps' ? 'tcps://' : ''}${hostPort}${service === undefined ? '' : `/${service}`}${
    extras.length > 0 ? `?${extras.join('&')}` : ''
  }`;
  return ok({
    ...base,
    host: host.replace(/^\[(.*)\]$/, '$1'),
    port: port ?? (protocol === 'tcps' ? 2484 : 1521),
    connectString,
  });
}

/**
 * Query parameters decoded like libpq decodes them (only `%XX`): a `+` in a wallet path stays a `+`.
 * The last occurrence of a name wins.
 */
function queryOf(search: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of search.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    params.set(decode(eq === -1 ? pair : pair.slice(0, eq)), eq === -1 ? '' : decode(pair.slice(eq + 1)));
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
