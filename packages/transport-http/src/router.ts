import type { LoggerPort } from '@legacybridge/core';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
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
  // The guards, in this order: accounting, host check, caller, rate limit, auth. One router layer
  // for all of them: a layer each is matched and dispatched by the router on every request.
  const guards: RequestHandler[] = [
    requestAccounting(lifecycle, metrics),
    hostGuard(options.allowedHosts, logger),
    identifyCaller(options.auth, options.identify, isPublic),
  ];
  if (options.rateLimit !== undefined) {
    const store = options.rateLimit.store ?? createMemoryRateLimitStore();
    // Probes and scrapes are not callers' traffic: a kubelet must never be throttled into a restart.
    // Requests failing auth count against their address, so guessing keys is throttled too.
    guards.push(rateLimitMiddleware(options.rateLimit, store, logger, isPublic, metrics));
  }
  guards.push(enforceAuth(logger, metrics));
  router.use(inSequence(guards));

  const mcp = createMcpEndpoint({ deps, logger, name, version, trace });
  lifecycle.signal.addEventListener('abort', () => void mcp.close().catch(() => {}), { once: true });
  const rest = createRestRouter({
    deps,
    logger,
    lifecycle,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    apiKeyRequired: options.auth?.required === true,
    version,
  });
  // The two hot paths, spelled exactly, served before the router walks its routes; any other
  // spelling (a trailing slash, another case) still reaches the same handlers through the routes.
  router.use((req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    if (path === '/mcp') mcp.handle(req, res).catch(next);
    else if (path === '/v1/query' && req.method === 'POST') rest.query(req, res, next);
    else next();
  });

  addHealthRoutes(router, {
    service: options.service ?? 'legacybridge',
    readiness: options.readiness ?? databaseReadiness(options.deps, options.readinessTimeoutMs ?? 2000),
    metrics: options.metrics,
    healthCheckEnabled: options.healthCheckEnabled !== false,
    lifecycle,
    logger,
  });

  router.all('/mcp', (req: Request, res: Response) => mcp.handle(req, res));
  router.use('/v1', rest.router);

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

/**
 * Runs middleware one after the other as a single handler, with Express's contract: each calls
 * `next()` to go on, or answers; `next(error)` (or a throw, or a rejected promise) skips the rest
 * and hands the error to the router's error handlers.
 */
function inSequence(handlers: readonly RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    let index = 0;
    const step = (error?: unknown): void => {
      // Express's own test: any truthy value is an error (`next(null)` goes on).
      if (error) {
        next(error);
        return;
      }
      const handler = handlers[index++];
      if (handler === undefined) {
        next();
        return;
      }
      try {
        const returned: unknown = handler(req, res, step);
        if (returned instanceof Promise)
          returned.catch((e: unknown) => next(e ?? new Error('middleware failed')));
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}
