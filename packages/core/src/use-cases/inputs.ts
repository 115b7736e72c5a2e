import { z } from 'zod';

/**
 * The input schemas of the six tools, shared by every transport (MCP tools, REST, OpenAPI) so the
 * contract is written once. Field names are the public tool arguments (DESIGN.md §7): keep them.
 */

const identifier = z.string().min(1).max(256);

export const listTablesInput = z.object({
  schema: identifier.optional().describe('Only tables in this schema (database, on MySQL).'),
  pattern: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe('Case-insensitive filter on the table name: a substring, or a glob with * and ?.'),
  limit: z.number().int().min(1).max(1000).optional().describe('Tables per page (default 100).'),
  cursor: z.string().max(512).optional().describe('The nextCursor of the previous page.'),
});
export type ListTablesInput = z.infer<typeof listTablesInput>;

export const describeTableInput = z.object({
  table: identifier.describe('Table or view name; "schema.table" also works.'),
  schema: identifier.optional().describe('The schema, when the name alone is ambiguous.'),
});
export type DescribeTableInput = z.infer<typeof describeTableInput>;

export const searchSchemaInput = z.object({
  query: z
    .string()
    .min(1)
    .max(256)
    .describe('Words to look for in table and column names, comments and data dictionary text.'),
  limit: z.number().int().min(1).max(100).optional().describe('Maximum matches (default 20).'),
});
export type SearchSchemaInput = z.infer<typeof searchSchemaInput>;

export const runQueryInput = z.object({
  sql: z.string().describe('One read-only SQL statement (SELECT, WITH … SELECT, EXPLAIN, …).'),
  max_rows: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Stop after this many rows (default and ceiling set by the operator).'),
});
export type RunQueryInput = z.infer<typeof runQueryInput>;

export const explainQueryInput = z.object({
  sql: z.string().describe('One read-only SQL statement to plan; it is not executed.'),
});
export type ExplainQueryInput = z.infer<typeof explainQueryInput>;

export const findJoinPathInput = z.object({
  from: identifier.describe('The table to start from; "schema.table" also works.'),
  to: identifier.describe('The table to reach; "schema.table" also works.'),
  schema: identifier.optional().describe('The schema of both tables, when the names alone are ambiguous.'),
  max_hops: z.number().int().min(1).max(8).optional().describe('Most joins the path may have (default 4).'),
});
export type FindJoinPathInput = z.infer<typeof findJoinPathInput>;
