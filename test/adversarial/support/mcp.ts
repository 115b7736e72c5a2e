import {
  connectStdio,
  createSandbox,
  requireBuiltCli,
  type Sandbox,
  type StdioConnection,
  type ToolResult,
  textOf,
} from '../../../packages/server/test/support/cli-harness.js';
import type { AdversarialCase, LiveDialect } from '../corpus/index.js';

/** What a call came back as, read from the tool result the way an assistant would read it. */
export type Outcome =
  | { readonly kind: 'ok'; readonly text: string }
  /** ReadOnlyViolation: the guard's or the read-only session's refusal, with its reason. */
  | { readonly kind: 'refused'; readonly text: string }
  /** InvalidInput: the guard could not read the text (unterminated, invisible characters, empty). */
  | { readonly kind: 'invalid'; readonly text: string }
  | { readonly kind: 'timeout'; readonly text: string }
  /** Any other failure (a syntax error from the engine, a missing function, …). */
  | { readonly kind: 'error'; readonly text: string };

/** Classifies by the fixed public messages of core's toPublicMessage. */
export function outcomeOf(result: ToolResult): Outcome {
  const text = textOf(result);
  if (!result.isError) return { kind: 'ok', text };
  if (text.startsWith('Refused: ')) return { kind: 'refused', text };
  // The guard's refusals of unreadable or oversized text name their reason too.
  if (text.startsWith('Invalid sql: ') || text.startsWith('The SQL is longer than'))
    return { kind: 'invalid', text };
  if (text.startsWith('The query was stopped after') || text.startsWith('The query was cancelled')) {
    return { kind: 'timeout', text };
  }
  return { kind: 'error', text };
}

/** Whether `outcome` is what `c` expects; a refusal must carry a reason (text after "Refused: "). */
export function meetsExpectation(c: AdversarialCase, outcome: Outcome): boolean {
  switch (c.expect) {
    case 'allow':
      return outcome.kind === 'ok';
    case 'refuse':
      return (
        (outcome.kind === 'refused' || outcome.kind === 'invalid') &&
        outcome.text.length > 'Refused: '.length + 10
      );
    case 'timeout':
      return outcome.kind === 'timeout';
    case 'fail':
      return outcome.kind !== 'ok' && outcome.text.length > 20;
  }
}

/** A LegacyBridge server (the built CLI, stdio) with a real MCP client. */
export interface Served {
  readonly conn: StdioConnection;
  call(
    tool: 'run_query' | 'explain_query',
    sql: string,
    maxRows?: number,
  ): Promise<Outcome & { rows?: number }>;
  close(): Promise<void>;
}

/** Starts the built CLI on `url` with `env` (DB_TIMEOUT …) in a private sandbox. */
export async function serve(url: string, env: Record<string, string>): Promise<Served> {
  requireBuiltCli();
  const sandbox: Sandbox = createSandbox({ LOG_LEVEL: 'warn', ...env });
  const conn = await connectStdio('v1', sandbox.env, ['--url', url]);
  return {
    conn,
    call: async (tool, sql, maxRows) => {
      const result = await conn.client.callTool({
        name: tool,
        arguments: maxRows === undefined ? { sql } : { sql, max_rows: maxRows },
      });
      const rows = (result.structuredContent as { rows?: unknown[] } | undefined)?.rows?.length;
      return { ...outcomeOf(result), ...(rows === undefined ? {} : { rows }) };
    },
    async close() {
      await conn.close();
      sandbox.remove();
    },
  };
}

/**
 * Session state a case might try to leave on a pooled connection, read back through MCP: settings,
 * advisory or named locks, user variables, listeners, prepared statements, temporary tables.
 */
export const SESSION_PROBE: Record<LiveDialect, string> = {
  postgres: `SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('search_path') AS search_path,
    current_setting('work_mem') AS work_mem, current_setting('default_transaction_read_only') AS read_only,
    current_setting('transaction_read_only') AS tx_read_only, current_user AS role,
    (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory') AS advisory_locks,
    (SELECT count(*) FROM pg_listening_channels()) AS listening,
    (SELECT count(*) FROM pg_prepared_statements) AS prepared,
    (SELECT count(*) FROM pg_class WHERE relpersistence = 't') AS temp_relations`,
  // MariaDB spellings (the live server here): tx_read_only, max_statement_time.
  mysql: `SELECT @@session.sql_mode AS sql_mode, @@session.max_statement_time AS max_statement_time,
    @@session.tx_read_only AS read_only, @@session.autocommit AS autocommit,
    @@session.character_set_client AS charset, @lb_adv AS var1, @lb_adv2 AS var2,
    IS_USED_LOCK('lb_adv') AS named_lock, LAST_INSERT_ID() AS last_insert_id`,
  sqlite: `SELECT (SELECT query_only FROM pragma_query_only) AS query_only,
    (SELECT foreign_keys FROM pragma_foreign_keys) AS foreign_keys, (SELECT cache_size FROM pragma_cache_size) AS cache_size,
    (SELECT temp_store FROM pragma_temp_store) AS temp_store, (SELECT count(*) FROM pragma_database_list) AS databases,
    (SELECT count(*) FROM temp.sqlite_master) AS temp_objects`,
};

/**
 * The probe's answers from `parallel` concurrent calls (so several pooled connections answer), as
 * a sorted list of distinct JSON rows.
 */
export async function probeSessions(served: Served, dialect: LiveDialect, parallel = 5): Promise<string[]> {
  const results = await Promise.all(
    Array.from({ length: parallel }, () =>
      served.conn.client.callTool({ name: 'run_query', arguments: { sql: SESSION_PROBE[dialect] } }),
    ),
  );
  return [
    ...new Set(
      results.map((r) => {
        if (r.isError) return `error: ${textOf(r)}`;
        return JSON.stringify((r.structuredContent as { rows: unknown[][] }).rows);
      }),
    ),
  ].sort();
}
