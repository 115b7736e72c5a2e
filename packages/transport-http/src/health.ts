import { checkReadiness, type DatabaseFailure, type LoggerPort, type UseCaseDeps } from '@legacybridge/core';
import type { Request, Response, Router } from 'express';
import type { HttpLifecycle } from './lifecycle.js';
import type { MetricsHook, ReadinessOutcome } from './options.js';
import { problem, sendProblem } from './problem.js';

/** The default readiness check: a database ping within `timeoutMs`, reported with a safe message. */
export function databaseReadiness(
  deps: Pick<UseCaseDeps, 'db'>,
  timeoutMs: number,
): () => Promise<ReadinessOutcome> {
  return () =>
    checkReadiness(deps, timeoutMs).match(
      (): ReadinessOutcome => ({ ok: true }),
      (failure): ReadinessOutcome => ({ ok: false, error: readinessMessage(failure, timeoutMs) }),
    );
}

// Not toPublicMessage: its texts speak of queries; these speak of the probe, and carry no driver text.
function readinessMessage(failure: DatabaseFailure, timeoutMs: number): string {
  switch (failure.kind) {
    case 'Timeout':
      return `database did not answer a ping within ${timeoutMs} ms`;
    case 'ConnectionFailed':
      return 'database unreachable';
    case 'AuthenticationFailed':
      return 'database rejected the configured credentials';
    case 'PoolExhausted':
      return 'no database connection free';
    default:
      return `database check failed (${failure.kind})`;
  }
}

export interface HealthRoutesOptions {
  readonly service: string;
  readonly readiness: () => Promise<ReadinessOutcome>;
  readonly metrics?: MetricsHook | undefined;
  readonly healthCheckEnabled: boolean;
  readonly lifecycle: HttpLifecycle;
  readonly logger: LoggerPort;
}

/**
 * `/health` (liveness: answers while the process can, never touches the database), `/ready`
 * (a database ping; 503 while the database is unreachable or the server is draining) and
 * `/metrics` (the hook's text, when there is a hook).
 */
export function addHealthRoutes(router: Router, options: HealthRoutesOptions): void {
  const { lifecycle, logger } = options;
  let lastReady: boolean | undefined;
  const noStore = (res: Response) => res.setHeader('Cache-Control', 'no-store');
  if (options.healthCheckEnabled) {
    router.get('/health', (_req: Request, res: Response) => {
      noStore(res);
      res.json({ status: 'healthy', service: options.service, timestamp: new Date().toISOString() });
    });
    router.get('/ready', async (_req: Request, res: Response) => {
      noStore(res);
      const timestamp = new Date().toISOString();
      if (lifecycle.draining) {
        res.status(503).json({
          status: 'not_ready',
          reason: 'shutting_down',
          error: 'server is shutting down',
          timestamp,
        });
        return;
      }
      const outcome = await options
        .readiness()
        .catch((): ReadinessOutcome => ({ ok: false, error: 'readiness check failed' }));
      // Only changes are logged: a probe every few seconds would otherwise fill the log.
      if (outcome.ok !== lastReady) {
        if (outcome.ok) logger.info('ready', { database: 'connected' });
        else logger.warn('not ready', { database: 'disconnected', error: outcome.error });
        lastReady = outcome.ok;
      }
      if (outcome.ok) res.json({ status: 'ready', database: 'connected', timestamp });
      else
        res
          .status(503)
          .json({ status: 'not_ready', database: 'disconnected', error: outcome.error, timestamp });
    });
  }
  const { metrics } = options;
  if (metrics !== undefined) {
    router.get('/metrics', async (_req: Request, res: Response) => {
      try {
        const text = await metrics.collect();
        noStore(res);
        res.type(metrics.contentType).send(text);
      } catch (error) {
        logger.error('metrics collection failed', { errorName: (error as Error)?.name });
        sendProblem(res, problem(500, 'InternalError', 'Internal Server Error'));
      }
    });
  }
}
