import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoggerPort } from '@legacybridge/core';
import type { MetricsHook } from '@legacybridge/transport-http';

/** A listener that serves only `GET /metrics` (METRICS_PORT). */
export interface MetricsListener {
  /** `http://host:port` actually bound. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops idle keep-alive connections (a scraper holds one). Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves `/metrics` on its own port, so the scrape endpoint can stay on an internal network while
 * the main port faces callers. Deliberately plain node:http, without the main port's middleware:
 * no API key, no Host allow-list and no rate limit, because a metrics port is meant to be reachable
 * only by the scraper (bind it to an internal interface or firewall it), and Prometheus scrapes by
 * address, with whatever Host header its target says. Anything but GET/HEAD `/metrics` is 404.
 * Rejects when the port cannot be bound.
 */
export async function startMetricsListener(options: {
  readonly host: string;
  readonly port: number;
  readonly metrics: MetricsHook;
  readonly logger: LoggerPort;
}): Promise<MetricsListener> {
  const { metrics, logger } = options;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n');
      return;
    }
    metrics.collect().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        logger.error('metrics collection failed', { errorName: (error as Error)?.name });
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
