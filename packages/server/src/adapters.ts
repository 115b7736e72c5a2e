import { type AdapterDefinition, type ConfigFailure, configFailure, urlScheme } from '@legacybridge/core';
import { okAsync, ResultAsync } from 'neverthrow';

/** One adapter package this server ships: its URL schemes, and how to load it. */
export interface AdapterModule {
  readonly dialect: AdapterDefinition['dialect'];
  readonly schemes: readonly string[];
  load(): Promise<AdapterDefinition>;
}

/**
 * The adapters this package registers by default, by URL scheme: `sqlite:` (and bare file paths),
 * `postgres:`/`postgresql:`, `mysql:`/`mariadb:`, `mssql:`/`sqlserver:`/`mssql+pyodbc:`, `oracle:`.
 * Other schemes are refused with this list.
 *
 * Each is imported only when its scheme is used: a server for one database loads one driver. The
 * drivers are most of a stdio server's startup (tedious with the Azure identity stack, oracledb,
 * mysql2), and an MCP client starts a stdio server on every launch, sometimes twice (an `auto`
 * client probes with a throwaway copy). The scheme lists are written out here so that `--help` and
 * the "unsupported scheme" message need no import; a test checks them against the definitions.
 */
export const ADAPTER_MODULES: readonly AdapterModule[] = [
  {
    dialect: 'sqlite',
    schemes: ['sqlite'],
    load: async () => (await import('@legacybridge/adapter-sqlite')).sqliteAdapter,
  },
  {
    dialect: 'postgres',
    schemes: ['postgres', 'postgresql'],
    load: async () => (await import('@legacybridge/adapter-postgres')).postgresAdapter,
  },
  {
    dialect: 'mysql',
    schemes: ['mysql', 'mariadb'],
    load: async () => (await import('@legacybridge/adapter-mysql')).mysqlAdapter,
  },
  {
    dialect: 'mssql',
    schemes: ['mssql', 'sqlserver', 'mssql+pyodbc'],
    load: async () => (await import('@legacybridge/adapter-mssql')).mssqlAdapter,
  },
  {
    dialect: 'oracle',
    schemes: ['oracle'],
    load: async () => (await import('@legacybridge/adapter-oracle')).oracleAdapter,
  },
];

/** Every scheme the default adapters accept, sorted (what `--help` lists). */
export function defaultSchemes(): string[] {
  return ADAPTER_MODULES.flatMap((m) => m.schemes).sort();
}

/**
 * The adapter definitions a server for `url` needs: the one adapter of its scheme; SQLite for a bare
 * path or no URL (the embedded demo); every adapter for an unknown scheme, so that the registry's
 * refusal lists all supported schemes exactly as before.
 */
export async function loadAdaptersFor(url: string | undefined): Promise<readonly AdapterDefinition[]> {
  const scheme = url === undefined ? 'sqlite' : (urlScheme(url) ?? 'sqlite');
  const known = ADAPTER_MODULES.find((m) => m.schemes.includes(scheme));
  return Promise.all((known === undefined ? ADAPTER_MODULES : [known]).map((m) => m.load()));
}

/** All default adapter definitions, loaded (for embedders that want the full registry). */
export function loadDefaultAdapters(): Promise<readonly AdapterDefinition[]> {
  return Promise.all(ADAPTER_MODULES.map((m) => m.load()));
}

/**
 * The given adapters, or the default one for `url` imported now. An adapter package that cannot be
 * loaded (a trimmed install, a native driver that failed to build) is a configuration failure naming
 * DATABASE_URL, not a crash.
 */
export function adaptersFor(
  given: readonly AdapterDefinition[] | undefined,
  url: string | undefined,
): ResultAsync<readonly AdapterDefinition[], ConfigFailure> {
  if (given !== undefined) return okAsync(given);
  return ResultAsync.fromPromise(loadAdaptersFor(url), (error) =>
    configFailure(
      'DATABASE_URL',
      `needs a database adapter that could not be loaded: ${(error as Error)?.message ?? String(error)}`,
    ),
  );
}
