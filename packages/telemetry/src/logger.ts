import type { LogContext, LoggerPort } from '@legacybridge/core';
import pino, { type DestinationStream, type Logger } from 'pino';
import { activeTraceId } from './tracing.js';

/** Severity, lowest first (LOG_LEVEL). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface PinoLoggerOptions {
  readonly level: LogLevel;
  /** `json`: one JSON object a line for collectors (production default); `text`: readable lines. */
  readonly format: 'json' | 'text';
  /** The `service` field of every line. */
  readonly service: string;
  /**
   * Applied to the message and to every string in the context before a line is written: the
   * server passes its URL/password redactor, because context often carries driver text.
   */
  readonly redact?: ((text: string) => string) | undefined;
  /** Include `stack` for errors in context (development only; never in production). */
  readonly stackTraces?: boolean | undefined;
  /**
   * Where lines go; default the process's buffered stderr ({@link bufferedStderr}; stdout is the MCP
   * stdio channel).
   */
  readonly destination?: DestinationStream | undefined;
  /** The clock of the `timestamp` field; tests pass their own. */
  readonly now?: (() => Date) | undefined;
}

// Keys whose values are secrets whatever they contain; censored before any other formatting.
const SECRET_KEYS = [
  'password',
  'apiKey',
  'api_key',
  'authorization',
  'token',
  'secret',
  'databaseUrl',
  'connectionString',
];

/**
 * A LoggerPort on pino writing `{timestamp, level, service, message, trace_id?, ...context}` lines.
 * `trace_id` is the active OpenTelemetry span's, so every line of a traced request carries it.
 * Never throws into the caller.
 */
export function createPinoLogger(options: PinoLoggerOptions): LoggerPort {
  const redact = options.redact ?? ((text: string) => text);
  const clean = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return redact(value);
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) {
      return {
        type: value.name,
        message: redact(value.message),
        ...(options.stackTraces && value.stack ? { stack: redact(value.stack) } : {}),
      };
    }
    if (depth > 6 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) out[key] = clean(member, depth + 1);
    return out;
  };
  const sink = options.destination ?? bufferedStderr();
  const now = options.now ?? (() => new Date());
  const destination = options.format === 'text' ? textDestination(sink) : sink;
  const root = pino(
    {
      level: options.level,
      messageKey: 'message',
      base: { service: options.service },
      timestamp: () => `,"timestamp":"${now().toISOString()}"`,
      formatters: {
        level: (label) => ({ level: label }),
        // Runs only for lines that pass the level filter: filtered debug lines cost nothing.
        log: (object) => clean(object, 0) as Record<string, unknown>,
      },
      mixin() {
        const traceId = activeTraceId();
        return traceId ? { trace_id: traceId } : {};
      },
      redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '***' },
      hooks: {
        logMethod(args, method) {
          // Our call shape is (context, message); the message is redacted like any context string.
          if (typeof args[1] === 'string') args[1] = redact(args[1]);
          else if (typeof args[0] === 'string') args[0] = redact(args[0]);
          method.apply(this, args);
        },
      },
    },
    destination,
  );
  return wrap(root, root, {});
}

// Children are made from the root with all bindings merged: pino appends a child's bindings to its
// parent's, so `child({component: 'http'}).child({component: 'mcp'})` would write the key twice.
function wrap(root: Logger, logger: Logger, bindings: LogContext): LoggerPort {
  const at =
    (level: LogLevel) =>
    (message: string, context?: LogContext): void => {
      try {
        if (context === undefined) logger[level](message);
        else logger[level](context as object, message);
      } catch {
        // A closed stderr or an unserialisable value must not take a request down.
      }
    };
  return {
    debug: logger.isLevelEnabled('debug') ? at('debug') : ignore,
    info: logger.isLevelEnabled('info') ? at('info') : ignore,
    warn: logger.isLevelEnabled('warn') ? at('warn') : ignore,
    error: at('error'),
    child: (context) => {
      const merged = { ...bindings, ...context };
      return wrap(root, root.child(merged), merged);
    },
  };
}

function ignore(): void {}

/** How long a line may wait in the stderr buffer before it is written (ms). */
export const LOG_FLUSH_INTERVAL_MS = 100;
// Lines are written once this many bytes are buffered, whichever comes first (~20 query lines).
const LOG_BUFFER_BYTES = 4096;

/** Stderr with buffered writes: what `createPinoLogger` writes to when given no destination. */
export interface BufferedStderr extends DestinationStream {
  /** Writes everything buffered now, synchronously. */
  flushSync(): void;
}

let stderrBuffer: BufferedStderr | undefined;

/**
 * The process's stderr as a buffered destination, shared by every logger that writes there (so lines
 * keep their order): a write of one line per query to a pipe is a system call per query, ~3–5% of a
 * point query's CPU over HTTP. Lines are collected and written when 4 KiB are buffered or at most
 * {@link LOG_FLUSH_INTERVAL_MS} after the first of them, whichever comes first. Nothing is lost on
 * the way out: pino's destination writes the rest synchronously on `exit` (process.exit after a
 * SIGTERM/SIGINT shutdown or a fatal start failure, an uncaught exception or rejection) and on
 * `beforeExit`; {@link flushLogs} writes it at any other moment. Only a SIGKILL (or a crash of Node
 * itself) can lose the last ≤100 ms of lines.
 */
export function bufferedStderr(): BufferedStderr {
  if (stderrBuffer !== undefined) return stderrBuffer;
  const stream = pino.destination({ dest: 2, sync: false, minLength: LOG_BUFFER_BYTES });
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    try {
      stream.flush();
    } catch {
      // a destroyed stream (EPIPE) has nowhere to write
    }
  };
  stderrBuffer = {
    write(line: string) {
      stream.write(line);
      if (timer === undefined) {
        timer = setTimeout(flush, LOG_FLUSH_INTERVAL_MS);
        timer.unref(); // a pending flush never keeps the process alive (exit flushes anyway)
      }
    },
    flushSync() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      try {
        stream.flushSync();
      } catch {
        // not open yet (nothing written) or destroyed: nothing to write
      }
    },
  };
  return stderrBuffer;
}

/** Writes every buffered log line to stderr now, synchronously (e.g. before an abrupt exit). */
export function flushLogs(): void {
  stderrBuffer?.flushSync();
}

const FIXED = new Set(['timestamp', 'level', 'service', 'message']);

/** Readable lines for a terminal (LOG_FORMAT=text): `timestamp LEVEL message key=value …`. */
function textDestination(out: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const fields = Object.entries(record)
        .filter(([key, value]) => !FIXED.has(key) && value !== undefined)
        .map(
          ([key, value]) =>
            `${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`,
        );
      const level = String(record.level ?? '')
        .toUpperCase()
        .padEnd(5);
      out.write(`${[record.timestamp, level, record.message, ...fields].join(' ')}\n`);
    },
  };
}
