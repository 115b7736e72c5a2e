#!/usr/bin/env node
// An existing Express app with LegacyBridge mounted under /legacybridge, reusing the app's auth.
// Run: node examples/express-gateway/.tsbuild/src/server.js /path/to/database.db
// then: curl -H 'Authorization: Bearer analyst-token' localhost:3000/legacybridge/v1/tables
import { createSqliteAdapter } from '@legacybridge/adapter-sqlite';
import { DEFAULT_QUERY_POLICY, type LoggerPort, noopMetrics, type UseCaseDeps } from '@legacybridge/core';
import { createGatewayApp, type User } from './app.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: server.js <sqlite-file>');
  process.exit(2);
}

const log = (level: string) => (message: string, context?: object) =>
  console.error(JSON.stringify({ level, message, ...context }));
const logger: LoggerPort = {
  debug() {},
  info: log('info'),
  warn: log('warn'),
  error: log('error'),
  child: () => logger,
};

const deps: UseCaseDeps = {
  db: createSqliteAdapter({ url: file, pool: { size: 1, maxOverflow: 1 } }),
  metrics: noopMetrics,
  logger,
  policy: { ...DEFAULT_QUERY_POLICY, maxRows: 200, timeoutMs: 5_000 },
};

// Stand-ins for the app's real user store.
const tokens = new Map<string, User>([
  ['analyst-token', { name: 'ada', role: 'analyst' }],
  ['staff-token', { name: 'bob', role: 'staff' }],
]);

const server = createGatewayApp(deps, tokens).listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  logger.info('listening', { url: `http://127.0.0.1:${Number(process.env.PORT ?? 3000)}` });
});
process.on('SIGTERM', () => server.close(() => void deps.db.close().then(() => process.exit(0))));
