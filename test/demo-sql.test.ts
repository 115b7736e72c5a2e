import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { skipOrFail } from '../packages/adapter-conformance/src/index.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { demoSql } from '../scripts/demo-sql.mjs';

const ROOT = join(import.meta.dirname, '..');
const ADMIN_URL = process.env.LEGACYBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DEMO_GZ = join(ROOT, 'deploy/compose/initdb/01-demo.sql.gz');

/** psql, as the postgres image's entrypoint runs the init scripts. */
function psql(url: string, args: string[], input?: Buffer): string {
  return execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', url, ...args], {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
  }).trim();
}

function postgresUnavailable(): string | undefined {
  try {
    psql(ADMIN_URL, ['-c', 'SELECT 1']);
    return undefined;
  } catch (error) {
    return `PostgreSQL (psql ${ADMIN_URL}) unavailable: ${(error as Error).message.split('\n')[0]}; set LEGACYBRIDGE_TEST_POSTGRES_URL`;
  }
}

describe('deploy/compose/initdb/01-demo.sql.gz', () => {
  it('is what scripts/demo-sql.mjs generates from the demo database (regenerate it if this fails)', async () => {
    const committed = gunzipSync(readFileSync(DEMO_GZ)).toString('utf8');
    expect(committed).toBe(await demoSql());
  });
});

const reason = postgresUnavailable();
if (reason !== undefined) {
  skipOrFail('postgres', reason);
} else {
  describe('the demo SQL on the real PostgreSQL', () => {
    const database = `lb_demo_sql_${randomBytes(4).toString('hex')}`;
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    afterAll(() => {
      psql(ADMIN_URL, ['-c', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`]);
    });

    it('loads in one transaction with every table, the view and the declared keys', () => {
      psql(ADMIN_URL, ['-c', `CREATE DATABASE ${database}`]);
      psql(url.toString(), [], gunzipSync(readFileSync(DEMO_GZ)));
      const tables = psql(url.toString(), [
        '-c',
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      ]);
      expect(Number(tables)).toBeGreaterThanOrEqual(10);
      expect(Number(psql(url.toString(), ['-c', 'SELECT count(*) FROM custmst']))).toBeGreaterThan(100);
      expect(Number(psql(url.toString(), ['-c', 'SELECT count(*) FROM v_opnord']))).toBeGreaterThan(0);
      const keys = psql(url.toString(), [
        '-c',
        "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace",
      ]);
      expect(Number(keys)).toBe(5);
    });
  });
}
