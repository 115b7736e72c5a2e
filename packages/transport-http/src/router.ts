import type { LoggerPort } from '@legacybridge/core';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { DEFAULT_PUBLIC_PATHS, enforceAuth, identifyCaller } from './auth.js';
import { addHealthRoutes, databaseReadiness } from './health.js';
import { hostGuard } from './host-guard.js';
import { requestAccounting, routeOf } from './http-metrics.js';
import { createLifecycle } from './lifecycle.js';
import { createMcpEndpoint } from './mcp.js';
import type { LegacyBridgeHttpOptions } from './options.js';
import { problem, sendProblem } from './problem.js';
import { createMemoryRateLimitStore, rateLimitMiddleware } from './rate-limit.js';
import { createRestRouter } from './rest.js';
import { cancelOnShutdown } from './shutdown-db.js';

/** This package's version, reported when the caller gives none. */
export const TRANSPORT_HTTP_VERSION = '0.1.0';

/**
 * LegacyBridge as an Express router, to mount at `/` (see `createHttpApp`) or under a prefix of an
 * existing app: `/mcp`, `/v1/…`, `/v1/openapi.json`, `/health`, `/ready` and `/metrics`, behind the
 * host check, API-key auth and the per-caller rate limit. Paths it does not serve fall through to
 * the app's next handler. Opens no database connection by itself.
 */
export function createLegacyBridgeRouter(options: LegacyBridgeHttpOptions): Router {
  const logger: LoggerPort = (options.logger ?? options.deps.logger).child({ component: 'http' });
  const lifecycle = options.lifecycle ?? createLifecycle();
  const deps = { ...options.deps, db: cancelOnShutdown(options.deps.db, lifecycle.signal) };
  const name = options.name ?? 'legacybridge';
  const version = options.version ?? TRANSPORT_HTTP_VERSION;
  const publicPaths = new Set(options.auth?.publicPaths ?? DEFAULT_PUBLIC_PATHS);
  const isPublic = (req: Request) => publicPaths.has(req.path);

  const router = express.Router();
  const { metrics } = options.deps;
  const { trace } = options;
  if (trace !== undefined) {
    // One span per request, active for everything the request does (tool calls, queries, log lines).
    router.use((req: Request, res: Response, next: NextFunction) => {
      const route = routeOf(req.path);
      void trace(`${req.method} ${route}`, { 'http.request.method': req.method, 'http.route': route }, () => {
        const ended = new Promise<void>((resolve) => res.once('close', () => resolve()));
        next();
        return ended;
      });
    });
  }
  router.use(requestAccounting(lifecycle, metrics));
  router.use(hostGuard(options.allowedHosts, logger));
  router.use(identifyCaller(options.auth, options.identify, isPublic));
  if (options.rateLimit !== undefined) {
    const store = options.rateLimit.store ?? createMemoryRateLimitStore();
    // Probes and scrapes are not callers' traffic: a kubelet must never be throttled into a restart.
    // Requests failing auth count against their address, so guessing keys is throttled too.
    router.use(rateLimitMiddleware(options.rateLimit, store, logger, isPublic, metrics));
  }
  router.use(enforceAuth(logger, metrics));

  addHealthRoutes(router, {
    service: options.service ?? 'legacybridge',
    readiness: options.readiness ?? databaseReadiness(options.deps, options.readinessTimeoutMs ?? 2000),
    metrics: options.metrics,
    healthCheckEnabled: options.healthCheckEnabled !== false,
    lifecycle,
    logger,
  });

  const mcp = createMcpEndpoint({ deps, logger, name, version, trace });
  lifecycle.signal.addEventListener('abort', () => void mcp.close().catch(() => {}), { once: true });
  router.all('/mcp', (req: Request, res: Response) => mcp.handle(req, res));

  router.use(
    '/v1',
    createRestRouter({
      deps,
      logger,
      lifecycle,
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      apiKeyRequired: options.auth?.required === true,
      version,
    }),
  );

  // Express's own errors (unparsable JSON, a body over the limit) as problem documents; anything
  // else is a bug: logged by name, answered without its message or stack.
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const e = error as { type?: string; status?: number; name?: string };
    if (e.type === 'entity.parse.failed') {
      return sendProblem(res, problem(400, 'InvalidInput', 'Bad Request', 'The body is not valid JSON.'));
    }
    if (e.type === 'entity.too.large') {
      return sendProblem(res, problem(413, 'InvalidInput', 'Content Too Large', 'The body is too large.'));
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendProblem(res, problem(e.status, 'InvalidInput', 'Bad Request'));
    }
    logger.error('request failed', { errorName: e.name ?? typeof error });
    sendProblem(res, problem(500, 'InternalError', 'Internal Server Error'));
  });
  return router;
}
