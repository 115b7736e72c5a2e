/**
 * The shape of an adversarial case. Cases are data so that one corpus drives three suites: the
 * guard-level check (every dialect), the end-to-end run through the MCP server against real
 * databases (PostgreSQL, MariaDB, SQLite) and the timeout suite (delays and CPU bombs).
 */

/** The guard's dialects; `mysql` cases run live against MariaDB. */
export type CaseDialect = 'postgres' | 'mysql' | 'sqlite' | 'mssql' | 'oracle';

/** The dialects a real server runs here; SQL Server and Oracle cases are checked at the guard only. */
export type LiveDialect = 'postgres' | 'mysql' | 'sqlite';

export const LIVE_DIALECTS: readonly LiveDialect[] = ['postgres', 'mysql', 'sqlite'];

/**
 * - `refuse`: the call must fail with a reason, and change nothing.
 * - `allow`: the call must succeed (the SQL is valid on every live dialect listed).
 * - `timeout`: the call must fail with a timeout within DB_TIMEOUT + 1 s (bombs.test.ts only).
 * - `fail`: the call must fail, for any reason the engine gives (used where a statement errors after
 *   a hidden side effect, to test the error path's reset), and change nothing.
 */
export type Expectation = 'refuse' | 'allow' | 'timeout' | 'fail';

export interface AdversarialCase {
  /** Unique, stable: `<dialect or area>-<topic>-<n>`. Findings and known gaps refer to it. */
  readonly id: string;
  readonly dialects: readonly CaseDialect[];
  readonly sql: string;
  readonly expect: Expectation;
  /** Why the expectation holds: the attack, or why the text is harmless. */
  readonly why: string;
  /** The MCP tool to send it through end to end (default run_query). */
  readonly tool?: 'run_query' | 'explain_query';
  /**
   * Which layer is expected to refuse: the statement guard (default) or the database's read-only
   * session (a user-defined function that writes: the guard cannot see inside it).
   */
  readonly refusedBy?: 'guard' | 'session';
  /**
   * The case tries to leave state on the pooled connection (a lock, a setting, a variable): right
   * after it, e2e.test.ts reads the session state back through MCP on several pooled connections.
   */
  readonly leakCheck?: boolean;
  /** A delay or CPU bomb: bombs.test.ts times it against DB_TIMEOUT whatever its expectation. */
  readonly bomb?: boolean;
  /**
   * A finding id from /tmp/briefs/findings-adversarial.md: the case fails today because of a real
   * bug. The suites assert it STILL fails, so a fix turns them red until the mark is removed.
   */
  readonly knownGap?: string;
}

/** Every guard dialect. */
export const ALL: readonly CaseDialect[] = ['postgres', 'mysql', 'sqlite', 'mssql', 'oracle'];
/** The dialects with a live server here. */
export const LIVE: readonly CaseDialect[] = ['postgres', 'mysql', 'sqlite'];
