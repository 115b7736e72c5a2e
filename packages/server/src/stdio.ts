import type { LoggerPort, SpanRunner, UseCaseDeps } from '@legacybridge/core';
import { createMcpServer } from '@legacybridge/transport-mcp';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

/** What `startStdioServer` serves. */
export interface StdioServerOptions {
  readonly deps: UseCaseDeps;
  readonly logger: LoggerPort;
  readonly name: string;
  readonly version: string;
  /** Runs each tool call in a trace span (when tracing is on). */
  readonly trace?: SpanRunner | undefined;
}

/** A stdio MCP connection in progress. */
export interface StdioHandle {
  /** Resolves when the client closes stdin (the MCP stdio way of saying "shut down"). */
  readonly ended: Promise<void>;
  /** Tears the connection down. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves MCP over this process's stdin/stdout. The SDK's `serveStdio` picks the protocol era from the
 * client's first message, so 2026-07-28 clients and 2025-era clients both work; the factory is cheap
 * (no connection), which matters because an `auto`-mode client probes with a throwaway instance.
 */
export function startStdioServer(options: StdioServerOptions): StdioHandle {
  const { deps, logger } = options;
  const log = logger.child({ component: 'stdio' });
  const handle = serveStdio(
    () =>
      createMcpServer({
        deps,
        name: options.name,
        version: options.version,
        logger,
        caller: 'stdio',
        trace: options.trace,
      }),
    { onerror: (error) => log.warn('stdio transport error', { error: error.message }) },
  );
  const ended = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  let closing: Promise<void> | undefined;
  return {
    ended,
    close() {
      closing ??= handle.close().catch((error: unknown) => {
        log.warn('stdio close failed', { error: (error as Error)?.message });
      });
      return closing;
    },
  };
}
