import { readFile } from 'node:fs/promises';
import type { Secret, SecretFailure, SecretPort } from '@legacybridge/core';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Secrets from environment variables: `get('DATABASE_URL')` reads `env.DATABASE_URL`.
 * @returns err(SecretNotFound) when the variable is unset or empty.
 */
export function createEnvSecretPort(env: Env = process.env): SecretPort {
  return {
    get(name) {
      const value = env[name];
      return value !== undefined && value !== ''
        ? okAsync({ name, value })
        : errAsync(notFound(name, `environment variable ${name} is not set`));
    },
  };
}

/**
 * Secrets from files named by `${NAME}_FILE` (Docker and Kubernetes secrets), with the trailing
 * newline that `echo` and editors add removed.
 * @returns err(SecretNotFound) when `${NAME}_FILE` is unset, err(SecretUnreadable) when the file
 * cannot be read or is empty (a configured but broken secret must stop start-up, not be skipped).
 */
export function createFileSecretPort(env: Env = process.env): SecretPort {
  return {
    get(name) {
      const variable = `${name}_FILE`;
      const path = env[variable];
      if (path === undefined || path === '') {
        return errAsync(notFound(name, `environment variable ${variable} is not set`));
      }
      return ResultAsync.fromPromise(
        readFile(path, 'utf8'),
        (cause): SecretFailure => ({
          kind: 'SecretUnreadable',
          name,
          // The path is operator configuration, not a secret: naming it makes the fix obvious.
          message: `${variable} points to ${path}, which cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
          cause,
        }),
      ).andThen((text) => {
        const value = text.replace(/\r?\n$/, '');
        return value === ''
          ? errAsync<Secret, SecretFailure>({
              kind: 'SecretUnreadable',
              name,
              message: `${variable} points to ${path}, which is empty`,
            })
          : okAsync({ name, value });
      });
    },
  };
}

/**
 * Asks each port in order; the first that has the secret wins.
 * @returns err(SecretNotFound) when none has it; err(SecretUnreadable) as soon as one port fails
 * to read a secret it was configured to provide.
 */
export function chainSecrets(...ports: readonly SecretPort[]): SecretPort {
  return {
    get(name) {
      const tryFrom = (index: number): ResultAsync<Secret, SecretFailure> => {
        const port = ports[index];
        if (port === undefined) return errAsync(notFound(name, `no source provides ${name}`));
        return port
          .get(name)
          .orElse((failure) => (failure.kind === 'SecretNotFound' ? tryFrom(index + 1) : errAsync(failure)));
      };
      return tryFrom(0);
    },
  };
}

/** The server's default chain: the variable itself, then `${NAME}_FILE`. */
export function createDefaultSecretPort(env: Env = process.env): SecretPort {
  return chainSecrets(createEnvSecretPort(env), createFileSecretPort(env));
}

function notFound(name: string, message: string): SecretFailure {
  return { kind: 'SecretNotFound', name, message };
}
