// @ts-check
'use strict';
/*
 * The SQLite runner: a child process holding ONE read-only better-sqlite3 connection.
 *
 * Why a process: better-sqlite3 is synchronous and exposes neither sqlite3_interrupt nor a progress
 * handler, so a runaway statement can only be stopped by ending the process running it (a worker
 * thread's terminate() does not stop native sqlite3_step). The parent (sqlite-session.ts) SIGKILLs
 * this process on timeout or cancel and starts another one lazily.
 *
 * Plain CommonJS on purpose: it must start with `node` alone, from the TypeScript sources under
 * vitest and from dist/ (ESM and CJS builds) alike, without a loader. It holds no SQL of its own:
 * the session pragmas and every statement arrive over IPC. It never writes to stdout (the parent's
 * MCP channel); the parent forks it with stdout ignored anyway.
 *
 * Protocol (structured clone, `serialization: 'advanced'`, so bigint and Uint8Array travel as is):
 *   → { t: 'init', driverPath, filename, options, pragmas, versionSql }   ← { t: 'ready', version } | { t: 'fail', error }
 *   → { t: 'query', id, sql, maxRows, maxBytes, maxBinaryBytes, deadlineMs }
 *   → { t: 'all', id, statements: [{ sql, params }], deadlineMs }
 *   → { t: 'ping', id }                                             ← { t: 'done', id, result } | { t: 'fail', id, error }
 */

const { Worker } = require('node:worker_threads');

/** @type {any} */
let db;
/** Shared with the watchdog thread: [0] = deadline (epoch ms) of the running statement, 0 when idle. */
const deadline = new Float64Array(new SharedArrayBuffer(8));

// The watchdog runs on its own thread, so it still runs while the main thread is stuck inside
// sqlite3_step. It ends this process when the parent has gone (an orphan would otherwise spin on a
// runaway query forever: 'disconnect' is never processed while the main thread is blocked) or when a
// statement overruns its deadline (a backstop to the parent's own SIGKILL).
function startWatchdog() {
  const source = `
    const { workerData } = require('node:worker_threads');
    const deadline = new Float64Array(workerData.buffer);
    const parent = process.ppid;
    setInterval(() => {
      const d = deadline[0];
      if (process.ppid !== parent || (d > 0 && Date.now() > d)) process.kill(process.pid, 'SIGKILL');
    }, 250);
  `;
  const worker = new Worker(source, { eval: true, workerData: { buffer: deadline.buffer } });
  // The watchdog must never keep the runner alive on its own.
  worker.unref();
}

/** @param {unknown} error */
function toWire(error) {
  if (error && typeof error === 'object') {
    const e = /** @type {{ code?: unknown, message?: unknown, name?: unknown }} */ (error);
    return {
      code: typeof e.code === 'string' ? e.code : undefined,
      message: typeof e.message === 'string' ? e.message : String(error),
      name: typeof e.name === 'string' ? e.name : undefined,
    };
  }
  return { code: undefined, message: String(error), name: undefined };
}

/**
 * Approximate JSON size of one cell after the parent's normalisation, to stop reading at maxBytes
 * without serialising anything here.
 * @param {unknown} v
 * @param {number} maxBinaryBytes
 */
function cellBytes(v, maxBinaryBytes) {
  if (v === null || v === undefined) return 4;
  if (typeof v === 'string') return v.length + 2;
  if (typeof v === 'number') return String(v).length;
  if (typeof v === 'bigint') return String(v).length + 2;
  if (v instanceof Uint8Array) return Math.ceil(Math.min(v.length, maxBinaryBytes) / 3) * 4 + 32;
  return 16;
}

/** @param {{ sql: string, maxRows: number, maxBytes: number, maxBinaryBytes: number }} msg */
function runQuery(msg) {
  const stmt = db.prepare(msg.sql);
  // Defence in depth behind the statement guard: a statement that returns no data is not a query.
  if (!stmt.reader) {
    throw {
      code: 'LEGACYBRIDGE_NOT_A_QUERY',
      message: 'The statement returns no data, so it is not a read-only query.',
    };
  }
  stmt.safeIntegers(true);
  stmt.raw(true);
  const columns = stmt.columns().map((/** @type {{ name: string, type: string | null }} */ c) => ({
    name: c.name,
    type: c.type,
  }));
  /** @type {unknown[][]} */
  const rows = [];
  let bytes = 2;
  /** @type {'rows' | 'bytes' | undefined} */
  let truncatedBy;
  for (const row of stmt.iterate()) {
    if (rows.length >= msg.maxRows) {
      truncatedBy = 'rows';
      break;
    }
    let size = 2 + row.length;
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      size += cellBytes(v, msg.maxBinaryBytes);
      // Only the capped prefix of a blob crosses the process boundary (copied: a view would drag its
      // whole backing buffer through the structured clone); the parent needs the full length.
      if (v instanceof Uint8Array)
        row[i] = { blob: new Uint8Array(v.subarray(0, msg.maxBinaryBytes)), length: v.length };
    }
    if (bytes + size > msg.maxBytes) {
      truncatedBy = 'bytes';
      break;
    }
    bytes += size;
    rows.push(row);
  }
  return { columns, rows, truncated: truncatedBy !== undefined, truncatedBy };
}

/** @param {{ statements: { sql: string, params?: unknown[] }[] }} msg */
function runAll(msg) {
  return msg.statements.map((s) => db.prepare(s.sql).all(...(s.params ?? [])));
}

/** @param {any} msg */
function handle(msg) {
  if (msg.t === 'init') {
    try {
      const Database = require(msg.driverPath);
      db = new Database(msg.filename, msg.options);
      for (const sql of msg.pragmas) db.exec(sql);
      send({ t: 'ready', version: db.prepare(msg.versionSql).pluck().get() });
    } catch (error) {
      send({ t: 'fail', error: toWire(error) });
    }
    return;
  }
  const id = msg.id;
  try {
    if (!db) throw { code: 'LEGACYBRIDGE_NOT_OPEN', message: 'The runner has no open database.' };
    if (msg.deadlineMs > 0) deadline[0] = Date.now() + msg.deadlineMs;
    let result;
    if (msg.t === 'query') result = runQuery(msg);
    else if (msg.t === 'all') result = runAll(msg);
    else if (msg.t === 'ping') result = true;
    else throw { code: 'LEGACYBRIDGE_PROTOCOL', message: `Unknown runner message ${String(msg.t)}.` };
    send({ t: 'done', id, result });
  } catch (error) {
    send({ t: 'fail', id, error: toWire(error) });
  } finally {
    deadline[0] = 0;
  }
}

/** @param {unknown} message */
function send(message) {
  if (process.send) process.send(message);
}

if (!process.send) {
  process.stderr.write(
    'sqlite-runner.cjs must be started by the LegacyBridge SQLite adapter (fork with IPC).\n',
  );
  process.exit(2);
}
startWatchdog();
process.on('message', handle);
// The parent went away (or closed us): nothing left to serve.
process.on('disconnect', () => process.exit(0));
