import { z } from 'zod';

/**
 * Output schemas of the five tools: the JSON Schema clients see in `tools/list` and validate
 * `structuredContent` against. They mirror core's model types; values adapters may extend (logical
 * type names, kinds) are plain strings so a new value never breaks a tool call. Clients are told
 * `additionalProperties: false`, so structured content is always built by parsing through these
 * schemas, which drops any extra field an adapter adds.
 */

const tableRef = z.object({
  schema: z.string().optional(),
  name: z.string(),
});

const tableInfo = z.object({
  schema: z.string().optional(),
  name: z.string(),
  kind: z.string().describe('table, view, materialized_view or foreign_table'),
  rowEstimate: z.number().optional().describe('From statistics; absent when unknown.'),
  comment: z.string().optional(),
});

/** `list_tables`: one page of tables. */
export const listTablesOutput = z.object({
  tables: z.array(tableInfo),
  total: z.number().int().describe('Tables matching the filter across all pages.'),
  nextCursor: z.string().optional().describe('Pass as cursor for the next page; absent on the last page.'),
});

const foreignKey = z.object({
  name: z.string().optional(),
  table: tableRef,
  columns: z.array(z.string()),
  referencedTable: tableRef,
  referencedColumns: z.array(z.string()),
});

/** `describe_table`: columns, keys, relationships, indexes. */
export const describeTableOutput = z.object({
  table: tableInfo,
  columns: z.array(
    z.object({
      name: z.string(),
      ordinal: z.number().int(),
      nativeType: z.string(),
      logicalType: z.string(),
      nullable: z.boolean(),
      default: z.string().optional(),
      primaryKeyPosition: z.number().int().optional(),
      comment: z.string().optional(),
    }),
  ),
  primaryKey: z.array(z.string()),
  foreignKeys: z.array(foreignKey),
  referencedBy: z.array(foreignKey),
  indexes: z.array(
    z.object({
      name: z.string(),
      columns: z.array(z.string()),
      unique: z.boolean(),
      primary: z.boolean(),
    }),
  ),
});

/** `search_schema`: ranked matches. */
export const searchSchemaOutput = z.object({
  matches: z.array(
    z.object({
      type: z.enum(['table', 'column']),
      schema: z.string().optional(),
      table: z.string(),
      column: z.string().optional(),
      score: z.number(),
      reason: z.string(),
    }),
  ),
});

/** One result column of `run_query`. */
export const resultColumnOutput = z.object({
  name: z.string(),
  nativeType: z.string().optional(),
  logicalType: z.string(),
});

/** `run_query`: rows as arrays in column order. */
export const runQueryOutput = z.object({
  columns: z.array(resultColumnOutput),
  rows: z
    .array(z.array(z.unknown()))
    .describe('Each row is an array in column order. Big integers and decimals are exact strings.'),
  rowCount: z.number().int(),
  truncated: z.boolean().describe('True when reading stopped at a limit and more rows exist.'),
  truncatedBy: z.enum(['rows', 'bytes']).optional(),
  durationMs: z.number(),
});

/** `explain_query`: the plan text. The engine's structured plan is left out to keep answers small. */
export const explainQueryOutput = z.object({
  dialect: z.string(),
  text: z.string(),
  estimatedCost: z.number().optional(),
});
