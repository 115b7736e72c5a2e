import type { Dialect } from '@legacybridge/core';
import type { GetPromptResult, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** Name of the exploration prompt. */
export const EXPLORE_PROMPT_NAME = 'explore_database';

const exploreArgs = z.object({
  goal: z
    .string()
    .max(2000)
    .optional()
    .describe('What you want to find out, e.g. "monthly revenue per region for 2023".'),
});

/**
 * Registers `explore_database`: a method for finding one's way around an unknown legacy database
 * with the six tools, optionally aimed at a `goal`. Reads nothing from the database.
 */
export function registerPrompts(server: McpServer, dialect: Dialect): void {
  server.registerPrompt(
    EXPLORE_PROMPT_NAME,
    {
      title: 'Explore this database',
      description:
        'Step-by-step method to explore an unknown legacy database safely and answer a question from it.',
      argsSchema: exploreArgs,
    },
    ({ goal }) => explorePrompt(dialect, goal),
  );
}

/** The prompt's messages; exported so other transports can serve the same guidance. */
export function explorePrompt(dialect: Dialect, goal?: string): GetPromptResult {
  const aim = goal?.trim()
    ? `My goal: ${goal.trim()}\n\nWork towards that goal with the method below.`
    : 'Give me an overview of what this database holds, using the method below.';
  const text = `You are exploring an unfamiliar legacy ${dialect} database through the LegacyBridge tools. Everything is read-only and bounded, but the database may be large and in production: be economical.

${aim}

Method:
1. Find candidates: call search_schema with the business words of the goal (e.g. "customer", "invoice date") and also likely abbreviations (cust, cst, inv, ord, hdr, dtl, amt, qty, dt). Legacy names are often cryptic: CUSTMST = customer master, ORD_HDR / ORD_DTL = order header / lines, *_HIST / *_ARCH = history or archive copies, *_BAK / *_OLD / *_TMP = usually ignore. On a small schema, list_tables gives the whole picture; pass its nextCursor to page.
2. Understand structure: call describe_table on the best few candidates. Read the column comments, the primary key, and the foreign keys in both directions — they are the join paths. When no foreign keys are declared (common in old systems), describe_table lists inferred relationships (matching names and types) with a confidence, and find_join_path gives the shortest join between two tables with its SQL; verify inferred joins with a small query.
3. Look at real data: run_query with a small max_rows (5–20), e.g. SELECT * on one table, to learn codes, flags and formats (status letters, dates stored as numbers or text, padded CHAR columns, sentinel values like 0 or 9999-12-31 for "none").
4. Measure before reading a lot: use COUNT(*) and GROUP BY to size things; for a heavy join or a big table, call explain_query first and prefer indexed columns in WHERE.
5. Answer: write one ${dialect} query that answers the goal, join along the foreign keys you found, aggregate in SQL rather than reading raw rows, and check whether the result says truncated.

State the tables and joins you relied on and any assumption about a cryptic code, so a person can check it.`;
  return {
    description: goal?.trim() ? `Explore the database towards: ${goal.trim()}` : 'Explore the database',
    messages: [{ role: 'user', content: { type: 'text', text } }],
  };
}
