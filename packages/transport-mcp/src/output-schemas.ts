import { fromJsonSchema, type StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { z } from 'zod';

/**
 * Output schemas of the six tools: the JSON Schema clients see in `tools/list` and validate
 * `structuredContent` against. They mirror core's model types; values adapters may extend (logical
 * type names, kinds) are plain strings so a new value never breaks a tool call. Clients are told
 * `additionalProperties: false`, so structured content never carries a field these schemas do not
 * name: it is built field by field (run_query, explain_query) or by parsing through the schema,
 * which drops any extra field an adapter adds. The tools register them through `publishedOutputSchema`.
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
  description: z.string().optional().describe("From the operator's data dictionary."),
  synonyms: z.array(z.string()).optional().describe('Other names for it, from the data dictionary.'),
  pii: z.boolean().optional().describe('The data dictionary marks it as personal data.'),
});

/** `list_tables`: one page of tables. */
export const listTablesOutput = z.object({
  tables: z.array(tableInfo),
  total: z.number().int().describe('Tables matching the filter across all pages.'),
  nextCursor: z.string().optional().describe('Pass as cursor for the next page; absent on the last page.'),
  budgetLimited: z
    .boolean()
    .optional()
    .describe('True when the page stopped short of limit to stay within about 8k tokens.'),
});

const foreignKey = z.object({
  name: z.string().optional(),
  table: tableRef,
  columns: z.array(z.string()),
  referencedTable: tableRef,
  referencedColumns: z.array(z.string()),
});

const inferredRelationship = z.object({
  table: tableRef,
  columns: z.array(z.string()),
  referencedTable: tableRef,
  referencedColumns: z.array(z.string()),
  confidence: z.number().describe('0–1: how sure the guess is.'),
  evidence: z.string().describe('Why it was inferred, in words.'),
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
      description: z.string().optional().describe("From the operator's data dictionary."),
      synonyms: z.array(z.string()).optional(),
      unit: z.string().optional().describe('Unit of the values, from the data dictionary.'),
      pii: z.boolean().optional().describe('The data dictionary marks it as personal data.'),
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
  inferredForeignKeys: z
    .array(inferredRelationship)
    .optional()
    .describe('Undeclared references from this table, guessed from column names and types.'),
  inferredReferencedBy: z
    .array(inferredRelationship)
    .optional()
    .describe(
      'Undeclared references from other tables to this one, guessed from names and types; the surest 25.',
    ),
  inferredReferencedByOmitted: z
    .number()
    .int()
    .optional()
    .describe('How many more inferred references to this table exist than are listed.'),
});

/** `find_join_path`: the hops of the shortest path and the SQL text joining them. */
export const findJoinPathOutput = z.object({
  from: tableRef,
  to: tableRef,
  hops: z.array(
    z.object({
      from: tableRef,
      fromColumns: z.array(z.string()),
      to: tableRef,
      toColumns: z.array(z.string()),
      kind: z.enum(['declared', 'inferred']),
      confidence: z.number().describe('1 for a declared foreign key.'),
      evidence: z.string().optional(),
    }),
  ),
  sql: z.string().describe('FROM … JOIN … ON …: put SELECT and WHERE around it.'),
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
      matched: z
        .string()
        .optional()
        .describe(
          'The strongest kind of evidence: exact, prefix, part, synonym, substring, typo, comment, description or abbreviation.',
        ),
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
  cached: z
    .literal(true)
    .optional()
    .describe(
      'Present when the answer came from the query cache (QUERY_CACHE_TTL) rather than the database.',
    ),
});

/** `explain_query`: the plan text. The engine's structured plan is left out to keep answers small. */
export const explainQueryOutput = z.object({
  dialect: z.string(),
  text: z.string(),
  estimatedCost: z.number().optional(),
});

/**
 * What the MCP listing says beyond the types. Many hosts put every tool's definition, output schema
 * included, into the model's context on every turn, so the listing is kept lean (issue 6 item 6; on
 * the bench's schema the six output schemas were 2,188 o200k tokens, 56% of tools/list):
 * - rendered with this registry instead of zod's global one, so the `.describe()` texts above (kept
 *   for the REST OpenAPI document, a human's reference) stay out: most repeat the tool description.
 *   Only the few below, which say something neither the property name nor the tool description does,
 *   are listed.
 * - the objects several properties share are written once under `$defs` and referenced (`$ref`),
 *   here rather than with a global `.meta({ id })`, which would put `$defs` into the OpenAPI document
 *   where `#/$defs/…` resolves against the document root and breaks.
 * The validation is unchanged: same types, same required fields, `additionalProperties: false`
 * everywhere, checked by Ajv 2020 like every MCP client that validates.
 */
const listing = z.registry<{ id?: string; description?: string }>();
listing.add(tableRef, { id: 'table' });
listing.add(foreignKey, { id: 'foreignKey' });
listing.add(inferredRelationship, { id: 'inferred' });
listing.add(listTablesOutput.shape.total, { description: 'Matches across all pages.' });
listing.add(listTablesOutput.shape.budgetLimited, {
  description: 'Page cut short of limit to stay near 8k tokens.',
});
listing.add(inferredRelationship.shape.confidence, { description: '0–1' });
listing.add(searchSchemaOutput.shape.matches.element.shape.matched, {
  description: 'exact, prefix, part, synonym, substring, typo, comment, description or abbreviation',
});

// The JSON Schema draft the SDK asks for when it lists a tool's output schema.
const LISTED_TARGET = 'draft-2020-12';

/**
 * `schema` as the MCP listing publishes it: zod's rendering with the `listing` registry, minus what
 * says nothing to a validator or a model. `$schema` goes when it names draft 2020-12, the default
 * dialect of an MCP schema without one (MCP 2025-11-25); `.int()`'s ±2^53−1 bounds go, since every
 * JSON number a JavaScript server sends is inside them and `"type": "integer"` stays.
 */
function leanJsonSchema(
  schema: z.ZodType,
  target: StandardJSONSchemaOptions['target'],
): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target, io: 'output', metadata: listing }) as Record<string, unknown>;
  if (target === LISTED_TARGET) delete json.$schema;
  dropSafeIntegerBounds(json);
  return json;
}

function dropSafeIntegerBounds(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) dropSafeIntegerBounds(item);
    return;
  }
  const record = node as Record<string, unknown>;
  if (record.minimum === Number.MIN_SAFE_INTEGER) delete record.minimum;
  if (record.maximum === Number.MAX_SAFE_INTEGER) delete record.maximum;
  for (const value of Object.values(record)) dropSafeIntegerBounds(value);
}

type StandardJSONSchemaOptions = Parameters<StandardSchemaWithJSON['~standard']['jsonSchema']['output']>[0];

/**
 * A tool's `inputSchema` (core's zod schema) listed without `$schema`, the one part of it that says
 * nothing: draft 2020-12 is an MCP schema's default dialect. Descriptions and bounds stay, since the
 * model calls the tool from them. Arguments are still validated and parsed by the zod schema itself.
 */
export function listedInputSchema<S extends z.ZodType>(
  schema: S,
): StandardSchemaWithJSON<z.input<S>, z.output<S>> {
  const standard = schema['~standard'] as StandardSchemaWithJSON<z.input<S>, z.output<S>>['~standard'];
  const rendered = new Map<string, string>();
  const input = (options: StandardJSONSchemaOptions) => {
    if (options.target !== LISTED_TARGET || options.libraryOptions !== undefined) {
      return standard.jsonSchema.input(options);
    }
    let text = rendered.get(options.target);
    if (text === undefined) {
      const { $schema: _dialect, ...json } = standard.jsonSchema.input(options);
      text = JSON.stringify(json);
      rendered.set(options.target, text);
    }
    // A fresh copy per caller: the SDK keeps and may decorate what it is given.
    return JSON.parse(text) as Record<string, unknown>;
  };
  return {
    '~standard': {
      version: 1,
      vendor: 'legacybridge',
      validate: standard.validate,
      jsonSchema: { input, output: standard.jsonSchema.output },
    },
  };
}

/**
 * `schema` as a tool's `outputSchema`: listed lean (`leanJsonSchema`) and checked cheaply.
 *
 * The SDK validates every successful call's `structuredContent` against the registered output schema
 * before sending it. Registered as a zod schema, that is a full zod parse of the answer per call —
 * every row of a 1,000-row result (~130 µs). Here the JSON Schema clients see is zod's rendering of
 * `schema` made lean (`leanJsonSchema`: same types and required fields), and the per-call check runs that same
 * JSON Schema through the SDK's own compiled validator (`fromJsonSchema`, Ajv): ~0.3 µs for a point
 * query's answer, ~1 µs for 1,000 rows. It is still a real check against the published contract —
 * an answer that breaks it fails the call, as it did with zod — only compiled instead of interpreted.
 * Both the rendering and the compiled validator are made on first use and shared by every server
 * instance of the process (stateless HTTP builds one per request), so startup pays nothing.
 */
export function publishedOutputSchema<T>(schema: z.ZodType<T>): StandardSchemaWithJSON<T, T> {
  const rendered = new Map<string, string>();
  let compiled: StandardSchemaWithJSON<T, T> | undefined;
  // A fresh copy per caller: the SDK keeps and may decorate what it is given.
  const render = (options: StandardJSONSchemaOptions) => {
    if (options.libraryOptions !== undefined) return schema['~standard'].jsonSchema.output(options);
    let text = rendered.get(options.target);
    if (text === undefined) {
      text = JSON.stringify(leanJsonSchema(schema, options.target));
      rendered.set(options.target, text);
    }
    return JSON.parse(text) as Record<string, unknown>;
  };
  return {
    '~standard': {
      version: 1,
      vendor: 'legacybridge',
      jsonSchema: { input: render, output: render },
      validate: (value) => {
        compiled ??= fromJsonSchema<T>(render({ target: LISTED_TARGET }));
        return compiled['~standard'].validate(value);
      },
    },
  };
}
