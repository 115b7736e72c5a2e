import {
  describeTable,
  describeTableInput,
  explainQuery,
  explainQueryInput,
  findJoinPath,
  findJoinPathInput,
  listTables,
  listTablesInput,
  runQueryInput,
  runReadOnlyQuery,
  searchSchema,
  searchSchemaInput,
  type UseCaseDeps,
} from '@legacybridge/core';
import type { McpServer, ToolAnnotations } from '@modelcontextprotocol/server';
import {
  describeTableOutput,
  explainQueryOutput,
  findJoinPathOutput,
  listedInputSchema,
  listTablesOutput,
  publishedOutputSchema,
  runQueryOutput,
  searchSchemaOutput,
} from './output-schemas.js';
import {
  renderJoinPath,
  renderQueryPlan,
  renderQueryResult,
  renderSearchResults,
  renderTableDetail,
  renderTableList,
} from './render.js';
import { forRequest, respond, type ToolResponder, withoutUndefined } from './respond.js';
import { joinPathContent, queryPlanContent, queryResultContent } from './structured.js';
import { describeExplainQuery, describeRunQuery, TOOL_DESCRIPTIONS } from './tool-descriptions.js';

/** The six tools of the MCP contract (DESIGN.md §7), in the order they are listed. */
export const TOOL_NAMES = [
  'list_tables',
  'describe_table',
  'search_schema',
  'run_query',
  'explain_query',
  'find_join_path',
] as const;

/** One of the six tool names. */
export type ToolName = (typeof TOOL_NAMES)[number];

// Every tool only reads, answers the same for the same input, and talks to one known database
// (not the open web), so clients may run them without asking for confirmation.
const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

// The input schemas as listed: core's zod schemas without the `$schema` line (listedInputSchema).
const INPUT = {
  list_tables: listedInputSchema(listTablesInput),
  describe_table: listedInputSchema(describeTableInput),
  search_schema: listedInputSchema(searchSchemaInput),
  run_query: listedInputSchema(runQueryInput),
  explain_query: listedInputSchema(explainQueryInput),
  find_join_path: listedInputSchema(findJoinPathInput),
} as const;

// The output schemas as registered: zod's JSON Schema as before, checked per call by a compiled
// validator instead of a zod parse (see publishedOutputSchema). Module-level, so every server
// instance of the process shares one compiled validator per tool.
const OUTPUT = {
  list_tables: publishedOutputSchema(listTablesOutput),
  describe_table: publishedOutputSchema(describeTableOutput),
  search_schema: publishedOutputSchema(searchSchemaOutput),
  run_query: publishedOutputSchema(runQueryOutput),
  explain_query: publishedOutputSchema(explainQueryOutput),
  find_join_path: publishedOutputSchema(findJoinPathOutput),
} as const;

/** Registers the six tools on `server`; each calls its core use case only when it is called. */
export function registerTools(server: McpServer, deps: UseCaseDeps, responder: ToolResponder): void {
  server.registerTool(
    'list_tables',
    {
      title: 'List tables',
      description: TOOL_DESCRIPTIONS.list_tables,
      inputSchema: INPUT.list_tables,
      outputSchema: OUTPUT.list_tables,
      annotations: { ...READ_ONLY, title: 'List tables' },
    },
    (args, ctx) =>
      respond(
        forRequest(responder, ctx),
        'list_tables',
        () => listTables(deps, args),
        renderTableList,
        (page) => withoutUndefined(listTablesOutput.parse(page)),
      ),
  );

  server.registerTool(
    'describe_table',
    {
      title: 'Describe a table',
      description: TOOL_DESCRIPTIONS.describe_table,
      inputSchema: INPUT.describe_table,
      outputSchema: OUTPUT.describe_table,
      annotations: { ...READ_ONLY, title: 'Describe a table' },
    },
    (args, ctx) =>
      respond(
        forRequest(responder, ctx),
        'describe_table',
        () => describeTable(deps, args),
        renderTableDetail,
        (detail) => withoutUndefined(describeTableOutput.parse(detail)),
      ),
  );

  server.registerTool(
    'search_schema',
    {
      title: 'Search the schema',
      description: TOOL_DESCRIPTIONS.search_schema,
      inputSchema: INPUT.search_schema,
      outputSchema: OUTPUT.search_schema,
      annotations: { ...READ_ONLY, title: 'Search the schema' },
    },
    (args, ctx) =>
      respond(
        forRequest(responder, ctx),
        'search_schema',
        () => searchSchema(deps, args),
        renderSearchResults,
        (found) => withoutUndefined(searchSchemaOutput.parse(found)),
      ),
  );

  server.registerTool(
    'run_query',
    {
      title: 'Run a read-only query',
      description: describeRunQuery(deps),
      inputSchema: INPUT.run_query,
      outputSchema: OUTPUT.run_query,
      annotations: { ...READ_ONLY, title: 'Run a read-only query' },
    },
    (args, ctx) => {
      const request = forRequest(responder, ctx);
      return respond(
        request,
        'run_query',
        // The request's signal aborts when the client cancels (or the connection goes): the
        // adapter turns that into a database-side cancel, so nothing keeps running for nobody.
        () => runReadOnlyQuery(deps, args, { signal: ctx.mcpReq.signal, caller: request.caller }),
        renderQueryResult,
        queryResultContent,
      );
    },
  );

  server.registerTool(
    'explain_query',
    {
      title: 'Explain a query',
      description: describeExplainQuery(deps),
      inputSchema: INPUT.explain_query,
      outputSchema: OUTPUT.explain_query,
      annotations: { ...READ_ONLY, title: 'Explain a query' },
    },
    (args, ctx) => {
      const request = forRequest(responder, ctx);
      return respond(
        request,
        'explain_query',
        () => explainQuery(deps, args, { signal: ctx.mcpReq.signal, caller: request.caller }),
        renderQueryPlan,
        queryPlanContent,
      );
    },
  );

  server.registerTool(
    'find_join_path',
    {
      title: 'Find a join path',
      description: TOOL_DESCRIPTIONS.find_join_path,
      inputSchema: INPUT.find_join_path,
      outputSchema: OUTPUT.find_join_path,
      annotations: { ...READ_ONLY, title: 'Find a join path' },
    },
    (args, ctx) =>
      respond(
        forRequest(responder, ctx),
        'find_join_path',
        () => findJoinPath(deps, args),
        renderJoinPath,
        joinPathContent,
      ),
  );
}
