import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { skipOrFail } from '@legacybridge/adapter-conformance';
import type { DatabasePort, PrivilegeReport } from '@legacybridge/core';
import { createConnection } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { createMysqlAdapter } from '../src/index.js';
import { hasApplicableRoles } from '../src/mysql-catalog-sql.js';
import { connectAdmin, randomSuffix, TEST_MYSQL_URL, urlFor } from './mysql-test-db.js';

const SCRIPT = new URL('../../../deploy/sql/mysql-readonly.sql', import.meta.url);

/** Runs the deploy script the way its header tells operators to: parameters, then the file, piped. */
function runScript(params: string): { status: number | null; stderr: string } {
  const server = new URL(TEST_MYSQL_URL);
  const args = [
    '-h',
    server.hostname,
    '-P',
    server.port || '3306',
    '-u',
    decodeURIComponent(server.username),
  ];
  const env = { ...process.env, MYSQL_PWD: decodeURIComponent(server.password) };
  const input = `${params}\n${readFileSync(SCRIPT, 'utf8')}`;
  const run = spawnSync('mysql', args, { input, env, encoding: 'utf8' });
  if (run.error !== undefined)
    throw new Error(`the mysql client is needed to run the script: ${run.error.message}`);
  return { status: run.status, stderr: run.stderr };
}

const admin = await connectAdmin();
if ('skip' in admin) {
  skipOrFail('mysql', admin.skip);
} else {
  const suffix = randomSuffix();
  const database = `lb_priv_${suffix}`;
  const role = `lb_ro_${suffix}`;
  const writer = `lb_rw_${suffix}`;
  const roleUser = `lb_rl_${suffix}`;
  const grantedRole = `lb_role_${suffix}`;
  const password = `pw-${randomSuffix()}`;
  const adapters: DatabasePort[] = [];

  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.query(`CREATE TABLE \`${database}\`.fixture (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)`);
  await admin.query(`INSERT INTO \`${database}\`.fixture VALUES (1, 'first'), (2, 'second')`);
  await admin.query(`CREATE USER '${writer}'@'%' IDENTIFIED BY '${password}'`);
  await admin.query(`GRANT SELECT, INSERT ON \`${database}\`.fixture TO '${writer}'@'%'`);
  // Roles: MariaDB's CREATE ROLE takes a bare name, MySQL 8's an account; both accept the bare name.
  await admin.query(`CREATE ROLE ${grantedRole}`);
  await admin.query(`GRANT SELECT, INSERT ON \`${database}\`.fixture TO ${grantedRole}`);
  await admin.query(`CREATE USER '${roleUser}'@'%' IDENTIFIED BY '${password}'`);
  await admin.query(`GRANT ${grantedRole} TO '${roleUser}'@'%'`);
  await admin.query(`SET DEFAULT ROLE ${grantedRole} FOR '${roleUser}'@'%'`);

  const connectAs = (user: string) => {
    const server = new URL(TEST_MYSQL_URL);
    return createConnection({
      host: server.hostname,
      port: server.port === '' ? 3306 : Number(server.port),
      user,
      password,
      database,
    });
  };
  const audit = async (url: string): Promise<PrivilegeReport> => {
    const adapter = createMysqlAdapter({ url });
    adapters.push(adapter);
    const report = await adapter.auditPrivileges?.();
    if (report === undefined) throw new Error('the mysql adapter must implement auditPrivileges');
    return report._unsafeUnwrap();
  };

  afterAll(async () => {
    await Promise.all(adapters.map((a) => a.close()));
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query(`DROP USER IF EXISTS '${role}'@'%', '${writer}'@'%', '${roleUser}'@'%'`);
    await admin.query(`DROP ROLE IF EXISTS ${grantedRole}`);
    await admin.end();
  });

  describe('mysql privilege audit and deploy/sql/mysql-readonly.sql (real server)', () => {
    it('refuses to create an account without a password', () => {
      const run = runScript(`SET @role = '${role}_nopw', @db = '${database}';`);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/ERROR 1064/);
    });

    it('creates an account that reads the fixture', async () => {
      const run = runScript(`SET @role = '${role}', @db = '${database}', @password = '${password}';`);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const conn = await connectAs(role);
      try {
        const [rows] = await conn.query('SELECT name FROM fixture ORDER BY id');
        expect((rows as { name: string }[]).map((r) => r.name)).toEqual(['first', 'second']);
      } finally {
        await conn.end();
      }
    });

    it('the account cannot insert, create tables or create temporary tables', async () => {
      const conn = await connectAs(role);
      try {
        await expect(conn.query(`INSERT INTO fixture VALUES (3, 'third')`)).rejects.toMatchObject({
          errno: 1142,
          message: expect.stringContaining('INSERT command denied'),
        });
        await expect(conn.query('CREATE TABLE intruder (x INT)')).rejects.toMatchObject({
          errno: 1142,
          message: expect.stringContaining('CREATE command denied'),
        });
        await expect(conn.query('CREATE TEMPORARY TABLE scratch (x INT)')).rejects.toMatchObject({
          errno: 1044,
          message: expect.stringContaining('Access denied'),
        });
      } finally {
        await conn.end();
      }
      const [count] = await admin.query(`SELECT COUNT(*) AS n FROM \`${database}\`.fixture`);
      expect(Number((count as { n: number }[])[0]?.n)).toBe(2);
    });

    it("the account's audit says read-only, with nothing to warn about", async () => {
      const report = await audit(urlFor(database, { user: role, password }));
      expect(report.user).toBe(`${role}@%`);
      expect(report.canWrite).toBe(false);
      expect(report.canChangeSchema).toBe(false);
      expect(report.findings).toEqual([]);
    });

    it('an account granted INSERT on one table is reported as able to write it', async () => {
      const report = await audit(urlFor(database, { user: writer, password }));
      expect(report.canWrite).toBe(true);
      expect(report.canChangeSchema).toBe(false);
      expect(report.findings).toEqual([
        expect.objectContaining({ privilege: 'INSERT', object: `${database}.fixture`, severity: 'warning' }),
      ]);
    });

    it('an account whose privileges come through a role cannot pass as read-only', async () => {
      const report = await audit(urlFor(database, { user: roleUser, password }));
      expect(report.canWrite).toBe(true);
      expect(report.findings).toEqual([
        expect.objectContaining({
          privilege: 'ROLE',
          object: grantedRole,
          severity: 'warning',
          detail: expect.stringContaining('not audited'),
        }),
      ]);
    });

    it('knows which servers list applicable roles', () => {
      expect(hasApplicableRoles('mariadb', '10.11.6-MariaDB')).toBe(true);
      expect(hasApplicableRoles('mysql', '8.0.18')).toBe(false);
      expect(hasApplicableRoles('mysql', '8.0.19')).toBe(true);
      expect(hasApplicableRoles('mysql', '8.4.3')).toBe(true);
      expect(hasApplicableRoles('mysql', '5.7.44-log')).toBe(false);
    });

    it("the administrator's audit says it can write and change schema", async () => {
      const report = await audit(urlFor(database));
      expect(report.canWrite).toBe(true);
      expect(report.canChangeSchema).toBe(true);
      const privileges = report.findings.map((f) => f.privilege);
      expect(privileges).toEqual(expect.arrayContaining(['INSERT', 'DROP', 'FILE', 'SUPER', 'GRANT OPTION']));
      expect(report.findings.find((f) => f.privilege === 'FILE')).toMatchObject({
        severity: 'warning',
        object: '*.*',
      });
    });
  });
}
