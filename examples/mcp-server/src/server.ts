#!/usr/bin/env node
import { createSqliteAdapter } from '@legacybridge/adapter-sqlite';
// A custom MCP server built from the LegacyBridge packages: your own name, your own limits, one
// SQLite file (any DatabasePort works the same way: swap in another adapter).
// Run: node examples/mcp-server/.tsbuild/src/server.js /path/to/database.db
import { DEFAULT_QUERY_POLICY, type LoggerPort, noopMetrics, type UseCaseDeps } from '@legacybridge/core';
import { createMcpServer } from '@legacybridge/transport-mcp';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

const file = process.argv[2];
if (!file) {
  console.error('usage: server.js <sqlite-file>');
  process.exit(2);
}

// stdout carries MCP messages, so this example logs to stderr, and only warnings.
const log = (level: string) => (message: string, context?: object) =>
  console.error(JSON.stringify({ level, message, ...context }));
const logger: LoggerPort = {
  debug() {},
  info() {},
  warn: log('warn'),
  error: log('error'),
  child: () => logger,
};

const deps: UseCaseDeps = {
  db: createSqliteAdapter({ url: file, pool: { size: 1, maxOverflow: 1 } }), // opens on first use
  metrics: noopMetrics,
  logger,
  policy: { ...DEFAULT_QUERY_POLICY, maxRows: 200, timeoutMs: 5_000 },
};

const handle = serveStdio(() =>
  createMcpServer({ deps, name: 'acme-erp', version: '1.0.0', caller: 'stdio' }),
);
process.stdin.on('close', async () => {
  await handle.close();
  await deps.db.close();
});
