/**
 * SQL Server runs `SELECT 1 SELECT 2` as two statements: T-SQL needs no `;` between them. Every
 * other statement keyword is refused wherever it appears (DialectRules.refusedAnywhere), but SELECT
 * and FETCH/USE also occur inside one query, so for them this module decides from the token before
 * whether they continue the statement or start another. It fails closed: a SELECT in a position it
 * does not recognise is refused, and the reason says how to write the query instead.
 */
import { afterClosingParen } from './heads.js';
import type { Token } from './lexer.js';
import { at, isPunct, isWord, type Refusal } from './refusal.js';

/**
 * T-SQL reserved keywords (SQL Server documentation, "Reserved Keywords"). None can be a name
 * unless quoted, so the guard may treat them as keywords even after `.` or AS.
 */
export const TSQL_RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    'ADD ALL ALTER AND ANY AS ASC AUTHORIZATION BACKUP BEGIN BETWEEN BREAK BROWSE BULK BY CASCADE CASE ' +
    'CHECK CHECKPOINT CLOSE CLUSTERED COALESCE COLLATE COLUMN COMMIT COMPUTE CONSTRAINT CONTAINS ' +
    'CONTAINSTABLE CONTINUE CONVERT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP ' +
    'CURRENT_USER CURSOR DATABASE DBCC DEALLOCATE DECLARE DEFAULT DELETE DENY DESC DISK DISTINCT ' +
    'DISTRIBUTED DOUBLE DROP DUMP ELSE END ERRLVL ESCAPE EXCEPT EXEC EXECUTE EXISTS EXIT EXTERNAL FETCH ' +
    'FILE FILLFACTOR FOR FOREIGN FREETEXT FREETEXTTABLE FROM FULL FUNCTION GOTO GRANT GROUP HAVING ' +
    'HOLDLOCK IDENTITY IDENTITY_INSERT IDENTITYCOL IF IN INDEX INNER INSERT INTERSECT INTO IS JOIN KEY ' +
    'KILL LEFT LIKE LINENO LOAD MERGE NATIONAL NOCHECK NONCLUSTERED NOT NULL NULLIF OF OFF OFFSETS ON ' +
    'OPEN OPENDATASOURCE OPENQUERY OPENROWSET OPENXML OPTION OR ORDER OUTER OVER PERCENT PIVOT PLAN ' +
    'PRIMARY PRINT PROC PROCEDURE PUBLIC RAISERROR READ READTEXT RECONFIGURE REFERENCES REPLICATION ' +
    'RESTORE RESTRICT RETURN REVERT REVOKE RIGHT ROLLBACK ROWCOUNT ROWGUIDCOL RULE SAVE SCHEMA ' +
    'SECURITYAUDIT SELECT SEMANTICKEYPHRASETABLE SEMANTICSIMILARITYDETAILSTABLE SEMANTICSIMILARITYTABLE ' +
    'SESSION_USER SET SETUSER SHUTDOWN SOME STATISTICS SYSTEM_USER TABLE TABLESAMPLE TEXTSIZE THEN TO ' +
    'TOP TRAN TRANSACTION TRIGGER TRUNCATE TRY_CONVERT TSEQUAL UNION UNIQUE UNPIVOT UPDATE UPDATETEXT ' +
    'USE USER VALUES VARYING VIEW WAITFOR WHEN WHERE WHILE WITH WRITETEXT'
  ).split(' '),
);

/**
 * Words after which an operand may follow, so `(SELECT …)` there is a subquery or derived table,
 * not a new statement. ALL/ANY/SOME/EXISTS/IN take subqueries; APPLY and JOIN derived tables; AS
 * opens a CTE body; TOP, OFFSET and NEXT take a parenthesised count.
 */
const OPERAND_FOLLOWS: ReadonlySet<string> = new Set(
  (
    'SELECT DISTINCT TOP FROM JOIN APPLY WHERE AND OR NOT ON HAVING BY WHEN THEN ELSE CASE IN EXISTS ' +
    'ANY SOME ALL UNION EXCEPT INTERSECT AS BETWEEN LIKE ESCAPE IS VALUES OFFSET NEXT RETURN PERCENT TIES'
  ).split(' '),
);

/** Set operators after which a bare SELECT continues the statement. */
const SET_OPERATORS: ReadonlySet<string> = new Set(['UNION', 'EXCEPT', 'INTERSECT']);

function isName(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === 'word' || token.kind === 'quoted');
}

/**
 * True when an operand may start after `token`: the statement start, `(`, `,`, an operator, or a
 * keyword that takes one. `$` is a money literal in T-SQL (`SELECT $`), so it ends an operand.
 */
function operandMayFollow(token: Token | undefined): boolean {
  if (token === undefined) return true;
  if (token.kind === 'punctuation') return token.text === '(' || token.text === ',';
  if (token.kind === 'operator') return token.text !== '$';
  return token.kind === 'word' && OPERAND_FOLLOWS.has(token.value);
}

/**
 * Index of the main statement after a `WITH [XMLNAMESPACES (…),] name [(cols)] AS (…), …` prelude
 * starting at `withAt`, or undefined when the prelude is not of that shape (then no SELECT after a
 * `)` is taken as its main query, and the statement is refused).
 */
function cteMainQuery(tokens: readonly Token[], withAt: number): number | undefined {
  let i = withAt + 1;
  // T-SQL has no RECURSIVE; skipping it leaves the engine to reject the word, not the guard.
  if (isWord(tokens[i], 'RECURSIVE')) i++;
  if (isWord(tokens[i], 'XMLNAMESPACES') && isPunct(tokens[i + 1], '(')) {
    i = afterClosingParen(tokens, i + 1);
    if (!isPunct(tokens[i], ',')) return i;
    i++;
  }
  for (;;) {
    if (!isName(tokens[i])) return undefined;
    i++;
    if (isPunct(tokens[i], '(')) i = afterClosingParen(tokens, i);
    if (!isWord(tokens[i], 'AS') || !isPunct(tokens[i + 1], '(')) return undefined;
    i = afterClosingParen(tokens, i + 1);
    if (!isPunct(tokens[i], ',')) return i;
    i++;
  }
}

/** For each `)`, the index of its `(` (-1 when unmatched); one pass, so lookups stay linear overall. */
function matchingOpens(tokens: readonly Token[]): Int32Array {
  const opens = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) stack.push(i);
    else if (isPunct(tokens[i], ')')) opens[i] = stack.pop() ?? -1;
  }
  return opens;
}

/** True when the SELECT at `index` (perhaps after opening parentheses) continues the statement. */
function continuesStatement(
  tokens: readonly Token[],
  index: number,
  mainQuery: number | undefined,
  opens: () => Int32Array,
): boolean {
  let open = index;
  while (isPunct(tokens[open - 1], '(')) open--;
  if (open === 0 || open === mainQuery) return true;
  const before = tokens[open - 1] as Token;
  if (open === index) {
    // A bare SELECT: only after UNION [ALL], EXCEPT or INTERSECT.
    if (before.kind !== 'word') return false;
    return before.value === 'ALL' ? isWord(tokens[open - 2], 'UNION') : SET_OPERATORS.has(before.value);
  }
  if (operandAt(tokens, open - 1, opens)) return true;
  // `fn((SELECT …))`: a call's argument. The name is called only where an operand may stand or
  // after a qualifier; after a value or AS it is an alias, and `((SELECT …))` a new statement.
  const callee = tokens[open - 2];
  return (
    index - open >= 2 &&
    isName(before) &&
    (isPunct(callee, '.') || (operandAt(tokens, open - 2, opens) && !isWord(callee, 'AS')))
  );
}

/**
 * True when an operand may follow the token at `k`: operandMayFollow, or the count of `TOP n` or
 * `TOP (n)`, after which the select list starts (`SELECT TOP (10) (SELECT …) AS x`).
 */
function operandAt(tokens: readonly Token[], k: number, opens: () => Int32Array): boolean {
  const token = tokens[k];
  if (operandMayFollow(token)) return true;
  // `SELECT TOP 10 (SELECT …) AS x`: the count may also stand bare.
  if (token?.kind === 'number') return isWord(tokens[k - 1], 'TOP');
  if (!isPunct(token, ')')) return false;
  const opener = opens()[k] as number;
  return opener > 0 && isWord(tokens[opener - 1], 'TOP');
}

/**
 * Finds a second statement that SQL Server would run without a separating `;`, in one statement's
 * tokens (comments removed, no trailing or leading semicolons).
 * @returns the refusal, or undefined when the tokens read as one statement.
 */
export function findUnseparatedStatement(tokens: readonly Token[]): Refusal | undefined {
  let head = 0;
  while (isPunct(tokens[head], '(')) head++;
  const mainQuery = isWord(tokens[head], 'WITH') ? cteMainQuery(tokens, head) : undefined;
  let opens: Int32Array | undefined;
  const lazyOpens = (): Int32Array => {
    opens ??= matchingOpens(tokens);
    return opens;
  };
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind !== 'word') continue;
    const previous = tokens[i - 1];
    if (token.value === 'SELECT' && !continuesStatement(tokens, i, mainQuery, lazyOpens)) {
      return {
        kind: 'ReadOnlyViolation',
        reason: `the SELECT at ${at(token.position)} starts a second statement (SQL Server runs statements without a semicolon between them). Send one query per call; for a subquery, put it in parentheses after FROM, IN, EXISTS, an operator or a comma.`,
      };
    }
    // OFFSET … ROWS FETCH NEXT … is part of a query; any other FETCH reads a cursor.
    if (token.value === 'FETCH' && !isWord(previous, 'ROWS') && !isWord(previous, 'ROW')) {
      return {
        kind: 'ReadOnlyViolation',
        reason: `FETCH at ${at(token.position)} starts a cursor statement; use OFFSET … ROWS FETCH NEXT … ROWS ONLY to page a query.`,
      };
    }
    // OPTION (USE HINT (…)) and USE PLAN are query hints; any other USE switches the database.
    if (token.value === 'USE' && !isWord(tokens[i + 1], 'HINT') && !isWord(tokens[i + 1], 'PLAN')) {
      return {
        kind: 'ReadOnlyViolation',
        reason: `USE at ${at(token.position)} switches the connection's database; name the table as database.schema.table instead.`,
      };
    }
  }
  return undefined;
}
