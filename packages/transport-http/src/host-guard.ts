import type { LoggerPort } from '@legacybridge/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isHostAllowed, isOriginAllowed } from './host-check.js';
import { problem, sendProblem } from './problem.js';

/**
 * 403 for a `Host` outside the allow-list, and for an `Origin` naming another host (a browser page
 * on an attacker's site reaching a server on localhost through DNS rebinding).
 */
export function hostGuard(allowed: readonly string[] | undefined, logger: LoggerPort): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (isHostAllowed(req.headers.host, allowed) && isOriginAllowed(origin, allowed)) return next();
    // Both values are attacker-chosen: cap them so refused requests cannot flood the log.
    logger.warn('request refused: host not allowed', {
      host: req.headers.host?.slice(0, 200),
      origin: origin?.slice(0, 200),
    });
    sendProblem(res, problem(403, 'HostNotAllowed', 'Forbidden', 'Host or Origin not allowed.'));
  };
}
