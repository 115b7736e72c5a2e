#!/usr/bin/env node
// The MCP floor: the smallest server the official SDK makes, served over stdio exactly as the
// LegacyBridge CLI serves (serveStdio with a per-connection factory), with one tool that takes the
// same argument shape as run_query and does nothing (and, given BENCH_CANNED_RESULT, a tool that
// answers that fixed result). What a client pays to call it is the cost of
// MCP itself on this machine; mcp-overhead.mjs subtracts it from LegacyBridge's run_query.
import { load } from './lib/common.mjs';

const { McpServer } = await load('@modelcontextprotocol/server');
const { serveStdio } = await load('@modelcontextprotocol/server/stdio');
const { z } = await load('zod');
const canned = process.env.BENCH_CANNED_RESULT ? JSON.parse(process.env.BENCH_CANNED_RESULT) : undefined;

serveStdio(() => {
  const server = new McpServer({ name: 'mcp-floor', version: '1.0.0' });
  server.registerTool(
    'noop',
    {
      description: 'Does nothing.',
      inputSchema: z.object({ sql: z.string(), max_rows: z.number().int().optional() }),
      annotations: { readOnlyHint: true },
    },
    async () => ({ content: [{ type: 'text', text: 'ok' }] }),
  );
  if (canned !== undefined) {
    // LegacyBridge's own answer to the point query, replayed verbatim: the SDK then moves and
    // serialises exactly the bytes run_query does, and only LegacyBridge's work is missing.
    server.registerTool(
      'canned',
      { description: 'Answers a fixed result.', inputSchema: z.object({ sql: z.string() }) },
      async () => canned,
    );
  }
  return server;
});
