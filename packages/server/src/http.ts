import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoggerPort, UseCaseDeps } from '@legacybridge/core';
import { createMcpServer } from '@legacybridge/transport-mcp';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { allowedHostsFor, isHostAllowed, isOriginAllowed } from './host-check.js';
import { LOG_SERVICE } from './logger.js';

/** What `startHttpServer` serves and where it listens. */
export interface HttpServerOptions {
  readonly deps: UseCaseDeps;
  readonly logger: LoggerPort;
  readonly host: string;
  readonly port: number;
  /** ALLOWED_HOSTS; see `allowedHostsFor` for what applies when unset. */
  readonly allowedHosts?: readonly string[] | undefined;
  readonly healthCheckEnabled?: boolean | undefined;
  readonly name: string;
  readonly version: string;
}

/** A listening HTTP server. */
export interface HttpServerHandle {
  /** `http://host:port` actually bound (port 0 resolved). */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, ends in-flight MCP exchanges, closes the listener. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves MCP over stateless Streamable HTTP at `/mcp` (a fresh server per request, 2026-07-28 and
 * 2025-era clients alike) and liveness at `/health`, behind a Host/Origin check.
 * Rejects when the port cannot be bound (EADDRINUSE, EACCES).
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const { deps, logger } = options;
  const log = logger.child({ component: 'http' });
  const allowed = allowedHostsFor(options.host, options.allowedHosts);
  if (allowed === undefined) {
    log.warn('listening on a non-loopback interface without ALLOWED_HOSTS: any Host header is accepted');
  }
  const mcp = createMcpHandler(
    () => createMcpServer({ deps, name: options.name, version: options.version, logger, caller: 'http' }),
    { onerror: (error) => log.warn('mcp request failed', { error: error.message }) },
  );
  const mcpNode = toNodeHandler(mcp, {
    onerror: (error) => log.error('mcp handler error', { error: error.message }),
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!isHostAllowed(req.headers.host, allowed) || !isOriginAllowed(header(req, 'origin'), allowed)) {
      // Both values are attacker-chosen: cap them so refused requests cannot flood the log.
      log.warn('request refused: host not allowed', {
        host: req.headers.host?.slice(0, 200),
        origin: header(req, 'origin')?.slice(0, 200),
      });
      return sendJson(res, 403, { error: 'forbidden', message: 'Host or Origin not allowed.' });
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/mcp') return mcpNode(req, res);
    if (path === '/health' && options.healthCheckEnabled !== false) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return sendJson(res, 405, { error: 'method_not_allowed' });
      }
      return sendJson(res, 200, {
        status: 'healthy',
        service: LOG_SERVICE,
        timestamp: new Date().toISOString(),
      });
    }
    return sendJson(res, 404, { error: 'not_found' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error('request failed', { error: (error as Error)?.message });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await mcp.close().catch(() => {});
        // Idle keep-alive sockets would hold close() open until they time out.
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        force.unref();
        await closed;
        clearTimeout(force);
      })();
      return closing;
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
