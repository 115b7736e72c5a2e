import { randomBytes } from 'node:crypto';
import { type DatabaseTarget, databaseTargets } from '@legacybridge/adapter-conformance';
import pg from 'pg';
import { describe, it } from 'vitest';

/** The server the database tests use; CI sets it, else the local default. */
export const POSTGRES_URL_VARIABLE = 'LEGACYBRIDGE_TEST_POSTGRES_URL';
export const TEST_POSTGRES_URL =
  process.env[POSTGRES_URL_VARIABLE] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The image the live suites start when LEGACYBRIDGE_TEST_POSTGRES_URL is unset (the oldest we test is the local 15). */
export const POSTGRES_IMAGE = 'postgres:16-alpine';

/**
 * The servers a live suite runs against: the variable's server when set (as CI sets it), else a
 * PostgreSQL container — or a skip naming the variable when no container runtime answers.
 */
export function postgresTargets(): readonly DatabaseTarget[] {
  return databaseTargets({
    variable: POSTGRES_URL_VARIABLE,
    service: 'postgres',
    // Testcontainers is loaded only when the variable is unset: CI, with URLs set, never pays for it.
    probeRuntime: async () => (await import('testcontainers')).getContainerRuntimeClient(),
    containers: [
      {
        image: POSTGRES_IMAGE,
        service: 'postgres',
        start: async () => {
          const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
          const container = await new PostgreSqlContainer(POSTGRES_IMAGE).withStartupTimeout(120_000).start();
          return {
            url: container.getConnectionUri(),
            stop: async () => {
              await container.stop();
            },
          };
        },
      },
    ],
  });
}

/** Why the server cannot be used, or undefined when it answers. */
export async function postgresUnavailable(url = TEST_POSTGRES_URL): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${redactUrl(url)} is unreachable (${(error as Error).message}); set ${POSTGRES_URL_VARIABLE}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** True when LEGACYBRIDGE_REQUIRE_DB lists postgres (or all): then a missing server fails the run. */
export function postgresRequired(): boolean {
  const listed = (process.env.LEGACYBRIDGE_REQUIRE_DB ?? '').split(',').map((s) => s.trim().toLowerCase());
  return listed.includes('postgres') || listed.includes('all');
}

/**
 * Registers the tests of `body` when the server answers; otherwise a loud skip naming the variable,
 * or a failing test when LEGACYBRIDGE_REQUIRE_DB requires PostgreSQL.
 */
export function describeWithPostgres(title: string, unavailable: string | undefined, body: () => void): void {
  if (unavailable === undefined) {
    describe(title, body);
    return;
  }
  if (postgresRequired()) {
    it(`${title}: postgres is required by LEGACYBRIDGE_REQUIRE_DB but unavailable`, () => {
      throw new Error(unavailable);
    });
    return;
  }
  console.warn(`[legacybridge] skipping ${title}: ${unavailable}`);
  describe.skip(`${title} (skipped: ${unavailable})`, () => {
    it('needs PostgreSQL', () => {});
  });
}

/** A database created for one test file, and a superuser-ish connection to it. */
export interface TestDatabase {
  readonly name: string;
  /** URL of the new database (same server and user as the server URL it was created on). */
  readonly url: string;
  /** A writable connection to the new database, for fixtures and checks. */
  readonly admin: pg.Client;
  /** Terminates the database's sessions and drops it. */
  drop(): Promise<void>;
}

/**
 * A fresh database named `lb_pg_<tag>_<random>` on `serverUrl` (default the test server); only
 * objects this creates are ever dropped.
 */
export async function createTestDatabase(tag: string, serverUrl = TEST_POSTGRES_URL): Promise<TestDatabase> {
  const name = `lb_pg_${tag}_${randomBytes(4).toString('hex')}`;
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  await server.query(`CREATE DATABASE ${name}`);
  await server.end();
  const url = withDatabase(serverUrl, name);
  const admin = new pg.Client({ connectionString: url });
  admin.on('error', () => {});
  await admin.connect();
  return {
    name,
    url,
    admin,
    async drop() {
      await admin.end().catch(() => {});
      const s = new pg.Client({ connectionString: serverUrl });
      await s.connect();
      try {
        await s.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await s.end();
      }
    },
  };
}

/** `url` pointing at database `name`. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** `url` with its host and port replaced (for the TCP proxy). */
export function withHostPort(url: string, host: string, port: number): string {
  const u = new URL(url);
  u.hostname = host;
  u.port = String(port);
  return u.toString();
}

/** A random lower-case suffix for role and object names. */
export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** Server-side sessions of `application_name` in `database` (backends, not our bookkeeping). */
export async function countSessions(
  client: pg.Client,
  database: string,
  application = 'legacybridge',
): Promise<number> {
  const r = await client.query(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
    [database, application],
  );
  return r.rows[0].n as number;
}
