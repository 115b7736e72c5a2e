import { randomBytes } from 'node:crypto';
import { type DatabaseTarget, databaseTargets } from '@legacybridge/adapter-conformance';
import sql from 'mssql';
import { parseMssqlConfig } from '../src/mssql-config.js';
import { driverConfig } from '../src/mssql-session.js';

/** The variable naming a SQL Server the live suites may create databases on (CI sets it). */
export const MSSQL_URL_VARIABLE = 'LEGACYBRIDGE_TEST_MSSQL_URL';

/** The image the live suites start when LEGACYBRIDGE_TEST_MSSQL_URL is unset. */
export const MSSQL_IMAGE = 'mcr.microsoft.com/mssql/server:2022-latest';

/**
 * The servers a live suite runs against: the variable's server when set, else a SQL Server 2022
 * container — or a skip naming the variable when no container runtime answers (this machine).
 */
export function mssqlTargets(
  env: Readonly<Record<string, string | undefined>> = process.env,
): readonly DatabaseTarget[] {
  return databaseTargets({
    variable: MSSQL_URL_VARIABLE,
    service: 'mssql',
    env,
    // Testcontainers is loaded only when the variable is unset: CI, with URLs set, never pays for it.
    probeRuntime: async () => (await import('testcontainers')).getContainerRuntimeClient(),
    containers: [
      {
        image: MSSQL_IMAGE,
        service: 'mssql',
        start: async () => {
          const { MSSQLServerContainer } = await import('@testcontainers/mssqlserver');
          const container = await new MSSQLServerContainer(MSSQL_IMAGE)
            .acceptLicense()
            .withStartupTimeout(180_000)
            .start();
          const password = encodeURIComponent(container.getPassword());
          return {
            url: `mssql://${container.getUsername()}:${password}@${container.getHost()}:${container.getPort()}/master?encrypt=true&trustServerCertificate=true`,
            stop: async () => {
              await container.stop();
            },
          };
        },
      },
    ],
  });
}

/** An admin mssql pool for `url` (the same URL parsing as the adapter). */
export async function adminPool(url: string, connectTimeoutMs = 15_000): Promise<sql.ConnectionPool> {
  const config = parseMssqlConfig({ url, connectTimeoutMs })._unsafeUnwrap();
  const pool = new sql.ConnectionPool({
    ...driverConfig(config),
    arrayRowMode: false,
    requestTimeout: 120_000,
    pool: { max: 2 },
  });
  pool.on('error', () => {});
  await pool.connect();
  return pool;
}

/** Why the server cannot be used, or undefined when it answers. Never repeats the URL's password. */
export async function mssqlUnavailable(url: string): Promise<string | undefined> {
  try {
    const pool = await adminPool(url, 5_000);
    await pool.close();
    return undefined;
  } catch (error) {
    const message = (error as Error).message.replace(/\/\/[^@/]*@/g, '//***@');
    return `SQL Server at ${MSSQL_URL_VARIABLE} is unreachable (${message}); set ${MSSQL_URL_VARIABLE}`;
  }
}

/** A database created for one suite, with a writable connection to it. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly admin: sql.ConnectionPool;
  drop(): Promise<void>;
}

/** `url` pointing at database `name`. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url.replace(/^[^:]+:/, 'http:'));
  u.pathname = `/${name}`;
  return `${url.slice(0, url.indexOf(':'))}:${u.toString().slice('http:'.length)}`;
}

/** A fresh database `lb_mssql_<tag>_<random>`; only what this creates is ever dropped. */
export async function createTestDatabase(tag: string, serverUrl: string): Promise<TestDatabase> {
  const name = `lb_mssql_${tag}_${randomBytes(4).toString('hex')}`;
  const server = await adminPool(serverUrl);
  try {
    await server.request().batch(`CREATE DATABASE [${name}]`);
  } finally {
    await server.close();
  }
  const url = withDatabase(serverUrl, name);
  const admin = await adminPool(url);
  return {
    name,
    url,
    admin,
    async drop() {
      await admin.close().catch(() => {});
      const s = await adminPool(serverUrl);
      try {
        await s
          .request()
          .batch(`ALTER DATABASE [${name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [${name}]`);
      } finally {
        await s.close();
      }
    },
  };
}
