import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_TABLES, DEMO_VIEWS } from '../src/demo/demo-schema.js';
import {
  connectStdio,
  createSandbox,
  requireBuiltCli,
  runCli,
  type Sandbox,
  type StdioConnection,
  textOf,
} from './support/cli-harness.js';

// End to end: the built CLI over stdio with a real MCP client, the data dictionary read from a file
// at startup, against the demo SQLite database (its shipped dictionary) and a real PostgreSQL.

const STACK_TRACE = /\n\s+at .+:\d+:\d+/;
const HIDDEN_DEMO_TABLE = 'X_TMP_BAK_CUSTMST_0311';
const PG_URL = process.env.LEGACYBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = (service: string) =>
  (process.env.LEGACYBRIDGE_REQUIRE_DB ?? '').split(',').some((s) => [service, 'all'].includes(s.trim()));

beforeAll(() => requireBuiltCli());

const tableNames = (result: { structuredContent?: Record<string, unknown> }) =>
  (result.structuredContent as { tables: { name: string }[] }).tables.map((t) => t.name);

describe('the demo database with its shipped dictionary (stdio, no environment)', () => {
  let sandbox: Sandbox;
  let conn: StdioConnection;
  beforeAll(async () => {
    sandbox = createSandbox();
    conn = await connectStdio('v2-auto', sandbox.env);
  });
  afterAll(async () => {
    await conn?.close();
    sandbox?.remove();
  });

  it('logs the dictionary it uses and how much it covers', async () => {
    // stderr arrives on its own schedule: wait for the line rather than race it.
    await vi.waitFor(() => expect(conn.stderr()).toContain('data dictionary'), { timeout: 10_000 });
    const line = conn
      .stderr()
      .split('\n')
      .find((l) => l.includes('data dictionary'));
    expect(line).toBeDefined();
    expect(line).toMatch(/demo-dictionary\.yaml/);
    expect(line).toMatch(/tables[=:"\s]+12\b/);
    expect(line).toMatch(/hiddenTables[=:"\s]+1\b/);
  });

  it('list_tables shows every demo table but the hidden backup', async () => {
    const result = await conn.client.callTool({ name: 'list_tables', arguments: {} });
    const names = tableNames(result);
    expect(names).not.toContain(HIDDEN_DEMO_TABLE);
    for (const table of [...DEMO_TABLES, ...DEMO_VIEWS].filter((t) => t !== HIDDEN_DEMO_TABLE)) {
      expect(names).toContain(table);
    }
    expect(textOf(result)).toContain('CUSTMST|table|600|Customer master, one row per customer account');
  });

  it('search_schema finds CUSTMST from "customer master" by its synonym, and ARINV from "receivables"', async () => {
    const customer = await conn.client.callTool({
      name: 'search_schema',
      arguments: { query: 'customer master' },
    });
    const matches = (
      customer.structuredContent as { matches: { table: string; column?: string; matched: string }[] }
    ).matches;
    expect(matches[0]).toMatchObject({ table: 'CUSTMST', matched: 'synonym' });
    expect(matches.map((m) => m.table)).not.toContain(HIDDEN_DEMO_TABLE);
    const ar = await conn.client.callTool({ name: 'search_schema', arguments: { query: 'receivables' } });
    expect((ar.structuredContent as { matches: { table: string }[] }).matches[0]?.table).toBe('ARINV');
  });

  it('describe_table carries units and pii; the hidden table is not found', async () => {
    const cust = await conn.client.callTool({ name: 'describe_table', arguments: { table: 'CUSTMST' } });
    const text = textOf(cust);
    expect(text).toContain('aka: customer master, customers, clients, accounts');
    expect(text).toContain('CRLMT|INTEGER|no|0||Credit limit [unit: USD cents]');
    expect(text).toContain('PHNNO|CHAR(12)|yes|||Phone number [pii]');
    const hidden = await conn.client.callTool({
      name: 'describe_table',
      arguments: { table: HIDDEN_DEMO_TABLE },
    });
    expect(hidden.isError).toBe(true);
    expect(textOf(hidden)).toMatch(new RegExp(`^No table named "${HIDDEN_DEMO_TABLE}" exists`));
  });

  it('run_query refuses the hidden table however it is written, and still reads the others', async () => {
    for (const sql of [
      `SELECT * FROM ${HIDDEN_DEMO_TABLE}`,
      `SELECT * FROM main."${HIDDEN_DEMO_TABLE.toLowerCase()}"`,
      `SELECT c.CSTNM FROM CUSTMST c WHERE c.CUSTNO IN (SELECT CUSTNO FROM /* old */ [${HIDDEN_DEMO_TABLE}])`,
    ]) {
      const result = await conn.client.callTool({ name: 'run_query', arguments: { sql } });
      expect(result.isError, sql).toBe(true);
      expect(textOf(result)).toContain('data dictionary hides from assistants');
    }
    const ok = await conn.client.callTool({
      name: 'run_query',
      arguments: { sql: 'SELECT count(*) AS n FROM CUSTMST' },
    });
    expect(ok.isError).toBeFalsy();
    expect(textOf(ok)).toMatch(/^n\n600\n/);
  });
});

describe('a malformed dictionary stops startup', () => {
  let sandbox: Sandbox;
  beforeAll(() => {
    sandbox = createSandbox();
  });
  afterAll(() => sandbox?.remove());

  it('exits 2 naming the variable, the file and the key path, without a stack trace', async () => {
    const path = join(sandbox.dir, 'dictionary.yaml');
    writeFileSync(path, 'tables:\n  CUSTMST:\n    hiden: true\n    columns:\n      CRLMT: { pii: "yes" }\n');
    const run = await runCli([], { ...sandbox.env, DATA_DICTIONARY_PATH: path, APP_ENV: 'production' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`DATA_DICTIONARY_PATH: ${path}:`);
    expect(run.stderr).toContain('tables.CUSTMST');
    expect(run.stderr).toContain('tables.CUSTMST.columns.CRLMT.pii');
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.stdout).toBe('');
  });

  it('exits 2 for a YAML syntax error and for a missing file', async () => {
    const broken = join(sandbox.dir, 'broken.yaml');
    writeFileSync(broken, 'tables:\n  CUSTMST: {description: "unclosed\n');
    const syntax = await runCli([], { ...sandbox.env, DATA_DICTIONARY_PATH: broken });
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toContain(`DATA_DICTIONARY_PATH: ${broken}: is not valid YAML`);
    const missing = await runCli([], {
      ...sandbox.env,
      DATA_DICTIONARY_PATH: join(sandbox.dir, 'nope.json'),
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/DATA_DICTIONARY_PATH: .*nope\.json: cannot be read \(ENOENT\)/);
  });
});

/** A scratch PostgreSQL database with a payroll table to hide, or why there is none. */
function setUpPostgres(): { url: string; drop(): void } | string {
  const server = new URL(PG_URL);
  const name = `lb_dict_${randomBytes(4).toString('hex')}`;
  const psql = (db: string, sql: string) => {
    const u = new URL(server);
    u.pathname = `/${db}`;
    return execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', u.toString(), '-c', sql], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  };
  try {
    psql(server.pathname.slice(1), 'SELECT 1');
  } catch (error) {
    return `PostgreSQL at LEGACYBRIDGE_TEST_POSTGRES_URL is not usable: ${(error as Error).message}`;
  }
  psql(server.pathname.slice(1), `CREATE DATABASE ${name}`);
  psql(
    name,
    `CREATE SCHEMA hr;
     CREATE TABLE custmst (custno int PRIMARY KEY, cstnm text NOT NULL, taxid text);
     CREATE TABLE ordhdr (ordno int PRIMARY KEY, custno int NOT NULL REFERENCES custmst, ordtot int NOT NULL);
     CREATE TABLE hr.payroll (empno int PRIMARY KEY, custno int REFERENCES custmst, gross int NOT NULL);
     CREATE TABLE public.payroll_codes (code text PRIMARY KEY);
     INSERT INTO custmst VALUES (1, 'ACME', '12-345'), (2, 'GLOBEX', NULL);
     INSERT INTO ordhdr VALUES (10, 1, 500), (11, 2, 700);
     INSERT INTO hr.payroll VALUES (7, 1, 99999);
     INSERT INTO payroll_codes VALUES ('A');`,
  );
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => psql(server.pathname.slice(1), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

describe('PostgreSQL with a small dictionary (stdio)', () => {
  const pg = setUpPostgres();
  const skip = typeof pg === 'string' ? pg : undefined;
  if (skip !== undefined && required('postgres')) throw new Error(skip);
  if (skip !== undefined) console.warn(`skipping the PostgreSQL data dictionary e2e: ${skip}`);

  let sandbox: Sandbox;
  let conn: StdioConnection;
  beforeAll(async () => {
    if (typeof pg === 'string') return;
    sandbox = createSandbox();
    const path = join(sandbox.dir, 'dictionary.json');
    writeFileSync(
      path,
      JSON.stringify({
        tables: {
          CUSTMST: {
            description: 'Customers',
            synonyms: ['client register'],
            columns: { TAXID: { hidden: true }, CSTNM: { pii: true, description: 'Legal name' } },
          },
          'HR.PAYROLL': { hidden: true },
          'public.no_such_table': { description: 'stale entry: a warning, not a failure' },
        },
      }),
    );
    conn = await connectStdio('v1', { ...sandbox.env, DATABASE_URL: pg.url, DATA_DICTIONARY_PATH: path });
  });
  afterAll(async () => {
    await conn?.close();
    sandbox?.remove();
    if (typeof pg !== 'string') pg.drop();
  });

  it.skipIf(skip !== undefined)('list_tables and search_schema never show the hidden table', async () => {
    const listed = await conn.client.callTool({ name: 'list_tables', arguments: {} });
    expect(tableNames(listed).sort()).toEqual(['custmst', 'ordhdr', 'payroll_codes']);
    const found = await conn.client.callTool({
      name: 'search_schema',
      arguments: { query: 'payroll gross' },
    });
    const matches = (
      found.structuredContent as { matches: { schema?: string; table: string; column?: string }[] }
    ).matches;
    expect(matches.map((m) => `${m.schema}.${m.table}`)).not.toContain('hr.payroll');
    expect(matches[0]).toMatchObject({ schema: 'public', table: 'payroll_codes' });
    const bySynonym = await conn.client.callTool({
      name: 'search_schema',
      arguments: { query: 'client register' },
    });
    expect((bySynonym.structuredContent as { matches: { table: string }[] }).matches[0]?.table).toBe(
      'custmst',
    );
    expect(conn.stderr()).toContain('public.no_such_table');
  });

  it.skipIf(skip !== undefined)('describe_table hides the table and the hidden column', async () => {
    const payroll = await conn.client.callTool({
      name: 'describe_table',
      arguments: { table: 'hr.payroll' },
    });
    expect(payroll.isError).toBe(true);
    expect(textOf(payroll)).toMatch(/^No table named "hr\.payroll" exists/);
    const cust = await conn.client.callTool({ name: 'describe_table', arguments: { table: 'custmst' } });
    expect(cust.isError).toBeFalsy();
    const text = textOf(cust);
    expect(text).not.toContain('taxid');
    expect(text).toContain('cstnm|text|no|||Legal name [pii]');
    // The key from hr.payroll to custmst is gone with its table.
    expect(text).not.toContain('payroll');
  });

  it.skipIf(skip !== undefined)(
    'run_query and explain_query refuse the hidden table, and read the rest',
    async () => {
      for (const sql of [
        'SELECT * FROM hr.payroll',
        'SELECT gross FROM "hr"."PAYROLL"',
        'SELECT c.cstnm FROM custmst c JOIN hr.payroll p ON p.custno = c.custno',
        'WITH p AS (SELECT * FROM hr.Payroll) SELECT count(*) FROM p',
        "SELECT table_to_xml('hr.payroll'::regclass, true, false, '')",
      ]) {
        const result = await conn.client.callTool({ name: 'run_query', arguments: { sql } });
        expect(result.isError, sql).toBe(true);
        expect(textOf(result), sql).toContain('data dictionary hides');
      }
      const explained = await conn.client.callTool({
        name: 'explain_query',
        arguments: { sql: 'SELECT * FROM hr.payroll' },
      });
      expect(explained.isError).toBe(true);
      const ok = await conn.client.callTool({
        name: 'run_query',
        arguments: {
          sql: 'SELECT o.ordno, c.cstnm FROM ordhdr o JOIN custmst c ON c.custno = o.custno ORDER BY o.ordno',
        },
      });
      expect(ok.isError).toBeFalsy();
      expect(textOf(ok)).toMatch(/^ordno\|cstnm\n10\|ACME\n11\|GLOBEX\n/);
    },
  );

  it.skipIf(skip !== undefined)('find_join_path joins around the hidden table', async () => {
    const path = await conn.client.callTool({
      name: 'find_join_path',
      arguments: { from: 'ordhdr', to: 'custmst' },
    });
    expect(path.isError).toBeFalsy();
    expect(textOf(path)).not.toContain('payroll');
    const toHidden = await conn.client.callTool({
      name: 'find_join_path',
      arguments: { from: 'custmst', to: 'hr.payroll' },
    });
    expect(toHidden.isError).toBe(true);
  });
});
