import { mssqlAdapter } from '@legacybridge/adapter-mssql';
import { mysqlAdapter } from '@legacybridge/adapter-mysql';
import { oracleAdapter } from '@legacybridge/adapter-oracle';
import { postgresAdapter } from '@legacybridge/adapter-postgres';
import { sqliteAdapter } from '@legacybridge/adapter-sqlite';
import type { AdapterDefinition } from '@legacybridge/core';

/**
 * The adapters this package registers by default, by URL scheme: `sqlite:` (and bare file paths),
 * `postgres:`/`postgresql:`, `mysql:`/`mariadb:`, `mssql:`/`sqlserver:`/`mssql+pyodbc:`, `oracle:`.
 * Other schemes are refused with this list.
 */
export const DEFAULT_ADAPTERS: readonly AdapterDefinition[] = [
  sqliteAdapter,
  postgresAdapter,
  mysqlAdapter,
  mssqlAdapter,
  oracleAdapter,
];
