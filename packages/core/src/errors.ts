/**
 * Failures as data: a closed union of plain objects discriminated by `kind`. Adapters convert driver
 * errors into it once (their `toDatabaseError`); transports convert it out once (`toPublicMessage`).
 * Never use `instanceof` across packages: match on `kind`.
 */

interface FailureBase {
  /** Internal description for logs. May contain driver text: redact before logging, never show to callers. */
  readonly message: string;
  /** The engine's own code (SQLSTATE, errno, ORA-nnnnn, SQLITE_…), for logs and `DriverError`. */
  readonly originalCode?: string | undefined;
  /**
   * Text the adapter judged safe to show a caller (e.g. the engine's syntax error message, which
   * only echoes the caller's own SQL). Never contains credentials, hosts or other callers' data.
   */
  readonly publicDetail?: string | undefined;
  /** The raw error, for logs only. */
  readonly cause?: unknown;
}

export type DatabaseFailure =
  | (FailureBase & { readonly kind: 'ConnectionFailed' })
  | (FailureBase & { readonly kind: 'AuthenticationFailed' })
  | (FailureBase & { readonly kind: 'Timeout'; readonly timeoutMs: number })
  | (FailureBase & { readonly kind: 'Cancelled' })
  | (FailureBase & { readonly kind: 'PoolExhausted'; readonly waitedMs: number })
  | (FailureBase & {
      readonly kind: 'PermissionDenied';
      /** Who refused: the database (privileges; the default) or LegacyBridge's own policy (the data dictionary). */
      readonly by?: 'database' | 'policy' | undefined;
    })
  | (FailureBase & {
      readonly kind: 'ObjectNotFound';
      readonly objectType: 'table' | 'column' | 'schema' | 'database' | 'object';
      readonly name: string;
      /** Close existing names, so an assistant can correct itself in one step. */
      readonly suggestions?: readonly string[] | undefined;
    })
  | (FailureBase & { readonly kind: 'SyntaxError'; readonly position?: number | undefined })
  | (FailureBase & { readonly kind: 'ReadOnlyViolation'; readonly reason: string })
  | (FailureBase & {
      readonly kind: 'LimitExceeded';
      readonly limit: 'sqlLength' | 'rows' | 'bytes' | 'concurrency';
      readonly max: number;
    })
  | (FailureBase & { readonly kind: 'InvalidInput'; readonly field: string; readonly reason: string })
  | (FailureBase & { readonly kind: 'Unsupported'; readonly feature: string })
  | (FailureBase & { readonly kind: 'DriverError' });

export type DatabaseFailureKind = DatabaseFailure['kind'];

/** Every failure kind, for metrics label sets and exhaustive tests. */
export const DATABASE_FAILURE_KINDS: readonly DatabaseFailureKind[] = [
  'ConnectionFailed',
  'AuthenticationFailed',
  'Timeout',
  'Cancelled',
  'PoolExhausted',
  'PermissionDenied',
  'ObjectNotFound',
  'SyntaxError',
  'ReadOnlyViolation',
  'LimitExceeded',
  'InvalidInput',
  'Unsupported',
  'DriverError',
];

type FailureOf<K extends DatabaseFailureKind> = Extract<DatabaseFailure, { kind: K }>;

/** Builds a failure of one kind; the only constructor, so every failure has the same shape. */
export function dbFailure<K extends DatabaseFailureKind>(
  kind: K,
  fields: Omit<FailureOf<K>, 'kind'>,
): FailureOf<K> {
  return { kind, ...fields } as FailureOf<K>;
}

/** Structural guard: true for any value shaped like a DatabaseFailure. */
export function isDatabaseFailure(value: unknown): value is DatabaseFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    (DATABASE_FAILURE_KINDS as readonly string[]).includes((value as { kind: string }).kind) &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/**
 * The one conversion of a failure to text a caller may see (MCP tool error, REST body). Exhaustive:
 * a new kind fails to compile until it has a message. Never includes `message` or `cause`, which
 * may carry driver text with hosts, users or connection strings.
 */
export function toPublicMessage(failure: DatabaseFailure): string {
  const detail = failure.publicDetail ? ` ${failure.publicDetail}` : '';
  switch (failure.kind) {
    case 'ConnectionFailed':
      return `The database is unreachable right now. Try again shortly; if it persists, the operator should check connectivity.${detail}`;
    case 'AuthenticationFailed':
      return 'The database rejected LegacyBridge’s credentials. The operator must fix the configured user or password.';
    case 'Timeout':
      return `The query was stopped after ${formatSeconds(failure.timeoutMs)}. Narrow it (add WHERE conditions, aggregate, or select fewer rows) and try again.`;
    case 'Cancelled':
      return 'The query was cancelled before it finished.';
    case 'PoolExhausted':
      return `All database connections stayed busy for ${formatSeconds(failure.waitedMs)}. Wait a moment and retry, or run fewer queries at once.`;
    case 'PermissionDenied':
      return failure.by === 'policy'
        ? `This server's policy does not allow that.${detail}`
        : `The database user is not allowed to do that.${detail}`;
    case 'ObjectNotFound': {
      const hint = failure.suggestions?.length ? ` Did you mean: ${failure.suggestions.join(', ')}?` : '';
      return `No ${failure.objectType} named "${failure.name}" exists.${hint}${detail}`;
    }
    case 'SyntaxError': {
      const at = failure.position !== undefined ? ` near character ${failure.position}` : '';
      return `The SQL has a syntax error${at}.${detail}`;
    }
    case 'ReadOnlyViolation':
      return `Refused: ${failure.reason} LegacyBridge runs read-only queries only (SELECT, WITH … SELECT, EXPLAIN, read-only SHOW/DESCRIBE/PRAGMA).`;
    case 'LimitExceeded':
      return limitMessage(failure.limit, failure.max);
    case 'InvalidInput':
      return `Invalid ${failure.field}: ${failure.reason}`;
    case 'Unsupported':
      return `Not supported by this database: ${failure.feature}.`;
    case 'DriverError':
      return `The database reported an error${failure.originalCode ? ` (${failure.originalCode})` : ''}.${detail}`;
  }
}

function limitMessage(limit: FailureOf<'LimitExceeded'>['limit'], max: number): string {
  switch (limit) {
    case 'sqlLength':
      return `The SQL is longer than the ${max}-character limit. Send a shorter statement.`;
    case 'rows':
      return `The result exceeds ${max} rows.`;
    case 'bytes':
      return `The result exceeds ${max} bytes.`;
    case 'concurrency':
      return `Too many queries are running at once (limit ${max}). Retry shortly.`;
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Failures of the SecretPort. */
export type SecretFailure =
  | { readonly kind: 'SecretNotFound'; readonly name: string; readonly message: string }
  | {
      readonly kind: 'SecretUnreadable';
      readonly name: string;
      readonly message: string;
      readonly cause?: unknown;
    };

/** A configuration problem, always naming the variable (or flag) to fix. */
export interface ConfigFailure {
  readonly kind: 'InvalidConfig';
  /** The environment variable or flag, e.g. `DB_POOL_SIZE`. */
  readonly variable: string;
  readonly message: string;
}

/** Builds a ConfigFailure. */
export function configFailure(variable: string, message: string): ConfigFailure {
  return { kind: 'InvalidConfig', variable, message };
}

/**
 * Removes credentials a driver message could carry, before it is stored on a failure or logged: the
 * userinfo of any URL, the values of `password=`, `pwd=`, `passwd=`, `wallet_password=`,
 * `accesstoken=` and `token=` pairs of a connection string (quoted, braced or bare), and each of the
 * adapter's configured `secrets` (its password, an access token) wherever it appears.
 * @returns the text with secrets replaced by `***`.
 */
export function redactCredentials(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@')
    .replace(
      /((?:wallet_)?(?:password|passwd|pwd|accesstoken|token)\s*=\s*)('[^']*'|\{[^}]*\}|[^\s;)&]+)/gi,
      '$1***',
    );
  // Shorter secrets would turn ordinary words into `***`; the URL and key=value rules cover them.
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
}

/** A failure with its `message` and `publicDetail` passed through `redactCredentials` (`cause` stays, for logs). */
export function redactFailure(failure: DatabaseFailure, secrets: readonly string[]): DatabaseFailure {
  if (secrets.length === 0) return failure;
  return {
    ...failure,
    message: redactCredentials(failure.message, secrets),
    publicDetail:
      failure.publicDetail === undefined ? undefined : redactCredentials(failure.publicDetail, secrets),
  } as DatabaseFailure;
}
