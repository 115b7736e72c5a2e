import type { AdapterDefinition } from '@legacybridge/core';
import { createSqliteAdapterFromResolved } from './sqlite-adapter.js';
import { parseSqliteConfig } from './sqlite-config.js';

export { createSqliteAdapter } from './sqlite-adapter.js';
export {
  parseSqliteConfig,
  parseSqliteUrl,
  type ResolvedSqliteConfig,
  SQLITE_POOL_DEFAULTS,
  type SqliteAdapterConfig,
  type SqliteTarget,
} from './sqlite-config.js';
export { toDatabaseError } from './sqlite-errors.js';

/**
 * The registry entry for SQLite: scheme `sqlite`, and the registry also routes bare file paths here.
 * Creating it opens nothing; the file is first read on the first request.
 * @returns err(InvalidConfig) naming `DATABASE_URL` when the URL is not a SQLite URL or path.
 */
export const sqliteAdapter: AdapterDefinition = {
  dialect: 'sqlite',
  schemes: ['sqlite'],
  create(input) {
    return parseSqliteConfig({ url: input.url, pool: input.pool, logger: input.logger }).map(
      createSqliteAdapterFromResolved,
    );
  },
};
