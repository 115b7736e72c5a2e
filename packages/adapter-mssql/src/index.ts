import type { AdapterDefinition } from '@legacybridge/core';
import { createMssqlAdapterFromResolved } from './mssql-adapter.js';
import { MSSQL_SCHEMES, parseMssqlConfig } from './mssql-config.js';

export { createMssqlAdapter, createMssqlAdapterFromResolved, MSSQL_CAPABILITIES } from './mssql-adapter.js';
export {
  MSSQL_POOL_DEFAULTS,
  MSSQL_SCHEMES,
  type MssqlAdapterConfig,
  type MssqlAuthentication,
  parseMssqlConfig,
  parseMssqlUrl,
  type ResolvedMssqlConfig,
} from './mssql-config.js';
export { toDatabaseError } from './mssql-errors.js';

/**
 * The registry entry for SQL Server: schemes `mssql`, `sqlserver` and `mssql+pyodbc` (the deployment
 * guide's SQLAlchemy form; its `driver=` is ignored). Creating it opens nothing; the first connection
 * is made on the first request. A password resolved by the SecretPort (`input.password`) replaces the
 * URL's, and is the access token with `authentication=azure-active-directory-access-token`.
 * @returns err(InvalidConfig) naming `DATABASE_URL` when the URL is malformed.
 */
export const mssqlAdapter: AdapterDefinition = {
  dialect: 'mssql',
  schemes: [...MSSQL_SCHEMES],
  create(input) {
    return parseMssqlConfig({
      url: input.url,
      password: input.password,
      pool: input.pool,
      logger: input.logger,
    }).andThen((config) => createMssqlAdapterFromResolved(config));
  },
};
