import express, { type Express, type Request, type Response } from 'express';
import type { LegacyBridgeHttpOptions } from './options.js';
import { problem, sendProblem } from './problem.js';
import { createLegacyBridgeRouter } from './router.js';

/** Options of `createHttpApp`: the router's, plus proxy trust. */
export interface HttpAppOptions extends LegacyBridgeHttpOptions {
  /**
   * Express `trust proxy`: set it when a load balancer sits in front, so the client address (the
   * rate-limit caller without a key) is the real client's, not the balancer's. Default false.
   */
  readonly trustProxy?: boolean | number | string | undefined;
}

/** A complete Express app serving LegacyBridge at the root, with JSON 404s for everything else. */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', options.trustProxy ?? false);
  app.use(createLegacyBridgeRouter(options));
  app.use((_req: Request, res: Response) => {
    sendProblem(res, problem(404, 'NotFound', 'Not Found', 'No such endpoint.'));
  });
  return app;
}
