import type { LoggerPort, SpanRunner, UseCaseDeps } from '@legacybridge/core';
import { createMcpServer } from '@legacybridge/transport-mcp';
import { type AuthInfo, createMcpHandler } from '@modelcontextprotocol/server';
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import { createServerPool, type ServerLease } from './server-pool.js';

/** What the /mcp endpoint serves. */
export interface McpEndpointOptions {
  readonly deps: UseCaseDeps;
  readonly logger: LoggerPort;
  readonly name: string;
  readonly version: string;
  readonly trace?: SpanRunner | undefined;
  /** Largest JSON-RPC body read (default 4 MiB, the SDK's own limit). */
  readonly maxBodyBytes?: number | undefined;
}

// The SDK's default body limit: one number for the bytes we read and the bytes it would have read.
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Stateless Streamable HTTP (any replica answers any request), for 2026-07-28 clients and, through
 * the SDK's stateless fallback, 2025-era ones. The SDK asks a factory for a server per request;
 * ours lends an idle one from a pool (see server-pool.ts) instead of building six tools, two
 * resources and their schemas again. The caller named by the auth middleware reaches the tools as
 * `authInfo.clientId` of the request (never the key itself), never as state of the server instance.
 */
export function createMcpEndpoint(options: McpEndpointOptions) {
  const { deps, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const pool = createServerPool(() =>
    createMcpServer({
      deps,
      name: options.name,
      version: options.version,
      logger,
      caller: 'http',
      trace: options.trace,
    }),
  );
  // The lease of each request in flight, found again by the factory through the Request object the
  // SDK hands it (`requestInfo`): the factory has no other way back to the Node response.
  const leases = new WeakMap<Request, ServerLease>();
  const handler = createMcpHandler((ctx) => pool.lend(ctx.era, leases.get(ctx.requestInfo as Request)), {
    onerror: (error) => logger.warn('mcp request failed', { error: error.message }),
    maxRequestBodySize: maxBodyBytes,
  });
  return {
    async handle(req: ExpressRequest, res: ExpressResponse): Promise<void> {
      const auth: AuthInfo = { token: '', clientId: String(res.locals.caller ?? 'http'), scopes: [] };
      const abort = new AbortController();
      let finished = false;
      const lease = pool.lease();
      res.once('close', () => {
        if (!finished) abort.abort();
        lease.end();
      });
      let response: Response;
      try {
        const body = await readBody(req, maxBodyBytes);
        if (body === 'too-large') {
          response = jsonRpcError(
            413,
            -32000,
            `Payload Too Large: Request body must not exceed ${maxBodyBytes} bytes`,
          );
          response.headers.set('connection', 'close');
        } else {
          const request = new Request(urlOf(req), {
            method: req.method,
            headers: webHeaders(req),
            signal: abort.signal,
            // Parsed JSON goes to the SDK as `parsedBody`: it then reads no body and clones no
            // request. Anything else (empty, not JSON) goes as text, answered by the SDK as before.
            ...(body.text !== undefined && { body: body.text }),
          });
          leases.set(request, lease);
          response = await handler.fetch(request, {
            authInfo: auth,
            ...(body.json !== undefined && { parsedBody: body.json }),
          });
        }
      } catch (error) {
        logger.error('mcp handler error', { errorName: error instanceof Error ? error.name : typeof error });
        response = jsonRpcError(500, -32603, 'Internal server error');
      }
      await writeResponse(response, res, abort.signal);
      finished = true;
    },
    close: () => handler.close(),
  };
}

type ReadBody = { readonly json?: unknown; readonly text?: string } | 'too-large';

// Express's json parser may already have consumed the stream (an embedding app that parses every
// body): then its value is the body. Otherwise the bytes are read here, once, as a Buffer.
async function readBody(req: ExpressRequest, maxBytes: number): Promise<ReadBody> {
  const method = req.method;
  if (method === 'GET' || method === 'HEAD' || method === 'DELETE') return {};
  if ((req as { body?: unknown }).body !== undefined) return { json: (req as { body?: unknown }).body };
  if (Number(req.headers['content-length']) > maxBytes) return 'too-large';
  // Events, not `for await`: the async iterator of a Readable costs more than the body it reads.
  const text = await new Promise<string | 'too-large'>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received > maxBytes) {
        req.off('data', onData);
        req.resume(); // drain the rest unread; the 413 closes the connection
        resolve('too-large');
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    req.once('error', reject);
  });
  if (text === 'too-large') return text;
  if (text.length === 0) return { text };
  try {
    const json: unknown = JSON.parse(text);
    // `null` is valid JSON but no JSON-RPC message: the SDK answers it from the text.
    return json === null ? { text } : { json };
  } catch {
    return { text };
  }
}

function urlOf(req: ExpressRequest): string {
  const host = req.headers.host ?? 'localhost';
  return `http://${host}${req.originalUrl ?? req.url ?? '/'}`;
}

function webHeaders(req: ExpressRequest): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  // rawHeaders keeps repeated headers apart (and costs no object walk): name, value, name, value…
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) === 58 /* ':' HTTP/2 pseudo-header */) continue;
    headers.append(name, raw[i + 1]!);
  }
  return headers;
}

function jsonRpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status });
}

/**
 * Writes a web Response to the Node response. A JSON answer (every 2026-07-28 tools/call without
 * progress) is read whole and written in one `end`; an event stream is piped chunk by chunk with
 * backpressure until it ends or the client goes away.
 */
async function writeResponse(response: Response, res: ExpressResponse, aborted: AbortSignal): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  if (res.destroyed) {
    await response.body?.cancel().catch(() => {});
    return;
  }
  res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  if (!headers['content-type']?.startsWith('text/event-stream')) {
    res.end(Buffer.from(await response.arrayBuffer()));
    return;
  }
  const closed = new Promise<void>((resolve) => {
    if (aborted.aborted) resolve();
    else aborted.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    for await (const chunk of response.body) {
      if (aborted.aborted) break;
      if (!res.write(chunk)) {
        await Promise.race([new Promise<void>((resolve) => res.once('drain', () => resolve())), closed]);
      }
    }
  } catch {
    // The stream failed or the client left: end what was written.
  }
  res.end();
}
