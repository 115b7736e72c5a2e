import { parseArgs } from 'node:util';
import { err, ok, type Result } from 'neverthrow';

/** The transports the CLI can serve. */
export type TransportKind = 'stdio' | 'http';

/** What the command line asks for, before environment configuration is applied. */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  /** `legacybridge doctor [--url …]`: check connectivity, version and privileges, then exit. */
  | { readonly kind: 'doctor'; readonly url?: string | undefined }
  | {
      readonly kind: 'serve';
      readonly transport: TransportKind;
      /** `--url` or the single positional argument; overrides DATABASE_URL. */
      readonly url?: string | undefined;
      /** `--host`; overrides APP_HOST. */
      readonly host?: string | undefined;
      /** `--port`; overrides APP_PORT. */
      readonly port?: number | undefined;
      /** `--require-read-only-user`: present only when given; sets REQUIRE_READ_ONLY_USER. */
      readonly requireReadOnlyUser?: true;
    };

/**
 * Parses `argv` (without the node and script paths) with node:util parseArgs, strictly.
 * @returns err(message) for an unknown flag, a missing value, a bad `--transport` or `--port`, or
 * more than one database URL; the message is for stderr and never echoes a URL.
 */
export function parseCliArgs(argv: readonly string[]): Result<CliCommand, string> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // parseArgs messages name the flag ("Unknown option '--foo'"); they never contain values.
    return err(`${(error as Error).message}. Run legacybridge --help for the options.`);
  }
  const { values, positionals } = parsed;
  if (values.help) return ok({ kind: 'help' });
  if (values.version) return ok({ kind: 'version' });
  if (positionals[0] === 'doctor') return doctorCommand(values, positionals.slice(1));

  if (positionals.length > 1 || (positionals.length === 1 && values.url !== undefined)) {
    return err('Give the database URL once: either --url <url> or a single positional argument.');
  }
  const transport = values.transport ?? 'stdio';
  if (transport !== 'stdio' && transport !== 'http') {
    return err(`--transport must be stdio or http (got "${truncate(transport)}").`);
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65_535) {
      return err(`--port must be a whole number from 0 to 65535 (got "${truncate(values.port)}").`);
    }
    port = Number(values.port);
  }
  if (values.host !== undefined && values.host.trim() === '') return err('--host must not be empty.');
  const url = values.url ?? positionals[0];
  if (url !== undefined && url.trim() === '') return err('--url must not be empty.');
  return ok({
    kind: 'serve',
    transport,
    url,
    host: values.host,
    port,
    ...(values['require-read-only-user'] === true ? { requireReadOnlyUser: true as const } : {}),
  });
}

// `doctor` checks the database only: the serving flags would be silently ignored, so refuse them.
function doctorCommand(
  values: ReturnType<typeof parse>['values'],
  positionals: readonly string[],
): Result<CliCommand, string> {
  const serving = (['transport', 'host', 'port', 'require-read-only-user'] as const).find(
    (flag) => values[flag] !== undefined,
  );
  if (serving !== undefined) return err(`--${serving} does not apply to doctor.`);
  if (positionals.length > 1 || (positionals.length === 1 && values.url !== undefined)) {
    return err('Give the database URL once: either --url <url> or a single positional argument.');
  }
  const url = values.url ?? positionals[0];
  if (url !== undefined && url.trim() === '') return err('--url must not be empty.');
  return ok({ kind: 'doctor', url });
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      transport: { type: 'string', short: 't' },
      host: { type: 'string' },
      port: { type: 'string', short: 'p' },
      'require-read-only-user': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

function truncate(value: string): string {
  return value.length > 20 ? `${value.slice(0, 20)}…` : value;
}

/** The `--help` text. `schemes` are the registered URL schemes, listed so users see what works. */
export function helpText(version: string, schemes: readonly string[]): string {
  return `legacybridge ${version} — safe, read-only MCP access to SQL databases

Usage:
  legacybridge [options] [database-url]
  legacybridge doctor [--url <url> | database-url]

doctor checks connectivity, the server version and the user's privileges, then exits:
0 read-only, 1 the user can write or change schema, 2 configuration error, 3 database unreachable.
(A SQLite file named "doctor" must be given as ./doctor.)

With no database configured it serves an embedded demo database (a small legacy ERP).

Options:
  --url <url>             Database to serve (else DATABASE_URL, DATABASE_URL_FILE, SQLITE_PATH, demo)
  -t, --transport <kind>  stdio (default) or http
      --host <host>       HTTP interface to listen on (else APP_HOST, default 127.0.0.1)
  -p, --port <port>       HTTP port (else APP_PORT, default 8080; 0 picks a free port)
      --require-read-only-user
                          Refuse to start unless the database user is read-only (REQUIRE_READ_ONLY_USER)
  -h, --help              Show this help and exit
  -v, --version           Print the version and exit

Supported URL schemes: ${schemes.map((s) => `${s}://`).join(', ')} (or a bare SQLite file path)

Environment: DATABASE_URL, SQLITE_PATH, DB_POOL_SIZE, DB_MAX_OVERFLOW, DB_TIMEOUT, DB_POOL_RECYCLE,
DB_POOL_PRE_PING, QUERY_TIMEOUT, QUERY_DEFAULT_ROWS, QUERY_MAX_ROWS, QUERY_MAX_BYTES,
QUERY_MAX_SQL_LENGTH, REQUIRE_READ_ONLY_USER, APP_ENV, APP_HOST, APP_PORT, LOG_LEVEL, LOG_FORMAT, ALLOWED_HOSTS, …
Any secret can come from a file: DATABASE_URL_FILE=/run/secrets/db-url.

HTTP (--transport http) serves /mcp, REST under /v1 (described by /v1/openapi.json), /health and
/ready. API_KEY_REQUIRED=true with API_KEYS=name:key,… (or API_KEYS_FILE) asks for X-API-Key or
Authorization: Bearer on all but /health and /ready; production refuses to start without keys
unless ALLOW_UNAUTHENTICATED=true. RATE_LIMIT_ENABLED, RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW
seconds per caller (key name, else client address; behind a load balancer set TRUST_PROXY), shared
through REDIS_URL (RATE_LIMIT_FAIL_MODE=open|closed when Redis is down).
SIGTERM drains in-flight requests for SHUTDOWN_TIMEOUT seconds (default 25), then cancels them.
Logs go to stderr; stdout carries MCP messages only.
`;
}
