import { randomBytes } from 'node:crypto';
import { postgresAdapter } from '@legacybridge/adapter-postgres';
import {
  DEFAULT_QUERY_POLICY,
  type LoggerPort,
  noopLogger,
  noopMetrics,
  type UseCaseDeps,
} from '@legacybridge/core';
import pg from 'pg';
import { describe, it } from 'vitest';

/** The PostgreSQL server the tests use (CI sets the variable; else the local default). */
export const ADMIN_URL =
  process.env.LEGACYBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A throwaway database with a small `orders` table, dropped by `drop()`. */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** Creates `lb_http_<random>` with `public.orders` (50 rows) and `sales.customers`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `lb_http_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(ADMIN_URL, name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`
    CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2));
    INSERT INTO orders SELECT g, 'customer ' || g, g * 1.5 FROM generate_series(1, 50) g;
    CREATE SCHEMA sales;
    CREATE TABLE sales.customers (id integer PRIMARY KEY, name text);
    COMMENT ON TABLE sales.customers IS 'people who buy things';
  `);
  await client.end();
  return {
    url,
    name,
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Use-case deps over the PostgreSQL adapter for `url`. */
export function postgresDeps(
  url: string,
  options: { logger?: LoggerPort; timeoutMs?: number; acquireTimeoutMs?: number } = {},
): UseCaseDeps {
  const logger = options.logger ?? noopLogger;
  const db = postgresAdapter.create({
    url,
    logger,
    pool: {
      size: 4,
      maxOverflow: 4,
      acquireTimeoutMs: options.acquireTimeoutMs ?? 5000,
      recycleMs: 0,
      prePing: true,
    },
  });
  if (db.isErr()) throw new Error(db.error.message);
  return {
    db: db.value,
    metrics: noopMetrics,
    logger,
    policy: { ...DEFAULT_QUERY_POLICY, timeoutMs: options.timeoutMs ?? DEFAULT_QUERY_POLICY.timeoutMs },
  };
}

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return `PostgreSQL unreachable (${(error as Error).message}); set LEGACYBRIDGE_TEST_POSTGRES_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** True when LEGACYBRIDGE_REQUIRE_DB names `service` (or all): a missing server then fails the run. */
export function required(service: string): boolean {
  const listed = (process.env.LEGACYBRIDGE_REQUIRE_DB ?? '').split(',').map((s) => s.trim().toLowerCase());
  return listed.includes(service) || listed.includes('all');
}

/** `describe` when the service answers; a loud skip, or a failure when LEGACYBRIDGE_REQUIRE_DB requires it. */
export function describeWhen(
  service: string,
  title: string,
  unavailable: string | undefined,
  body: () => void,
) {
  if (unavailable === undefined) return describe(title, body);
  if (required(service)) {
    return it(`${title}: ${service} is required by LEGACYBRIDGE_REQUIRE_DB but unavailable`, () => {
      throw new Error(unavailable);
    });
  }
  console.warn(`[legacybridge] skipping ${title}: ${unavailable}`);
  return describe.skip(`${title} (skipped: ${unavailable})`, body);
}
