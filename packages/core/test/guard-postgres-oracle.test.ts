import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReadOnlySql } from '../src/guard/index.js';
import { pick, prng, trickyText } from './support/random-sql.js';

/**
 * PostgreSQL itself as the oracle for the guard's PostgreSQL reading (dollar quotes, nested
 * comments, E-strings): every text the guard accepts must, sent through the extended protocol
 * inside a READ ONLY transaction, be neither several statements (the server refuses to prepare
 * those) nor a write (SQLSTATE 25006). `pg` is the PostgreSQL adapter's driver; core must not depend
 * on it, so the test borrows it from that package. The server comes from
 * LEGACYBRIDGE_TEST_POSTGRES_URL (DESIGN.md §6); without it the test is skipped, loudly, unless
 * LEGACYBRIDGE_REQUIRE_DB names postgres.
 */

const URL_VARIABLE = 'LEGACYBRIDGE_TEST_POSTGRES_URL';

interface PgError {
  readonly code?: string;
  readonly message: string;
}
interface PgClient {
  connect(): Promise<void>;
  query(config: string | { text: string; queryMode: 'extended' }): Promise<unknown>;
  end(): Promise<void>;
}

function loadPg(): (new (config: { connectionString: string }) => PgClient) | string {
  try {
    const require = createRequire(new URL('../package.json', import.meta.url));
    return (require('pg') as { Client: new (config: { connectionString: string }) => PgClient }).Client;
  } catch (error) {
    return `pg could not be loaded as a devDependency of core (${String(error)})`;
  }
}

const url = process.env[URL_VARIABLE];
const Client = loadPg();
const required = (process.env.LEGACYBRIDGE_REQUIRE_DB ?? '').split(',').includes('postgres');
const skipReason =
  typeof Client === 'string'
    ? Client
    : url
      ? undefined
      : `set ${URL_VARIABLE} to run it against a real server`;
if (skipReason && !required) console.warn(`SKIPPED guard-vs-PostgreSQL oracle tests: ${skipReason}`);

const TRICKY = [
  "'",
  '"',
  '\\',
  '$',
  '$$',
  '$q$',
  ';',
  '--',
  '/*',
  '*/',
  '\n',
  '\r',
  'a',
  ' ',
  '; DELETE FROM t',
  'x',
];

/** A valid PostgreSQL SELECT whose literals, aliases and comments hold quote, dollar and comment markers. */
function validLookingQuery(random: () => number): string {
  const items: string[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let k = 0; k < count; k++) {
    const text = trickyText(random, TRICKY);
    const kind = Math.floor(random() * 7);
    if (kind === 0) items.push(`'${text.replaceAll("'", "''")}'`);
    else if (kind === 1) items.push(`E'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`);
    else if (kind === 2) items.push(`$z$${text.replaceAll('$z$', '')}$z$`);
    else if (kind === 3) items.push(`$$${text.replaceAll('$$', '').replace(/\$$/, '')}$$`);
    else if (kind === 4) items.push(`1 AS "${text.replaceAll('"', '""')}"`);
    else if (kind === 5) items.push(`2 /* ${text.replaceAll('/*', '').replaceAll('*/', '')} /* nested */ */`);
    else items.push(`3 --${text.replaceAll('\n', '').replaceAll('\r', '')}\n`);
  }
  const tail = pick(random, [
    '',
    ';',
    '; -- x',
    ';/* */;',
    '; DELETE FROM t',
    '; SELECT 2',
    ' FROM t',
    ' FROM t WHERE a = 1',
  ]);
  return `SELECT ${items.join(', ')}${tail}`;
}

describe.skipIf(skipReason !== undefined && !required)('checkReadOnlySql against PostgreSQL itself', () => {
  let client: PgClient | undefined;
  const schema = `legacybridge_guard_${process.pid}_${Date.now()}`;

  beforeAll(async () => {
    if (skipReason) throw new Error(`LEGACYBRIDGE_REQUIRE_DB names postgres, but ${skipReason}`);
    client = new (Client as new (config: { connectionString: string }) => PgClient)({
      connectionString: url!,
    });
    await client.connect();
    await client.query("SET statement_timeout = '5s'");
    // Not a temporary table: READ ONLY transactions may write those. A schema of our own instead,
    // dropped afterwards, so nothing of anyone else's is touched.
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path = ${schema}`);
    await client.query('CREATE TABLE t (a int, b text)');
  });

  afterAll(async () => {
    if (!client) return;
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  /** 'ok', 'error' (the server rejects it for another reason), 'several' or 'writes'. */
  async function serverVerdict(sql: string, standardConformingStrings = true): Promise<string> {
    if (!client) throw new Error('not connected');
    await client.query('BEGIN READ ONLY');
    try {
      if (!standardConformingStrings) await client.query('SET LOCAL standard_conforming_strings = off');
      await client.query({ text: sql, queryMode: 'extended' });
      return 'ok';
    } catch (error) {
      const { code, message } = error as PgError;
      if (message.includes('multiple commands')) return 'several';
      return code === '25006' ? 'writes' : 'error';
    } finally {
      await client.query('ROLLBACK');
    }
  }

  it('agrees that it sees one statement, and that DELETE in the text is a write', async () => {
    expect(await serverVerdict('SELECT 1; SELECT 2')).toBe('several');
    expect(await serverVerdict('DELETE FROM t')).toBe('writes');
    expect(await serverVerdict("SELECT $$;$$, E'\\';', 1 /* /* */ ; */")).toBe('ok');
  });

  // Where a reading mistake would matter: the server's verdict pins down how it reads each text,
  // with standard_conforming_strings on (the default) and off (legacy servers and roles).
  const TRICKY_CASES: readonly (readonly [string, string, string, 'accept' | 'refuse'])[] = [
    // One string when on, two statements when off: refused, since the guard cannot know the setting.
    ["SELECT 'x\\'' ; DELETE FROM t; -- '", 'ok', 'several', 'refuse'],
    ["SELECT E'\\\\'; DELETE FROM t; --'", 'several', 'several', 'refuse'],
    ["SELECT E'\\'; DELETE FROM t; --'", 'ok', 'ok', 'accept'],
    ['SELECT $a$ $b$ ; DELETE FROM t; $a$', 'ok', 'ok', 'accept'],
    ['SELECT $a$ $$ $a$; DELETE FROM t', 'several', 'several', 'refuse'],
    ['SELECT 1 /* /* */ ; DELETE FROM t; */', 'ok', 'ok', 'accept'],
    ['SELECT 1 /* */ ; DELETE FROM t; /* */', 'several', 'several', 'refuse'],
    ['SELECT 1 --x\r; DELETE FROM t', 'several', 'several', 'refuse'],
    ['SELECT 1 AS "a"";DELETE FROM t"', 'ok', 'ok', 'accept'],
  ];

  it.each(TRICKY_CASES)('reads %j as the server does (on: %s, off: %s)', async (sql, on, off, guard) => {
    expect(await serverVerdict(sql, true)).toBe(on);
    expect(await serverVerdict(sql, false)).toBe(off);
    expect(checkReadOnlySql(sql, 'postgres').isOk() ? 'accept' : 'refuse').toBe(guard);
  });

  it('agrees on 1,500 valid queries hiding statements in literals and comments, some with a character cut, under both string settings', async () => {
    const random = prng(15);
    const outcomes = { refused: 0, accepted: 0, ok: 0 };
    for (let sample = 0; sample < 1500; sample++) {
      let sql = validLookingQuery(random);
      if (random() < 0.5) {
        const at = Math.floor(random() * sql.length);
        sql = sql.slice(0, at) + sql.slice(at + 1);
      }
      if (checkReadOnlySql(sql, 'postgres').isErr()) {
        outcomes.refused++;
        continue;
      }
      const verdict = await serverVerdict(sql, true);
      expect(['ok', 'error'], `sample ${sample}: ${JSON.stringify(sql)} → ${verdict}`).toContain(verdict);
      const legacy = await serverVerdict(sql, false);
      expect(['ok', 'error'], `sample ${sample} (strings off): ${JSON.stringify(sql)} → ${legacy}`).toContain(
        legacy,
      );
      if (verdict === 'ok') outcomes.ok++;
      else outcomes.accepted++;
    }
    expect(outcomes.ok).toBeGreaterThan(400);
    expect(outcomes.refused).toBeGreaterThan(150);
  });
});
