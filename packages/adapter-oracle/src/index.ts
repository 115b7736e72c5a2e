import type { AdapterDefinition } from '@legacybridge/core';
import { createOracleAdapterFromResolved } from './oracle-adapter.js';
import { parseOracleConfig } from './oracle-config.js';

export { createOracleAdapter, createOracleAdapterFromResolved, type OracleDriver } from './oracle-adapter.js';
export {
  EASY_CONNECT_PARAMETERS,
  ORACLE_POOL_DEFAULTS,
  ORACLE_URL_PARAMETERS,
  type OracleAdapterConfig,
  type OracleTlsConfig,
  type ParsedOracleUrl,
  parseOracleConfig,
  parseOracleUrl,
  type ResolvedOracleConfig,
} from './oracle-config.js';
export { type OracleDriverError, toDatabaseError } from './oracle-errors.js';

/**
 * The registry entry for Oracle Database: scheme `oracle`, through node-oracledb in Thin mode (no
 * Instant Client). Creating it opens nothing; the first connection is made on the first request.
 * `input.password` (from the SecretPort) replaces the URL's password.
 * @returns err(InvalidConfig) naming `DATABASE_URL` when the URL is malformed.
 */
export const oracleAdapter: AdapterDefinition = {
  dialect: 'oracle',
  schemes: ['oracle'],
  create(input) {
    return parseOracleConfig({
      url: input.url,
      password: input.password,
      pool: input.pool,
      logger: input.logger,
    }).map((config) => createOracleAdapterFromResolved(config));
  },
};
