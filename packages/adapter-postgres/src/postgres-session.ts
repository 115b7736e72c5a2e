import { connect, type Socket } from 'node:net';

/**
 * The read-only session (DESIGN.md §4, layer 2) and its timeouts, cancel and reset.
 *
 * Settings in the startup packet cost nothing per query, so every transaction, implicit or
 * explicit, starts read-only (`default_transaction_read_only=on`) under `statement_timeout`; output
 * formats are pinned there too, so values parse the same on every server.
 *
 * Caller SQL runs as one extended-protocol pipeline, written at once and answered in one round trip
 * (postgres-pipeline.ts):
 *
 *   BEGIN READ ONLY; [SET LOCAL statement_timeout]; <caller's statement>;
 *   SELECT pg_advisory_unlock_all(); DEALLOCATE ALL; ROLLBACK; Sync
 *
 * Why this replaces DISCARD ALL after every statement without leaving anything behind. The SQL text
 * proves nothing (a view or operator can call any function), so the argument is about what ANY single
 * statement can leave in a read-only transaction on PostgreSQL 15:
 * - settings (`set_config(…, false)`, `SET ROLE`, `search_path`, even default_transaction_read_only),
 *   LISTEN, notifications, WITH HOLD cursors and large objects made in the transaction, transaction
 *   advisory locks: all transactional, undone by the ROLLBACK (DISCARD ALL could not undo a large
 *   object or a notification at all);
 * - session advisory locks and SQL-level prepared statements (a function can `EXECUTE 'PREPARE …'`)
 *   are not transactional: `pg_advisory_unlock_all()` and `DEALLOCATE ALL` remove them, after the
 *   statement, in the same pipeline;
 * - temporary objects and sequence state cannot be created in a read-only transaction;
 * - the extended protocol takes one statement per Parse, so the caller cannot append anything after
 *   the reset; a COMMIT or ROLLBACK of the caller's only ends our block early, with nothing in it;
 * - the connection is handed on only if ReadyForQuery reports it idle ('I'), the proof that the
 *   whole pipeline ran; after an error (the server skips to Sync) or any other status it gets
 *   ROLLBACK + DISCARD ALL as before, and a reset that fails or hangs destroys the connection.
 * What survives both this and DISCARD ALL: loaded libraries, dblink/postgres_fdw connections,
 * procedural languages' session globals, replication-origin sessions — the guard refuses the
 * functions by name and least privilege (layer 3) is the control (docs/security.md §5).
 * Measured on loopback (bench/adapter-postgres.mjs): the four extra statements cost ~0.03 ms of server
 * time inside the one round trip, where pg-cursor + DISCARD ALL cost three round trips plus one.
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

/** The statements around caller SQL in its pipeline (see the comment at the top). */
export interface ReadOnlyPipelineSql {
  readonly before: readonly string[];
  readonly after: readonly string[];
}

// Frozen: the pipeline keeps each list's encoding, so a list must never change after it was encoded.
const AFTER_CALLER_SQL: readonly string[] = Object.freeze([
  'SELECT pg_advisory_unlock_all()',
  'DEALLOCATE ALL',
  'ROLLBACK',
]);
const AT_SESSION_TIMEOUT: ReadOnlyPipelineSql = Object.freeze({
  before: Object.freeze(['BEGIN READ ONLY']),
  after: AFTER_CALLER_SQL,
});
const withTimeout = new Map<number, ReadOnlyPipelineSql>();

/**
 * The pipeline's statements; with `timeoutMs` the statement timeout is set for this transaction only
 * (SET LOCAL, undone by the ROLLBACK), so the session keeps the timeout it had. The same lists come
 * back for the same argument (the pipeline encodes each list once, keyed by the list).
 */
export function readOnlyPipelineSql(timeoutMs?: number): ReadOnlyPipelineSql {
  if (timeoutMs === undefined) return AT_SESSION_TIMEOUT;
  let statements = withTimeout.get(timeoutMs);
  if (statements === undefined) {
    statements = Object.freeze({
      before: Object.freeze([
        'BEGIN READ ONLY',
        `SET LOCAL statement_timeout = ${pgMilliseconds(timeoutMs)}`,
      ]),
      after: AFTER_CALLER_SQL,
    });
    // A handful of distinct timeouts in practice; a bound all the same.
    if (withTimeout.size >= 64) withTimeout.clear();
    withTimeout.set(timeoutMs, statements);
  }
  return statements;
}

/**
 * The slow-path reset, for a connection whose pipeline did not run to its end (an error, a status
 * other than idle): statements to run in order, one round trip each. ROLLBACK ends a transaction
 * block the pipeline left open (a warning when there is none); DISCARD ALL then resets every setting
 * to its startup value, releases advisory locks, closes cursors, drops prepared statements and
 * temporary objects, and UNLISTENs — and, refused inside a transaction block, it fails (so the
 * connection is destroyed) if one is still open. The statement timeout in use is then restored, so
 * the next query with the same timeout needs no SET.
 */
export function resetSessionSql(statementTimeoutMs: number, startupTimeoutMs: number): readonly string[] {
  return statementTimeoutMs === startupTimeoutMs
    ? ['ROLLBACK', 'DISCARD ALL']
    : ['ROLLBACK', 'DISCARD ALL', setStatementTimeoutSql(statementTimeoutMs)];
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
