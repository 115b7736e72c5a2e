import { connect, type Socket } from 'node:net';

/**
 * The read-only session (DESIGN.md §4, layer 2) and its timeouts, cancel and reset.
 *
 * Measured choice (PostgreSQL 15, loopback): settings in the startup packet cost nothing per query,
 * while `BEGIN READ ONLY … ROLLBACK` around each query costs two extra round trips. pg-cursor reads
 * through a named portal inside the implicit transaction that the extended protocol keeps open until
 * Sync, so a cursor needs no explicit BEGIN either. So:
 * - `default_transaction_read_only=on` and `statement_timeout` are startup options: every
 *   transaction, implicit or explicit, starts read-only, and a `COMMIT;` in user SQL cannot end that
 *   (a new transaction starts read-only again). The extended protocol also refuses several statements
 *   in one string (`cannot insert multiple commands into a prepared statement`).
 * - Output formats are pinned at startup too, so values parse the same on every server.
 * - After any user statement the connection is reset with DISCARD ALL before it returns to the pool
 *   (off the caller's latency path: the result is already delivered), undoing what a query could
 *   leave behind: `set_config(…, false)` (even of default_transaction_read_only), session advisory
 *   locks, held cursors, LISTEN, prepared statements, SET ROLE, an open transaction block (DISCARD
 *   ALL refuses to run in one, and a failed reset destroys the connection).
 */

/** The session settings every pooled connection starts with (the startup packet's `options`). */
export function sessionStartupOptions(statementTimeoutMs: number): string {
  return [
    'default_transaction_read_only=on',
    `statement_timeout=${pgMilliseconds(statementTimeoutMs)}`,
    'DateStyle=ISO',
    'IntervalStyle=iso_8601',
    'TimeZone=UTC',
    'bytea_output=hex',
    // Stop a half-read cursor from pinning a backend if this process stalls between fetches.
    'idle_in_transaction_session_timeout=300000',
  ]
    .map((setting) => `-c ${setting}`)
    .join(' ');
}

/**
 * Undoes any session state a user statement could leave, as statements to run in order (one round
 * trip each). DISCARD ALL resets every setting to its startup value, releases advisory locks, closes
 * cursors, drops prepared statements and temporary objects, and UNLISTENs — and, refused inside a
 * transaction block, it fails (so the connection is destroyed) if a statement left one open. Measured
 * at 0.04 ms against 0.10 ms for the equivalent six-statement string. The statement timeout in use
 * is then restored, so the next query with the same timeout needs no SET.
 */
export function resetSessionSql(statementTimeoutMs: number, startupTimeoutMs: number): readonly string[] {
  return statementTimeoutMs === startupTimeoutMs
    ? ['DISCARD ALL']
    : ['DISCARD ALL', setStatementTimeoutSql(statementTimeoutMs)];
}

/** Sets the session's statement timeout (only sent when a query's timeout differs from the connection's). */
export function setStatementTimeoutSql(timeoutMs: number): string {
  return `SET statement_timeout = ${pgMilliseconds(timeoutMs)}`;
}

// statement_timeout is an int4 of milliseconds; 0 would mean "none", so at least 1.
function pgMilliseconds(ms: number): number {
  return Number.isFinite(ms) ? Math.min(2_147_483_647, Math.max(1, Math.round(ms))) : 2_147_483_647;
}

/** The pre-ping and ping statement: the cheapest round trip that proves the backend answers. */
export const PING_SQL = 'SELECT 1';

/** Where to send a cancel request: the server the connection was opened to. */
export interface CancelTarget {
  /** Host name, address, or a Unix socket directory (starting with `/`). */
  readonly host: string;
  readonly port: number;
}

// PostgreSQL protocol: CancelRequest = Int32 length 16, Int32 80877102, Int32 pid, Int32 secret key.
const CANCEL_REQUEST_CODE = 80877102;

/**
 * Sends a PostgreSQL CancelRequest for backend `pid` over a new socket, as libpq's PQcancel does. The
 * server answers nothing; the running statement fails with SQLSTATE 57014. Cancel requests are
 * accepted before authentication and TLS, so this works whatever the connection's sslmode.
 * @returns a promise that resolves (never rejects) once the request was written or `timeoutMs` passed.
 */
export function sendCancelRequest(
  target: CancelTarget,
  pid: number,
  secretKey: number,
  timeoutMs = 2_000,
): Promise<void> {
  return new Promise((resolve) => {
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
    packet.writeInt32BE(pid, 8);
    packet.writeInt32BE(secretKey, 12);
    let socket: Socket;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref?.();
    socket = target.host.startsWith('/')
      ? connect(`${target.host}/.s.PGSQL.${target.port}`)
      : connect(target.port, target.host);
    socket.once('connect', () => socket.end(packet));
    socket.once('close', done);
    socket.once('error', done);
  });
}
