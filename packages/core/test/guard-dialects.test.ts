import { describe, expect, it } from 'vitest';
import { DIALECT_RULES } from '../src/guard/dialects.js';
import { checkReadOnlySql } from '../src/guard/index.js';
import { SIDE_EFFECT_FUNCTIONS } from '../src/guard/side-effect-functions.js';
import { COMMON_REFUSED_HEADS, COMMON_REFUSED_SEQUENCES } from '../src/guard/statement-rules.js';
import { DIALECTS, type Dialect } from '../src/model.js';

/**
 * The first entries for the dialects whose guard a later issue completes: their quoting and
 * comment rules and the deny-lists we are confident of. SQLite and standard SQL are in guard.test.ts.
 */

function verdict(sql: string, dialect: Dialect): string {
  const result = checkReadOnlySql(sql, dialect);
  return result.isOk() ? `ok:${result.value.statementKind}` : result.error.kind;
}

const CASES: Record<Exclude<Dialect, 'sqlite'>, readonly (readonly [string, string])[]> = {
  postgres: [
    ['TABLE t', 'ok:table'],
    ['SHOW search_path', 'ok:show'],
    ['EXPLAIN SELECT 1', 'ok:explain'],
    ['EXPLAIN ANALYZE SELECT * FROM t', 'ok:explain'],
    ['EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT 1', 'ok:explain'],
    ['EXPLAIN ANALYZE DELETE FROM t', 'ReadOnlyViolation'],
    ['EXPLAIN (ANALYZE) UPDATE t SET a = 1', 'ReadOnlyViolation'],
    ["SELECT $$it's; DROP TABLE t$$", 'ok:select'],
    ['SELECT $tag$ $$ ; $tag$', 'ok:select'],
    ["SELECT E'it\\'s; DROP'", 'ok:select'],
    ["SELECT 'a' || E'\\\\'", 'ok:select'],
    ['SELECT 1 /* outer /* inner */ still comment; DROP TABLE t */', 'ok:select'],
    ['SELECT a::text, arr[1], $1 FROM t', 'ok:select'],
    ['SELECT 1 /* /* */', 'InvalidInput'],
    // Under standard_conforming_strings = off the first string ends later and hides a second statement.
    ["SELECT 'x\\'' ; DROP TABLE t; -- '", 'ReadOnlyViolation'],
    ["SELECT E'x\\'' ; DROP TABLE t; -- '", 'ReadOnlyViolation'],
    ['SELECT pg_sleep(10)', 'ReadOnlyViolation'],
    ["SELECT pg_catalog.pg_sleep_for('1 minute')", 'ReadOnlyViolation'],
    ['SELECT "pg_sleep"(1)', 'ReadOnlyViolation'],
    ["SELECT * FROM dblink('host=x', 'select 1') AS t(a int)", 'ReadOnlyViolation'],
    ["SELECT dblink_exec('drop table t')", 'ReadOnlyViolation'],
    ["SELECT lo_import('/etc/passwd')", 'ReadOnlyViolation'],
    ['SELECT pg_terminate_backend(123)', 'ReadOnlyViolation'],
    ['SELECT pg_cancel_backend(123)', 'ReadOnlyViolation'],
    ["SELECT set_config('default_transaction_read_only', 'off', false)", 'ReadOnlyViolation'],
    ['SELECT pg_advisory_lock(1)', 'ReadOnlyViolation'],
    ['SELECT pg_try_advisory_xact_lock(1)', 'ReadOnlyViolation'],
    ["SELECT pg_read_file('postgresql.conf')", 'ReadOnlyViolation'],
    ["SELECT * FROM pg_ls_dir('.')", 'ReadOnlyViolation'],
    ["SELECT nextval('s')", 'ReadOnlyViolation'],
    ["SELECT setval('s', 1)", 'ReadOnlyViolation'],
    ['SELECT pg_reload_conf()', 'ReadOnlyViolation'],
    ["SELECT query_to_xml('delete from t', true, true, '')", 'ReadOnlyViolation'],
    ["SELECT * FROM ts_stat('SELECT v FROM docs')", 'ReadOnlyViolation'],
    ["SELECT * FROM pg_logical_slot_get_changes('s', NULL, NULL)", 'ReadOnlyViolation'],
    ['DO $$ BEGIN DELETE FROM t; END $$', 'ReadOnlyViolation'],
    ['COPY (SELECT 1) TO STDOUT', 'ReadOnlyViolation'],
    ['LISTEN ch', 'ReadOnlyViolation'],
    ['SELECT * FROM t FOR KEY SHARE', 'ReadOnlyViolation'],
    ["SELECT currval('s'), lastval(), pg_typeof(1), pg_size_pretty(1)", 'ok:select'],
  ],
  mysql: [
    ['SHOW TABLES', 'ok:show'],
    ['TABLE t', 'ok:table'],
    ['DESCRIBE t', 'ok:describe'],
    ['DESC `my table`', 'ok:describe'],
    ['DESCRIBE SELECT 1', 'ok:explain'],
    ['EXPLAIN FORMAT=JSON SELECT 1', 'ok:explain'],
    ['EXPLAIN ANALYZE SELECT 1', 'ok:explain'],
    ["SELECT 'O''Brien', `a;b` FROM t # comment", 'ok:select'],
    ['SELECT 1--1', 'ok:select'],
    ['SELECT @x, @@version', 'ok:select'],
    // MySQL reads `--x` as two minus signs, so the `;` is code, not comment.
    ['SELECT 1 --x; DROP TABLE t', 'ReadOnlyViolation'],
    ['SELECT 1 # ; \n; DROP TABLE t', 'ReadOnlyViolation'],
    ['SELECT 1 /*! ; DROP TABLE t */', 'ReadOnlyViolation'],
    ['SELECT 1 /*!50000 , sleep(5) */', 'ReadOnlyViolation'],
    // Backslash escapes on (default) vs NO_BACKSLASH_ESCAPES: each reading must be one statement.
    ["SELECT 'a\\'; DROP TABLE t; -- '", 'ReadOnlyViolation'],
    ["SELECT 'a\\\\'; DROP TABLE t; -- '", 'ReadOnlyViolation'],
    ["SELECT 'O\\'Brien'", 'InvalidInput'],
    ['SELECT sleep(5)', 'ReadOnlyViolation'],
    ['SELECT BENCHMARK(1000000, md5(1))', 'ReadOnlyViolation'],
    ["SELECT get_lock('x', 10)", 'ReadOnlyViolation'],
    ["SELECT load_file('/etc/passwd')", 'ReadOnlyViolation'],
    ['SELECT `sleep`(1)', 'ReadOnlyViolation'],
    ['SELECT "sleep"(1)', 'ReadOnlyViolation'],
    ['HANDLER t OPEN', 'ReadOnlyViolation'],
    ['FLUSH TABLES', 'ReadOnlyViolation'],
    ["LOAD DATA INFILE '/tmp/x' INTO TABLE t", 'ReadOnlyViolation'],
    ['DESCRIBE DELETE FROM t', 'ReadOnlyViolation'],
  ],
  mssql: [
    ['SELECT [a;b], [x]]y] FROM [dbo].[t]', 'ok:select'],
    ["SELECT N'it''s' FROM t WHERE a = @p", 'ok:select'],
    ['SELECT TOP 10 * FROM t FOR JSON PATH', 'ok:select'],
    ['SELECT 1 /* outer /* inner */ still; DROP TABLE t */', 'ok:select'],
    // T-SQL needs no semicolon between statements.
    ['SELECT 1 DROP TABLE t', 'ReadOnlyViolation'],
    ["SELECT 1 EXEC xp_cmdshell 'dir'", 'ReadOnlyViolation'],
    ['SELECT 1 DELETE FROM t', 'ReadOnlyViolation'],
    ["SELECT 1 WAITFOR DELAY '00:00:05'", 'ReadOnlyViolation'],
    ["WAITFOR DELAY '00:00:05'", 'ReadOnlyViolation'],
    ["EXEC sp_executesql N'DELETE FROM t'", 'ReadOnlyViolation'],
    ['sp_who', 'ReadOnlyViolation'],
    ["SELECT * FROM OPENROWSET(BULK 'c:\\x', SINGLE_CLOB) AS x", 'ReadOnlyViolation'],
    ["SELECT * FROM OPENQUERY(srv, 'select 1')", 'ReadOnlyViolation'],
    ["SELECT master.dbo.xp_fileexist('c:\\x')", 'ReadOnlyViolation'],
    ['SELECT * FROM t WITH (UPDLOCK)', 'ReadOnlyViolation'],
    ['SELECT * INTO #tmp FROM t', 'ReadOnlyViolation'],
    ['SELECT NEXT VALUE FOR s', 'ReadOnlyViolation'],
    ['DBCC CHECKDB', 'ReadOnlyViolation'],
  ],
  oracle: [
    ["SELECT q'[it's; DROP TABLE t]' FROM dual", 'ok:select'],
    ['SELECT a#b, c$d FROM t WHERE x = :1', 'ok:select'],
    ['SELECT dbms_lob.getlength(doc), dbms_random.value FROM t', 'ok:select'],
    ["SELECT q'[x]'; DROP TABLE t; --]' FROM dual", 'ReadOnlyViolation'],
    ['SELECT dbms_lock.sleep(5) FROM dual', 'ReadOnlyViolation'],
    ["SELECT SYS.DBMS_PIPE.RECEIVE_MESSAGE('x', 10) FROM dual", 'ReadOnlyViolation'],
    ["SELECT utl_http.request('http://x') FROM dual", 'ReadOnlyViolation'],
    ['SELECT utl_inaddr.get_host_name FROM dual', 'ReadOnlyViolation'],
    ["SELECT httpuritype('http://x').getclob() FROM dual", 'ReadOnlyViolation'],
    ['SELECT s.nextval FROM dual', 'ReadOnlyViolation'],
    ['SELECT utl_code, nextval FROM t', 'ok:select'],
    ['EXPLAIN PLAN FOR SELECT 1 FROM dual', 'ReadOnlyViolation'],
    ['BEGIN NULL; END;', 'ReadOnlyViolation'],
    ['SELECT * FROM t FOR UPDATE NOWAIT', 'ReadOnlyViolation'],
  ],
};

describe('checkReadOnlySql: first entries for the other dialects', () => {
  for (const [dialect, cases] of Object.entries(CASES) as [Dialect, (typeof CASES)['postgres']][]) {
    it.each(cases)(`${dialect}: %j → %s`, (sql, expected) => {
      expect(verdict(sql, dialect)).toBe(expected);
    });
  }

  it('explains a refusal that only one server setting triggers', () => {
    const result = checkReadOnlySql("SELECT 'x\\'' ; DROP TABLE t; -- '", 'postgres');
    expect(result.isErr() && result.error.kind === 'ReadOnlyViolation' && result.error.reason).toMatch(
      /^only one statement per call .*\(Read as the server does under standard_conforming_strings = off\.\)$/,
    );
  });
});

describe('dialect rules: shape of the data', () => {
  it('has rules and at least one reading for every dialect', () => {
    for (const dialect of DIALECTS) {
      expect(DIALECT_RULES[dialect].lexModes.length, dialect).toBeGreaterThan(0);
      expect(DIALECT_RULES[dialect].functions).toBe(SIDE_EFFECT_FUNCTIONS[dialect]);
    }
  });

  it('writes keywords in upper case and function names in lower case, so comparisons can match', () => {
    const groups = [
      ...COMMON_REFUSED_HEADS,
      ...DIALECTS.flatMap((d) => [...DIALECT_RULES[d].refusedHeads, ...DIALECT_RULES[d].refusedAnywhere]),
    ];
    for (const word of groups.flatMap((group) => group.keywords)) expect(word).toBe(word.toUpperCase());
    const sequences = [
      ...COMMON_REFUSED_SEQUENCES,
      ...DIALECTS.flatMap((d) => DIALECT_RULES[d].refusedSequences),
    ];
    for (const word of sequences.flatMap((sequence) => sequence.words)) expect(word).toBe(word.toUpperCase());
    for (const group of DIALECTS.flatMap((d) => SIDE_EFFECT_FUNCTIONS[d])) {
      expect((group.names?.length ?? 0) + (group.prefixes?.length ?? 0)).toBeGreaterThan(0);
      for (const name of [...(group.names ?? []), ...(group.prefixes ?? []), ...(group.except ?? [])]) {
        expect(name).toBe(name.toLowerCase());
      }
    }
  });
});
