import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoggerPort } from '@legacybridge/core';
import { createHttpApp, type HttpAppOptions } from './app.js';
import { createLifecycle } from './lifecycle.js';

/** Where to listen and how long shutdown waits for in-flight requests. */
export interface ServeHttpOptions extends HttpAppOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** How long `close` lets in-flight requests finish before cancelling them (default 25 s). */
  readonly shutdownTimeoutMs?: number | undefined;
}

/** A listening LegacyBridge HTTP service. */
export interface HttpService {
  /** `http://host:port` actually bound (port 0 resolved). */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /**
   * Graceful shutdown: readiness turns 503 and the listener stops accepting; in-flight requests get
   * up to `shutdownTimeoutMs` to finish; then their database calls are cancelled (each still gets an
   * answer) and, after a short grace, remaining connections are closed. Idempotent.
   */
  close(): Promise<void>;
}

// After cancelling, the cancelled requests need a moment to write their answers.
const CANCEL_GRACE_MS = 3000;

/**
 * Builds the app (`createHttpApp`) and listens.
 * Rejects when the port cannot be bound (EADDRINUSE, EACCES).
 */
export async function serveHttp(options: ServeHttpOptions): Promise<HttpService> {
  const lifecycle = options.lifecycle ?? createLifecycle();
  const logger: LoggerPort = (options.logger ?? options.deps.logger).child({ component: 'http' });
  const app = createHttpApp({ ...options, lifecycle });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const timeoutMs = options.shutdownTimeoutMs ?? 25_000;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    server,
    close() {
      closing ??= (async () => {
        lifecycle.drain();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Idle keep-alive sockets would hold close() open until they time out.
        server.closeIdleConnections();
        logger.info('draining', { inFlight: lifecycle.inFlight, timeoutMs });
        if (!(await lifecycle.idle(timeoutMs))) {
          logger.warn('shutdown deadline reached: cancelling in-flight requests', {
            inFlight: lifecycle.inFlight,
          });
          lifecycle.abort();
          await lifecycle.idle(CANCEL_GRACE_MS);
        }
        lifecycle.abort();
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
