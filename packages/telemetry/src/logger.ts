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
  /** Where lines go; default stderr (stdout is the MCP stdio channel). */
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
  // process.stderr: synchronous for files and pipes on Linux, so a line is out before the call
  // returns and nothing is lost when the process exits right after (pino's async mode would need a
  // flush on every exit path).
  const sink = options.destination ?? process.stderr;
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
