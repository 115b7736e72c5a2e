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

/**
 * How the adapter signs in. `sql` is a SQL Server login; `ntlm` a Windows domain account
 * (`domain=` in the URL); the `azure-active-directory-*` kinds are tedious's Entra ID (Azure AD) flows.
 * For `azure-active-directory-access-token` the token is the password (from the SecretPort).
 */
export type MssqlAuthentication =
  | 'sql'
  | 'ntlm'
  | 'azure-active-directory-access-token'
  | 'azure-active-directory-password'
  | 'azure-active-directory-default'
  | 'azure-active-directory-msi-vm'
  | 'azure-active-directory-msi-app-service'
  | 'azure-active-directory-service-principal-secret';

const AUTHENTICATIONS: readonly MssqlAuthentication[] = [
  'sql',
  'ntlm',
  'azure-active-directory-access-token',
  'azure-active-directory-password',
  'azure-active-directory-default',
  'azure-active-directory-msi-vm',
  'azure-active-directory-msi-app-service',
  'azure-active-directory-service-principal-secret',
];

/** Options of `createMssqlAdapter`. Only `url` is required; every other field has a documented default. */
export interface MssqlAdapterConfig {
  /**
   * `mssql://user:pass@host:1433/db?encrypt=true&trustServerCertificate=false`, `sqlserver://…`, or the
   * deployment guide's `mssql+pyodbc://…?driver=ODBC+Driver+18+for+SQL+Server` (the driver is ignored).
   */
  readonly url: string;
  /** Overrides the URL's password (a secret resolved by the SecretPort); the access token for token auth. */
  readonly password?: string | undefined;
  /** Pool with the deployment guide's semantics. Defaults: size 5, overflow 10, acquire 30 s, recycle 1 h, pre-ping on. */
  readonly pool?: Partial<PoolOptions> | undefined;
  /** Where pool and connection events go (never stdout). Default: no logging. */
  readonly logger?: LoggerPort | undefined;
  /** How long opening one connection (TCP, TLS, login) may take. Default: URL `connectTimeout` (s), else 5,000 ms. */
  readonly connectTimeoutMs?: number | undefined;
  /** Timeout of catalog reads (listTables, describeTable …). Default 30,000 ms. */
  readonly catalogTimeoutMs?: number | undefined;
  /** `SET LOCK_TIMEOUT` of every query, capped by the query's own timeout. Default 5,000 ms. */
  readonly lockTimeoutMs?: number | undefined;
  /** Bytes of each binary value returned (base64-encoded); longer values are cut and marked. Default 4,096. */
  readonly maxBinaryBytes?: number | undefined;
  /** Connections beyond `pool.size` are closed after this long idle. Default 10,000 ms. */
  readonly overflowIdleMs?: number | undefined;
  /** With `pool.prePing`, a connection idle at least this long is pinged before use. Default 500 ms. */
  readonly prePingIdleMs?: number | undefined;
  /** After a cancel (attention), how long to wait for the server before dropping the connection. Default 2,000 ms. */
  readonly cancelGraceMs?: number | undefined;
}

/** The connection fields a URL carries. */
export interface ParsedMssqlUrl {
  readonly host: string;
  /** Undefined with `instanceName` and no explicit port: the SQL Server Browser (UDP 1434) names it. */
  readonly port: number | undefined;
  readonly instanceName?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly database?: string | undefined;
  readonly domain?: string | undefined;
  readonly authentication: MssqlAuthentication;
  readonly clientId?: string | undefined;
  readonly tenantId?: string | undefined;
  /** TDS encryption: `true` (default, as tedious), `false`, or `strict` (TDS 8, TLS before login). */
  readonly encrypt: boolean | 'strict';
  readonly trustServerCertificate: boolean;
  /** `applicationIntent=ReadOnly`: an Availability Group listener routes to a readable secondary. */
  readonly readOnlyIntent: boolean;
  readonly applicationName?: string | undefined;
  readonly connectTimeoutMs?: number | undefined;
}

/** A validated configuration with every default applied. Holds the password: never log it. */
export interface ResolvedMssqlConfig extends ParsedMssqlUrl {
  readonly applicationName: string;
  readonly pool: PoolOptions;
  readonly logger: LoggerPort;
  readonly connectTimeoutMs: number;
  readonly catalogTimeoutMs: number;
  readonly lockTimeoutMs: number;
  readonly maxBinaryBytes: number;
  readonly overflowIdleMs: number;
  readonly prePingIdleMs: number;
  readonly cancelGraceMs: number;
}

/** The deployment guide's pool defaults: size 5, overflow twice the size, 30 s wait, 1 h recycle, pre-ping. */
export const MSSQL_POOL_DEFAULTS: PoolOptions = {
  size: 5,
  maxOverflow: 10,
  acquireTimeoutMs: 30_000,
  recycleMs: 3_600_000,
  prePing: true,
};

/** URL schemes this adapter accepts. */
export const MSSQL_SCHEMES = ['mssql', 'sqlserver', 'mssql+pyodbc'] as const;

/**
 * URL query parameters the adapter understands, lower-cased (names are matched case-insensitively,
 * as ODBC and JDBC connection strings are); anything else is ignored with a warning.
 */
export const MSSQL_URL_PARAMETERS = [
  'encrypt',
  'trustservercertificate',
  'instancename',
  'applicationintent',
  'domain',
  'authentication',
  'clientid',
  'tenantid',
  'connecttimeout',
  'connect_timeout',
  'applicationname',
  'app',
  'database',
  'driver',
] as const;

const schema = z.object({
  url: z.string().trim().min(1, { message: 'must not be empty' }),
  password: z.string().optional(),
  pool: poolOptionsSchema().optional(),
  connectTimeoutMs: z.number().int().min(1).max(600_000).optional(),
  catalogTimeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  lockTimeoutMs: z.number().int().min(0).max(86_400_000).optional(),
  maxBinaryBytes: z
    .number()
    .int()
    .min(0)
    .max(64 * 1024 * 1024)
    .optional(),
  overflowIdleMs: poolIdleMsSchema.optional(),
  prePingIdleMs: poolIdleMsSchema.optional(),
  cancelGraceMs: z.number().int().min(0).max(600_000).optional(),
});

/**
 * Validates adapter options and parses the URL.
 * @returns err(InvalidConfig) naming `variable` (default `DATABASE_URL`) when the URL or an option is
 * invalid; the message never repeats the URL, which may hold a password.
 */
export function parseMssqlConfig(
  input: MssqlAdapterConfig,
  variable = 'DATABASE_URL',
): Result<ResolvedMssqlConfig, ConfigFailure> {
  const parsed = schema.safeParse({ ...input, logger: undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'config';
    const name = field === 'url' ? variable : `mssql ${field}`;
    return err(configFailure(name, `${name} ${issue?.message ?? 'is invalid'}.`));
  }
  const c = parsed.data;
  const logger = input.logger ?? noopLogger;
  return parseMssqlUrl(c.url, variable, logger).andThen((url) => {
    const password = c.password ?? url.password;
    if (url.authentication === 'azure-active-directory-access-token' && !password) {
      return err(
        configFailure(
          variable,
          `${variable} uses authentication=azure-active-directory-access-token: supply the token as the password (DB_PASSWORD or DB_PASSWORD_FILE).`,
        ),
      );
    }
    return ok({
      ...url,
      // A password resolved by the SecretPort wins over one written in the URL.
      password,
      applicationName: url.applicationName ?? 'legacybridge',
      pool: resolvePoolOptions(c.pool, MSSQL_POOL_DEFAULTS),
      logger,
      connectTimeoutMs: c.connectTimeoutMs ?? url.connectTimeoutMs ?? 5_000,
      catalogTimeoutMs: c.catalogTimeoutMs ?? 30_000,
      lockTimeoutMs: c.lockTimeoutMs ?? 5_000,
      maxBinaryBytes: c.maxBinaryBytes ?? 4_096,
      overflowIdleMs: c.overflowIdleMs ?? 10_000,
      prePingIdleMs: c.prePingIdleMs ?? 500,
      cancelGraceMs: c.cancelGraceMs ?? 2_000,
    });
  });
}

/**
 * Parses `mssql://`, `sqlserver://` and `mssql+pyodbc://` URLs. The host may carry the instance as
 * `host%5CINSTANCE` (a backslash cannot stand in a URL host) or `?instanceName=`. Boolean parameters
 * take `true/false`, `yes/no`, `1/0` as ODBC strings do.
 * @returns err(InvalidConfig) naming `variable` for another scheme, a bad port, flag or authentication.
 */
export function parseMssqlUrl(
  text: string,
  variable = 'DATABASE_URL',
  logger: LoggerPort = noopLogger,
): Result<ParsedMssqlUrl, ConfigFailure> {
  const scheme = urlScheme(text);
  if (scheme === undefined || !(MSSQL_SCHEMES as readonly string[]).includes(scheme)) {
    return err(
      configFailure(variable, `${variable} must start with mssql://, sqlserver:// or mssql+pyodbc://.`),
    );
  }
  // `host\instance` (raw or as %5C): a backslash is no URL host character, so the instance is cut
  // out of the authority before parsing; an empty host (`mssql://sa@/db`) means localhost.
  const parts = /^([^:]+:\/\/)([^/?#]*)(.*)$/s.exec(text.trim());
  let hostInstance: string | undefined;
  let rebuilt = text.trim();
  if (parts) {
    const authority = parts[2]!;
    const at = authority.lastIndexOf('@');
    const userinfo = at === -1 ? '' : authority.slice(0, at + 1);
    let hostPort = authority.slice(at + 1);
    const split = /^(.*?)(?:\\|%5c)([^:]+)(:\d*)?$/i.exec(hostPort);
    if (split) {
      hostInstance = decode(split[2]!);
      hostPort = `${split[1]}${split[3] ?? ''}`;
    }
    if (hostPort === '' || hostPort.startsWith(':')) hostPort = `localhost${hostPort}`;
    rebuilt = `${parts[1]}${userinfo}${hostPort}${parts[3]}`;
  }
  let url: URL;
  try {
    url = new URL(rebuilt.replace(/^[^:]+:/, 'http:'));
  } catch {
    return err(configFailure(variable, `${variable} is not a valid URL.`));
  }
  const q = new Map<string, string>();
  for (const pair of url.search.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq)).toLowerCase();
    q.set(key, eq === -1 ? '' : decode(pair.slice(eq + 1).replace(/\+/g, ' ')));
  }
  for (const key of q.keys()) {
    if (!(MSSQL_URL_PARAMETERS as readonly string[]).includes(key)) {
      logger.warn('mssql URL parameter ignored', { parameter: key });
    }
  }
  if (q.has('driver')) {
    // SQLAlchemy/pyodbc URLs name an ODBC driver; tedious speaks TDS itself and needs none.
    logger.info('mssql URL driver parameter ignored: LegacyBridge connects with tedious (TDS), not ODBC', {
      driver: q.get('driver'),
    });
  }
  const flag = (name: string, fallback: boolean): Result<boolean, ConfigFailure> => {
    const value = q.get(name);
    if (value === undefined) return ok(fallback);
    const v = value.trim().toLowerCase();
    if (['true', 'yes', '1', 'on', 'mandatory'].includes(v)) return ok(true);
    if (['false', 'no', '0', 'off', 'optional'].includes(v)) return ok(false);
    return err(configFailure(variable, `${variable} ${name} must be true or false.`));
  };
  const encryptText = q.get('encrypt')?.trim().toLowerCase();
  const encrypt: Result<boolean | 'strict', ConfigFailure> =
    encryptText === 'strict' ? ok('strict') : flag('encrypt', true);
  const trust = flag('trustservercertificate', false);
  if (encrypt.isErr()) return err(encrypt.error);
  if (trust.isErr()) return err(trust.error);

  const host = decode(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  const instanceName = q.get('instancename') || hostInstance || undefined;
  let port: number | undefined;
  if (url.port !== '') {
    port = Number(url.port);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      return err(configFailure(variable, `${variable} has an invalid port.`));
    }
  } else if (instanceName === undefined) {
    port = 1433;
  }
  const intent = q.get('applicationintent')?.trim().toLowerCase();
  if (intent !== undefined && intent !== 'readonly' && intent !== 'readwrite') {
    return err(configFailure(variable, `${variable} applicationIntent must be ReadOnly or ReadWrite.`));
  }
  const timeoutText = q.get('connecttimeout') ?? q.get('connect_timeout');
  let connectTimeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    const seconds = Number(timeoutText);
    if (!Number.isFinite(seconds) || seconds < 0) {
      return err(configFailure(variable, `${variable} connectTimeout must be a number of seconds.`));
    }
    // 0 means "wait forever" to ODBC; an assistant must never hang on a dead host, so keep the default.
    connectTimeoutMs = seconds === 0 ? undefined : Math.max(1, Math.round(seconds * 1000));
  }
  const domain = q.get('domain') || undefined;
  const authText = (q.get('authentication') ?? (domain ? 'ntlm' : 'sql')).trim().toLowerCase();
  const authentication = (
    authText === 'default' || authText === 'sqlpassword' ? 'sql' : authText
  ) as MssqlAuthentication;
  if (!AUTHENTICATIONS.includes(authentication)) {
    return err(
      configFailure(variable, `${variable} authentication must be one of ${AUTHENTICATIONS.join(', ')}.`),
    );
  }
  if (authentication === 'ntlm' && domain === undefined) {
    return err(configFailure(variable, `${variable} authentication=ntlm needs domain=.`));
  }
  const path = decode(url.pathname.replace(/^\//, ''));
  const user = url.username === '' ? undefined : decode(url.username);
  return ok({
    host: host === '' ? 'localhost' : host,
    port,
    instanceName,
    // `DOMAIN\user` in the user part is the Windows form of domain=.
    user: user?.includes('\\') && domain === undefined ? user.split('\\')[1] : user,
    password: url.password === '' ? undefined : decode(url.password),
    database: q.get('database') || (path === '' ? undefined : path),
    domain: domain ?? (user?.includes('\\') ? user.split('\\')[0] : undefined),
    authentication: user?.includes('\\') && authentication === 'sql' ? 'ntlm' : authentication,
    clientId: q.get('clientid') || undefined,
    tenantId: q.get('tenantid') || undefined,
    encrypt: encrypt.value,
    trustServerCertificate: trust.value,
    readOnlyIntent: intent === 'readonly',
    applicationName: q.get('applicationname') || q.get('app') || undefined,
    connectTimeoutMs,
  });
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
