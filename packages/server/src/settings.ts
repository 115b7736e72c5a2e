import {
  type AppConfig,
  CONFIG_VARIABLES,
  type ConfigFailure,
  type ConfigVariable,
  configFailure,
  loadConfig,
  type SecretPort,
} from '@legacybridge/core';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { createDefaultSecretPort } from './secrets.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Command-line overrides of the environment; each wins over its variable. */
export interface SettingsOverrides {
  /** `--url`: overrides DATABASE_URL (and DATABASE_URL_FILE). */
  readonly url?: string | undefined;
  /** `--host`: overrides APP_HOST. */
  readonly host?: string | undefined;
  /** `--port`: overrides APP_PORT. */
  readonly port?: number | undefined;
  /** `--require-read-only-user`: sets REQUIRE_READ_ONLY_USER. */
  readonly requireReadOnlyUser?: boolean | undefined;
}

/** Validated configuration plus where the database URL came from, for messages. */
export interface Settings {
  readonly config: AppConfig;
  /** `--url` or `DATABASE_URL`: the name to put in a message about the URL. */
  readonly urlSource: string;
}

/**
 * Reads the environment (secrets through `secrets`, so `DATABASE_URL_FILE` works), applies the
 * command-line overrides and validates everything at once with core's `loadConfig`.
 * @returns err with every problem, each naming its variable or flag (never a secret's value).
 */
export function loadSettings(
  env: Env,
  overrides: SettingsOverrides = {},
  secrets: SecretPort = createDefaultSecretPort(env),
): ResultAsync<Settings, ConfigFailure[]> {
  // Every variable core marks secret may come from NAME_FILE; all are read before failing, so
  // one run reports every unreadable secret file at once.
  const names = SECRET_VARIABLES.filter((name) => !(name === 'DATABASE_URL' && overrides.url !== undefined));
  return ResultAsync.combine(names.map((name) => readSecret(secrets, name))).andThen((outcomes) => {
    const failures = outcomes.filter((o): o is ConfigFailure => typeof o === 'object');
    if (failures.length > 0) return errAsync(failures);
    const merged: Record<string, string | undefined> = { ...env };
    names.forEach((name, i) => {
      merged[name] = outcomes[i] as string | undefined;
    });
    if (overrides.url !== undefined) merged.DATABASE_URL = overrides.url;
    if (overrides.host !== undefined) merged.APP_HOST = overrides.host;
    if (overrides.port !== undefined) merged.APP_PORT = String(overrides.port);
    if (overrides.requireReadOnlyUser === true) merged.REQUIRE_READ_ONLY_USER = 'true';
    const loaded = loadConfig(merged);
    if (loaded.isErr()) return errAsync(loaded.error);
    return okAsync({
      config: loaded.value,
      urlSource: overrides.url !== undefined ? '--url' : 'DATABASE_URL',
    });
  });
}

/** The configuration variables core marks as secrets (DATABASE_URL, REDIS_URL, …). */
export const SECRET_VARIABLES: readonly ConfigVariable[] = (
  Object.entries(CONFIG_VARIABLES) as [ConfigVariable, { secret?: boolean }][]
)
  .filter(([, spec]) => spec.secret === true)
  .map(([name]) => name);

/** The secret's value, undefined when no source has it, or the failure naming `NAME_FILE`. */
function readSecret(
  secrets: SecretPort,
  name: string,
): ResultAsync<string | undefined | ConfigFailure, never> {
  return secrets
    .get(name)
    .map((secret): string | undefined | ConfigFailure => secret.value)
    .orElse((failure) =>
      okAsync(failure.kind === 'SecretNotFound' ? undefined : configFailure(`${name}_FILE`, failure.message)),
    );
}

/** One line per failure for stderr, each starting with the variable or flag to fix. */
export function formatConfigFailures(failures: readonly ConfigFailure[]): string {
  return failures
    .map((f) => {
      // Registry and adapter messages are fragments that follow the variable ("uses the unsupported scheme …").
      const text = f.message.startsWith(f.variable) ? f.message : `${f.variable} ${f.message}`;
      return `legacybridge: ${text}`;
    })
    .join('\n');
}
