import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { DatabasePort, PrivilegeReport } from '@legacybridge/core';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresAdapter } from '../src/index.js';
import {
  createTestDatabase,
  describeWithPostgres,
  postgresUnavailable,
  randomSuffix,
  type TestDatabase,
} from './pg-test-db.js';

const run = promisify(execFile);
const unavailable = await postgresUnavailable();
const SCRIPT = fileURLToPath(new URL('../../../deploy/sql/postgres-readonly.sql', import.meta.url));

describeWithPostgres(
  'postgres privilege audit and deploy/sql/postgres-readonly.sql (real server)',
  unavailable,
  () => {
    let db: TestDatabase;
    const role = `lb_ro_${randomSuffix()}`;
    const writer = `lb_rw_${randomSuffix()}`;
    const password = `pw_${randomSuffix()}`;
    const adapters: DatabasePort[] = [];
    const urlAs = (user: string) => {
      const u = new URL(db.url);
      u.username = user;
      u.password = password;
      return u.toString();
    };
    const audit = async (url: string): Promise<PrivilegeReport> => {
      const adapter = createPostgresAdapter({ url });
      adapters.push(adapter);
      const report = await adapter.auditPrivileges?.();
      if (report === undefined) throw new Error('the postgres adapter must implement auditPrivileges');
      return report._unsafeUnwrap();
    };
    const asRole = async <T>(user: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
      const client = new pg.Client({ connectionString: urlAs(user) });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    };

    beforeAll(async () => {
      db = await createTestDatabase('privileges');
      await db.admin.query(`CREATE TABLE fixture (id int PRIMARY KEY, name text NOT NULL)`);
      await db.admin.query(`INSERT INTO fixture VALUES (1, 'first'), (2, 'second')`);
      await db.admin.query('CREATE SEQUENCE fixture_ids');
      // psql runs the script as an operator would; the password goes in as a variable, not in the file.
      await run('psql', [
        '-X',
        '-q',
        '-d',
        db.url,
        '-v',
        `role=${role}`,
        '-v',
        `password=${password}`,
        '-f',
        SCRIPT,
      ]);
      await db.admin.query(`CREATE ROLE ${writer} LOGIN PASSWORD '${password}'`);
      await db.admin.query(`GRANT CONNECT ON DATABASE ${db.name} TO ${writer}`);
      await db.admin.query(`GRANT USAGE ON SCHEMA public TO ${writer}`);
      await db.admin.query(`GRANT SELECT, INSERT ON fixture TO ${writer}`);
      await db.admin.query(`GRANT pg_write_server_files, pg_read_all_stats TO ${writer}`);
      await db.admin.query(`GRANT USAGE ON SEQUENCE fixture_ids TO ${writer}`);
    }, 60_000);

    afterAll(async () => {
      await Promise.all(adapters.map((a) => a.close()));
      await db?.drop();
      const server = new pg.Client({ connectionString: db?.url.replace(/\/[^/]*$/, '/postgres') });
      await server.connect().catch(() => {});
      await server.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
      await server.query(`DROP ROLE IF EXISTS ${writer}`).catch(() => {});
      await server.end().catch(() => {});
    });

    it('the script role reads the fixture', async () => {
      const rows = await asRole(role, (c) => c.query('SELECT name FROM fixture ORDER BY id'));
      expect(rows.rows.map((r) => r.name)).toEqual(['first', 'second']);
    });

    it('the script role cannot insert, even in a read-write transaction', async () => {
      await asRole(role, async (c) => {
        await c.query('BEGIN READ WRITE');
        await expect(c.query(`INSERT INTO fixture VALUES (3, 'third')`)).rejects.toMatchObject({
          code: '42501',
          message: expect.stringContaining('permission denied for table fixture'),
        });
        await c.query('ROLLBACK');
      });
      const count = await db.admin.query('SELECT count(*)::int AS n FROM fixture');
      expect(count.rows[0].n).toBe(2);
    });

    it('the script role cannot create tables in public or temporary tables', async () => {
      await asRole(role, async (c) => {
        await c.query('SET default_transaction_read_only = off');
        await expect(c.query('CREATE TABLE public.intruder (x int)')).rejects.toMatchObject({
          code: '42501',
          message: expect.stringContaining('permission denied for schema public'),
        });
        await expect(c.query('CREATE TEMP TABLE scratch (x int)')).rejects.toMatchObject({
          code: '42501',
          message: expect.stringContaining('permission denied to create temporary tables'),
        });
      });
    });

    it('the script role sessions are read-only by default', async () => {
      const setting = await asRole(role, (c) => c.query('SHOW default_transaction_read_only'));
      expect(setting.rows[0].default_transaction_read_only).toBe('on');
    });

    it("the script role's audit says read-only, with nothing to warn about", async () => {
      const report = await audit(urlAs(role));
      expect(report.user).toBe(role);
      expect(report.canWrite).toBe(false);
      expect(report.canChangeSchema).toBe(false);
      expect(report.findings.filter((f) => f.severity === 'warning')).toEqual([]);
      expect(report.findings.map((f) => f.privilege)).not.toContain('TEMPORARY');
    });

    it('a role granted INSERT is reported as able to write, naming the table', async () => {
      const report = await audit(urlAs(writer));
      expect(report.canWrite).toBe(true);
      expect(report.canChangeSchema).toBe(false);
      expect(report.findings).toContainEqual(
        expect.objectContaining({ privilege: 'INSERT', object: 'public.fixture', severity: 'warning' }),
      );
      expect(report.findings.map((f) => f.privilege)).not.toContain('DELETE');
      expect(report.findings).toContainEqual(
        expect.objectContaining({ privilege: 'USAGE/UPDATE', object: 'sequences public.fixture_ids' }),
      );
      expect(report.findings).toContainEqual(
        expect.objectContaining({ privilege: 'pg_write_server_files', severity: 'warning' }),
      );
      // Only the predefined roles that matter are listed, each once, by name.
      expect(report.findings.filter((f) => f.privilege.startsWith('pg_')).map((f) => f.privilege)).toEqual([
        'pg_write_server_files',
      ]);
    });

    it("the superuser's audit says it can write and change schema", async () => {
      const report = await audit(db.url);
      expect(report.canWrite).toBe(true);
      expect(report.canChangeSchema).toBe(true);
      expect(report.findings).toContainEqual(
        expect.objectContaining({ privilege: 'SUPERUSER', severity: 'warning' }),
      );
      expect(report.findings).toContainEqual(
        expect.objectContaining({ privilege: 'OWNER', object: 'public.fixture' }),
      );
    });
  },
);
