import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReadOnlySql } from '../src/guard/index.js';
import { pick, prng, trickyText } from './support/random-sql.js';

/**
 * MySQL/MariaDB itself as the oracle for the guard's MySQL readings (`#` and `-- ` comments,
 * executable comments, backslash escapes, ANSI_QUOTES): every text the guard accepts must, under
 * each sql_mode that changes quoting, run as one statement (mysql2 returns one result set per
 * statement) that a READ ONLY transaction does not refuse as a write. `mysql2` is the MySQL
 * adapter's driver, borrowed from that package because core must not depend on it. The server
 * comes from LEGACYBRIDGE_TEST_MYSQL_URL; without it the test is skipped, loudly, unless
 * LEGACYBRIDGE_REQUIRE_DB names mysql.
 */

const URL_VARIABLE = 'LEGACYBRIDGE_TEST_MYSQL_URL';

interface MysqlConnection {
  query(sql: string): Promise<[unknown, unknown]>;
  end(): Promise<void>;
}
type Connect = (config: { uri: string; multipleStatements: boolean }) => Promise<MysqlConnection>;

function loadMysql(): Connect | string {
  try {
    const require = createRequire(new URL('../package.json', import.meta.url));
    return (require('mysql2/promise') as { createConnection: Connect }).createConnection;
  } catch (error) {
    return `mysql2 could not be loaded as a devDependency of core (${String(error)})`;
  }
}

const url = process.env[URL_VARIABLE];
const connect = loadMysql();
const required = (process.env.LEGACYBRIDGE_REQUIRE_DB ?? '').split(',').includes('mysql');
const skipReason =
  typeof connect === 'string'
    ? connect
    : url
      ? undefined
      : `set ${URL_VARIABLE} to run it against a real server`;
if (skipReason && !required) console.warn(`SKIPPED guard-vs-MySQL oracle tests: ${skipReason}`);

/**
 * The sql_mode values that change how text is split into strings, names and comments. MSSQL is
 * MariaDB's (ANSI_QUOTES plus [name] identifiers); MySQL refuses it, so it is tried only on MariaDB.
 */
const SQL_MODES = [
  '',
  'NO_BACKSLASH_ESCAPES',
  'ANSI_QUOTES',
  'ANSI_QUOTES,NO_BACKSLASH_ESCAPES',
  'MSSQL',
  'MSSQL,NO_BACKSLASH_ESCAPES',
] as const;

const TRICKY = [
  "'",
  '"',
  '`',
  '\\',
  ';',
  '--',
  '-- ',
  '#',
  '/*',
  '*/',
  '\n',
  '\r',
  '[',
  ']',
  'a',
  ' ',
  '; DELETE FROM t',
  'x',
];

/** A valid MySQL SELECT whose strings, aliases and comments hold quotes, backslashes and comment markers. */
function validLookingQuery(random: () => number): string {
  const items: string[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let k = 0; k < count; k++) {
    const text = trickyText(random, TRICKY);
    const kind = Math.floor(random() * 7);
    if (kind === 0) items.push(`'${text.replaceAll("'", "''")}'`);
    else if (kind === 1) items.push(`1 AS "${text.replaceAll('"', '""')}"`);
    else if (kind === 2) items.push(`2 AS \`${text.replaceAll('`', '``')}\``);
    else if (kind === 3) items.push(`3 /*${text.replaceAll('*/', '').replace(/^[!+]/, '')}*/`);
    else if (kind === 4) items.push(`4 -- ${text.replaceAll('\n', '')}\n`);
    else if (kind === 5) items.push(`5 #${text.replaceAll('\n', '')}\n`);
    else items.push(`6 AS [${text.replaceAll(']', ']]')}]`);
  }
  // No comment after a final `;`: with several statements allowed, MySQL counts it as an empty
  // statement, which the oracle could not tell from a real one.
  const tail = pick(random, [
    '',
    ';',
    ';;',
    '; DELETE FROM t',
    '; SELECT 2',
    ' FROM t',
    ' FROM t WHERE a = 1',
  ]);
  return `SELECT ${items.join(', ')}${tail}`;
}

describe.skipIf(skipReason !== undefined && !required)(
  'checkReadOnlySql against MySQL/MariaDB itself',
  () => {
    let connection: MysqlConnection | undefined;
    let modes: readonly string[] = SQL_MODES;
    const database = `legacybridge_guard_${process.pid}_${Date.now()}`;

    beforeAll(async () => {
      if (skipReason) throw new Error(`LEGACYBRIDGE_REQUIRE_DB names mysql, but ${skipReason}`);
      // Several statements per call on purpose: that is how a hidden second statement shows itself.
      connection = await (connect as Connect)({ uri: url!, multipleStatements: true });
      await connection.query(`CREATE DATABASE ${database}`);
      await connection.query(`USE ${database}`);
      await connection.query('CREATE TABLE t (a int, b text)');
      const [rows] = await connection.query('SELECT VERSION() AS v');
      if (!/mariadb/i.test(String((rows as { v: string }[])[0]?.v))) {
        modes = SQL_MODES.filter((mode) => !mode.includes('MSSQL'));
      }
    });

    afterAll(async () => {
      if (!connection) return;
      await connection.query(`DROP DATABASE IF EXISTS ${database}`);
      await connection.end();
    });

    /** 'ok', 'error' (refused for another reason), 'several' or 'writes', under one sql_mode. */
    async function serverVerdict(sql: string, mode: string): Promise<string> {
      if (!connection) throw new Error('not connected');
      await connection.query(`SET SESSION sql_mode = '${mode}'`);
      await connection.query('START TRANSACTION READ ONLY');
      try {
        const [, fields] = await connection.query(sql);
        // One result set per statement: nested field lists mean more than one statement ran.
        const several =
          Array.isArray(fields) && fields.some((field) => field === undefined || Array.isArray(field));
        return several ? 'several' : 'ok';
      } catch (error) {
        // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
        return (error as { errno?: number }).errno === 1792 ? 'writes' : 'error';
      } finally {
        await connection.query('ROLLBACK');
        await connection.query('SET SESSION sql_mode = DEFAULT');
      }
    }

    // Each server verdict pins down how that mode reads the text. The third column says whether some
    // mode really runs a second statement or a write, so a refusal is shown to be needed.
    const TRICKY_CASES: readonly (readonly [string, 'accept' | 'refuse', boolean])[] = [
      ['SELECT 1 --1; DELETE FROM t', 'refuse', true],
      ['SELECT 1 -- x; DELETE FROM t', 'accept', false],
      ['SELECT 1 # ; DELETE FROM t', 'accept', false],
      ["SELECT 'a\\'; DELETE FROM t; -- '", 'refuse', true],
      ["SELECT 'a\\\\'; DELETE FROM t; -- '", 'refuse', true],
      ['SELECT 1 AS "a\\"; DELETE FROM t; -- "', 'refuse', true],
      ['SELECT 1 /*! , 2 */', 'refuse', false],
      ['SELECT 1 /* /* */ ; DELETE FROM t; /* */', 'refuse', true],
      ["SELECT 1 AS `a;b`, 'c'';DELETE FROM t'", 'accept', false],
      // `#` and `-- ` comments run past a bare CR to the LF.
      ["SELECT 1 # x\r'\n; DELETE FROM t -- '", 'refuse', true],
      ["SELECT 1 -- x\r'\n; DELETE FROM t -- '", 'refuse', true],
      ['SELECT 1 # x\r; DELETE FROM t', 'accept', false],
      // MariaDB's sql_mode MSSQL: [..] names, ]] for ].
      ["SELECT 1 AS [']; DELETE FROM t; -- ']", 'refuse', true],
      ["SELECT 1 AS [a]]']; DELETE FROM t; -- ']", 'refuse', true],
    ];

    it('sees a hidden second statement and a write for what they are', async () => {
      expect(await serverVerdict('SELECT 1; SELECT 2', '')).toBe('several');
      expect(await serverVerdict('DELETE FROM t', '')).toBe('writes');
      // MySQL reads `--1` as minus minus one, not as a comment.
      expect(await serverVerdict('SELECT 1 --1; SELECT 2', '')).toBe('several');
      expect(await serverVerdict("SELECT 'a\\'; SELECT 2; -- '", '')).toBe('ok');
      expect(await serverVerdict("SELECT 'a\\'; SELECT 2; -- '", 'NO_BACKSLASH_ESCAPES')).toBe('several');
    });

    it.each(TRICKY_CASES)(
      '%j: the guard decides %s (a mode runs more: %s)',
      async (sql, guard, dangerous) => {
        const accepted = checkReadOnlySql(sql, 'mysql').isOk();
        expect(accepted ? 'accept' : 'refuse').toBe(guard);
        const verdicts: string[] = [];
        // One connection, so one mode at a time.
        for (const mode of modes) verdicts.push(`${mode}:${await serverVerdict(sql, mode)}`);
        expect(
          verdicts.some((verdict) => /:(several|writes)$/.test(verdict)),
          verdicts.join(' '),
        ).toBe(dangerous);
      },
    );

    it('agrees on 600 valid queries hiding statements in strings, names, brackets and comments, under every quoting mode', async () => {
      const random = prng(3306);
      const outcomes = { refused: 0, accepted: 0, ok: 0 };
      for (let sample = 0; sample < 600; sample++) {
        let sql = validLookingQuery(random);
        if (random() < 0.5) {
          const at = Math.floor(random() * sql.length);
          sql = sql.slice(0, at) + sql.slice(at + 1);
        }
        if (checkReadOnlySql(sql, 'mysql').isErr()) {
          outcomes.refused++;
          continue;
        }
        let allOk = true;
        for (const mode of modes) {
          const verdict = await serverVerdict(sql, mode);
          expect(
            ['ok', 'error'],
            `sample ${sample} (${mode || 'default'}): ${JSON.stringify(sql)} → ${verdict}`,
          ).toContain(verdict);
          allOk &&= verdict === 'ok';
        }
        if (allOk) outcomes.ok++;
        else outcomes.accepted++;
      }
      expect(outcomes.ok).toBeGreaterThan(100);
      expect(outcomes.refused).toBeGreaterThan(100);
    });
  },
);
