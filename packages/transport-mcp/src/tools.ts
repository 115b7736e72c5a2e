import {
  describeTable,
  describeTableInput,
  explainQuery,
  explainQueryInput,
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
  listTablesOutput,
  resultColumnOutput,
  runQueryOutput,
  searchSchemaOutput,
} from './output-schemas.js';
import {
  renderQueryPlan,
  renderQueryResult,
  renderSearchResults,
  renderTableDetail,
  renderTableList,
} from './render.js';
import { respond, type ToolResponder, withoutUndefined } from './respond.js';
import { describeExplainQuery, describeRunQuery, TOOL_DESCRIPTIONS } from './tool-descriptions.js';

/** The five tools of the MCP contract (DESIGN.md §7), in the order they are listed. */
export const TOOL_NAMES = [
  'list_tables',
  'describe_table',
  'search_schema',
  'run_query',
  'explain_query',
] as const;

/** One of the five tool names. */
export type ToolName = (typeof TOOL_NAMES)[number];

// Every tool only reads, answers the same for the same input, and talks to one known database
// (not the open web), so clients may run them without asking for confirmation.
const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** Registers the five tools on `server`; each calls its core use case only when it is called. */
export function registerTools(server: McpServer, deps: UseCaseDeps, responder: ToolResponder): void {
  server.registerTool(
    'list_tables',
    {
      title: 'List tables',
      description: TOOL_DESCRIPTIONS.list_tables,
      inputSchema: listTablesInput,
      outputSchema: listTablesOutput,
      annotations: { ...READ_ONLY, title: 'List tables' },
    },
    (args) =>
      respond(
        responder,
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
      inputSchema: describeTableInput,
      outputSchema: describeTableOutput,
      annotations: { ...READ_ONLY, title: 'Describe a table' },
    },
    (args) =>
      respond(
        responder,
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
      inputSchema: searchSchemaInput,
      outputSchema: searchSchemaOutput,
      annotations: { ...READ_ONLY, title: 'Search the schema' },
    },
    (args) =>
      respond(
        responder,
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
      inputSchema: runQueryInput,
      outputSchema: runQueryOutput,
      annotations: { ...READ_ONLY, title: 'Run a read-only query' },
    },
    (args, ctx) =>
      respond(
        responder,
        'run_query',
        // The request's signal aborts when the client cancels (or the connection goes): the
        // adapter turns that into a database-side cancel, so nothing keeps running for nobody.
        () => runReadOnlyQuery(deps, args, { signal: ctx.mcpReq.signal, caller: responder.caller }),
        renderQueryResult,
        // Rows are JSON-safe arrays from the adapter and can be large: passed on as they are.
        (result) => ({
          columns: result.columns.map((c) => withoutUndefined(resultColumnOutput.parse(c))),
          rows: result.rows,
          rowCount: result.rowCount,
          truncated: result.truncated,
          ...(result.truncatedBy ? { truncatedBy: result.truncatedBy } : {}),
          durationMs: result.durationMs,
        }),
      ),
  );

  server.registerTool(
    'explain_query',
    {
      title: 'Explain a query',
      description: describeExplainQuery(deps),
      inputSchema: explainQueryInput,
      outputSchema: explainQueryOutput,
      annotations: { ...READ_ONLY, title: 'Explain a query' },
    },
    (args, ctx) =>
      respond(
        responder,
        'explain_query',
        () => explainQuery(deps, args, { signal: ctx.mcpReq.signal, caller: responder.caller }),
        renderQueryPlan,
        // The engine's raw plan can be large; the text carries the same information.
        (plan) =>
          withoutUndefined({ dialect: plan.dialect, text: plan.text, estimatedCost: plan.estimatedCost }),
      ),
  );
}
