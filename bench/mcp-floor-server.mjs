#!/usr/bin/env node
// The MCP floor: the smallest server the official SDK makes, served over stdio exactly as the
// LegacyBridge CLI serves (serveStdio with a per-connection factory), with one tool that takes the
// same argument shape as run_query and does nothing (and, given BENCH_CANNED_RESULT, a tool that
// answers that fixed result). What a client pays to call it is the cost of
// MCP itself on this machine; mcp-overhead.mjs subtracts it from LegacyBridge's run_query.
//
// With BENCH_INSTANT_DB=<QueryResult JSON> it serves LegacyBridge's own MCP layer instead — the built
// transport-mcp tools, core's run_query use case with its guard, the server's stdio hosting and
// logger at LOG_LEVEL=warn, as the CLI composes them — over a database port that answers that
// result at once. Its cost over the floor is what LegacyBridge adds on the MCP side of a query,
// measured over stdio with no database, adapter or pool in the way.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { load, loadBuilt, mysqlConnect, ROOT } from './lib/common.mjs';

const { McpServer } = await load('@modelcontextprotocol/server');
const { serveStdio } = await load('@modelcontextprotocol/server/stdio');
const { z } = await load('zod');
const canned = process.env.BENCH_CANNED_RESULT ? JSON.parse(process.env.BENCH_CANNED_RESULT) : undefined;
const rawUrl = process.env.BENCH_RAW_URL;

if (process.env.BENCH_INSTANT_DB) {
  const answer = JSON.parse(process.env.BENCH_INSTANT_DB);
  const core = await loadBuilt('core');
  const server = await loadBuilt('server');
  // neverthrow has no ESM exports map, so core's own import of it is this same CommonJS instance.
  const { okAsync } = createRequire(join(ROOT, 'packages', 'core', 'package.json'))('neverthrow');
  // A fresh copy per call, as an adapter builds one: nothing is cached across calls.
  const db = {
    dialect: process.env.BENCH_DIALECT ?? 'postgres',
    capabilities: { supportsExplain: false, supportsSchemas: true },
    executeReadOnly: () => okAsync(structuredClone(answer)),
    poolStats: () => ({ size: 0, max: 0, active: 0, idle: 0, waiting: 0 }),
    close: async () => {},
  };
  const logger = server.createLogger({ level: 'warn', format: 'json' });
  const deps = { db, metrics: core.noopMetrics, logger, policy: core.DEFAULT_QUERY_POLICY };
  server.startStdioServer({ deps, logger, name: 'legacybridge', version: server.VERSION });
} else {
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
    if (rawUrl !== undefined) {
      // The floor plus the raw driver: the tool runs the caller's SQL on one pg / mysql2 connection
      // and answers the rows as JSON text. No guard, no read-only session, no caps, no types: the
      // least any server between an MCP client and a database can do. Its cost over raw + floor
      // is what hosting a database call in a third process costs by itself.
      server.registerTool(
        'raw_query',
        { description: 'Runs SQL with the raw driver.', inputSchema: z.object({ sql: z.string() }) },
        async ({ sql }) => {
          const rows = await rawQuery(sql);
          return { content: [{ type: 'text', text: JSON.stringify(rows) }] };
        },
      );
    }
    return server;
  });
}

/** One raw connection, opened on first use. */
async function rawConnection() {
  if (rawUrl.startsWith('postgres')) {
    const { default: pg } = await load('pg');
    const client = new pg.Client(rawUrl);
    await client.connect();
    return async (sql) => (await client.query(sql)).rows;
  }
  const connection = await mysqlConnect(rawUrl);
  return async (sql) => (await connection.query(sql))[0];
}

let rawQuerying;
function rawQuery(sql) {
  rawQuerying ??= rawConnection();
  return rawQuerying.then((run) => run(sql));
}
