import type { LoggerPort, SpanRunner, UseCaseDeps } from '@legacybridge/core';
import { McpServer } from '@modelcontextprotocol/server';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { registerTools } from './tools.js';

/** What `createMcpServer` needs: the use cases' ports and how to name and log this server. */
export interface LegacyBridgeMcpOptions {
  /** Ports of the use cases; adapters connect lazily by themselves. */
  readonly deps: UseCaseDeps;
  /** Server name reported to clients (default `legacybridge`). */
  readonly name?: string;
  /** Server version reported to clients (default this package's version). */
  readonly version?: string;
  /** Where this package logs (default `deps.logger`). Never stdout: stdio's stdout is the MCP channel. */
  readonly logger?: LoggerPort;
  /** Who is calling, for logs, e.g. `stdio` or an API key name. */
  readonly caller?: string;
  /** Runs each tool call in a trace span (`tools/call <tool>`); default: no spans. */
  readonly trace?: SpanRunner | undefined;
}

/** This package's version, reported when the caller gives none. */
export const TRANSPORT_MCP_VERSION = '0.1.0';

// Sent once at initialization; clients that show it to the model get the method in one paragraph.
const INSTRUCTIONS =
  'LegacyBridge gives read-only, bounded access to one SQL database. Start with search_schema (or ' +
  'list_tables on a small schema), then describe_table for exact columns and foreign keys, then ' +
  'run_query with a small max_rows; use explain_query before heavy queries. Writes are always refused. ' +
  'The explore_database prompt describes the method in full.';

/**
 * Builds an MCP server with the six tools, two resources and the exploration prompt registered.
 * Cheap and side-effect free — it opens no connection and reads nothing — so it is safe to call once
 * per HTTP request (stateless serving) or once per stdio process.
 */
export function createMcpServer(options: LegacyBridgeMcpOptions): McpServer {
  const { deps } = options;
  const logger = (options.logger ?? deps.logger).child({ component: 'mcp' });
  const responder = { logger, caller: options.caller, trace: options.trace };
  const server = new McpServer(
    { name: options.name ?? 'legacybridge', version: options.version ?? TRANSPORT_MCP_VERSION },
    // Every tool takes at most four scalar arguments; refusing big argument trees early keeps a
    // hostile client from making the server parse megabytes of JSON per call.
    { instructions: INSTRUCTIONS, maxToolInputElements: 64 },
  );
  registerTools(server, deps, responder);
  registerResources(server, deps, responder);
  registerPrompts(server, deps.db.dialect);
  return server;
}
