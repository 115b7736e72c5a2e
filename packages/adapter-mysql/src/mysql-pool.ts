import { createSessionPool, type LoggerPort, type PoolOptions, type SessionPool } from '@legacybridge/core';
import type { MysqlSession } from './mysql-session.js';

/**
 * MySQL sessions in core's session pool, rather than mysql2's `createPool`, which has no acquire
 * timeout, no maximum lifetime, no pre-ping and no public gauges. A connection the server closes is
 * dropped at once through its socket's close event (the `onClose` callback). Failures are thrown
 * (the adapter converts them once per port method).
 */

/** What the pool needs besides PoolOptions. */
export interface MysqlPoolOptions {
  readonly pool: PoolOptions;
  readonly overflowIdleMs: number;
  readonly prePingIdleMs: number;
  readonly logger: LoggerPort;
  /** Opens and prepares a new session; `onClose` must be called when its socket closes. */
  readonly open: (onClose: (session: MysqlSession) => void) => Promise<MysqlSession>;
}

/**
 * Borrowing and returning sessions: `acquire` throws PoolExhausted, Cancelled, ConnectionFailed after
 * close, or the driver's error when a connection cannot open; `release(session, retire)` closes it
 * instead when its state is unknown (after an error, cancel or early stop).
 */
export type MysqlPool = SessionPool<MysqlSession>;

/** A new, empty pool: nothing connects until the first `acquire`. */
export function createMysqlPool(options: MysqlPoolOptions): MysqlPool {
  const { logger } = options;
  return createSessionPool<MysqlSession>({
    pool: options.pool,
    overflowIdleMs: options.overflowIdleMs,
    prePingIdleMs: options.prePingIdleMs,
    names: { adapter: 'MySQL', session: 'MySQL connection' },
    open: options.open,
    ping: async (session, timeoutMs) => {
      await session.ping(timeoutMs);
      return true;
    },
    close: async (session, why) => {
      // Idle connections say goodbye (COM_QUIT); busy ones are cut, which settles their statements.
      if (why === 'pool closed while idle') return session.end();
      logger.debug('mysql connection retired', { why, threadId: session.threadId });
      session.destroy();
    },
    createdAt: (session) => session.createdAt,
    alive: (session) => session.alive,
    onIdle: (session) => {
      session.lastUsedAt = Date.now();
    },
  });
}
