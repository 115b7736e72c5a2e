import { createSessionPool, type LoggerPort, type PoolOptions, type SessionPool } from '@legacybridge/core';
import type sql from 'mssql';
import { closeSession, type MssqlSession, openSession, pingSession } from './mssql-session.js';

/**
 * SQL Server sessions in core's session pool rather than mssql's tarn pool: tarn has no maximum
 * lifetime (recycle), keeps no overflow apart from the core size, reports its acquire timeout as a
 * connection timeout (so PoolExhausted could not be told from an unreachable server) and its
 * validation runs `SELECT 1` before every request instead of after idle. Each session is an mssql
 * `ConnectionPool` of exactly one connection, which keeps mssql's Request/Transaction API (streaming,
 * `cancel()`, isolation levels). Failures are thrown; the adapter converts them once per port method.
 */

/** What the pool needs besides PoolOptions. */
export interface MssqlPoolOptions {
  readonly pool: PoolOptions;
  readonly overflowIdleMs: number;
  readonly prePingIdleMs: number;
  readonly connectTimeoutMs: number;
  readonly logger: LoggerPort;
  readonly driver: sql.config;
  /** Builds the driver pool (a fake in unit tests). */
  readonly create?: ((config: sql.config) => sql.ConnectionPool) | undefined;
}

/**
 * Borrowing and returning sessions: `acquire` throws PoolExhausted, Cancelled, ConnectionFailed after
 * close, or the driver's error when a connection cannot open; `release(session, retire)` closes it
 * instead when its state is unknown (after a failed rollback, a cancel that was not acknowledged).
 */
export type MssqlPool = SessionPool<MssqlSession>;

/** A new, empty pool: nothing connects until the first `acquire`. */
export function createMssqlPool(options: MssqlPoolOptions): MssqlPool {
  const { logger } = options;
  return createSessionPool<MssqlSession>({
    pool: options.pool,
    overflowIdleMs: options.overflowIdleMs,
    prePingIdleMs: options.prePingIdleMs,
    pingTimeoutMs: Math.min(options.connectTimeoutMs, 2_000),
    names: { adapter: 'SQL Server', session: 'SQL Server connection' },
    open: (lost) => openSession(options.driver, lost, options.create),
    ping: (session, timeoutMs) => pingSession(session, timeoutMs),
    close: async (session, why) => {
      if (why !== 'pool closed while idle' && why !== 'pool closed') {
        logger.debug('mssql connection retired', { why });
      }
      await closeSession(session);
    },
    createdAt: (session) => session.createdAt,
    alive: (session) => session.alive,
  });
}
