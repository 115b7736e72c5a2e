import type { MetricsPort } from '@legacybridge/core';
import type { NextFunction, Request, Response } from 'express';
import type { HttpLifecycle } from './lifecycle.js';

/** Metric names this package records through the MetricsPort (Prometheus conventions). */
export const HTTP_METRICS = {
  requests: 'http_requests_total',
  duration: 'http_request_duration_seconds',
  authFailures: 'http_auth_failures_total',
  rateLimited: 'http_rate_limited_total',
  rateLimitStoreErrors: 'http_rate_limit_store_errors_total',
} as const;

const ROUTES = new Set([
  '/mcp',
  '/v1/tables',
  '/v1/search',
  '/v1/query',
  '/v1/explain',
  '/v1/openapi.json',
  '/health',
  '/ready',
  '/metrics',
]);

// The method label's values; any other method is counted as OTHER.
const METHODS = new Set(['GET', 'POST', 'HEAD', 'DELETE']);

/**
 * The route label of a path (relative to the router): one of a fixed set, so a scanner probing
 * random URLs or table names cannot grow the label set. `/v1/tables/{table}` keeps its template.
 */
export function routeOf(path: string): string {
  if (ROUTES.has(path)) return path;
  if (path.startsWith('/v1/tables/') && path.length > '/v1/tables/'.length) return '/v1/tables/{table}';
  return 'other';
}

/**
 * Counts each request for graceful shutdown and records `http_requests_total{method,route,status}`
 * and `http_request_duration_seconds{route}` when its response ends. While draining, asks clients
 * not to reuse the connection.
 */
export function requestAccounting(lifecycle: HttpLifecycle, metrics: MetricsPort) {
  return (req: Request, res: Response, next: NextFunction) => {
    const done = lifecycle.begin();
    const started = performance.now();
    const route = routeOf(req.path);
    res.on('close', () => {
      done();
      const method = METHODS.has(req.method) ? req.method : 'OTHER';
      metrics.increment(HTTP_METRICS.requests, { method, route, status: String(res.statusCode) });
      metrics.observe(HTTP_METRICS.duration, (performance.now() - started) / 1000, { route });
    });
    if (lifecycle.draining) res.setHeader('Connection', 'close');
    next();
  };
}
