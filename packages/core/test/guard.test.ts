import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { checkReadOnlySql, DEFAULT_MAX_SQL_LENGTH } from '../src/guard/index.js';
import { DIALECTS, type Dialect, toPublicMessage } from '../src/index.js';
import { pick, prng, trickyText } from './support/random-sql.js';

/**
 * The statement guard's corpus for SQLite (the shipped adapter) and for standard SQL forms that
 * must behave the same in every dialect. Each row is one SQL text and the expected outcome.
 */

function verdict(sql: string, dialect: Dialect = 'sqlite'): string {
  const result = checkReadOnlySql(sql, dialect);
  return result.isOk() ? `ok:${result.value.statementKind}` : result.error.kind;
}

function reasonOf(sql: string, dialect: Dialect = 'sqlite'): string {
  const result = checkReadOnlySql(sql, dialect);
  if (result.isOk()) throw new Error(`expected a refusal for ${sql}`);
  const failure = result.error;
  if (failure.kind === 'ReadOnlyViolation' || failure.kind === 'InvalidInput') return failure.reason;
  return failure.message;
}

/** Read-only SQL every dialect must accept, with the statement kind reported. */
const STANDARD_ALLOWED: readonly (readonly [string, string])[] = [
  ['SELECT 1', 'select'],
  ['select 1', 'select'],
  ['SELECT 1;', 'select'],
  ['SELECT 1 ;  ', 'select'],
  ['SELECT 1;;', 'select'],
  ['SELECT 1;/* */;', 'select'],
  ['SELECT 1; -- trailing comment', 'select'],
  ['SELECT 1 -- delete', 'select'],
  ['SELECT 1 /* DROP TABLE t; */', 'select'],
  ['/* leading comment */ SELECT 1', 'select'],
  ['-- a comment line\nSELECT 1', 'select'],
  ['\n\t  SELECT\r\n1\f', 'select'],
  ["SELECT 'DROP TABLE x'", 'select'],
  ["SELECT ';DROP'", 'select'],
  ["SELECT 'it''s; DELETE FROM t'", 'select'],
  ["SELECT 'a -- not a comment', 'b /* nor this'", 'select'],
  ['SELECT "a;b" FROM t', 'select'],
  ['SELECT "drop_reason" FROM t', 'select'],
  ['SELECT "delete" FROM t', 'select'],
  ['SELECT "a""b" FROM t', 'select'],
  ['SELECT created_at, updated_by, is_deleted, delete_flag FROM t', 'select'],
  ['SELECT insert_date, update_count, deleted_at, merged_into_id, dropped FROM events', 'select'],
  ['SELECT grant_id, created, altered, truncated, replaced_by FROM audit', 'select'],
  ['SELECT comment, description, analyze_flag FROM posts', 'select'],
  ['SELECT * FROM t WHERE x IN (SELECT y FROM u)', 'select'],
  ['SELECT * FROM (SELECT 1 AS a) AS sub', 'select'],
  ['SELECT a FROM t UNION SELECT b FROM u', 'select'],
  ['SELECT a FROM t UNION ALL SELECT b FROM u', 'select'],
  ['SELECT a FROM t INTERSECT SELECT b FROM u', 'select'],
  ['SELECT a FROM t EXCEPT SELECT b FROM u', 'select'],
  ['(SELECT 1) UNION (SELECT 2)', 'select'],
  ['((SELECT 1))', 'select'],
  ["SELECT CASE WHEN a > 1 THEN 'big' ELSE 'small' END FROM t", 'select'],
  ['SELECT CAST(a AS INTEGER) FROM t', 'select'],
  ['SELECT row_number() OVER (PARTITION BY a ORDER BY b DESC) FROM t', 'select'],
  ['SELECT sum(x) OVER w FROM t WINDOW w AS (ORDER BY y ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)', 'select'],
  ['SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 10 OFFSET 5', 'select'],
  ["SELECT replace(name, 'a', 'b') FROM t", 'select'],
  ['SELECT coalesce(a, b), nullif(c, 0), lower(d), substr(e, 1, 2) FROM t', 'select'],
  ['SELECT * FROM a JOIN b ON a.id = b.a_id LEFT JOIN c USING (id)', 'select'],
  ['SELECT EXISTS (SELECT 1 FROM t WHERE t.x = 1)', 'select'],
  ['SELECT 1e10, .5, 0.25, 1E-3, 0x1F', 'select'],
  ['SELECT -1 - -2', 'select'],
  ['SELECT a/b*c FROM t', 'select'],
  ['WITH x AS (SELECT 1 AS a) SELECT a FROM x', 'with'],
  ['WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n', 'with'],
  ['with a as (select 1), b as (select 2) select * from a, b', 'with'],
  ['VALUES (1, 2), (3, 4)', 'values'],
  ['SELECT \'ünïcödé\', "naïve" FROM t', 'select'],
  ['SELECT * FROM t -- it is fine; DROP TABLE t', 'select'],
  ["SELECT 'x' || 'y' FROM t WHERE name LIKE '%drop%'", 'select'],
];

/**
 * Keywords after `.` or AS are names in every dialect but SQL Server, whose reserved words are never
 * names unquoted (there `$. DELETE FROM t` is a money literal and a second statement).
 */
const KEYWORDS_AS_NAMES: readonly string[] = ['SELECT t.update, t.delete FROM t', 'SELECT 1 AS delete'];

/** SQL every dialect must refuse, with the failure kind. */
const STANDARD_REFUSED: readonly (readonly [string, string])[] = [
  ['SELECT 1; DROP TABLE t', 'ReadOnlyViolation'],
  ['SELECT 1; SELECT 2', 'ReadOnlyViolation'],
  ["SELECT ';'; DELETE FROM t", 'ReadOnlyViolation'],
  ['SELECT 1 /* ; */ ; UPDATE t SET a = 1', 'ReadOnlyViolation'],
  ['DROP TABLE t', 'ReadOnlyViolation'],
  ['drop table t', 'ReadOnlyViolation'],
  ['  /* hi */ DELETE FROM t', 'ReadOnlyViolation'],
  ['INSERT INTO t VALUES (1)', 'ReadOnlyViolation'],
  ['UPDATE t SET a = 1', 'ReadOnlyViolation'],
  ['DELETE FROM t', 'ReadOnlyViolation'],
  ['MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', 'ReadOnlyViolation'],
  ['REPLACE INTO t VALUES (1)', 'ReadOnlyViolation'],
  ['UPSERT INTO t VALUES (1)', 'ReadOnlyViolation'],
  ['CREATE TABLE t (a INT)', 'ReadOnlyViolation'],
  ['CREATE VIEW v AS SELECT 1', 'ReadOnlyViolation'],
  ['ALTER TABLE t ADD COLUMN b INT', 'ReadOnlyViolation'],
  ['TRUNCATE TABLE t', 'ReadOnlyViolation'],
  ['RENAME TABLE a TO b', 'ReadOnlyViolation'],
  ["COMMENT ON TABLE t IS 'x'", 'ReadOnlyViolation'],
  ['GRANT SELECT ON t TO bob', 'ReadOnlyViolation'],
  ['REVOKE SELECT ON t FROM bob', 'ReadOnlyViolation'],
  ['BEGIN', 'ReadOnlyViolation'],
  ['COMMIT', 'ReadOnlyViolation'],
  ['ROLLBACK', 'ReadOnlyViolation'],
  ['SAVEPOINT a', 'ReadOnlyViolation'],
  ['RELEASE SAVEPOINT a', 'ReadOnlyViolation'],
  ['START TRANSACTION', 'ReadOnlyViolation'],
  ['END', 'ReadOnlyViolation'],
  ['ANALYZE', 'ReadOnlyViolation'],
  ['SET x = 1', 'ReadOnlyViolation'],
  ['CALL p()', 'ReadOnlyViolation'],
  ['EXEC p', 'ReadOnlyViolation'],
  ['DO 1', 'ReadOnlyViolation'],
  ['LOCK TABLE t', 'ReadOnlyViolation'],
  ["COPY t TO '/tmp/x'", 'ReadOnlyViolation'],
  ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', 'ReadOnlyViolation'],
  ['WITH i AS (INSERT INTO t VALUES (1) RETURNING id) SELECT id FROM i', 'ReadOnlyViolation'],
  ['WITH u AS (UPDATE t SET a = 1 RETURNING *) SELECT 1', 'ReadOnlyViolation'],
  ['WITH x AS (SELECT 1) DELETE FROM t', 'ReadOnlyViolation'],
  ['(DELETE FROM t)', 'ReadOnlyViolation'],
  ['SELECT * INTO new_table FROM t', 'ReadOnlyViolation'],
  ["SELECT * FROM t INTO OUTFILE '/tmp/x'", 'ReadOnlyViolation'],
  ["SELECT * FROM t INTO DUMPFILE '/tmp/x'", 'ReadOnlyViolation'],
  ['SELECT * FROM t FOR UPDATE', 'ReadOnlyViolation'],
  ['SELECT * FROM t FOR SHARE', 'ReadOnlyViolation'],
  ['SELECT * FROM t FOR NO KEY UPDATE', 'ReadOnlyViolation'],
  ['SELECT * FROM t LOCK IN SHARE MODE', 'ReadOnlyViolation'],
  ['SELECT update FROM t', 'ReadOnlyViolation'],
  ['FOO BAR', 'ReadOnlyViolation'],
  ['42', 'ReadOnlyViolation'],
  ['(', 'ReadOnlyViolation'],
  ['', 'InvalidInput'],
  ['   \n\t ', 'InvalidInput'],
  ['-- only a comment', 'InvalidInput'],
  ['/* only */ /* comments */', 'InvalidInput'],
  [';', 'InvalidInput'],
  [' ; ; ', 'InvalidInput'],
  ["SELECT 'unterminated", 'InvalidInput'],
  ['SELECT "unterminated', 'InvalidInput'],
  ['SELECT 1 /* unterminated', 'InvalidInput'],
  ['SELECT\u00a01', 'InvalidInput'],
  ['SELECT 1\u2028', 'InvalidInput'],
  ['\ufeffSELECT 1', 'InvalidInput'],
  ['SELECT\u200b1', 'InvalidInput'],
  ['SELECT 1\0', 'InvalidInput'],
  ['SELECT \ud800', 'InvalidInput'],
  ["SELECT 'a\udc00'", 'InvalidInput'],
];

describe('checkReadOnlySql: standard SQL in every dialect', () => {
  for (const dialect of DIALECTS) {
    describe(dialect, () => {
      it.each(STANDARD_ALLOWED)('allows %j', (sql, kind) => {
        expect(verdict(sql, dialect)).toBe(`ok:${kind}`);
      });
      it.each(STANDARD_REFUSED)('refuses %j', (sql, kind) => {
        expect(verdict(sql, dialect)).toBe(kind);
      });
      it.each(KEYWORDS_AS_NAMES)('reads keywords after . or AS as names, except in SQL Server: %j', (sql) => {
        expect(verdict(sql, dialect)).toBe(dialect === 'mssql' ? 'ReadOnlyViolation' : 'ok:select');
      });
    });
  }
});

const SQLITE_ALLOWED: readonly (readonly [string, string])[] = [
  ['SELECT `a;b` FROM t', 'select'],
  ['SELECT [a;b] FROM [my table]', 'select'],
  ['SELECT `drop`, [delete], "insert" FROM t', 'select'],
  ['SELECT * FROM t WHERE a = ? AND b = ?1 AND c = :c AND d = @d AND e = $e', 'select'],
  ['SELECT * FROM t WHERE a = :delete', 'select'],
  ["SELECT 'C:\\'", 'select'],
  ["SELECT X'DEADBEEF'", 'select'],
  ['explain query plan select 1', 'explain'],
  ['EXPLAIN QUERY PLAN SELECT * FROM t WHERE a = 1', 'explain'],
  ['EXPLAIN SELECT 1', 'explain'],
  ['EXPLAIN QUERY PLAN WITH x AS (SELECT 1) SELECT * FROM x', 'explain'],
  ['PRAGMA table_info(t)', 'pragma'],
  ["PRAGMA table_info('my table')", 'pragma'],
  ['PRAGMA table_info("t")', 'pragma'],
  ['pragma TABLE_INFO(t)', 'pragma'],
  ['PRAGMA main.table_info(t);', 'pragma'],
  ['PRAGMA table_xinfo(t)', 'pragma'],
  ['PRAGMA index_list(t)', 'pragma'],
  ['PRAGMA index_info(idx)', 'pragma'],
  ['PRAGMA index_xinfo(idx)', 'pragma'],
  ['PRAGMA foreign_key_list(t)', 'pragma'],
  ['PRAGMA foreign_key_check', 'pragma'],
  ['PRAGMA database_list', 'pragma'],
  ['PRAGMA table_list', 'pragma'],
  ['PRAGMA user_version', 'pragma'],
  ['PRAGMA compile_options', 'pragma'],
  ["SELECT * FROM pragma_table_info('t')", 'select'],
  ["SELECT name FROM sqlite_master WHERE type = 'table'", 'select'],
  ["SELECT json_extract(doc, '$.a') FROM t", 'select'],
  ['SELECT readfile_count, writefile_path, edit_date FROM t', 'select'],
  ['SELECT t.edit FROM t', 'select'],
  ['SELECT "a$b", a$b FROM t', 'select'],
  ['SELECT 1 /* unclosed-looking -- */ + 1', 'select'],
  ['SELECT 1 /* /* not nested in sqlite */', 'select'],
  ['SELECT 1_000_000', 'select'],
  // SQLite ends a line comment at LF only, so all of `--x\r; DELETE FROM t` is comment.
  ['SELECT 1 --x\r; DELETE FROM t', 'select'],
  ['SELECT #a, $b, :c, @d FROM t', 'select'],
  // Unicode letters that upper- or lower-case to ASCII are not keywords or known names to SQLite.
  ["SELECT fts3_to\u212Aenizer('x')", 'select'],
];

const SQLITE_REFUSED: readonly (readonly [string, string])[] = [
  ['PRAGMA journal_mode', 'ReadOnlyViolation'],
  ['PRAGMA journal_mode=DELETE', 'ReadOnlyViolation'],
  ['PRAGMA journal_mode = WAL', 'ReadOnlyViolation'],
  ['PRAGMA journal_mode(DELETE)', 'ReadOnlyViolation'],
  ['PRAGMA user_version = 7', 'ReadOnlyViolation'],
  ['PRAGMA foreign_keys = OFF', 'ReadOnlyViolation'],
  ['PRAGMA writable_schema = ON', 'ReadOnlyViolation'],
  ['PRAGMA writable_schema', 'ReadOnlyViolation'],
  ['PRAGMA optimize', 'ReadOnlyViolation'],
  ['PRAGMA wal_checkpoint(TRUNCATE)', 'ReadOnlyViolation'],
  ['PRAGMA incremental_vacuum', 'ReadOnlyViolation'],
  ['PRAGMA query_only = 0', 'ReadOnlyViolation'],
  ['PRAGMA no_such_pragma', 'ReadOnlyViolation'],
  ['PRAGMA table_info(t) x', 'ReadOnlyViolation'],
  ['PRAGMA table_info(a, b)', 'ReadOnlyViolation'],
  ['PRAGMA', 'ReadOnlyViolation'],
  ["ATTACH DATABASE 'x' AS y", 'ReadOnlyViolation'],
  ["attach 'x' as y", 'ReadOnlyViolation'],
  ['DETACH DATABASE y', 'ReadOnlyViolation'],
  ['VACUUM', 'ReadOnlyViolation'],
  ["VACUUM INTO '/tmp/x'", 'ReadOnlyViolation'],
  ['REINDEX', 'ReadOnlyViolation'],
  ['ANALYZE t', 'ReadOnlyViolation'],
  ["SELECT load_extension('x')", 'ReadOnlyViolation'],
  ["SELECT LOAD_EXTENSION('x')", 'ReadOnlyViolation'],
  ['SELECT "load_extension"(\'x\')', 'ReadOnlyViolation'],
  ["SELECT `load_extension`('x')", 'ReadOnlyViolation'],
  ["SELECT [load_extension]('x')", 'ReadOnlyViolation'],
  ["SELECT load_extension /* c */ ('x')", 'ReadOnlyViolation'],
  ["select main.writefile('a','b')", 'ReadOnlyViolation'],
  ["SELECT writefile('/tmp/x', 'y')", 'ReadOnlyViolation'],
  ["SELECT readfile('/etc/passwd')", 'ReadOnlyViolation'],
  ["SELECT edit('x')", 'ReadOnlyViolation'],
  ["SELECT fts3_tokenizer('simple', x'00')", 'ReadOnlyViolation'],
  ["SELECT * FROM fsdir('/')", 'ReadOnlyViolation'],
  ["SELECT 1 WHERE 1 = (SELECT load_extension('x'))", 'ReadOnlyViolation'],
  ['EXPLAIN DELETE FROM t', 'ReadOnlyViolation'],
  ['EXPLAIN QUERY PLAN DROP TABLE t', 'ReadOnlyViolation'],
  ['EXPLAIN QUERY PLAN PRAGMA table_info(t)', 'ReadOnlyViolation'],
  ['EXPLAIN EXPLAIN SELECT 1', 'ReadOnlyViolation'],
  ["EXPLAIN SELECT load_extension('x')", 'ReadOnlyViolation'],
  ['CREATE TEMP TABLE x AS SELECT 1', 'ReadOnlyViolation'],
  ['\u017Felect 1', 'ReadOnlyViolation'],
  ['PRAGMA foreign_\u212Aey_list(t)', 'ReadOnlyViolation'],
  ['WITH x AS (SELECT 1) REPLACE INTO t SELECT * FROM x', 'ReadOnlyViolation'],
  ['WITH x AS (SELECT 1) INSERT OR REPLACE INTO t SELECT * FROM x', 'ReadOnlyViolation'],
  ['SELECT [unterminated', 'InvalidInput'],
  ['SELECT `unterminated', 'InvalidInput'],
  ['SELECT 1; -- x\nDELETE FROM t', 'ReadOnlyViolation'],
  // SQLite ends a line comment at LF only: the CR-then-quote reading would hide what follows.
  ['SELECT 1 -- x\r\u0027\n; DELETE FROM t -- \u0027', 'ReadOnlyViolation'],
  // Builds with Tcl variables read `$a(')` as one parameter, so the quote would hide nothing.
  ["SELECT $a(') ; DELETE FROM t; --')", 'InvalidInput'],
  ['SELECT @a(1)', 'InvalidInput'],
  ['SELECT #a(1)', 'InvalidInput'],
  ["SELECT 'a\\'; DROP TABLE t; --'", 'ReadOnlyViolation'],
];

describe('checkReadOnlySql: SQLite', () => {
  it.each(SQLITE_ALLOWED)('allows %j', (sql, kind) => {
    expect(verdict(sql)).toBe(`ok:${kind}`);
  });
  it.each(SQLITE_REFUSED)('refuses %j', (sql, kind) => {
    expect(verdict(sql)).toBe(kind);
  });
});

describe('checkReadOnlySql: refusal reasons an assistant can act on', () => {
  it('names the one-statement rule and where the second statement starts', () => {
    expect(reasonOf('SELECT 1; DROP TABLE t')).toBe(
      'only one statement per call is accepted, but another statement follows the ";" at character 9. Send each statement in its own call.',
    );
  });

  it('says what a refused statement would do', () => {
    expect(reasonOf('DELETE FROM t')).toBe('DELETE changes data.');
    expect(reasonOf("ATTACH DATABASE 'x' AS y")).toBe('ATTACH attaches or detaches a database.');
    expect(reasonOf('BEGIN')).toMatch(/^BEGIN controls transactions/);
  });

  it('points at a data-modifying WITH clause and suggests quoting a column of that name', () => {
    expect(reasonOf('WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d')).toBe(
      'the statement contains DELETE at character 12, which changes data. If DELETE is a column or table name, quote it.',
    );
  });

  it('names the side-effect function as written', () => {
    expect(reasonOf('SELECT "load_extension"(\'x\')')).toBe(
      'load_extension() loads native code into the database engine; the statement guard refuses it.',
    );
    expect(reasonOf("select main.writefile('a','b')")).toMatch(/^writefile\(\) reads or writes files/);
  });

  it('explains a refused PRAGMA and lists what is allowed', () => {
    expect(reasonOf('PRAGMA journal_mode=DELETE')).toMatch(/^PRAGMA journal_mode = … changes a setting/);
    expect(reasonOf('PRAGMA optimize')).toMatch(
      /^PRAGMA optimize is not on the read-only PRAGMA allow-list \(.*table_info/,
    );
  });

  it('says why EXPLAIN of a write is refused', () => {
    expect(reasonOf('EXPLAIN QUERY PLAN DELETE FROM t')).toBe(
      'EXPLAIN is accepted only for a read-only query: DELETE changes data.',
    );
  });

  it('refuses a REPLACE behind a WITH clause as a data change, not as SELECT … INTO', () => {
    expect(reasonOf('WITH x AS (SELECT 1) REPLACE INTO t SELECT * FROM x')).toBe(
      'REPLACE INTO changes data.',
    );
  });

  it('refuses locking reads and SELECT … INTO with their own reasons', () => {
    expect(reasonOf('SELECT * FROM t FOR UPDATE')).toMatch(/^FOR UPDATE locks the rows it reads/);
    expect(reasonOf("SELECT * FROM t INTO OUTFILE '/tmp/x'")).toBe(
      'INTO OUTFILE writes a file on the database server.',
    );
    expect(reasonOf('SELECT * INTO t2 FROM t')).toMatch(/^INTO creates a table/);
  });

  it('lists the accepted statement kinds for an unknown head', () => {
    expect(reasonOf('FROBNICATE t')).toBe(
      'FROBNICATE is not a statement LegacyBridge accepts; send one SELECT, WITH … SELECT, VALUES, EXPLAIN or read-only PRAGMA statement.',
    );
  });

  it('says what a wrong first token is without repeating literal values', () => {
    expect(reasonOf("'secret' SELECT 1")).toBe(
      'a statement must start with SELECT, WITH … SELECT, VALUES, EXPLAIN or read-only PRAGMA, not a string literal (character 1).',
    );
    expect(reasonOf('* FROM t')).toMatch(/, not "\*" \(character 1\)\.$/);
  });

  it('locates an unterminated string and invisible characters', () => {
    expect(reasonOf("SELECT 'abc")).toBe('the string literal starting at character 8 is never closed.');
    expect(reasonOf('SELECT 1 /* x')).toBe('the block comment starting at character 10 is never closed.');
    expect(reasonOf('SELECT\u00a01')).toMatch(/U\+00A0\) at character 7/);
    expect(reasonOf('SELECT 1\0')).toBe('it contains a NUL character at character 9.');
  });

  it('renders through toPublicMessage as a complete sentence', () => {
    const result = checkReadOnlySql('DROP TABLE t', 'sqlite');
    expect(result.isErr() && toPublicMessage(result.error)).toBe(
      'Refused: DROP changes the schema. LegacyBridge runs read-only queries only (SELECT, WITH … SELECT, EXPLAIN, read-only SHOW/DESCRIBE/PRAGMA).',
    );
  });

  it('reports empty input and comment-only input as InvalidInput on the sql field', () => {
    const empty = checkReadOnlySql('  ', 'sqlite');
    expect(empty.isErr() && empty.error).toMatchObject({
      kind: 'InvalidInput',
      field: 'sql',
      reason: 'it is empty.',
    });
    expect(reasonOf('-- nothing')).toBe('it contains only comments.');
  });
});

describe('checkReadOnlySql: limits, identity and speed', () => {
  it('returns the caller’s SQL unchanged, with dialect and kind', () => {
    const sql = '  /* keep me */ SELECT 1 ;\n-- and me\n';
    const result = checkReadOnlySql(sql, 'sqlite');
    expect(result._unsafeUnwrap()).toEqual({ sql, dialect: 'sqlite', statementKind: 'select' });
  });

  it('refuses text over the limit with LimitExceeded before reading it', () => {
    const result = checkReadOnlySql(`SELECT '${'x'.repeat(200)}'`, 'sqlite', { maxLength: 100 });
    expect(result.isErr() && result.error).toMatchObject({
      kind: 'LimitExceeded',
      limit: 'sqlLength',
      max: 100,
    });
    const exact = `SELECT '${'x'.repeat(91)}'`;
    expect(exact.length).toBe(100);
    expect(checkReadOnlySql(exact, 'sqlite', { maxLength: 100 }).isOk()).toBe(true);
  });

  it('uses a 100,000-character default limit', () => {
    expect(DEFAULT_MAX_SQL_LENGTH).toBe(100_000);
    const over = `SELECT 1 ${' '.repeat(100_000)}`;
    expect(
      checkReadOnlySql(over, 'sqlite').isErr() && checkReadOnlySql(over, 'sqlite')._unsafeUnwrapErr().kind,
    ).toBe('LimitExceeded');
  });

  it('refuses 1 MB of input fast, even when it is garbage that would be slow to lex', () => {
    const huge = `SELECT '${"'' /* -- ".repeat(130_000)}`;
    expect(huge.length).toBeGreaterThan(1_000_000);
    const started = performance.now();
    const result = checkReadOnlySql(huge, 'sqlite', { maxLength: DEFAULT_MAX_SQL_LENGTH });
    expect(performance.now() - started).toBeLessThan(50);
    expect(result.isErr() && result.error.kind).toBe('LimitExceeded');
  });

  it('checks 100 KB of valid SQL quickly in every dialect', () => {
    const unit =
      "SELECT a.created_at, 'it''s; -- not code', \"x\" /* c */ FROM t a WHERE a.id = 1 UNION ALL\n";
    const body = unit.repeat(Math.floor((100_000 - 20) / unit.length));
    const sql = `${body}SELECT 1`;
    expect(sql.length).toBeGreaterThan(95_000);
    expect(sql.length).toBeLessThanOrEqual(100_000);
    for (const dialect of DIALECTS) {
      // Best of three: the first run includes compiling the guard, and the machine is shared.
      let elapsed = Number.POSITIVE_INFINITY;
      for (let attempt = 0; attempt < 3 && elapsed >= 500; attempt++) {
        const started = performance.now();
        const result = checkReadOnlySql(sql, dialect);
        elapsed = Math.min(elapsed, performance.now() - started);
        expect(result.isOk(), dialect).toBe(true);
      }
      expect(elapsed, dialect).toBeLessThan(500);
    }
  });

  // Quadratic work on 100 K characters would take minutes; the bound is loose because CI machines
  // run other suites at the same time, and this test is about complexity, not speed.
  it('stays linear on adversarial inputs up to the limit', () => {
    const inputs = [
      `SELECT ${'('.repeat(99_000)}`,
      `SELECT ${'a.'.repeat(49_000)}b`,
      `SELECT 1 ${'-- x\n'.repeat(19_000)}`,
      `SELECT ${"'".repeat(99_000)}`,
      `SELECT ${'FOR '.repeat(24_000)}`,
    ];
    for (const sql of inputs) {
      for (const dialect of DIALECTS) {
        const started = performance.now();
        checkReadOnlySql(sql, dialect);
        expect(performance.now() - started, `${dialect} ${sql.slice(0, 12)}`).toBeLessThan(2000);
      }
    }
  });
});

/**
 * SQLite itself as the oracle: every text the guard accepts must, when SQLite can compile it, be a
 * single statement (better-sqlite3 throws on a second one) that SQLite reports read-only
 * (sqlite3_stmt_readonly). better-sqlite3 is the shipped adapter's driver; core must not depend on
 * it, so the test borrows it from that package and says so when it cannot.
 */
interface SqliteStatement {
  readonly readonly: boolean;
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  close(): void;
}

function loadSqlite(): { open: () => SqliteDatabase } | string {
  try {
    const require = createRequire(new URL('../package.json', import.meta.url));
    const Database = require('better-sqlite3') as new (path: string) => SqliteDatabase;
    return { open: () => new Database(':memory:') };
  } catch (error) {
    return `better-sqlite3 could not be loaded as a devDependency of core (${String(error)})`;
  }
}

const sqlite = loadSqlite();
if (typeof sqlite === 'string') console.warn(`SKIPPED guard-vs-SQLite oracle tests: ${sqlite}`);

/** Deterministic PRNG (mulberry32), so a failing sample can be reproduced from its index. */
const FRAGMENTS = [
  ' ',
  ' ',
  ' ',
  '\n',
  '\r',
  '1',
  'a',
  't',
  'x',
  ',',
  '(',
  ')',
  ';',
  ';',
  "'",
  "''",
  '"',
  '`',
  '[',
  ']',
  '--',
  '/*',
  '*/',
  '\\',
  'FROM t',
  'WHERE a = ',
  'SELECT',
  'SELECT 1',
  'UNION SELECT 2',
  'VALUES (1)',
  'WITH x AS (SELECT 1)',
  'DELETE FROM t',
  'INSERT INTO t VALUES (1)',
  'UPDATE t SET a = 1',
  'DROP TABLE t',
  'CREATE TABLE z (a)',
  'ATTACH',
  "':memory:'",
  'AS',
  'y',
  'BEGIN',
  'COMMIT',
  'VACUUM',
  'PRAGMA',
  'user_version',
  '= 1',
  'table_info(t)',
  'EXPLAIN',
  'QUERY PLAN',
  'E',
  'X',
  '$a',
  ':b',
  '?',
  '@c',
  'RETURNING *',
  'REPLACE INTO t VALUES (2)',
  'INTO',
  'z',
];

describe.skipIf(typeof sqlite === 'string')('checkReadOnlySql against SQLite itself', () => {
  const open = (): SqliteDatabase => {
    const db = (sqlite as { open: () => SqliteDatabase }).open();
    db.exec(
      'CREATE TABLE t (a, b, c, d, e, id, x, y, name, doc, created_at, updated_by, is_deleted, delete_flag)',
    );
    db.exec('CREATE TABLE u (y, b, id)');
    db.exec('CREATE INDEX idx ON t (a)');
    return db;
  };

  /** @returns 'readonly', 'writes', 'several' or 'error' (SQLite cannot compile it here). */
  function sqliteVerdict(db: SqliteDatabase, sql: string): string {
    try {
      return db.prepare(sql).readonly ? 'readonly' : 'writes';
    } catch (error) {
      return String(error).includes('more than one statement') ? 'several' : 'error';
    }
  }

  it('agrees that every accepted corpus statement SQLite can compile is one read-only statement', () => {
    const db = open();
    let compiled = 0;
    for (const [sql] of [...STANDARD_ALLOWED, ...SQLITE_ALLOWED]) {
      const verdictOfSqlite = sqliteVerdict(db, sql);
      expect([`${sql} → readonly`, `${sql} → error`]).toContain(`${sql} → ${verdictOfSqlite}`);
      if (verdictOfSqlite === 'readonly') compiled++;
    }
    // Most of the corpus must really compile, or this test proves nothing.
    expect(compiled).toBeGreaterThan(60);
    db.close();
  });

  function expectAgreement(
    db: SqliteDatabase,
    sql: string,
    label: string,
  ): 'accepted' | 'compiled' | 'refused' {
    if (checkReadOnlySql(sql, 'sqlite').isErr()) return 'refused';
    const verdictOfSqlite = sqliteVerdict(db, sql);
    expect(
      verdictOfSqlite === 'readonly' || verdictOfSqlite === 'error',
      `${label}: ${JSON.stringify(sql)} → ${verdictOfSqlite}`,
    ).toBe(true);
    return verdictOfSqlite === 'readonly' ? 'compiled' : 'accepted';
  }

  it('agrees on 2,000 random texts built from SQL fragments, quotes and comments', () => {
    const db = open();
    const random = prng(20261127);
    const outcomes = { refused: 0, accepted: 0, compiled: 0 };
    for (let sample = 0; sample < 2000; sample++) {
      const parts = random() < 0.6 ? ['SELECT '] : [];
      const length = 1 + Math.floor(random() * 12);
      for (let k = 0; k < length; k++) parts.push(pick(random, FRAGMENTS));
      outcomes[expectAgreement(db, parts.join(random() < 0.5 ? ' ' : ''), `fragments ${sample}`)]++;
    }
    expect(outcomes.accepted + outcomes.compiled).toBeGreaterThan(200);
    db.close();
  });

  it('agrees on 5,000 valid queries hiding statements in strings, names and comments, some with a character cut', () => {
    const db = open();
    const random = prng(7);
    const outcomes = { refused: 0, accepted: 0, compiled: 0 };
    for (let sample = 0; sample < 5000; sample++) {
      let sql = validLookingQuery(random);
      // Cutting one character shifts where strings and comments end: the cases that matter.
      if (random() < 0.5) {
        const at = Math.floor(random() * sql.length);
        sql = sql.slice(0, at) + sql.slice(at + 1);
      }
      outcomes[expectAgreement(db, sql, `structured ${sample}`)]++;
    }
    // Enough of both outcomes, or the agreement proves little.
    expect(outcomes.compiled).toBeGreaterThan(1500);
    expect(outcomes.refused).toBeGreaterThan(500);
    db.close();
  });
});

const TRICKY = [
  "'",
  '"',
  '`',
  '[',
  ']',
  ';',
  '-',
  '--',
  '/*',
  '*/',
  '\\',
  '\n',
  '\r',
  'a',
  ' ',
  '; DELETE FROM t',
  'x',
];

function trickyTextWithout(random: () => number, forbidden: readonly string[]): string {
  let text = trickyText(random, TRICKY);
  for (const bad of forbidden) text = text.replaceAll(bad, '');
  return text;
}

/** A compilable SELECT whose strings, aliases and comments hold quotes, semicolons and comment markers. */
function validLookingQuery(random: () => number): string {
  const items: string[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let k = 0; k < count; k++) {
    const kind = Math.floor(random() * 6);
    if (kind === 0) items.push(`'${trickyTextWithout(random, []).replaceAll("'", "''")}'`);
    else if (kind === 1) items.push(`1 AS "${trickyTextWithout(random, []).replaceAll('"', '""')}"`);
    else if (kind === 2) items.push(`2 AS \`${trickyTextWithout(random, []).replaceAll('`', '``')}\``);
    else if (kind === 3) items.push(`3 AS [${trickyTextWithout(random, [']'])}]`);
    else if (kind === 4) items.push(`4 /*${trickyTextWithout(random, ['*/'])}*/`);
    else items.push(`5 --${trickyTextWithout(random, ['\n'])}\n`);
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
