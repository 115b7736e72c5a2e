import type { LoggerPort, MetricsPort } from '@legacybridge/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createApiKeyVerifier } from './api-keys.js';
import { HTTP_METRICS } from './http-metrics.js';
import type { AuthOptions } from './options.js';
import { problem, sendProblem } from './problem.js';

/** Paths served without a key unless the operator says otherwise: probes and scrapers carry no key. */
export const DEFAULT_PUBLIC_PATHS: readonly string[] = ['/health', '/ready', '/metrics'];

/**
 * Names the caller of every request in `res.locals.caller`: the API key's name when a valid key is
 * presented (`X-API-Key` or `Authorization: Bearer`), else the embedding app's `identify`, else the
 * client address. With `required`, a missing or unknown key on a non-public path is marked in
 * `res.locals.authFailure` and the caller is the client address, so the rate limiter (which runs
 * next) also throttles key guessing; `enforceAuth` then answers 401.
 */
export function identifyCaller(
  auth: AuthOptions | undefined,
  identify: ((req: Request) => string | undefined) | undefined,
  isPublic: (req: Request) => boolean,
): RequestHandler {
  const verifier = createApiKeyVerifier(auth?.apiKeys ?? []);
  const required = auth?.required === true;
  return (req: Request, res: Response, next: NextFunction) => {
    const presented = presentedKey(req);
    const name = presented !== undefined && verifier.size > 0 ? verifier.identify(presented) : undefined;
    if (name !== undefined) {
      res.locals.caller = name;
      return next();
    }
    // req.ip honours the app's `trust proxy`: the socket's address unless a trusted proxy names another.
    res.locals.caller = identify?.(req) ?? `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
    if (required && !isPublic(req)) res.locals.authFailure = presented === undefined ? 'missing' : 'invalid';
    next();
  };
}

/** Answers 401 (JSON body, `WWW-Authenticate`) for a request `identifyCaller` marked as failing auth. */
export function enforceAuth(logger: LoggerPort, metrics: MetricsPort): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const reason = res.locals.authFailure as 'missing' | 'invalid' | undefined;
    if (reason !== undefined) {
      // Keys are never logged, and a refusal never says which part of a key was wrong.
      logger.info('request refused: API key required', { reason, path: req.path.slice(0, 200) });
      metrics.increment(HTTP_METRICS.authFailures, { reason });
      res.setHeader(
        'WWW-Authenticate',
        'Bearer realm="legacybridge", ApiKey realm="legacybridge" header="X-API-Key"',
      );
      return sendProblem(
        res,
        problem(
          401,
          'Unauthorized',
          'Unauthorized',
          reason === 'missing'
            ? 'An API key is required: send it in X-API-Key or Authorization: Bearer.'
            : 'The API key is not valid.',
        ),
      );
    }
    next();
  };
}

function presentedKey(req: Request): string | undefined {
  const header = req.headers['x-api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key !== undefined && key !== '') return key;
  const authorization = req.headers.authorization;
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return match?.[1];
}
