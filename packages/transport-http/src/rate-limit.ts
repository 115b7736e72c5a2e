import type { LoggerPort, MetricsPort } from '@legacybridge/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HTTP_METRICS } from './http-metrics.js';
import type { RateLimitOptions } from './options.js';
import { problem, sendProblem } from './problem.js';

/** One caller's count in the current window. */
export interface RateLimitHit {
  /** Requests counted in this window, this one included. */
  readonly count: number;
  /** Milliseconds until the window ends. */
  readonly resetMs: number;
}

/**
 * Fixed-window counters. `hit` counts one request atomically (across replicas for a shared store)
 * and rejects when the store cannot answer; the middleware then applies the failure mode.
 */
export interface RateLimitStore {
  readonly kind: string;
  hit(caller: string, windowMs: number): Promise<RateLimitHit>;
  close(): Promise<void>;
}

/** Counters in this process's memory: right for one replica, wrong behind a load balancer. */
export function createMemoryRateLimitStore(now: () => number = Date.now): RateLimitStore {
  const windows = new Map<string, { count: number; endsAt: number }>();
  let lastSweep = now();
  return {
    kind: 'memory',
    async hit(caller, windowMs) {
      const t = now();
      // Drop ended windows now and then, so a stream of distinct addresses cannot grow the map forever.
      if (t - lastSweep > windowMs) {
        for (const [key, w] of windows) if (w.endsAt <= t) windows.delete(key);
        lastSweep = t;
      }
      let w = windows.get(caller);
      if (w === undefined || w.endsAt <= t) {
        w = { count: 0, endsAt: t + windowMs };
        windows.set(caller, w);
      }
      w.count++;
      return { count: w.count, resetMs: w.endsAt - t };
    },
    async close() {
      windows.clear();
    },
  };
}

const POLICY = 'legacybridge';
// One warning per interval at most: a Redis outage under load would otherwise log once per request.
const WARN_INTERVAL_MS = 30_000;

/**
 * Counts each request against its caller (`res.locals.caller`) and answers 429 past the limit, with
 * `Retry-After` and the IETF draft's `RateLimit-Policy` / `RateLimit` headers on every counted response.
 */
export function rateLimitMiddleware(
  options: RateLimitOptions,
  store: RateLimitStore,
  logger: LoggerPort,
  isExempt: (req: Request) => boolean,
  metrics: MetricsPort,
): RequestHandler {
  const windowMs = options.windowSeconds * 1000;
  const failClosed = options.onStoreFailure === 'closed';
  const policyHeader = `"${POLICY}";q=${options.requests};w=${options.windowSeconds}`;
  let lastWarn = 0;
  let suppressed = 0;
  const warn = (error: unknown) => {
    const t = Date.now();
    if (t - lastWarn < WARN_INTERVAL_MS) {
      suppressed++;
      return;
    }
    logger.warn(
      failClosed
        ? 'rate-limit store unavailable: refusing requests (RATE_LIMIT_FAIL_MODE=closed)'
        : 'rate-limit store unavailable: requests pass unlimited (RATE_LIMIT_FAIL_MODE=open)',
      { store: store.kind, error: (error as Error)?.message, suppressedSinceLastWarning: suppressed },
    );
    lastWarn = t;
    suppressed = 0;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    if (isExempt(req)) return next();
    const caller = String(res.locals.caller ?? 'anonymous');
    store.hit(caller, windowMs).then(
      ({ count, resetMs }) => {
        const resetSeconds = Math.max(1, Math.ceil(resetMs / 1000));
        const remaining = Math.max(0, options.requests - count);
        res.setHeader('RateLimit-Policy', policyHeader);
        res.setHeader('RateLimit', `"${POLICY}";r=${remaining};t=${resetSeconds}`);
        if (count <= options.requests) return next();
        res.setHeader('Retry-After', String(resetSeconds));
        logger.info('rate limit exceeded', { caller, limit: options.requests });
        metrics.increment(HTTP_METRICS.rateLimited);
        sendProblem(
          res,
          problem(
            429,
            'RateLimited',
            'Too Many Requests',
            `At most ${options.requests} requests per ${options.windowSeconds} s per caller. Retry after ${resetSeconds} s.`,
          ),
        );
      },
      (error: unknown) => {
        warn(error);
        metrics.increment(HTTP_METRICS.rateLimitStoreErrors, {
          store: store.kind,
          mode: failClosed ? 'closed' : 'open',
        });
        if (!failClosed) return next();
        res.setHeader('Retry-After', '5');
        sendProblem(
          res,
          problem(
            503,
            'RateLimitUnavailable',
            'Service Unavailable',
            'Rate limiting is unavailable; retry shortly.',
          ),
        );
      },
    );
  };
}
