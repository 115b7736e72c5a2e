import type { AdapterDefinition } from '@legacybridge/core';
import { createMysqlAdapterFromResolved } from './mysql-adapter.js';
import { parseMysqlConfig } from './mysql-config.js';

export { createMysqlAdapter, createMysqlAdapterFromResolved } from './mysql-adapter.js';
export {
  MYSQL_POOL_DEFAULTS,
  MYSQL_URL_PARAMETERS,
  type Mysql2SslOptions,
  type MysqlAdapterConfig,
  type MysqlTlsConfig,
  type ParsedMysqlUrl,
  parseMysqlConfig,
  parseMysqlUrl,
  type ResolvedMysqlConfig,
  toMysql2Ssl,
} from './mysql-config.js';
export { type MysqlDriverError, type MysqlErrorContext, toDatabaseError } from './mysql-errors.js';

/**
 * The registry entry for MySQL and MariaDB: schemes `mysql` and `mariadb`. Creating it opens nothing;
 * the first connection is made on the first request. `input.password` (from the SecretPort) replaces
 * the URL's password.
 * @returns err(InvalidConfig) naming `DATABASE_URL` when the URL is malformed or has an unknown parameter.
 */
export const mysqlAdapter: AdapterDefinition = {
  dialect: 'mysql',
  schemes: ['mysql', 'mariadb'],
  create(input) {
    return parseMysqlConfig({
      url: input.url,
      pool: input.pool,
      logger: input.logger,
      password: input.password,
    }).map(createMysqlAdapterFromResolved);
  },
};
