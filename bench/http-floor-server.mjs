#!/usr/bin/env node
// The HTTP floors of bench/http-dbhub.mjs: the least a server between an HTTP client and PostgreSQL
// can cost per point query on this machine, measured in the same run as LegacyBridge and DBHub.
//
//   node bench/http-floor-server.mjs bare <port> <database url>
//     A plain node:http server: POST any path with {"sql": "..."} runs the SQL on a pg.Pool and
//     answers {"rows": [...]} as JSON. No framework, no validation, no guard, no logs, no metrics.
//   node bench/http-floor-server.mjs sdk <port> <database url>
//     The smallest official MCP SDK v2 server (@modelcontextprotocol/server, the version LegacyBridge
//     runs) hosted the way LegacyBridge hosts /mcp (packages/transport-http/src/mcp.ts): stateless
//     Streamable HTTP through the SDK's createMcpHandler on a node:http server, the body read once
//     and handed over as `parsedBody`, the web Response written back in one `end`. One tool,
//     `query`, runs the SQL on a pg.Pool and answers the rows as JSON text. The factory builds a new
//     McpServer per request (the SDK's own model; with one tool that is cheap) — no pooling, no
//     guard, no read-only session, no caps, no logs, no metrics.
// Both print `listening <port>` on stdout once bound; both stop on SIGTERM.
import { createServer } from 'node:http';
import { load } from './lib/common.mjs';

const [mode, portArg, url] = process.argv.slice(2);
if ((mode !== 'bare' && mode !== 'sdk') || portArg === undefined || url === undefined) {
  console.error('usage: http-floor-server.mjs bare|sdk <port> <database url>');
  process.exit(2);
}
const pg = (await load('pg')).default;
const pool = new pg.Pool({ connectionString: url, max: 16 });

/** The body of a request as text. */
function readText(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

let handle;
if (mode === 'bare') {
  handle = async (req, res) => {
    try {
      const { sql } = JSON.parse(await readText(req));
      const { rows } = await pool.query(sql);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ rows }));
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(error?.message ?? error) }));
    }
  };
} else {
  const { McpServer, createMcpHandler } = await load('@modelcontextprotocol/server');
  const { z } = await load('zod');
  const inputSchema = z.object({ sql: z.string() });
  const mcp = createMcpHandler(() => {
    const server = new McpServer({ name: 'sdk-floor', version: '1.0.0' });
    server.registerTool(
      'query',
      { description: 'Runs SQL.', inputSchema, annotations: { readOnlyHint: true } },
      async ({ sql }) => {
        const { rows } = await pool.query(sql);
        return { content: [{ type: 'text', text: JSON.stringify(rows) }] };
      },
    );
    return server;
  });
  handle = async (req, res) => {
    // Aborted only when the client leaves before its answer (as mcp.ts does): an abort costs a
    // DOMException and the SDK's close path.
    const abort = new AbortController();
    let finished = false;
    res.once('close', () => {
      if (!finished) abort.abort();
    });
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
      headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const hasBody = req.method === 'POST';
    const text = hasBody ? await readText(req) : '';
    let parsedBody;
    try {
      parsedBody = hasBody ? JSON.parse(text) : undefined;
    } catch {}
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      signal: abort.signal,
      ...(hasBody && parsedBody === undefined && { body: text }),
    });
    const response = await mcp.fetch(request, parsedBody === undefined ? {} : { parsedBody });
    const out = {};
    for (const [name, value] of response.headers) out[name] = value;
    res.writeHead(response.status, out);
    res.end(response.body === null ? undefined : Buffer.from(await response.arrayBuffer()));
    finished = true;
  };
}

const server = createServer((req, res) => void handle(req, res));
server.listen(Number(portArg), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
});
