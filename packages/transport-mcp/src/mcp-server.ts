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
  /**
   * Who is calling, for logs, e.g. `stdio`. Over HTTP a request's own caller (`authInfo.clientId`,
   * the API key's name) takes precedence, so one instance can serve several callers in turn.
   */
  readonly caller?: string;
  /** Runs each tool call in a trace span (`tools/call <tool>`); default: no spans. */
  readonly trace?: SpanRunner | undefined;
  /**
   * How long clients may cache the schema resources' lists and reads (2026-07-28 `ttlMs`). Default:
   * the schema cache's TTL (SCHEMA_CACHE_TTL), as long as the server serves its own snapshot, else 5 min.
   */
  readonly schemaTtlMs?: number | undefined;
}

const DEFAULT_SCHEMA_TTL_MS = 300_000;
const DAY_MS = 86_400_000;

// Cache hints of the 2026-07-28 revision (2025-era responses never carry them). The tool, prompt
// and template lists only change with a new LegacyBridge version: a day, and shareable. Schema
// resources live as long as the server's own snapshot, and stay private (they describe this
// database to this caller).
function cacheHintsFor(schemaTtlMs: number) {
  const ttlMs = Math.max(0, Math.round(schemaTtlMs));
  return {
    'tools/list': { ttlMs: DAY_MS, cacheScope: 'public' as const },
    'prompts/list': { ttlMs: DAY_MS, cacheScope: 'public' as const },
    'resources/templates/list': { ttlMs: DAY_MS, cacheScope: 'public' as const },
    'resources/list': { ttlMs, cacheScope: 'private' as const },
    'resources/read': { ttlMs, cacheScope: 'private' as const },
  };
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
 * Side-effect free — it opens no connection and reads nothing. Holds no per-caller state: over HTTP
 * the same instance may serve requests of different callers one after another (transport-http
 * pools them, as building one costs more than the point query it would serve).
 */
export function createMcpServer(options: LegacyBridgeMcpOptions): McpServer {
  const { deps } = options;
  const logger = (options.logger ?? deps.logger).child({ component: 'mcp' });
  const responder = { logger, caller: options.caller, trace: options.trace };
  const server = new McpServer(
    { name: options.name ?? 'legacybridge', version: options.version ?? TRANSPORT_MCP_VERSION },
    // Every tool takes at most four scalar arguments; refusing big argument trees early keeps a
    // hostile client from making the server parse megabytes of JSON per call.
    {
      instructions: INSTRUCTIONS,
      maxToolInputElements: 64,
      cacheHints: cacheHintsFor(options.schemaTtlMs ?? deps.schemaCache?.ttlMs ?? DEFAULT_SCHEMA_TTL_MS),
    },
  );
  registerTools(server, deps, responder);
  registerResources(server, deps, responder);
  registerPrompts(server, deps.db.dialect);
  return server;
}
