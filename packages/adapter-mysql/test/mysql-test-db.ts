import { randomBytes } from 'node:crypto';
import { type DatabaseTarget, databaseTargets } from '@legacybridge/adapter-conformance';
import { createConnection } from 'mysql2/promise';

/**
 * The test database server: `LEGACYBRIDGE_TEST_MYSQL_URL` (default the local MariaDB). Each test file
 * creates its own database with a random suffix and drops it afterwards; it touches nothing else.
 */
export const MYSQL_URL_VARIABLE = 'LEGACYBRIDGE_TEST_MYSQL_URL';
export const TEST_MYSQL_URL = process.env[MYSQL_URL_VARIABLE] ?? 'mysql://root@127.0.0.1:3306/test';

/** The MySQL image the live suites start when LEGACYBRIDGE_TEST_MYSQL_URL is unset. */
export const MYSQL_IMAGE = 'mysql:8.4';
/** The MariaDB image started alongside it: the adapter serves both flavours, so both are tested. */
export const MARIADB_IMAGE = 'mariadb:11';
/** The wait strategy's bound; the whole start, pull included, is bounded by `databaseTargets`. */
const CONTAINER_READY_MS = 120_000;

/**
 * The servers a live suite runs against: the variable's server when set (as CI sets it, service
 * `mysql`), else a MySQL 8.4 container (`mysql`) and a MariaDB 11 container (`mariadb`) — or skips
 * naming the variable when no container runtime answers.
 */
export function mysqlTargets(): readonly DatabaseTarget[] {
  return databaseTargets({
    variable: MYSQL_URL_VARIABLE,
    service: 'mysql',
    // Testcontainers is loaded only when the variable is unset: CI, with URLs set, never pays for it.
    probeRuntime: async () => (await import('testcontainers')).getContainerRuntimeClient(),
    containers: [
      {
        image: MYSQL_IMAGE,
        service: 'mysql',
        start: async () => {
          const { MySqlContainer } = await import('@testcontainers/mysql');
          const container = await new MySqlContainer(MYSQL_IMAGE)
            .withStartupTimeout(CONTAINER_READY_MS)
            .start();
          // Root: the harness creates and drops its own database.
          return {
            url: container.getConnectionUri(true),
            stop: async () => {
              await container.stop();
            },
          };
        },
      },
      {
        image: MARIADB_IMAGE,
        service: 'mariadb',
        start: async () => {
          const { MariaDbContainer } = await import('@testcontainers/mariadb');
          const container = await new MariaDbContainer(MARIADB_IMAGE)
            .withStartupTimeout(CONTAINER_READY_MS)
            .start();
          return {
            url: container.getConnectionUri(true),
            stop: async () => {
              await container.stop();
            },
          };
        },
      },
    ],
  });
}

/** An admin (writable) connection to the test server, outside the adapter. */
export type AdminConnection = Awaited<ReturnType<typeof createConnection>>;

/** Opens an admin connection to `serverUrl` (default the test server), or returns why it is unreachable. */
export async function connectAdmin(serverUrl = TEST_MYSQL_URL): Promise<AdminConnection | { skip: string }> {
  const url = new URL(serverUrl);
  try {
    return await createConnection({
      host: url.hostname,
      port: url.port === '' ? 3306 : Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      connectTimeout: 3_000,
      multipleStatements: false,
    });
  } catch (error) {
    return {
      skip: `no MySQL/MariaDB at ${MYSQL_URL_VARIABLE} (${url.host}): ${(error as Error).message}`,
    };
  }
}

/** A random lower-case suffix for database and user names this run creates. */
export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

/**
 * The test URL (or `serverUrl`) pointed at another database, and optionally another user / password /
 * host:port.
 */
export function urlFor(
  database: string,
  change: { user?: string; password?: string; hostPort?: string; params?: string } = {},
  serverUrl = TEST_MYSQL_URL,
): string {
  const url = new URL(serverUrl);
  if (change.user !== undefined) url.username = encodeURIComponent(change.user);
  if (change.password !== undefined) url.password = encodeURIComponent(change.password);
  if (change.hostPort !== undefined) url.host = change.hostPort;
  url.pathname = `/${database}`;
  url.search = change.params ?? '';
  return url.toString();
}

/** The server's thread ids of sessions in `database` (from the processlist). */
export async function sessionsIn(admin: AdminConnection, database: string): Promise<number[]> {
  const [rows] = await admin.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ?', [
    database,
  ]);
  return (rows as { id: number }[]).map((r) => Number(r.id));
}

/** Polls `check` every 20 ms until it is true or `ms` pass. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

/** How many statements containing `marker` are running on the server, apart from the asking connection. */
export async function runningWith(admin: AdminConnection, marker: string): Promise<number> {
  const [rows] = await admin.query(
    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE CONCAT('%', ?, '%') AND ID <> CONNECTION_ID()",
    [marker],
  );
  return Number((rows as { n: number }[])[0]?.n ?? 0);
}

/** A SELECT over a generated 1,000,000-row set (six digit tables cross-joined; no recursion limit, no table). */
export const MILLION_ROWS_SQL = `WITH d AS (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
  UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)
SELECT a.n + 10 * b.n + 100 * c.n + 1000 * e.n + 10000 * f.n + 100000 * g.n AS n, REPEAT('x', 20) AS pad
FROM d a CROSS JOIN d b CROSS JOIN d c CROSS JOIN d e CROSS JOIN d f CROSS JOIN d g`;

/** A statement that runs for minutes unless stopped, with a marker to find it in the processlist. */
export const slowSql = (marker: string) =>
  `SELECT /* ${marker} */ COUNT(*) FROM (${MILLION_ROWS_SQL}) x CROSS JOIN (${MILLION_ROWS_SQL}) y`;
