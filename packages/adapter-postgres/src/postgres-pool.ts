import { createWaitQueue, dbFailure, type PoolOptions, type PoolStats } from '@legacybridge/core';
import pg from 'pg';
import { PING_SQL } from './postgres-session.js';

/**
 * Core's PoolOptions mapped onto pg.Pool, plus what pg.Pool lacks:
 * - size → `min` (kept open once opened; pg.Pool opens lazily), size + maxOverflow → `max`;
 *   connections above `min` close after `overflowIdleMs` idle (`idleTimeoutMillis` only applies above min).
 * - acquireTimeoutMs → a counting semaphore in front of pg.Pool. pg.Pool's own
 *   `connectionTimeoutMillis` bounds both waiting for a connection and opening one; we need the two
 *   apart (PoolExhausted with `waitedMs` after DB_TIMEOUT, ConnectionFailed within seconds for a dead
 *   host), so pg.Pool gets the connect timeout and never queues: the semaphore holds at most `max`
 *   permits, and a permit is only returned once its connection is back in pg.Pool or destroyed.
 * - recycleMs → `maxLifetimeSeconds` (an idle connection is closed at expiry; a busy one on release).
 * - prePing → `SELECT 1` on checkout when the connection sat idle at least `prePingIdleMs`; a
 *   connection that fails it is destroyed and another taken, so the caller never sees it. Backends the
 *   server terminates are also dropped as soon as their socket reports it (pg.Pool's idle listener).
 */

/** A borrowed connection. Call `release` exactly once. */
export interface Lease {
  readonly client: pg.PoolClient;
  /** The statement timeout in force on this connection's session, in ms. */
  timeoutMs: number;
  /**
   * Marks the connection as serving no caller any more while it is reset: the gauges count it idle,
   * but it keeps its slot (and its server connection) until `release`.
   */
  returning(): void;
  /** Returns the connection; with `destroy` (or an Error) it is closed instead of reused. */
  release(destroy?: boolean | Error): void;
}

/** Pool settings besides PoolOptions. */
export interface PostgresPoolOptions {
  readonly pool: PoolOptions;
  readonly overflowIdleMs: number;
  readonly prePingIdleMs: number;
  readonly connectTimeoutMs: number;
  /** The statement timeout every connection starts with (startup options). */
  readonly startupTimeoutMs: number;
  /** pg.Pool connection settings (host, user, ssl, options …). */
  readonly connection: pg.PoolConfig;
  /** Called for errors on connections nobody is using (logged, never thrown). */
  readonly onIdleError: (error: unknown) => void;
}

/** Borrowing connections with the deployment guide's semantics. */
export interface PostgresPool {
  /**
   * A validated connection.
   * @throws a DatabaseFailure: PoolExhausted after `acquireTimeoutMs`, Cancelled when `signal` aborts
   * while waiting, ConnectionFailed after close; or the driver's error when a new connection fails.
   */
  acquire(signal?: AbortSignal): Promise<Lease>;
  stats(): PoolStats;
  /** Fails every waiter and closes every idle connection; waits for borrowed ones. Idempotent. */
  close(): Promise<void>;
}

interface ConnectionState {
  lastUsed: number;
  timeoutMs: number;
}

/** A new pool; opens nothing until the first `acquire`. */
export function createPostgresPool(options: PostgresPoolOptions): PostgresPool {
  const { pool: p } = options;
  const max = p.size + p.maxOverflow;
  const driver = new pg.Pool({
    ...options.connection,
    max,
    min: p.size,
    idleTimeoutMillis: p.maxOverflow > 0 ? Math.max(1, options.overflowIdleMs) : 0,
    maxLifetimeSeconds: p.recycleMs > 0 ? p.recycleMs / 1000 : 0,
    connectionTimeoutMillis: options.connectTimeoutMs,
    keepAlive: true,
  });
  const states = new WeakMap<pg.PoolClient, ConnectionState>();
  // A borrowed client has no listener of pg.Pool's: without ours, a socket dying between our
  // queries would emit an unhandled 'error' and end the process.
  driver.on('connect', (client) => client.on('error', options.onIdleError));
  driver.on('error', options.onIdleError);

  // Why not core's createSessionPool: pg.Pool already owns the connections (opening, idle list,
  // lifetime, min/max). What it lacks is a bounded, abortable wait, so only core's wait queue is used,
  // as a counting semaphore in front of it.
  let permits = 0;
  let returning = 0;
  const waiters = createWaitQueue<void>();
  let closing: Promise<void> | undefined;

  const releasePermit = () => {
    // Hand the permit straight over, so a burst of new callers cannot overtake a waiter.
    for (let next = waiters.next(); next; next = waiters.next()) if (next.settle()) return;
    permits--;
  };

  const takePermit = (signal?: AbortSignal): Promise<void> => {
    if (permits < max && waiters.length === 0) {
      permits++;
      return Promise.resolve();
    }
    return waiters.wait({
      signal,
      timeoutMs: p.acquireTimeoutMs,
      onTimeout: (waitedMs) =>
        dbFailure('PoolExhausted', {
          waitedMs,
          message: `no free PostgreSQL connection within ${waitedMs} ms (${max} in use)`,
        }),
      onAbort: () => dbFailure('Cancelled', { message: 'cancelled while waiting for a connection' }),
    });
  };

  const ping = async (client: pg.PoolClient): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.min(options.connectTimeoutMs, 5_000));
    });
    try {
      return await Promise.race([client.query(PING_SQL).then(() => true), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };

  const checkout = async (): Promise<pg.PoolClient> => {
    // Every stale connection fails its ping and is destroyed, so at most `max` tries reach a new one.
    for (let attempt = 0; ; attempt++) {
      const client = await driver.connect();
      const state = states.get(client);
      if (!state) {
        states.set(client, { lastUsed: performance.now(), timeoutMs: options.startupTimeoutMs });
        return client;
      }
      const idleFor = performance.now() - state.lastUsed;
      if (!p.prePing || idleFor < options.prePingIdleMs || (await ping(client))) return client;
      destroy(client);
      if (attempt > max) throw dbFailure('ConnectionFailed', { message: 'pre-ping failed repeatedly' });
    }
  };

  return {
    async acquire(signal) {
      if (closing) throw dbFailure('ConnectionFailed', { message: 'the PostgreSQL adapter is closed' });
      if (signal?.aborted) throw dbFailure('Cancelled', { message: 'cancelled before start' });
      await takePermit(signal);
      let client: pg.PoolClient;
      try {
        client = await checkout();
      } catch (error) {
        releasePermit();
        throw error;
      }
      const state = states.get(client)!;
      let released = false;
      let isReturning = false;
      return {
        client,
        get timeoutMs() {
          return state.timeoutMs;
        },
        set timeoutMs(value: number) {
          state.timeoutMs = value;
        },
        returning() {
          if (released || isReturning) return;
          isReturning = true;
          returning++;
        },
        release(destroyIt) {
          if (released) return;
          released = true;
          if (isReturning) returning--;
          state.lastUsed = performance.now();
          if (destroyIt) destroy(client, destroyIt);
          else client.release();
          releasePermit();
        },
      };
    },
    stats() {
      return {
        size: p.size,
        max,
        active: permits - returning,
        idle: driver.idleCount + returning,
        waiting: waiters.length,
      };
    },
    close() {
      if (!closing) {
        waiters.failAll(
          dbFailure('ConnectionFailed', { message: 'the PostgreSQL adapter closed while waiting' }),
        );
        closing = driver.end().catch(() => undefined);
      }
      return closing;
    },
  };
}

/**
 * Closes a connection for good: its socket is destroyed at once (a graceful Terminate could wait on
 * a dead network), then pg.Pool forgets it.
 */
export function destroy(client: pg.PoolClient, reason: boolean | Error = true): void {
  destroySocket(client);
  client.release(reason instanceof Error ? reason : new Error('connection discarded'));
}

/** Destroys a client's socket: its pending query fails at once with "Connection terminated". */
export function destroySocket(client: pg.ClientBase): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  stream?.destroy();
}
