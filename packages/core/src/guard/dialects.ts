import type { Dialect } from '../model.js';
import type { LexOptions } from './lexer.js';
import type { ReadOnlyStatementKind } from './read-only-query.js';
import { type FunctionDenyGroup, SIDE_EFFECT_FUNCTIONS } from './side-effect-functions.js';
import { SQLITE_BARE_PRAGMAS, SQLITE_INTROSPECTION_PRAGMAS } from './sqlite-pragmas.js';
import type { KeywordGroup, WordSequence } from './statement-rules.js';
import { TSQL_RESERVED_WORDS } from './unseparated-statements.js';

/** One way the server may read the text; `label` names the server setting it depends on, for refusals. */
export interface LexMode extends LexOptions {
  readonly label?: string | undefined;
}

/** The EXPLAIN forms a dialect accepts before the explained statement. */
export interface ExplainSyntax {
  /** Words that may follow EXPLAIN, in any order and each at most once (upper-case; `QUERY PLAN` as two). */
  readonly modifiers: readonly string[];
  /** `EXPLAIN (ANALYZE, FORMAT JSON) …` option lists (PostgreSQL). */
  readonly optionList: boolean;
  /** `EXPLAIN FORMAT = JSON …` (MySQL). */
  readonly formatAssignment: boolean;
}

/** Everything the guard knows about one dialect. */
export interface DialectRules {
  /**
   * Every reading of the text the server might use. When quoting depends on a server setting
   * (MySQL's sql_mode, PostgreSQL's standard_conforming_strings), the statement must pass under
   * each, so a string that ends in one reading and not the other cannot hide a second statement.
   */
  readonly lexModes: readonly [LexMode, ...LexMode[]];
  /** Heads accepted besides SELECT, WITH, VALUES and `(`, with the kind each yields. */
  readonly extraHeads: Readonly<Record<string, ReadOnlyStatementKind>>;
  /** Undefined when EXPLAIN is not a read-only statement in this dialect. */
  readonly explain?: ExplainSyntax | undefined;
  /** SQLite PRAGMA allow-lists; undefined in dialects without PRAGMA. */
  readonly pragmas?:
    | { readonly withArgument: ReadonlySet<string>; readonly bare: ReadonlySet<string> }
    | undefined;
  /** Dialect-specific statement heads refused with a reason (unknown heads are refused anyway). */
  readonly refusedHeads: readonly KeywordGroup[];
  /**
   * Words refused wherever they appear. SQL Server needs no `;` between statements, so a second
   * statement can start anywhere in the text.
   */
  readonly refusedAnywhere: readonly KeywordGroup[];
  readonly refusedSequences: readonly WordSequence[];
  readonly functions: readonly FunctionDenyGroup[];
  /** Oracle calls argument-less functions without parentheses, so deny-listed names are refused even bare. */
  readonly callsWithoutParentheses: boolean;
  /**
   * SQL Server: statements need no `;` between them, so the guard also finds where a second statement
   * would start without one (a second SELECT, FETCH outside OFFSET … FETCH, USE outside a query hint).
   */
  readonly statementsWithoutSemicolons: boolean;
  /** `;WITH cte AS (…)`: leading semicolons are accepted (a common T-SQL habit). */
  readonly leadingSemicolons: boolean;
  /**
   * Words that can never be a name unless quoted, so they are checked even after `.` or AS (SQL
   * Server: `$. DELETE FROM t` is a money literal and a second statement, not a column `delete`).
   */
  readonly reservedWords?: ReadonlySet<string> | undefined;
  /** MySQL/MariaDB `@v := …` assigns a user variable that outlives the query on a pooled connection. */
  readonly refusesVariableAssignment: boolean;
  /**
   * Oracle `fn@link(…)` runs a function on another database through a database link, in a remote
   * transaction this session's read-only mode does not cover; reading `t@link` stays allowed.
   */
  readonly databaseLinks?: boolean | undefined;
  /**
   * Text refused inside string literals (Oracle: XML DOCTYPEs that fetch external entities, XQuery
   * functions that read the XML DB repository). `effect` completes "the string literal at … ".
   */
  readonly refusedLiterals?: readonly { readonly pattern: RegExp; readonly effect: string }[] | undefined;
  /** Words refused inside `/*+ … *\/` optimizer hints (MySQL `SET_VAR`, `MAX_EXECUTION_TIME`), upper-case. */
  readonly refusedHintWords?: readonly string[] | undefined;
}

const STANDARD_LEX: LexMode = {
  hashComments: false,
  crEndsLineComment: true,
  dashCommentNeedsSpace: false,
  nestedBlockComments: false,
  executableComments: false,
  backslashEscapes: false,
  escapeStringPrefix: false,
  dollarQuotes: false,
  qQuotes: false,
  doubleQuote: 'identifier',
  backtickIdentifiers: false,
  bracketIdentifiers: 'none',
  identifierStart: '',
  identifierPart: '$',
  parameterPrefixes: '',
  tclParameterSuffix: false,
  unicodeEscapeIdentifiers: false,
};

const MYSQL_LEX: LexMode = {
  ...STANDARD_LEX,
  hashComments: true,
  // Checked against MariaDB 10.11: `#` and `-- ` comments run to LF, past a bare CR.
  crEndsLineComment: false,
  dashCommentNeedsSpace: true,
  executableComments: true,
  backslashEscapes: true,
  doubleQuote: 'string',
  backtickIdentifiers: true,
  identifierStart: '$',
  parameterPrefixes: '?@',
  label: "MySQL's default sql_mode",
};

const MSSQL_MODE_LEX: LexMode = { ...MYSQL_LEX, doubleQuote: 'identifier', bracketIdentifiers: 'doubled' };

const POSTGRES_LEX: LexMode = {
  ...STANDARD_LEX,
  nestedBlockComments: true,
  escapeStringPrefix: true,
  dollarQuotes: true,
  parameterPrefixes: '$',
  unicodeEscapeIdentifiers: true,
};

// Whether a bare CR ends a `--` comment is not documented for T-SQL; see the two readings below.
const MSSQL_LEX: LexMode = {
  ...STANDARD_LEX,
  nestedBlockComments: true,
  bracketIdentifiers: 'doubled',
  identifierStart: '@#',
  identifierPart: '$#@',
};

const ORACLE_LEX: LexMode = { ...STANDARD_LEX, qQuotes: true, identifierPart: '$#', parameterPrefixes: ':' };

/** Dialects whose only refused word runs are the common ones. */
const NO_EXTRA_SEQUENCES: readonly WordSequence[] = [];

/** What most dialects say to the SQL Server-, MySQL- and Oracle-specific switches. */
const SEMICOLON_SEPARATED = {
  statementsWithoutSemicolons: false,
  leadingSemicolons: false,
  refusesVariableAssignment: false,
} as const;

/** Per-dialect rules; `Record<Dialect, …>` so a new dialect fails to compile until it has its rules. */
export const DIALECT_RULES: Record<Dialect, DialectRules> = {
  sqlite: {
    // SQLite accepts every identifier quoting style: "…", `…` and […]; backslashes are ordinary.
    lexModes: [
      {
        ...STANDARD_LEX,
        backtickIdentifiers: true,
        bracketIdentifiers: 'plain',
        // SQLite's tokenizer ends `--` comments at LF only; `#name` is a parameter like `$name`.
        crEndsLineComment: false,
        parameterPrefixes: '?:@$#',
        tclParameterSuffix: true,
      },
    ],
    extraHeads: {},
    explain: { modifiers: ['QUERY', 'PLAN'], optionList: false, formatAssignment: false },
    pragmas: { withArgument: SQLITE_INTROSPECTION_PRAGMAS, bare: SQLITE_BARE_PRAGMAS },
    refusedHeads: [],
    refusedAnywhere: [],
    refusedSequences: NO_EXTRA_SEQUENCES,
    functions: SIDE_EFFECT_FUNCTIONS.sqlite,
    callsWithoutParentheses: false,
    ...SEMICOLON_SEPARATED,
  },
  postgres: {
    lexModes: [
      { ...POSTGRES_LEX },
      // standard_conforming_strings = off (legacy servers, or set per role) makes '\'' an escape.
      { ...POSTGRES_LEX, backslashEscapes: true, label: 'standard_conforming_strings = off' },
    ],
    extraHeads: { TABLE: 'table', SHOW: 'show' },
    explain: {
      modifiers: ['ANALYZE', 'ANALYSE', 'VERBOSE'],
      optionList: true,
      formatAssignment: false,
    },
    refusedHeads: [],
    refusedAnywhere: [],
    refusedSequences: NO_EXTRA_SEQUENCES,
    functions: SIDE_EFFECT_FUNCTIONS.postgres,
    callsWithoutParentheses: false,
    ...SEMICOLON_SEPARATED,
  },
  mysql: {
    lexModes: [
      MYSQL_LEX,
      { ...MYSQL_LEX, backslashEscapes: false, label: 'sql_mode NO_BACKSLASH_ESCAPES' },
      { ...MYSQL_LEX, doubleQuote: 'identifier', label: 'sql_mode ANSI_QUOTES' },
      {
        ...MYSQL_LEX,
        doubleQuote: 'identifier',
        backslashEscapes: false,
        label: 'sql_mode ANSI_QUOTES and NO_BACKSLASH_ESCAPES',
      },
      // MariaDB's sql_mode MSSQL (checked on 10.11) adds ANSI_QUOTES and [a]]b] identifiers, so
      // `[']; DROP TABLE t; -- ']` is a name and a second statement there, a string elsewhere.
      { ...MSSQL_MODE_LEX, label: 'MariaDB sql_mode MSSQL' },
      {
        ...MSSQL_MODE_LEX,
        backslashEscapes: false,
        label: 'MariaDB sql_mode MSSQL and NO_BACKSLASH_ESCAPES',
      },
    ],
    // TABLE t is MySQL 8.0.19+ shorthand for SELECT * FROM t.
    extraHeads: { TABLE: 'table', SHOW: 'show', DESCRIBE: 'describe', DESC: 'describe' },
    explain: {
      modifiers: ['ANALYZE', 'EXTENDED', 'PARTITIONS'],
      optionList: false,
      formatAssignment: true,
    },
    refusedHeads: [
      {
        keywords: ['HANDLER', 'FLUSH', 'PURGE', 'RESET', 'INSTALL', 'UNINSTALL'],
        effect: 'changes server state',
      },
    ],
    // `:=` and PROCEDURE are handled by refusesVariableAssignment and the anywhere list.
    refusedAnywhere: [
      { keywords: ['PROCEDURE'], effect: 'runs a procedure over the result (SELECT … PROCEDURE)' },
    ],
    // MariaDB sequences (10.3+): NEXT VALUE FOR s is nextval(s), never rolled back.
    refusedSequences: [{ words: ['NEXT', 'VALUE', 'FOR'], effect: 'advances a sequence' }],
    functions: SIDE_EFFECT_FUNCTIONS.mysql,
    callsWithoutParentheses: false,
    ...SEMICOLON_SEPARATED,
    refusesVariableAssignment: true,
    // MAX_EXECUTION_TIME(n) overrides the session's statement timeout for this query; SET_VAR(…)
    // changes any hint-settable variable for it.
    refusedHintWords: ['MAX_EXECUTION_TIME', 'SET_VAR'],
  },
  mssql: {
    // Whether a bare CR ends a `--` comment is not documented, so the text must pass either way.
    lexModes: [
      MSSQL_LEX,
      { ...MSSQL_LEX, crEndsLineComment: false, label: 'the rule that only a line feed ends a -- comment' },
    ],
    extraHeads: {},
    explain: undefined,
    refusedHeads: [
      {
        keywords: ['WAITFOR', 'DBCC', 'BULK', 'BACKUP', 'RESTORE', 'RECONFIGURE', 'OPEN', 'FETCH', 'CLOSE'],
        effect: 'has effects beyond reading',
      },
    ],
    refusedAnywhere: [
      {
        keywords: ['CREATE', 'ALTER', 'DROP', 'TRUNCATE', 'GRANT', 'REVOKE', 'DENY', 'ADD'],
        effect:
          'changes the schema or permissions (SQL Server runs a second statement even without a semicolon)',
      },
      {
        keywords: ['EXEC', 'EXECUTE', 'WAITFOR', 'DECLARE', 'SET', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVE'],
        effect: 'starts another statement (SQL Server runs it even without a semicolon)',
      },
      {
        // Every other T-SQL statement that may follow another without a semicolon; all are reserved
        // words, so no column can be called that unquoted. (THROW, SEND, RECEIVE and GET/MOVE
        // CONVERSATION must follow a semicolon, which is refused anyway.)
        keywords: [
          'PRINT',
          'RAISERROR',
          'IF',
          'WHILE',
          'GOTO',
          'RETURN',
          'BREAK',
          'CONTINUE',
          'KILL',
          'SHUTDOWN',
          'CHECKPOINT',
          'RECONFIGURE',
          'DBCC',
          'BACKUP',
          'RESTORE',
          'DUMP',
          'LOAD',
          'BULK',
          'OPEN',
          'CLOSE',
          'DEALLOCATE',
          'READTEXT',
          'WRITETEXT',
          'UPDATETEXT',
          'REVERT',
          'SETUSER',
        ],
        effect:
          'starts another statement: control flow, output, cursors, sessions or server commands (SQL Server runs it even without a semicolon)',
      },
      // RECEIVE dequeues Service Broker messages (destructively); not a reserved word, so a column
      // of that name must be quoted.
      { keywords: ['RECEIVE'], effect: 'removes messages from a Service Broker queue' },
      // Lock hints in WITH (…) that take update or exclusive locks.
      { keywords: ['UPDLOCK', 'XLOCK', 'TABLOCKX'], effect: 'takes update or exclusive locks' },
    ],
    refusedSequences: [
      { words: ['NEXT', 'VALUE', 'FOR'], effect: 'advances a sequence' },
      { words: ['ENABLE', 'TRIGGER'], effect: 'enables a trigger' },
      { words: ['DISABLE', 'TRIGGER'], effect: 'disables a trigger' },
      { words: ['END', 'CONVERSATION'], effect: 'ends a Service Broker conversation' },
      // SQL Server requires a `;` before these, which is refused anyway; refusing them here costs
      // nothing and does not depend on that rule (adversarial corpus ADV-G2).
      { words: ['SEND', 'ON', 'CONVERSATION'], effect: 'sends a Service Broker message' },
      { words: ['MOVE', 'CONVERSATION'], effect: 'moves a Service Broker conversation' },
      { words: ['GET', 'CONVERSATION'], effect: 'locks a Service Broker conversation group' },
    ],
    functions: SIDE_EFFECT_FUNCTIONS.mssql,
    callsWithoutParentheses: false,
    statementsWithoutSemicolons: true,
    leadingSemicolons: true,
    reservedWords: TSQL_RESERVED_WORDS,
    refusesVariableAssignment: false,
  },
  oracle: {
    // As for SQL Server, the text must pass whether or not a bare CR ends a `--` comment.
    lexModes: [
      ORACLE_LEX,
      { ...ORACLE_LEX, crEndsLineComment: false, label: 'the rule that only a line feed ends a -- comment' },
    ],
    extraHeads: {},
    // EXPLAIN PLAN writes into PLAN_TABLE; the explain_query tool reads plans without it.
    explain: undefined,
    refusedHeads: [
      { keywords: ['EXPLAIN'], effect: 'writes into PLAN_TABLE; use the explain_query tool instead' },
      { keywords: ['PURGE', 'FLASHBACK', 'AUDIT', 'NOAUDIT'], effect: 'changes the database' },
    ],
    refusedAnywhere: [],
    // Caught in string literals only; text built by concatenation passes (layer 3: XDB and network ACLs).
    refusedLiterals: [
      // XML with a DOCTYPE makes the server resolve external entities: an out-of-band request from
      // a SELECT (XXE, CVE-2014-6577; adversarial corpus ADV-G1).
      {
        pattern: /<!DOCTYPE|<!ENTITY/i,
        effect:
          'holds an XML DOCTYPE, which makes the server resolve external entities (network or file access); remove it',
      },
      // XQuery's doc()/collection()/unparsed-text() and ora:view read the XML DB repository and
      // tables by path, as XDBURITYPE does (ADV-G3); the fn: prefix is optional in XQuery.
      {
        pattern:
          /\b(?:fn:)?(?:doc|doc-available|collection|unparsed-text(?:-lines)?)\s*\(\s*["']|\bora:view\s*\(/i,
        effect:
          'calls an XQuery function that reads the XML DB repository or tables by path; query the tables directly',
      },
    ],
    // WITH FUNCTION/PROCEDURE (12c) defines PL/SQL inside the query, which may write in an
    // autonomous transaction that the read-only one does not cover.
    refusedSequences: [
      { words: ['WITH', 'FUNCTION'], effect: 'defines PL/SQL inside the query; select without it' },
      { words: ['WITH', 'PROCEDURE'], effect: 'defines PL/SQL inside the query; select without it' },
    ],
    functions: SIDE_EFFECT_FUNCTIONS.oracle,
    callsWithoutParentheses: true,
    ...SEMICOLON_SEPARATED,
    databaseLinks: true,
  },
};
