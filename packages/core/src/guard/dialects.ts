import type { Dialect } from '../model.js';
import type { LexOptions } from './lexer.js';
import type { ReadOnlyStatementKind } from './read-only-query.js';
import { type FunctionDenyGroup, SIDE_EFFECT_FUNCTIONS } from './side-effect-functions.js';
import { SQLITE_BARE_PRAGMAS, SQLITE_INTROSPECTION_PRAGMAS } from './sqlite-pragmas.js';
import type { KeywordGroup, WordSequence } from './statement-rules.js';

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
}

const STANDARD_LEX: LexMode = {
  hashComments: false,
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
};

const MYSQL_LEX: LexMode = {
  ...STANDARD_LEX,
  hashComments: true,
  dashCommentNeedsSpace: true,
  executableComments: true,
  backslashEscapes: true,
  doubleQuote: 'string',
  backtickIdentifiers: true,
  identifierStart: '$',
  parameterPrefixes: '?@',
  label: "MySQL's default sql_mode",
};

const POSTGRES_LEX: LexMode = {
  ...STANDARD_LEX,
  nestedBlockComments: true,
  escapeStringPrefix: true,
  dollarQuotes: true,
  parameterPrefixes: '$',
};

/** Dialects whose only refused word runs are the common ones. */
const NO_EXTRA_SEQUENCES: readonly WordSequence[] = [];

/** Per-dialect rules; `Record<Dialect, …>` so a new dialect fails to compile until it has its rules. */
export const DIALECT_RULES: Record<Dialect, DialectRules> = {
  sqlite: {
    // SQLite accepts every identifier quoting style: "…", `…` and […]; backslashes are ordinary.
    lexModes: [
      {
        ...STANDARD_LEX,
        backtickIdentifiers: true,
        bracketIdentifiers: 'plain',
        parameterPrefixes: '?:@$',
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
    refusedAnywhere: [],
    refusedSequences: NO_EXTRA_SEQUENCES,
    functions: SIDE_EFFECT_FUNCTIONS.mysql,
    callsWithoutParentheses: false,
  },
  mssql: {
    lexModes: [
      {
        ...STANDARD_LEX,
        nestedBlockComments: true,
        bracketIdentifiers: 'doubled',
        identifierStart: '@#',
        identifierPart: '$#@',
      },
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
        keywords: ['CREATE', 'ALTER', 'DROP', 'TRUNCATE', 'GRANT', 'REVOKE', 'DENY'],
        effect:
          'changes the schema or permissions (SQL Server runs a second statement even without a semicolon)',
      },
      {
        keywords: ['EXEC', 'EXECUTE', 'WAITFOR', 'DECLARE', 'SET', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVE'],
        effect: 'starts another statement (SQL Server runs it even without a semicolon)',
      },
      // Lock hints in WITH (…) that take update or exclusive locks.
      { keywords: ['UPDLOCK', 'XLOCK', 'TABLOCKX'], effect: 'takes update or exclusive locks' },
    ],
    refusedSequences: [{ words: ['NEXT', 'VALUE', 'FOR'], effect: 'advances a sequence' }],
    functions: SIDE_EFFECT_FUNCTIONS.mssql,
    callsWithoutParentheses: false,
  },
  oracle: {
    lexModes: [{ ...STANDARD_LEX, qQuotes: true, identifierPart: '$#', parameterPrefixes: ':' }],
    extraHeads: {},
    // EXPLAIN PLAN writes into PLAN_TABLE; the explain_query tool reads plans without it.
    explain: undefined,
    refusedHeads: [
      { keywords: ['EXPLAIN'], effect: 'writes into PLAN_TABLE; use the explain_query tool instead' },
      { keywords: ['PURGE', 'FLASHBACK', 'AUDIT', 'NOAUDIT'], effect: 'changes the database' },
    ],
    refusedAnywhere: [],
    refusedSequences: NO_EXTRA_SEQUENCES,
    functions: SIDE_EFFECT_FUNCTIONS.oracle,
    callsWithoutParentheses: true,
  },
};
