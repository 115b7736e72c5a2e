import { readFileSync } from 'node:fs';
import {
  type CellValue,
  dbFailure,
  type QueryLimits,
  type QueryResult,
  type ResultColumn,
} from '@legacybridge/core';
import { type Connection, type ConnectionOptions, createConnection } from 'mysql2';
import { type ResolvedMysqlConfig, toMysql2Ssl } from './mysql-config.js';
import { type MysqlFieldInfo, normaliseCell, resultColumns } from './mysql-types.js';

/**
 * One server connection, prepared once as LegacyBridge's read-only session (DESIGN.md §4, layer 2).
 *
 * Applied once per connection, in a single `SET SESSION` round trip right after the handshake:
 * - `transaction_read_only` / `tx_read_only = 1` — what `SET SESSION TRANSACTION READ ONLY` sets: every
 *   transaction of the session is read-only, so a `COMMIT` inside a query cannot end it;
 * - `autocommit = 1` — each statement is its own transaction: no locks or snapshot outlive it;
 * - `time_zone = '+00:00'` — TIMESTAMP values are read in UTC and rendered with `Z`;
 * - the server-side statement timeout: MariaDB `max_statement_time` (seconds, any statement), MySQL
 *   `max_execution_time` (ms, SELECT only). The flavour comes from the handshake's version string.
 *   It is refreshed only when a query asks for another timeout; a client-side guard backs it up.
 *
 * What a read-only query can still leave behind: user variables (`@x := 1`), user-level locks
 * (`GET_LOCK`), and with a bypassed guard temporary tables or prepared statements — also from inside
 * a view's stored function, which the text does not show. So after every caller statement the session
 * is reset with COM_RESET_CONNECTION (which clears variables, temporary tables, prepared statements
 * and releases user locks) and the settings above are applied again, both written right behind the
 * statement (`resetSession`); when the reset fails, the connection is destroyed. A statement error
 * (an ERR packet, even after rows: it ends the result in the protocol, and the server's own timeout is
 * one) keeps the connection, reset like any other. After a cancel, the client-side timeout, a lost
 * connection or an early stop at a cap, the connection is destroyed: its state on the wire is unknown.
 */

/** MySQL and MariaDB differ in the timeout and read-only variable names. */
export type MysqlFlavour = 'mariadb' | 'mysql';

/** A pooled connection and what the adapter tracks about it. */
export interface MysqlSession {
  readonly conn: Connection;
  /** The server's connection id: the target of `KILL QUERY`. */
  readonly threadId: number;
  readonly flavour: MysqlFlavour;
  /** The version as the server reports it, without MariaDB's `5.5.5-` replication prefix. */
  readonly serverVersion: string;
  readonly createdAt: number;
  lastUsedAt: number;
  /** The server-side timeout currently set on the session, in ms (0: none). */
  timeoutMs: number;
  /** False once the socket closed or the session was destroyed. */
  readonly alive: boolean;
  /** Called (once) when the connection is lost; the running query listens here. */
  onLost: ((error: unknown) => void) | undefined;
  ping(timeoutMs: number): Promise<void>;
  /** Closes the socket at once (RST): the server stops sending a result it was streaming. */
  destroy(): void;
  /** Polite close (COM_QUIT) when idle, bounded; destroys after 1 s. */
  end(): Promise<void>;
}

/** mysql2 options shared by pooled sessions and the side connection that sends `KILL QUERY`. */
export function connectionOptions(config: ResolvedMysqlConfig): ConnectionOptions {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    ssl: toMysql2Ssl(config.tls, (path) => readFileSync(path, 'utf8')),
    connectTimeout: config.connectTimeoutMs,
    // Exact values: BIGINT and DECIMAL as strings, temporal values as the server's text.
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: true,
    // One statement per query, and the server may never ask us to upload a local file. Without
    // IGNORE_SPACE (mysql2 asks for it by default) a fresh session parses like one after
    // COM_RESET_CONNECTION, which falls back to the server's sql_mode: SQL means the same on every
    // pooled connection.
    multipleStatements: false,
    flags: ['-LOCAL_FILES', '-MULTI_STATEMENTS', '-IGNORE_SPACE'],
    enableKeepAlive: true,
    keepAliveInitialDelay: 10_000,
    charset: 'utf8mb4',
  };
}

/** The flavour and bare version from a handshake version such as `5.5.5-10.11.6-MariaDB-0+deb12u1`. */
export function parseServerVersion(raw: string): { flavour: MysqlFlavour; version: string } {
  const flavour: MysqlFlavour = /mariadb/i.test(raw) ? 'mariadb' : 'mysql';
  return { flavour, version: raw.replace(/^5\.5\.5-/, '') };
}

function versionAtLeast(version: string, want: readonly number[]): boolean {
  const parts = (/^(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  for (let i = 0; i < want.length; i++) {
    const have = parts[i] ?? 0;
    if (have !== want[i]) return have > want[i]!;
  }
  return true;
}

/** The statement setting the server-side timeout, or undefined when the server has none (MySQL < 5.7.8). */
export function timeoutAssignment(
  flavour: MysqlFlavour,
  version: string,
  timeoutMs: number,
): string | undefined {
  const ms = Math.max(0, Math.round(timeoutMs));
  if (flavour === 'mariadb') {
    return versionAtLeast(version, [10, 1, 1]) ? `max_statement_time = ${(ms / 1000).toFixed(3)}` : undefined;
  }
  return versionAtLeast(version, [5, 7, 8]) ? `max_execution_time = ${ms}` : undefined;
}

/** The one statement that turns a fresh connection into a read-only session. */
export function sessionSetupSql(flavour: MysqlFlavour, version: string, timeoutMs: number): string {
  // MySQL renamed tx_read_only in 5.7.20 and removed the old name in 8.0; MariaDB keeps tx_read_only.
  const readOnly =
    flavour === 'mysql' && versionAtLeast(version, [5, 7, 20]) ? 'transaction_read_only' : 'tx_read_only';
  const timeout = timeoutAssignment(flavour, version, timeoutMs);
  return `SET SESSION ${readOnly} = 1, autocommit = 1, time_zone = '+00:00'${timeout ? `, ${timeout}` : ''}`;
}

/**
 * Opens a connection and applies the read-only session settings.
 * Throws the driver's error when it cannot connect or the settings are refused.
 */
export async function openSession(
  config: ResolvedMysqlConfig,
  timeoutMs: number,
  onClose: (session: MysqlSession) => void,
): Promise<MysqlSession> {
  const conn = createConnection(connectionOptions(config));
  // A listener must always exist: an unhandled 'error' event would crash the process.
  conn.on('error', () => undefined);
  let handshake: { serverVersion: string; connectionId: number };
  try {
    handshake = await new Promise((resolve, reject) => {
      conn.once('connect', resolve);
      conn.once('error', reject);
    });
  } catch (error) {
    conn.destroy();
    throw error;
  }
  const { flavour, version } = parseServerVersion(handshake.serverVersion);
  let alive = true;
  let lostNotified = false;
  const socket = (conn as unknown as { stream?: { destroy(): void } }).stream;
  const session: MysqlSession = {
    conn,
    threadId: handshake.connectionId,
    flavour,
    serverVersion: version,
    createdAt: Date.now(),
    lastUsedAt: Date.now(),
    timeoutMs,
    get alive() {
      return alive;
    },
    onLost: undefined,
    ping: (ms) =>
      withDeadline(
        new Promise<void>((resolve, reject) => conn.ping((e) => (e ? reject(e) : resolve()))),
        ms,
        'ping',
      ),
    destroy() {
      if (!alive) return;
      alive = false;
      conn.destroy();
      socket?.destroy();
      onClose(session);
      // A statement still reading (the adapter is closing) must settle, not wait forever.
      const running = session.onLost;
      session.onLost = undefined;
      running?.(
        Object.assign(new Error('Connection closed by LegacyBridge while a statement was running.'), {
          code: 'PROTOCOL_CONNECTION_LOST',
          fatal: true,
        }),
      );
    },
    async end() {
      if (!alive) return;
      await withDeadline(new Promise<void>((resolve) => conn.end(() => resolve())), 1_000, 'close').catch(
        () => undefined,
      );
      session.destroy();
    },
  };
  const lost = (error: unknown) => {
    if (!alive) return;
    alive = false;
    socket?.destroy();
    onClose(session);
    if (!lostNotified) {
      lostNotified = true;
      session.onLost?.(error);
    }
  };
  conn.on('error', lost);
  conn.on('end', () =>
    lost(
      Object.assign(new Error('Connection lost: the server closed the connection.'), {
        code: 'PROTOCOL_CONNECTION_LOST',
      }),
    ),
  );
  try {
    await withDeadline(
      plainQuery(conn, sessionSetupSql(flavour, version, timeoutMs)),
      config.connectTimeoutMs,
      'session setup',
    );
  } catch (error) {
    session.destroy();
    throw error;
  }
  return session;
}

/** Sets the session's server-side timeout when it differs from what the session already has. */
export async function ensureTimeout(session: MysqlSession, timeoutMs: number): Promise<void> {
  if (session.timeoutMs === timeoutMs) return;
  const assignment = timeoutAssignment(session.flavour, session.serverVersion, timeoutMs);
  if (assignment) await plainQuery(session.conn, `SET SESSION ${assignment}`);
  session.timeoutMs = timeoutMs;
}

/**
 * Clears what a query may have left (COM_RESET_CONNECTION: user variables, GET_LOCK locks, temporary
 * tables, prepared statements, session variables) and applies the session settings again. Runs after
 * every caller statement, before the session returns to the pool: its text cannot tell, since a view
 * or stored function can do any of that unnamed — and the server cannot tell either: MariaDB 10.11's
 * session-state tracking (SERVER_SESSION_STATE_CHANGED) stays silent for GET_LOCK, `SELECT @v := 1`
 * and `SELECT … INTO @v`, inside a stored function too (tried with session_track_state_change=ON),
 * so "nothing changed" is never proven and the reset is never skipped.
 *
 * What it costs is kept small instead: the two commands leave in ONE write, and `streamQuery` writes
 * them right behind the caller's statement, so the server runs statement, reset and settings back to
 * back with no round trip of their own (the protocol lets a client send the next command before the
 * last answer; the server reads one command at a time). Standalone (`queueReset`) it is one round trip
 * instead of two. The session is pooled again only after both answers arrived OK.
 */

/** Packets memoised per settings statement (a handful of distinct timeouts in practice). */
const resetPacketCache = new Map<string, Buffer>();

// COM_RESET_CONNECTION (0x1f): payload length 1, sequence id 0.
const COM_RESET_CONNECTION = Buffer.from([1, 0, 0, 0, 0x1f]);

/** The last reset packets each session was sent, with the timeout they restore. */
const sessionResetPackets = new WeakMap<
  MysqlSession,
  { readonly timeoutMs: number; readonly packets: Buffer }
>();

/**
 * COM_RESET_CONNECTION then COM_QUERY of the settings, each a command of its own (sequence id 0).
 * Kept per session while its timeout stays the same: the settings statement is the same text then,
 * and it need not be built (nor the server version parsed) on every query.
 */
function resetPackets(session: MysqlSession): Buffer {
  const last = sessionResetPackets.get(session);
  if (last !== undefined && last.timeoutMs === session.timeoutMs) return last.packets;
  const setup = sessionSetupSql(session.flavour, session.serverVersion, session.timeoutMs);
  let packets = resetPacketCache.get(setup);
  if (packets === undefined) {
    const sql = Buffer.from(setup, 'utf8');
    const query = Buffer.alloc(5 + sql.length);
    query.writeUIntLE(sql.length + 1, 0, 3);
    query[3] = 0;
    query[4] = 0x03; // COM_QUERY
    sql.copy(query, 5);
    packets = Buffer.concat([COM_RESET_CONNECTION, query]);
    if (resetPacketCache.size >= 16) resetPacketCache.clear();
    resetPacketCache.set(setup, packets);
  }
  sessionResetPackets.set(session, { timeoutMs: session.timeoutMs, packets });
  return packets;
}

/** The parts of mysql2's Connection (3.x, pinned) the pipelined reset uses. */
interface DriverConnection {
  /** The command whose answer is awaited; the next queued one starts when it finishes. */
  readonly _command: unknown;
  /** The sequence id the next answer packet must carry. */
  sequenceId: number;
  readonly config: { readonly compress?: boolean };
  readonly stream: { cork(): void; uncork(): void };
  write(buffer: Buffer): void;
  addCommand(command: object): unknown;
}

interface DriverPacket {
  isError(): boolean;
}

/**
 * The reset as a mysql2 command: mysql2 calls `execute` once to start it (no packet) and then once per
 * answer packet until it returns true, and `onResult` when the connection fails first. Each of the two
 * answers is a single OK or ERR packet with sequence id 1.
 */
class PipelinedReset {
  private answers = 0;
  private ok = true;
  private settled = false;

  constructor(
    private readonly packets: Buffer | undefined,
    private readonly done: (ok: boolean) => void,
  ) {}

  execute(packet: DriverPacket | undefined, conn: DriverConnection): boolean {
    if (packet === undefined) {
      if (this.packets !== undefined) conn.write(this.packets);
      conn.sequenceId = 1;
      return false;
    }
    if (packet.isError()) this.ok = false;
    this.answers++;
    if (this.answers < 2) {
      conn.sequenceId = 1;
      return false;
    }
    this.settle(this.ok);
    return true;
  }

  onResult(): void {
    this.settle(false);
  }

  private settle(ok: boolean): void {
    if (this.settled) return;
    this.settled = true;
    this.done(ok);
  }
}

/**
 * Queues the reset behind whatever the connection is doing; with `written`, its packets already went
 * out (right behind the caller's statement) and only the answers are awaited.
 * @returns true once both answers are OK; false when either failed or the connection was lost.
 */
function queueReset(session: MysqlSession, written: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = session.conn as unknown as DriverConnection;
    conn.addCommand(new PipelinedReset(written ? undefined : resetPackets(session), resolve));
  });
}

/**
 * The reset on its own (one write, one round trip), for a session that ran caller SQL but did not get
 * the pipelined reset behind it. `deadlineMs` bounds it.
 * @returns false when the reset failed and the session must be destroyed.
 */
export async function resetSession(session: MysqlSession, deadlineMs = RESET_DEADLINE_MS): Promise<boolean> {
  if (!session.alive) return false;
  return withDeadline(queueReset(session, false), deadlineMs, 'session reset').catch(() => false);
}

/**
 * Stops the statement running on `threadId` from a separate, short-lived connection (`KILL QUERY`
 * ends the statement and leaves the connection open). Waits at most `connectTimeoutMs` + 2 s.
 */
export async function killQuery(config: ResolvedMysqlConfig, threadId: number): Promise<void> {
  if (!Number.isSafeInteger(threadId) || threadId <= 0) return;
  const conn = createConnection(connectionOptions(config));
  conn.on('error', () => undefined);
  try {
    await withDeadline(
      plainQuery(conn, `KILL QUERY ${threadId}`),
      config.connectTimeoutMs + 2_000,
      'KILL QUERY',
    );
  } finally {
    conn.destroy();
  }
}

/** A query read whole, with a callback: catalog reads and session statements; rows as arrays on request. */
export function plainQuery<T = unknown>(
  conn: Connection,
  sql: string,
  values: readonly unknown[] = [],
  rowsAsArray = false,
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    conn.query({ sql, values: [...values], rowsAsArray }, (error, rows) =>
      error ? reject(error) : resolve(rows as T[]),
    );
  });
}

/** How long a cancel or timeout waits for `KILL QUERY` before answering anyway. */
const KILL_WAIT_MS = 1_000;
const RESET_DEADLINE_MS = 5_000;

/** Hooks the streaming reader needs from the adapter. */
export interface StreamControl {
  readonly maxBinaryBytes: number;
  /**
   * Called with the session reset written right behind the statement (see `resetSession`), so it
   * runs even when the statement fails; the promise settles when the server answered it.
   */
  readonly onReset?: ((reset: Promise<boolean>) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Stops the running statement on the server (`KILL QUERY` from another connection). */
  readonly kill: (threadId: number) => Promise<void>;
  /** Client-side guard beyond the server timeout, for network stalls and statements the server does not time. */
  readonly graceMs: number;
}

/** A finished read and whether the connection can go back to the pool. */
export interface StreamOutcome {
  readonly result: QueryResult;
  /** True when the connection must be destroyed (stopped early at a cap). */
  readonly retire: boolean;
}

/**
 * Streams one statement's rows, stopping at `maxRows` (one more row is read to know whether the
 * result was cut), at about `maxBytes` of serialised rows, at the timeout, or when `signal` aborts.
 * The SQL is sent unchanged. Stopping early destroys the connection, which makes the server stop
 * sending at its next write instead of streaming the rest of a million-row result.
 * Throws Cancelled or Timeout failures, or the driver's error (the session is then unusable unless
 * the error was a plain statement error, which the caller decides from the error).
 */
export function streamQuery(
  session: MysqlSession,
  sql: string,
  limits: QueryLimits,
  control: StreamControl,
): Promise<StreamOutcome> {
  const started = performance.now();
  return new Promise<StreamOutcome>((resolve, reject) => {
    let fields: MysqlFieldInfo[] = [];
    let columns: ResultColumn[] = [];
    const rows: CellValue[][] = [];
    let bytes = 2;
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(guard);
      control.signal?.removeEventListener('abort', onAbort);
      session.onLost = undefined;
    };
    const succeed = (truncatedBy: 'rows' | 'bytes' | undefined) => {
      if (done) return;
      finish();
      if (truncatedBy) session.destroy();
      resolve({
        result: {
          columns,
          rows,
          rowCount: rows.length,
          truncated: truncatedBy !== undefined,
          truncatedBy,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
        },
        retire: truncatedBy !== undefined,
      });
    };
    const fail = (error: unknown) => {
      if (done) return;
      finish();
      reject(error);
    };
    const interrupt = (failure: unknown) => {
      if (done) return;
      finish();
      // Kill on the server first, so the statement is stopped there before we report it stopped —
      // but never wait long for it: when the server is unreachable the caller hears back anyway.
      withDeadline(control.kill(session.threadId), KILL_WAIT_MS, 'KILL QUERY')
        .catch(() => undefined)
        .finally(() => {
          session.destroy();
          reject(failure);
        });
    };
    const onAbort = () => interrupt(dbFailure('Cancelled', { message: 'query cancelled by the caller' }));
    const guard = setTimeout(
      () =>
        interrupt(
          dbFailure('Timeout', {
            timeoutMs: limits.timeoutMs,
            message: `query exceeded ${limits.timeoutMs} ms (client-side guard)`,
          }),
        ),
      limits.timeoutMs + control.graceMs,
    );
    session.onLost = fail;
    control.signal?.addEventListener('abort', onAbort, { once: true });

    const conn = session.conn as unknown as DriverConnection;
    // Compression frames every packet: the raw reset packets would not parse (the adapter never asks
    // for it; this keeps a misconfiguration from breaking the protocol).
    const pipelined = control.onReset !== undefined && conn.config.compress !== true;
    if (pipelined) conn.stream.cork();
    let query: ReturnType<Connection['query']>;
    try {
      query = session.conn.query({ sql, rowsAsArray: true });
      if (pipelined) {
        // An idle connection wrote the statement synchronously: the reset follows it in the same
        // write. Otherwise the statement waits in mysql2's queue, and so does the reset, written when
        // its turn comes.
        const written = conn._command === query;
        if (written) conn.write(resetPackets(session));
        control.onReset?.(queueReset(session, written));
      }
    } finally {
      if (pipelined) conn.stream.uncork();
    }
    query.on('fields', (f: MysqlFieldInfo[] | undefined) => {
      fields = f ?? [];
      columns = resultColumns(fields);
    });
    query.on('result', (row: unknown) => {
      if (done || !Array.isArray(row)) return; // an OK packet of a non-query statement has no rows
      if (rows.length >= limits.maxRows) return succeed('rows');
      const cells = row.map((v, i) => normaliseCell(v, fields[i]!, control.maxBinaryBytes));
      const size = JSON.stringify(cells).length + 1;
      if (bytes + size > limits.maxBytes) return succeed('bytes');
      bytes += size;
      rows.push(cells);
    });
    query.on('error', fail);
    query.on('end', () => succeed(undefined));
    if (control.signal?.aborted) onAbort();
  });
}

/**
 * `promise`, or a rejection with code ETIMEDOUT after `ms`. The work itself is not stopped: callers
 * destroy the connection it runs on.
 */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  timeoutError: () => unknown = () =>
    Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEDOUT' }),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
