/**
 * Statement keywords the guard refuses, as data grouped by what they would do. The `effect` text is
 * shown to the assistant, so it says what the statement does and, where useful, what to do instead.
 */

/** Keywords that share a refusal reason. Keywords are upper-case. */
export interface KeywordGroup {
  readonly keywords: readonly string[];
  /** Completes "INSERT …": what a statement of this group does. */
  readonly effect: string;
}

/** A run of words refused wherever it appears, e.g. `FOR UPDATE`. Words are upper-case. */
export interface WordSequence {
  readonly words: readonly string[];
  /** Completes "FOR UPDATE …". */
  readonly effect: string;
}

/** Statement heads that never start a read-only statement, in any dialect. */
export const COMMON_REFUSED_HEADS: readonly KeywordGroup[] = [
  {
    keywords: ['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'REPLACE', 'UPSERT'],
    effect: 'changes data',
  },
  {
    keywords: ['CREATE', 'ALTER', 'DROP', 'TRUNCATE', 'RENAME', 'COMMENT'],
    effect: 'changes the schema',
  },
  { keywords: ['GRANT', 'REVOKE', 'DENY'], effect: 'changes permissions' },
  {
    keywords: ['BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'START', 'END', 'ABORT'],
    effect: 'controls transactions; every query already runs alone in a read-only session',
  },
  { keywords: ['ATTACH', 'DETACH'], effect: 'attaches or detaches a database' },
  {
    keywords: ['VACUUM', 'REINDEX', 'ANALYZE', 'ANALYSE', 'OPTIMIZE', 'CLUSTER', 'CHECKPOINT', 'REFRESH'],
    effect: 'runs maintenance that rewrites storage or statistics',
  },
  { keywords: ['SET', 'RESET', 'DISCARD', 'USE'], effect: 'changes session or server settings' },
  {
    keywords: ['CALL', 'EXEC', 'EXECUTE', 'DO', 'PREPARE', 'DEALLOCATE', 'DECLARE'],
    effect: 'runs code the guard cannot inspect',
  },
  { keywords: ['LOCK', 'UNLOCK'], effect: 'takes or releases locks' },
  { keywords: ['COPY', 'LOAD', 'IMPORT'], effect: 'reads or writes files or bulk data' },
  { keywords: ['LISTEN', 'NOTIFY', 'UNLISTEN'], effect: 'sends or subscribes to notifications' },
  { keywords: ['KILL', 'SHUTDOWN'], effect: 'stops sessions or the server' },
];

/**
 * Data-changing keywords refused anywhere in the statement, not only at its start: this is what
 * catches data-modifying WITH clauses (`WITH d AS (DELETE … RETURNING *) SELECT …`). Words after
 * a `.` or `AS` are names (`t.update`, `AS delete`), so they are left alone. REPLACE and UPSERT
 * are missing on purpose: `replace()` is a common string function, and neither can appear inside
 * another statement.
 */
export const DATA_CHANGE_ANYWHERE: KeywordGroup = {
  keywords: ['INSERT', 'UPDATE', 'DELETE', 'MERGE'],
  effect: 'changes data',
};

/** Runs of words that make an otherwise read-only SELECT lock or write, in every dialect. */
export const COMMON_REFUSED_SEQUENCES: readonly WordSequence[] = [
  // Locking reads: the locks outlive the query in a pooled session and block writers meanwhile.
  { words: ['FOR', 'UPDATE'], effect: 'locks the rows it reads; remove the locking clause' },
  { words: ['FOR', 'NO', 'KEY', 'UPDATE'], effect: 'locks the rows it reads; remove the locking clause' },
  { words: ['FOR', 'SHARE'], effect: 'locks the rows it reads; remove the locking clause' },
  { words: ['FOR', 'KEY', 'SHARE'], effect: 'locks the rows it reads; remove the locking clause' },
  { words: ['LOCK', 'IN', 'SHARE', 'MODE'], effect: 'locks the rows it reads; remove the locking clause' },
  // SQLite accepts `WITH … REPLACE INTO`, and replace() is too common a function to refuse alone.
  { words: ['REPLACE', 'INTO'], effect: 'changes data' },
  // SELECT … INTO writes a file, creates a table or assigns variables, depending on the dialect.
  { words: ['INTO', 'OUTFILE'], effect: 'writes a file on the database server' },
  { words: ['INTO', 'DUMPFILE'], effect: 'writes a file on the database server' },
  {
    words: ['INTO'],
    effect: 'creates a table or assigns variables (SELECT … INTO); select the rows without INTO',
  },
];
