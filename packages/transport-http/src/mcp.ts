import type { LoggerPort, SpanRunner, UseCaseDeps } from '@legacybridge/core';
import { createMcpServer } from '@legacybridge/transport-mcp';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { Request, Response } from 'express';

/** What the /mcp endpoint serves. */
export interface McpEndpointOptions {
  readonly deps: UseCaseDeps;
  readonly logger: LoggerPort;
  readonly name: string;
  readonly version: string;
  readonly trace?: SpanRunner | undefined;
}

/**
 * Stateless Streamable HTTP: a fresh MCP server per request (any replica answers any request), for
 * 2026-07-28 clients and, through the SDK's stateless fallback, 2025-11-25 ones. The caller named by
 * the auth middleware reaches the tools as `authInfo.clientId` (never the key itself).
 */
export function createMcpEndpoint(options: McpEndpointOptions) {
  const { deps, logger } = options;
  const handler = createMcpHandler(
    (ctx) =>
      createMcpServer({
        deps,
        name: options.name,
        version: options.version,
        logger,
        caller: ctx.authInfo?.clientId ?? 'http',
        trace: options.trace,
      }),
    { onerror: (error) => logger.warn('mcp request failed', { error: error.message }) },
  );
  const node = toNodeHandler(handler, {
    onerror: (error) => logger.error('mcp handler error', { errorName: error.name }),
  });
  return {
    handle(req: Request, res: Response): Promise<void> {
      (req as Request & { auth?: unknown }).auth = {
        token: '',
        clientId: String(res.locals.caller ?? 'http'),
        scopes: [],
      };
      return node(req, res);
    },
    close: () => handler.close(),
  };
}
