import type { UseCaseDeps } from '@legacybridge/core';
import { createLegacyBridgeRouter } from '@legacybridge/transport-http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/** A user of the existing app, as its own auth knows them. */
export interface User {
  readonly name: string;
  readonly role: 'analyst' | 'staff';
}

/** What the app's auth middleware attaches to each request. */
interface AuthedLocals {
  user?: User;
}

/**
 * An existing Express app — its own routes, its own bearer-token auth — that mounts LegacyBridge
 * under /legacybridge. LegacyBridge's own API keys stay off: the app's middleware runs first, only
 * analysts get through, and the user's name becomes LegacyBridge's caller (its logs, its rate limit).
 */
export function createGatewayApp(deps: UseCaseDeps, tokens: ReadonlyMap<string, User>): Express {
  const app = express();
  app.disable('x-powered-by');

  // The app's own authentication, unchanged by LegacyBridge.
  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const user = token === undefined ? undefined : tokens.get(token);
    if (user === undefined) {
      res.status(401).json({ error: 'login required' });
      return;
    }
    (res.locals as AuthedLocals).user = user;
    next();
  };
  const requireRole = (role: User['role']) => (_req: Request, res: Response, next: NextFunction) => {
    if ((res.locals as AuthedLocals).user?.role !== role) {
      res.status(403).json({ error: `${role}s only` });
      return;
    }
    next();
  };

  app.get('/', (_req, res) => {
    res.json({ app: 'acme-portal', routes: ['/me', '/legacybridge/v1/tables', '/legacybridge/mcp'] });
  });
  app.get('/me', authenticate, (_req, res) => {
    res.json((res.locals as AuthedLocals).user);
  });

  app.use(
    '/legacybridge',
    authenticate,
    requireRole('analyst'),
    createLegacyBridgeRouter({
      deps,
      name: 'acme-erp',
      version: '1.0.0',
      // The app's user is the caller; LegacyBridge's own keys are not needed behind this auth.
      identify: (req) => (req.res?.locals as AuthedLocals | undefined)?.user?.name,
      rateLimit: { requests: 60, windowSeconds: 60 },
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  return app;
}
