import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { skipOrFail } from '../packages/adapter-conformance/src/index.js';

// The Compose stack's PostgreSQL init scripts, run as the postgres image runs them (01 loads the
// demo, 02 creates the read-only role named in the app's DATABASE_URL secret), against the local
// PostgreSQL instead of a container: no Docker engine exists on this machine.
const ROOT = join(import.meta.dirname, '..');
const ADMIN_URL = process.env.LEGACYBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = new URL(ADMIN_URL);

function psql(database: string, args: string[], input?: Buffer, user = admin.username || 'postgres'): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  url.username = user;
  return execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', url.toString(), ...args], {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
  }).trim();
}

function unavailable(): string | undefined {
  try {
    psql(admin.pathname.slice(1), ['-c', 'SELECT 1']);
    return undefined;
  } catch (error) {
    return `PostgreSQL (psql) unavailable: ${(error as Error).message.split('\n')[0]}`;
  }
}

const reason = unavailable();
if (reason !== undefined) {
  skipOrFail('postgres', reason);
} else {
  describe('deploy/compose/initdb on PostgreSQL', () => {
    const suffix = randomBytes(4).toString('hex');
    const database = `lb_compose_${suffix}`;
    const role = `lb_compose_ro_${suffix}`;
    const dir = mkdtempSync(join(tmpdir(), 'lb-compose-'));
    afterAll(() => {
      psql(admin.pathname.slice(1), ['-c', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`]);
      psql(admin.pathname.slice(1), ['-c', `DROP ROLE IF EXISTS ${role}`]);
      rmSync(dir, { recursive: true, force: true });
    });

    it('loads the demo and creates a role that can read it and cannot write it', () => {
      psql(admin.pathname.slice(1), ['-c', `CREATE DATABASE ${database}`]);
      psql(database, [], gunzipSync(readFileSync(join(ROOT, 'deploy/compose/initdb/01-demo.sql.gz'))));
      const secret = join(dir, 'database_url');
      writeFileSync(secret, `postgresql://${role}:pw-${suffix}@db:5432/${database}\n`);
      execFileSync('sh', [join(ROOT, 'deploy/compose/initdb/02-readonly-role.sh')], {
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL_SECRET: secret,
          READONLY_SQL: join(ROOT, 'deploy/sql/postgres-readonly.sql'),
          POSTGRES_USER: admin.username || 'postgres',
          POSTGRES_DB: database,
          PGHOST: admin.hostname,
          PGPORT: admin.port || '5432',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      });
      expect(Number(psql(database, ['-c', 'SELECT count(*) FROM custmst'], undefined, role))).toBeGreaterThan(
        100,
      );
      expect(() => psql(database, ['-c', 'DELETE FROM custmst'], undefined, role)).toThrow(
        /read-only|permission denied/,
      );
      expect(() => psql(database, ['-c', 'CREATE TABLE x (a int)'], undefined, role)).toThrow(
        /read-only|permission denied/,
      );
    });
  });
}
