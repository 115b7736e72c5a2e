import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/**
 * The test database server: `LEGACYBRIDGE_TEST_MYSQL_URL` (default the local MariaDB). Each test file
 * creates its own database with a random suffix and drops it afterwards; it touches nothing else.
 */
export const MYSQL_URL_VARIABLE = 'LEGACYBRIDGE_TEST_MYSQL_URL';
export const TEST_MYSQL_URL = process.env[MYSQL_URL_VARIABLE] ?? 'mysql://root@127.0.0.1:3306/test';

/** An admin (writable) connection to the test server, outside the adapter. */
export type AdminConnection = Awaited<ReturnType<typeof createConnection>>;

/** Opens an admin connection, or returns the reason the server is unreachable. */
export async function connectAdmin(): Promise<AdminConnection | { skip: string }> {
  const url = new URL(TEST_MYSQL_URL);
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

/** The test URL pointed at another database (and optionally another user / password / host:port). */
export function urlFor(
  database: string,
  change: { user?: string; password?: string; hostPort?: string; params?: string } = {},
): string {
  const url = new URL(TEST_MYSQL_URL);
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
