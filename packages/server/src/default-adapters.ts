import { mssqlAdapter } from '@legacybridge/adapter-mssql';
import { mysqlAdapter } from '@legacybridge/adapter-mysql';
import { oracleAdapter } from '@legacybridge/adapter-oracle';
import { postgresAdapter } from '@legacybridge/adapter-postgres';
import { sqliteAdapter } from '@legacybridge/adapter-sqlite';
import type { AdapterDefinition } from '@legacybridge/core';

/**
 * Every default adapter, imported eagerly: the package's public array for embedders who compose
 * their own registry. The CLI and `startServer` do not use it; they load the one adapter their URL
 * needs (adapters.ts).
 */
export const DEFAULT_ADAPTERS: readonly AdapterDefinition[] = [
  sqliteAdapter,
  postgresAdapter,
  mysqlAdapter,
  mssqlAdapter,
  oracleAdapter,
];
