import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DatabasePort, PrivilegeReport } from '@legacybridge/core';
import { createFakeDatabase, createRecordingLogger } from '@legacybridge/core/testing';
import { okAsync } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cli-args.js';
import { checkReadOnlyUser, formatPrivilegeReport, onFirstUse } from '../src/doctor.js';
import { startServer } from '../src/start-server.js';
import { connectStdio, createSandbox, requireBuiltCli, runCli, type Sandbox } from './support/cli-harness.js';

const STACK_TRACE = /\n\s+at .+:\d+:\d+/;
const suffix = randomBytes(4).toString('hex');
const password = `pw${randomBytes(4).toString('hex')}`;
const PG_URL = process.env.LEGACYBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.LEGACYBRIDGE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const script = (name: string) => fileURLToPath(new URL(`../../../deploy/sql/${name}`, import.meta.url));
const required = (service: string) =>
  (process.env.LEGACYBRIDGE_REQUIRE_DB ?? '').split(',').some((s) => [service, 'all'].includes(s.trim()));

const READ_ONLY: PrivilegeReport = { user: 'reader', canWrite: false, canChangeSchema: false, findings: [] };
const WRITER: PrivilegeReport = {
  user: 'app',
  canWrite: true,
  canChangeSchema: false,
  findings: [{ privilege: 'INSERT', object: 'public.orders', severity: 'warning' }],
};

describe('doctor building blocks', () => {
  it('parses doctor and --require-read-only-user', () => {
    expect(parseCliArgs(['doctor'])._unsafeUnwrap()).toEqual({ kind: 'doctor', url: undefined });
    expect(parseCliArgs(['doctor', 'x.db'])._unsafeUnwrap()).toEqual({ kind: 'doctor', url: 'x.db' });
    expect(parseCliArgs(['doctor', '--url', 'a.db', 'b.db'])._unsafeUnwrapErr()).toMatch(
      /Give the database URL once/,
    );
    expect(parseCliArgs(['--require-read-only-user', 'x.db'])._unsafeUnwrap()).toMatchObject({
      kind: 'serve',
      url: 'x.db',
      requireReadOnlyUser: true,
    });
    expect(parseCliArgs(['x.db'])._unsafeUnwrap()).not.toHaveProperty('requireReadOnlyUser');
  });

  it('formats a read-only report without alarm, a writable one with the way out', () => {
    expect(formatPrivilegeReport(READ_ONLY)).toContain('read-only      yes');
    expect(formatPrivilegeReport(READ_ONLY)).not.toContain('!!');
    const text = formatPrivilegeReport(WRITER);
    expect(text).toContain('read-only      NO');
    expect(text).toContain('WARNING        INSERT on public.orders');
    expect(text).toContain('"app" can write data');
    expect(text).toContain('deploy/sql/');
    expect(text).toContain('REQUIRE_READ_ONLY_USER=true');
  });

  it('onFirstUse runs its hook once, on the first database call, not on poolStats or close', async () => {
    const fake = createFakeDatabase();
    let fired = 0;
    const db = onFirstUse(fake, () => {
      fired++;
    });
    db.poolStats();
    expect(fired).toBe(0);
    expect(db.dialect).toBe(fake.dialect);
    (await db.ping())._unsafeUnwrap();
    (await db.ping())._unsafeUnwrap();
    await db.listTables();
    expect(fired).toBe(1);
  });

  it('checkReadOnlyUser refuses writers and adapters that cannot audit, and passes readers', async () => {
    const withAudit = (report: PrivilegeReport) =>
      ({ dialect: 'postgres', auditPrivileges: () => okAsync(report) }) as unknown as DatabasePort;
    expect(await checkReadOnlyUser(withAudit(READ_ONLY))).toBeUndefined();
    expect(await checkReadOnlyUser(withAudit(WRITER))).toMatchObject({
      reason: 'writable',
      message: expect.stringContaining('"app" can write data (INSERT on public.orders)'),
    });
    expect(await checkReadOnlyUser(createFakeDatabase())).toMatchObject({ reason: 'unverifiable' });
  });
});

/** A fresh PostgreSQL database with a fixture table and the deploy script's role, or why not. */
/** A database a describe block creates in beforeAll and drops in afterAll (so a filtered run leaks nothing). */
interface LiveDatabase {
  readonly url: string;
  readonly readOnlyUrl: string;
  create(): void;
  drop(): void;
}

function setUpPostgres(): LiveDatabase | string {
  const server = new URL(PG_URL);
  const name = `lb_doc_${suffix}`;
  const role = `lb_doc_ro_${suffix}`;
  const psql = (db: string, ...args: string[]) => {
    const u = new URL(server);
    u.pathname = `/${db}`;
    return execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', u.toString(), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  };
  try {
    psql(server.pathname.slice(1), '-c', 'SELECT 1');
  } catch (error) {
    return `PostgreSQL at LEGACYBRIDGE_TEST_POSTGRES_URL is not usable: ${(error as Error).message}`;
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  const ro = new URL(url);
  ro.username = role;
  ro.password = password;
  return {
    url: url.toString(),
    readOnlyUrl: ro.toString(),
    create() {
      psql(server.pathname.slice(1), '-c', `CREATE DATABASE ${name}`);
      psql(name, '-c', 'CREATE TABLE fixture (id int PRIMARY KEY)', '-c', 'INSERT INTO fixture VALUES (1)');
      psql(name, '-v', `role=${role}`, '-v', `password=${password}`, '-f', script('postgres-readonly.sql'));
    },
    drop() {
      psql(
        server.pathname.slice(1),
        '-c',
        `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`,
        '-c',
        `DROP ROLE IF EXISTS ${role}`,
      );
    },
  };
}

/** A fresh MySQL/MariaDB database with a fixture table and the deploy script's account, or why not. */
function setUpMysql(): LiveDatabase | string {
  const server = new URL(MYSQL_URL);
  const name = `lb_doc_${suffix}`;
  const role = `lb_doc_ro_${suffix}`;
  const mysql = (input: string) => {
    const run = spawnSync(
      'mysql',
      ['-h', server.hostname, '-P', server.port || '3306', '-u', decodeURIComponent(server.username)],
      {
        input,
        encoding: 'utf8',
        env: { ...process.env, MYSQL_PWD: decodeURIComponent(server.password) },
      },
    );
    if (run.status !== 0) throw new Error(run.error?.message ?? run.stderr);
  };
  try {
    mysql('SELECT 1;');
  } catch (error) {
    return `MySQL at LEGACYBRIDGE_TEST_MYSQL_URL is not usable: ${(error as Error).message}`;
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  const ro = new URL(url);
  ro.username = role;
  ro.password = password;
  return {
    url: url.toString(),
    readOnlyUrl: ro.toString(),
    create() {
      mysql(
        `CREATE DATABASE ${name}; CREATE TABLE ${name}.fixture (id INT PRIMARY KEY); INSERT INTO ${name}.fixture VALUES (1);`,
      );
      mysql(
        `SET @role = '${role}', @db = '${name}', @password = '${password}';\n${readFileSync(script('mysql-readonly.sql'), 'utf8')}`,
      );
    },
    drop: () => mysql(`DROP DATABASE IF EXISTS ${name}; DROP USER IF EXISTS '${role}'@'%';`),
  };
}

describe('legacybridge doctor (built CLI)', () => {
  let sandbox: Sandbox;
  beforeAll(() => {
    requireBuiltCli();
    sandbox = createSandbox();
  });
  afterAll(() => sandbox?.remove());

  it('an unreachable server fails within seconds with exit 3, no password and no stack', async () => {
    const started = Date.now();
    const run = await runCli(['doctor', '--url', 'postgres://u:hunter2@127.0.0.1:1/db'], sandbox.env);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /cannot reach the postgres database at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db: ConnectionFailed/,
    );
    expect(`${run.stdout}${run.stderr}`).not.toContain('hunter2');
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('a configuration error exits 2', async () => {
    const run = await runCli(['doctor', '--url', 'foo://x'], sandbox.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unsupported scheme "foo:"/);
  });

  it('serving flags are refused for doctor (exit 2)', async () => {
    const run = await runCli(['doctor', '--transport', 'http'], sandbox.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--transport does not apply to doctor');
  });

  it('the demo SQLite database is read-only: exit 0', async () => {
    const run = await runCli(['doctor'], sandbox.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/connectivity {3}ok \(ping [\d.]+ ms\)/);
    expect(run.stdout).toMatch(/server {9}sqlite 3\./);
    expect(run.stdout).toContain('read-only      yes');
    // SQLite has no users: the OS user's write access to the file is reported, as info only.
    expect(run.stdout).toMatch(/info {11}file write on .*demo-.*\.db — the OS user may write this file/);
  });

  for (const [dialect, setUp] of [
    ['postgres', setUpPostgres],
    ['mysql', setUpMysql],
  ] as const) {
    describe(`against ${dialect}`, () => {
      const db = setUp();
      if (typeof db === 'string') {
        if (required(dialect)) it(`${dialect} is required by LEGACYBRIDGE_REQUIRE_DB`, () => expect.fail(db));
        else it.skip(`skipped: ${db}`, () => {});
        return;
      }
      beforeAll(() => db.create());
      afterAll(() => db.drop());

      it('the deploy script user is read-only: exit 0, with version and user', async () => {
        const run = await runCli(['doctor', db.readOnlyUrl], sandbox.env);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`server {9}${dialect} \\d`));
        expect(run.stdout).toMatch(/user {11}lb_doc_ro_/);
        expect(run.stdout).toContain('read-only      yes');
        expect(run.stdout).not.toContain(password);
      });

      it('the administrator can write: exit 1 with a prominent explanation', async () => {
        const run = await runCli(['doctor', '--url', db.url], sandbox.env);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain('read-only      NO');
        expect(run.stdout).toMatch(/!! The database user ".+" can write data and change schema/);
        expect(run.stdout).toContain('deploy/sql/');
      });

      it('--require-read-only-user refuses to start as the administrator (exit 2)', async () => {
        const run = await runCli(['--require-read-only-user', '--url', db.url], sandbox.env);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(
          /REQUIRE_READ_ONLY_USER is set, and the database user ".+" can write data/,
        );
        expect(run.stderr).not.toMatch(STACK_TRACE);
      });

      it('REQUIRE_READ_ONLY_USER=true starts as the read-only user', async () => {
        const run = await runCli(['--url', db.readOnlyUrl], {
          ...sandbox.env,
          REQUIRE_READ_ONLY_USER: 'true',
        });
        expect(run.code).toBe(0);
        expect(run.stderr).toContain('the database user is read-only (REQUIRE_READ_ONLY_USER)');
        expect(run.stderr).not.toContain(password);
      });

      if (dialect === 'postgres') {
        it('REQUIRE_READ_ONLY_USER with an unreachable database exits 3', async () => {
          const run = await runCli(
            ['--require-read-only-user', 'postgres://u:hunter2@127.0.0.1:1/db'],
            sandbox.env,
          );
          expect(run.code).toBe(3);
          expect(run.stderr).toContain('privilege audit failed (ConnectionFailed');
          expect(run.stderr).not.toContain('hunter2');
        });

        it('stdio: no audit before the first request, a prominent warning after it', async () => {
          const conn = await connectStdio('v2-auto', sandbox.env, ['--url', db.url]);
          try {
            await new Promise((r) => setTimeout(r, 300));
            expect(conn.stderr()).not.toMatch(/privilege audit/i);
            await conn.client.callTool({ name: 'list_tables', arguments: {} });
            const until = Date.now() + 5_000;
            while (!conn.stderr().includes('PRIVILEGE AUDIT') && Date.now() < until) {
              await new Promise((r) => setTimeout(r, 50));
            }
            expect(conn.stderr()).toMatch(
              /!!! PRIVILEGE AUDIT: the database user "postgres" can write data and change schema/,
            );
          } finally {
            await conn.close();
          }
        });

        it('http: the audit runs in the background after listening and warns', async () => {
          const logger = createRecordingLogger();
          const server = (
            await startServer({ transport: 'http', port: 0, url: db.url, env: sandbox.env, logger })
          )._unsafeUnwrap();
          try {
            const until = Date.now() + 5_000;
            const warned = () =>
              logger.lines.find((l) => l.level === 'warn' && l.message.includes('PRIVILEGE AUDIT'));
            while (warned() === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
            expect(warned()?.context).toMatchObject({ canWrite: true, canChangeSchema: true });
          } finally {
            await server.close();
          }
        });
      }
    });
  }
});
