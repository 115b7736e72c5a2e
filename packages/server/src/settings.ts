import {
  type AppConfig,
  type ConfigFailure,
  configFailure,
  loadConfig,
  type SecretPort,
} from '@legacybridge/core';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
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
  const url: ResultAsync<{ value?: string; source: string }, ConfigFailure[]> =
    overrides.url !== undefined
      ? okAsync({ value: overrides.url, source: '--url' })
      : secrets
          .get('DATABASE_URL')
          .map((secret): { value?: string; source: string } => ({
            value: secret.value,
            source: 'DATABASE_URL',
          }))
          .orElse((failure) =>
            failure.kind === 'SecretNotFound'
              ? okAsync({ source: 'DATABASE_URL' })
              : errAsync([configFailure('DATABASE_URL_FILE', failure.message)]),
          );
  return url.andThen(({ value, source }) => {
    const merged: Record<string, string | undefined> = { ...env, DATABASE_URL: value };
    if (overrides.host !== undefined) merged.APP_HOST = overrides.host;
    if (overrides.port !== undefined) merged.APP_PORT = String(overrides.port);
    const loaded = loadConfig(merged);
    return loaded.isOk() ? okAsync({ config: loaded.value, urlSource: source }) : errAsync(loaded.error);
  });
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
