import { type ChildProcess, fork } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type DatabaseFailure, dbFailure, type LoggerPort } from '@legacybridge/core';
import { err, ok, type Result } from 'neverthrow';
import type { SqliteTarget } from './sqlite-config.js';
import { toDatabaseError } from './sqlite-errors.js';

/**
 * One read-only SQLite session = one runner child process holding one connection. The parent side
 * here owns the process: it opens it, sends one request at a time, and ends it with SIGKILL on
 * timeout or cancel — the only way to stop a statement inside better-sqlite3 (see sqlite-runner.cjs).
 */

/**
 * Applied once per connection, after opening. `query_only` makes SQLite refuse every write even to
 * the temp schema, which a read-only open still allows; `trusted_schema = OFF` stops views and
 * triggers of an untrusted legacy file from calling functions with side effects.
 */
export const SESSION_PRAGMAS: readonly string[] = [
  'PRAGMA query_only = ON',
  'PRAGMA trusted_schema = OFF',
  // Opening is lazy in SQLite: reading the schema once proves the file is a database (SQLITE_NOTADB
  // otherwise) at start, where it is a ConnectionFailed, not on some later query.
  'SELECT count(*) FROM sqlite_schema',
];

/** Read once at open: the engine version, which doubles as proof the connection works. */
export const VERSION_SQL = 'SELECT sqlite_version()';

// Extra time the runner's own watchdog grants beyond the parent's deadline before killing itself:
// the parent normally acts first; the watchdog covers a parent that died.
const WATCHDOG_GRACE_MS = 2_000;
const START_TIMEOUT_MS = 15_000;
const MAX_TIMER_MS = 2_147_483_647;

// Resolved once, relative to this module, so the child finds both files whatever the cwd; in the
// bundled CJS build tsup's shims provide import.meta.url.
const RUNNER_PATH = fileURLToPath(new URL('./sqlite-runner.cjs', import.meta.url));
const DRIVER_PATH = createRequire(import.meta.url).resolve('better-sqlite3');

/** A request to a runner (see the protocol in sqlite-runner.cjs). */
export type RunnerRequest =
  | {
      readonly t: 'query';
      readonly sql: string;
      readonly maxRows: number;
      readonly maxBytes: number;
      readonly maxBinaryBytes: number;
    }
  | {
      readonly t: 'all';
      readonly statements: readonly { readonly sql: string; readonly params?: readonly unknown[] }[];
    }
  | { readonly t: 'ping' };

/** How long a request may run and what may cancel it. */
export interface RequestOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** The parent's handle on one runner process. */
export interface SqliteSession {
  readonly id: number;
  readonly createdAt: number;
  /** When the session last finished a request (or opened). */
  readonly lastUsedAt: number;
  /** False once the process exited or was killed. */
  readonly alive: boolean;
  readonly version: string;
  /**
   * Sends one request and waits for its answer. On timeout or abort the process is killed, so the
   * session is dead afterwards.
   * @returns err(Timeout) after `timeoutMs`, err(Cancelled) when `signal` aborts, err(ConnectionFailed)
   * when the process dies meanwhile, else the converted SQLite error.
   */
  request(message: RunnerRequest, options: RequestOptions): Promise<Result<unknown, DatabaseFailure>>;
  /** Keeps the parent's event loop alive while busy; lets a CLI exit while idle. */
  setBusy(busy: boolean): void;
  /** SIGKILLs the process; the promise settles once it has exited. Idempotent. */
  kill(): Promise<void>;
}

/** What opening a session needs. */
export interface SessionOptions {
  readonly target: SqliteTarget;
  readonly busyTimeoutMs: number;
  readonly logger: LoggerPort;
  /** Called once when the process exits, expectedly or not. */
  readonly onExit?: ((session: SqliteSession) => void) | undefined;
}

let nextSessionId = 1;
let nextRequestId = 1;

type Pending = {
  readonly id: number;
  readonly settle: (result: Result<unknown, DatabaseFailure>) => void;
};

/**
 * Starts a runner and opens the database in it, read-only.
 * @returns err(ConnectionFailed) when the file does not exist or cannot be opened as a database, or
 * when the runner fails to start.
 */
export async function openSession(options: SessionOptions): Promise<Result<SqliteSession, DatabaseFailure>> {
  const missing = await checkTarget(options.target);
  if (missing) return err(missing);

  const id = nextSessionId++;
  const log = options.logger.child({ component: 'sqlite-runner', runner: id });
  let child: ChildProcess;
  try {
    child = fork(RUNNER_PATH, [], {
      // vitest's and tsx's loader flags must not leak into a plain-CommonJS child.
      execArgv: [],
      serialization: 'advanced',
      // stdout is the MCP channel: the runner gets none.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: runnerEnv(),
    });
  } catch (error) {
    return err(
      dbFailure('ConnectionFailed', {
        message: `could not start SQLite runner: ${String(error)}`,
        cause: error,
      }),
    );
  }

  let alive = true;
  // Set when we kill it: an exit we caused is not a crash.
  let killed = false;
  let pending: Pending | undefined;
  let lastUsedAt = Date.now();
  let version = '';
  const createdAt = Date.now();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      const current = pending;
      pending = undefined;
      current?.settle(
        err(
          dbFailure(
            'ConnectionFailed',
            killed
              ? {
                  message: `SQLite runner ${id} was stopped while serving a request (adapter closing)`,
                  publicDetail: 'The database connection was closed.',
                }
              : {
                  message: `SQLite runner ${id} exited unexpectedly (code ${code}, signal ${signal})`,
                  publicDetail:
                    'The process reading the SQLite file stopped unexpectedly; retry the request.',
                },
          ),
        ),
      );
      if (killed) log.debug('runner stopped', { code, signal });
      else log.warn('runner exited unexpectedly', { code, signal });
      options.onExit?.(session);
      resolve();
    });
  });
  child.on('error', (error) => log.warn('runner process error', { error: String(error) }));
  child.on('message', (message: unknown) => {
    const m = message as { t?: string; id?: number; result?: unknown; error?: unknown };
    if (!pending || m.id !== pending.id) return;
    const current = pending;
    pending = undefined;
    current.settle(m.t === 'done' ? ok(m.result) : err(toDatabaseError(m.error)));
  });

  const send = (
    message: object,
    requestOptions: RequestOptions,
  ): Promise<Result<unknown, DatabaseFailure>> => {
    if (!alive) {
      return Promise.resolve(
        err(dbFailure('ConnectionFailed', { message: `SQLite runner ${id} is not running` })),
      );
    }
    if (pending) throw new Error(`SQLite runner ${id} already has a request in flight`);
    const { timeoutMs, signal } = requestOptions;
    if (signal?.aborted) return Promise.resolve(err(cancelled()));
    const requestId = nextRequestId++;
    return new Promise((resolve) => {
      const finish = (result: Result<unknown, DatabaseFailure>) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        lastUsedAt = Date.now();
        resolve(result);
      };
      // Kill first, answer at once: the caller must not wait for the process to be reaped.
      const stop = (failure: DatabaseFailure) => {
        if (pending?.id !== requestId) return;
        pending = undefined;
        void session.kill();
        finish(err(failure));
      };
      const onAbort = () => stop(cancelled());
      const timer = setTimeout(
        () =>
          stop(
            dbFailure('Timeout', {
              timeoutMs,
              message: `SQLite statement exceeded ${timeoutMs} ms; runner ${id} killed`,
            }),
          ),
        // setTimeout fires at once beyond 2^31-1 ms; library callers may pass Infinity.
        Math.min(timeoutMs, MAX_TIMER_MS),
      );
      pending = { id: requestId, settle: finish };
      signal?.addEventListener('abort', onAbort, { once: true });
      child.send({
        ...message,
        id: requestId,
        deadlineMs: Math.min(timeoutMs, MAX_TIMER_MS) + WATCHDOG_GRACE_MS,
      });
    });
  };

  const session: SqliteSession = {
    id,
    createdAt,
    get lastUsedAt() {
      return lastUsedAt;
    },
    get alive() {
      return alive;
    },
    get version() {
      return version;
    },
    request: (message, requestOptions) => send(message, requestOptions),
    setBusy(busy) {
      if (!alive) return;
      if (busy) {
        child.ref();
        child.channel?.ref();
      } else {
        child.unref();
        child.channel?.unref();
      }
    },
    kill() {
      // Dead from now on, not from the `exit` event a few ms later: a pool releasing it meanwhile
      // must not hand it out again. Referenced again first: an idle runner is unreferenced, and
      // without a handle nothing keeps the event loop alive until its `exit` event, so a process
      // awaiting close() (the server's shutdown) ended silently before its close finished.
      if (alive) {
        child.ref();
        child.kill('SIGKILL');
      }
      alive = false;
      killed = true;
      return exited;
    },
  };

  const init = {
    t: 'init',
    driverPath: DRIVER_PATH,
    filename: options.target.kind === 'memory' ? ':memory:' : options.target.path,
    // better-sqlite3 refuses `readonly` for :memory:; query_only still refuses every write there.
    options:
      options.target.kind === 'memory'
        ? { timeout: options.busyTimeoutMs }
        : { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs },
    pragmas: SESSION_PRAGMAS,
    versionSql: VERSION_SQL,
  };
  const started = await startRunner(child, init, () => alive);
  if (started.isErr()) {
    await session.kill();
    return err(started.error);
  }
  version = started.value;
  log.debug('runner started', { ms: Date.now() - createdAt });
  return ok(session);
}

function startRunner(
  child: ChildProcess,
  init: object,
  isAlive: () => boolean,
): Promise<Result<string, DatabaseFailure>> {
  return new Promise((resolve) => {
    const done = (result: Result<string, DatabaseFailure>) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(result);
    };
    const onMessage = (message: unknown) => {
      const m = message as { t?: string; version?: unknown; error?: unknown };
      if (m.t === 'ready') done(ok(String(m.version)));
      else if (m.t === 'fail') done(err(openFailure(m.error)));
    };
    const onExit = () =>
      done(err(dbFailure('ConnectionFailed', { message: 'SQLite runner exited during start' })));
    const timer = setTimeout(
      () =>
        done(
          err(
            dbFailure('ConnectionFailed', {
              message: `SQLite runner did not start in ${START_TIMEOUT_MS} ms`,
            }),
          ),
        ),
      START_TIMEOUT_MS,
    );
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (!isAlive()) return onExit();
    child.send(init);
  });
}

// Any failure while opening means the adapter cannot reach its database, whatever SQLite called it.
function openFailure(error: unknown): DatabaseFailure {
  const failure = toDatabaseError(error);
  if (failure.kind === 'ConnectionFailed') return failure;
  return dbFailure('ConnectionFailed', {
    message: `could not open SQLite database: ${failure.message}`,
    originalCode: failure.originalCode,
    publicDetail: 'The SQLite file cannot be opened read-only.',
    cause: error,
  });
}

// The path is operator configuration, not a secret: it goes to `message` for logs, while callers
// only learn that the file is missing.
async function checkTarget(target: SqliteTarget): Promise<DatabaseFailure | undefined> {
  if (target.kind === 'memory') return undefined;
  try {
    const s = await stat(target.path);
    if (s.isFile()) return undefined;
    return dbFailure('ConnectionFailed', {
      message: `SQLite path ${target.path} is not a file`,
      publicDetail: 'The SQLite path is not a file.',
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return dbFailure('ConnectionFailed', {
      message: `SQLite file ${target.path} cannot be read (${String(code ?? error)})`,
      originalCode: typeof code === 'string' ? code : undefined,
      publicDetail: code === 'ENOENT' ? 'The SQLite file does not exist.' : 'The SQLite file cannot be read.',
      cause: error,
    });
  }
}

// The runner needs no secret (DATABASE_URL, API keys …) and must not inherit NODE_OPTIONS (a loader
// or --inspect meant for the server). SQLite itself reads only the temp-directory and time-zone variables.
const RUNNER_ENV_KEYS = [
  'PATH',
  'HOME',
  'TMPDIR',
  'TMP',
  'TEMP',
  'SQLITE_TMPDIR',
  'TZ',
  'LANG',
  'LC_ALL',
  'SystemRoot',
];

function runnerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of RUNNER_ENV_KEYS) if (process.env[key] !== undefined) env[key] = process.env[key];
  return env;
}

function cancelled(): DatabaseFailure {
  return dbFailure('Cancelled', { message: 'SQLite request cancelled; runner killed' });
}
