import type { AdapterDefinition } from '@legacybridge/core';
import { createPostgresAdapterFromResolved } from './postgres-adapter.js';
import { parsePostgresConfig } from './postgres-config.js';

export {
  createPostgresAdapter,
  createPostgresAdapterFromResolved,
  POSTGRES_CAPABILITIES,
} from './postgres-adapter.js';
export {
  POSTGRES_POOL_DEFAULTS,
  type PostgresAdapterConfig,
  type PostgresTlsConfig,
  parsePostgresConfig,
  parsePostgresUrl,
  type ResolvedPostgresConfig,
  type SslMode,
  toPgSsl,
} from './postgres-config.js';
export { toDatabaseError } from './postgres-errors.js';

/**
 * The registry entry for PostgreSQL: schemes `postgres` and `postgresql`. Creating it opens nothing;
 * the first connection is made on the first request. A password resolved by the SecretPort
 * (`input.password`) replaces the URL's.
 * @returns err(InvalidConfig) naming `DATABASE_URL` when the URL is malformed or a TLS file is unreadable.
 */
export const postgresAdapter: AdapterDefinition = {
  dialect: 'postgres',
  schemes: ['postgres', 'postgresql'],
  create(input) {
    return parsePostgresConfig({
      url: input.url,
      password: input.password,
      pool: input.pool,
      logger: input.logger,
    }).andThen(createPostgresAdapterFromResolved);
  },
};
