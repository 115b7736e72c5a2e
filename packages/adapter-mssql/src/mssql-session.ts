import { dbFailure } from '@legacybridge/core';
import sql from 'mssql';
import type { ResolvedMssqlConfig } from './mssql-config.js';

/**
 * LegacyBridge's read-only session on SQL Server (DESIGN.md §4, layer 2). SQL Server has no
 * read-only session setting, so every caller statement runs inside a transaction that is always
 * rolled back:
 *
 * 1. `BEGIN TRANSACTION` at READ COMMITTED (mssql's `Transaction.begin` sends the isolation level
 *    with it). READ COMMITTED, not SNAPSHOT: SNAPSHOT needs `ALLOW_SNAPSHOT_ISOLATION ON`, which
 *    legacy databases rarely have, fails on any table whose schema changed since the snapshot began
 *    (error 3961) and adds version-store load to tempdb on the customer's server; where the DBA turned
 *    `READ_COMMITTED_SNAPSHOT` on, READ COMMITTED already reads row versions without blocking. Blocking
 *    is bounded instead by `SET LOCK_TIMEOUT`.
 * 2. The caller's batch, prefixed on its first line (so the server's line numbers stay the caller's)
 *    with `SET LOCK_TIMEOUT n; SET XACT_ABORT ON; SET NOCOUNT ON; SET IMPLICIT_TRANSACTIONS ON;` —
 *    XACT_ABORT makes any run-time error (and a client attention, i.e. cancel) end the transaction;
 *    IMPLICIT_TRANSACTIONS makes a write that follows a caller's own COMMIT/ROLLBACK open a new
 *    transaction instead of autocommitting; NOCOUNT drops the DONE row counts.
 * 3. `ROLLBACK` always, also after an error, a cancel or an early stop at a cap. A connection whose
 *    rollback fails, or which ends with an open transaction, is closed, never reused.
 *
 * A write the statement guard let through (it should not) therefore takes locks until the rollback
 * and is undone; a caller batch that COMMITs and then writes is the one shape this layer cannot undo,
 * which is why the guard refuses COMMIT and the deployment guide asks for a login with db_datareader
 * only (checked by `auditPrivileges`).
 */

/** The statements prefixed to a caller's batch, on one line. */
export function sessionPrefixSql(lockTimeoutMs: number): string {
  const lock = Math.max(0, Math.round(lockTimeoutMs));
  return `SET LOCK_TIMEOUT ${lock}; SET XACT_ABORT ON; SET NOCOUNT ON; SET IMPLICIT_TRANSACTIONS ON; `;
}

/** The caller's SQL as sent: the session prefix on its first line, nothing appended. */
export function readOnlyBatch(userSql: string, lockTimeoutMs: number): string {
  return `${sessionPrefixSql(lockTimeoutMs)}${userSql}`;
}

/** The lock timeout of one query: the configured one, never longer than the query's own timeout. */
export function lockTimeoutFor(configured: number, queryTimeoutMs: number): number {
  return Math.max(0, Math.min(configured, queryTimeoutMs));
}

/**
 * True when a caller's statement could leave state that outlives its transaction: SET options,
 * global cursors, session context (`sp_set_session_context`, `CONTEXT_INFO`), session-owned
 * application locks — none of which a ROLLBACK undoes. Deliberately coarse: a false positive costs
 * one round trip (the reset), a false negative would hand the state to the next caller. Temporary
 * tables need no reset: created inside the transaction, the rollback drops them.
 */
export function mayLeaveSessionState(sql: string): boolean {
  return /\b(SET|CURSOR|OPEN|EXEC|EXECUTE|CONTEXT_INFO)\b|sp_|applock/i.test(sql);
}

/** Ends a transaction the caller's batch may have opened after the server ended ours. */
export const ROLLBACK_LEFTOVER_SQL = 'IF @@TRANCOUNT > 0 ROLLBACK';

/** The isolation level of the read-only transaction. */
export const READ_ONLY_ISOLATION = sql.ISOLATION_LEVEL.READ_COMMITTED;

/** `SET SHOWPLAN_XML` must be alone in its batch: explain runs three batches on one connection. */
export const SHOWPLAN_ON_SQL = 'SET SHOWPLAN_XML ON';
export const SHOWPLAN_OFF_SQL = 'SET SHOWPLAN_XML OFF';

/**
 * The mssql (tedious) configuration of one pooled connection. Each LegacyBridge session is an mssql
 * `ConnectionPool` holding exactly one connection: core's session pool gives the deployment guide's
 * semantics (size + overflow, acquire timeout, recycle, pre-ping), which tarn cannot (it has no
 * overflow retirement, no maximum lifetime and its acquire timeout is not told apart from a connect
 * timeout).
 */
export function driverConfig(config: ResolvedMssqlConfig): sql.config {
  const authentication = authenticationOf(config);
  return {
    server: config.host,
    port: config.port,
    database: config.database,
    ...(authentication === undefined
      ? { user: config.user, password: config.password }
      : { authentication: authentication as sql.config['authentication'] }),
    connectionTimeout: config.connectTimeoutMs,
    // LegacyBridge times every request itself (and cancels it): tedious's own timer would race it.
    requestTimeout: 0,
    arrayRowMode: true,
    // Pre-ping is the session pool's job (only after idle): no SELECT 1 before every request.
    validateConnection: false,
    pool: { min: 0, max: 1, idleTimeoutMillis: 2_147_483_647, acquireTimeoutMillis: config.connectTimeoutMs },
    options: {
      encrypt: config.encrypt as boolean,
      trustServerCertificate: config.trustServerCertificate,
      instanceName: config.instanceName,
      readOnlyIntent: config.readOnlyIntent,
      appName: config.applicationName,
      useUTC: true,
      enableArithAbort: true,
      abortTransactionOnError: true,
      // A lost connection fails its request at once; tedious must not reconnect behind our back.
      connectionRetryInterval: 500,
      maxRetriesOnTransientErrors: 0,
    },
  };
}

/** tedious's `authentication` block for everything but SQL logins (which use user/password). */
export function authenticationOf(
  config: ResolvedMssqlConfig,
): { type: string; options: Record<string, string | undefined> } | undefined {
  switch (config.authentication) {
    case 'sql':
      return undefined;
    case 'ntlm':
      return {
        type: 'ntlm',
        options: { userName: config.user, password: config.password, domain: config.domain },
      };
    case 'azure-active-directory-access-token':
      return { type: config.authentication, options: { token: config.password } };
    case 'azure-active-directory-password':
      return {
        type: config.authentication,
        options: {
          userName: config.user,
          password: config.password,
          clientId: config.clientId,
          tenantId: config.tenantId,
        },
      };
    case 'azure-active-directory-service-principal-secret':
      return {
        type: config.authentication,
        options: {
          clientId: config.clientId ?? config.user,
          clientSecret: config.password,
          tenantId: config.tenantId,
        },
      };
    case 'azure-active-directory-default':
    case 'azure-active-directory-msi-vm':
    case 'azure-active-directory-msi-app-service':
      return { type: config.authentication, options: { clientId: config.clientId } };
  }
}

type PoolInternals = {
  _poolCreate(this: sql.ConnectionPool): Promise<unknown>;
  _poolDestroy(this: sql.ConnectionPool, connection: unknown): Promise<void>;
};
const base = sql.ConnectionPool.prototype as unknown as PoolInternals;

/**
 * An mssql ConnectionPool for one connection that keeps the connection `connect()` opens to test the
 * settings (mssql closes it and opens another on first use: two logins, two TLS handshakes per
 * session). It relies on mssql 12's internal `_poolCreate`/`_poolDestroy`, which the unit tests'
 * fake driver exercises through the same code path.
 */
export class OneConnectionPool extends sql.ConnectionPool {
  #spare: unknown;
  #tested = false;

  /** Opens a driver connection (tedious); overridden by the unit tests' fake. */
  protected openConnection(): Promise<unknown> {
    return base._poolCreate.call(this);
  }

  _poolCreate(): Promise<unknown> {
    const spare = this.#spare;
    this.#spare = undefined;
    if (spare !== undefined) return Promise.resolve(spare);
    return this.openConnection();
  }

  _poolDestroy(connection: unknown): Promise<void> {
    if (!this.#tested) {
      this.#tested = true;
      this.#spare = connection;
      return Promise.resolve();
    }
    return base._poolDestroy.call(this, connection);
  }
}

/**
 * Closes the driver connection a transaction holds, at once: a request whose cancel the server never
 * acknowledged then fails, so the transaction and the session can be released and closed.
 */
export function destroyHeldConnection(tx: sql.Transaction): void {
  const connection = (tx as unknown as { _acquiredConnection?: { close?: () => void } | null })
    ._acquiredConnection;
  try {
    connection?.close?.();
  } catch {
    // Already closed.
  }
}

/** One LegacyBridge session: an mssql ConnectionPool holding one connection. */
export interface MssqlSession {
  readonly pool: sql.ConnectionPool;
  readonly createdAt: number;
  /** False once the connection reported an error or was closed. */
  alive: boolean;
}

/** Creates and connects the session's single connection. Throws the driver's error. */
export async function openSession(
  config: sql.config,
  onLost: (session: MssqlSession) => void,
  create: (config: sql.config) => sql.ConnectionPool = (c) => new OneConnectionPool(c),
): Promise<MssqlSession> {
  const pool = create(config);
  const session: MssqlSession = { pool, createdAt: Date.now(), alive: true };
  // An unhandled 'error' event would crash the process; a connection error kills the session.
  pool.on('error', () => {
    if (!session.alive) return;
    session.alive = false;
    onLost(session);
  });
  try {
    await pool.connect();
  } catch (error) {
    session.alive = false;
    await pool.close().catch(() => undefined);
    throw error;
  }
  return session;
}

/** Closes the session's connection (idempotent); bounded so a dead socket cannot hold a slot. */
export async function closeSession(session: MssqlSession, boundMs = 2_000): Promise<void> {
  session.alive = false;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    session.pool.close().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, boundMs);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * Resets the session on the server (sp_reset_connection, through the TDS reset flag, followed by
 * tedious's login-time SET options): SET options, cursors, session context and locks go back to a
 * fresh login's. One round trip.
 * @returns false when the reset failed or did not answer within `boundMs` (close the session then).
 */
export async function resetSession(session: MssqlSession, boundMs: number): Promise<boolean> {
  const pool = session.pool as unknown as {
    acquire(requester: unknown): Promise<{ reset(callback: (error?: unknown) => void): void }>;
    release(connection: unknown): void;
  };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('reset did not answer')), boundMs);
  });
  late.catch(() => {});
  let connection: { reset(callback: (error?: unknown) => void): void } | undefined;
  try {
    connection = await Promise.race([pool.acquire(session), late]);
    const held = connection;
    await Promise.race([
      new Promise<void>((resolve, reject) => held.reset((e) => (e ? reject(e) : resolve()))),
      late,
    ]);
    pool.release(connection);
    return true;
  } catch {
    // Given back so closing the session (which the caller does next) is not held up by it.
    if (connection) pool.release(connection);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `SELECT 1` within `timeoutMs`.
 * @throws the driver's error, or a Timeout failure when the server does not answer in time.
 */
export async function pingOrThrow(session: MssqlSession, timeoutMs: number): Promise<void> {
  const request = session.pool.request();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      request.cancel();
      reject(
        dbFailure('Timeout', {
          timeoutMs,
          message: `SQL Server did not answer SELECT 1 within ${timeoutMs} ms`,
        }),
      );
    }, timeoutMs);
  });
  late.catch(() => {});
  try {
    await Promise.race([request.batch('SELECT 1'), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `SELECT 1` within `timeoutMs`. @returns false when it fails or does not answer in time. */
export function pingSession(session: MssqlSession, timeoutMs: number): Promise<boolean> {
  return pingOrThrow(session, timeoutMs).then(
    () => true,
    () => false,
  );
}
