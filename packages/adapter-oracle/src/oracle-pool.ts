import { createSessionPool, type LoggerPort, type PoolOptions, type SessionPool } from '@legacybridge/core';
import type { OracleSession } from './oracle-session.js';

/**
 * Oracle sessions in core's session pool rather than `oracledb.createPool`. node-oracledb's Thin
 * pool has sizes (`poolMin`/`poolMax`), `queueTimeout` (NJS-040), `poolPingInterval` (whole seconds)
 * and `maxLifetimeSession`, but its queued `getConnection()` cannot be aborted by the caller's
 * AbortSignal, and a wait and a slow connect share one clock — the guide wants Cancelled while
 * waiting, PoolExhausted only for a full pool, and ConnectionFailed within seconds for a dead host.
 * core's pool, already proven by the MySQL and SQLite adapters, gives exactly that:
 * size + maxOverflow connections at most (`poolMax`), PoolExhausted after `acquireTimeoutMs`
 * (`queueTimeout`), recycle after `recycleMs` (`maxLifetimeSession`), pre-ping with
 * `connection.ping()` after `prePingIdleMs` idle (`poolPingInterval`), overflow connections closed
 * after `overflowIdleMs` idle (`poolTimeout` above `poolMin`), and exact gauges including waiters.
 * Failures are thrown (the adapter converts them once per port method).
 */

/** What the pool needs besides PoolOptions. */
export interface OraclePoolOptions {
  readonly pool: PoolOptions;
  readonly overflowIdleMs: number;
  readonly prePingIdleMs: number;
  readonly logger: LoggerPort;
  /** Opens and prepares a new session (connect, ALTER SESSION). */
  readonly open: () => Promise<OracleSession>;
  /** How long closing a connection may take before it is abandoned (a dead network must not hold a slot). */
  readonly closeTimeoutMs: number;
}

export type OraclePool = SessionPool<OracleSession>;

/** A new, empty pool: nothing connects until the first `acquire`. */
export function createOraclePool(options: OraclePoolOptions): OraclePool {
  const { logger } = options;
  return createSessionPool<OracleSession>({
    pool: options.pool,
    overflowIdleMs: options.overflowIdleMs,
    prePingIdleMs: options.prePingIdleMs,
    names: { adapter: 'Oracle', session: 'Oracle connection' },
    open: () => options.open(),
    ping: async (session, timeoutMs) => {
      const previous = session.connection.callTimeout;
      session.connection.callTimeout = timeoutMs;
      try {
        await session.connection.ping();
        return true;
      } finally {
        session.connection.callTimeout = previous;
      }
    },
    close: async (session, why) => {
      if (why !== 'pool closed while idle') logger.debug('oracle connection retired', { why });
      // A connection whose break went unanswered may never answer a logoff either.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        session.connection.close().catch(() => undefined),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, session.dead ? 0 : options.closeTimeoutMs);
          timer.unref?.();
        }),
      ]);
      clearTimeout(timer);
    },
    createdAt: (session) => session.createdAt,
    alive: (session) => !session.dead && (session.connection.isHealthy?.() ?? true),
  });
}
