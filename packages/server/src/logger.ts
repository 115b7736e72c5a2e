import type { LogContext, LoggerPort } from '@legacybridge/core';
import { redactText } from './redact.js';

/** Severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** How `createLogger` filters and formats lines (LOG_LEVEL, LOG_FORMAT). */
export interface LoggerOptions {
  /** Lines below this level are dropped (LOG_LEVEL). */
  readonly level: LogLevel;
  /** `json`: one JSON object a line, for collectors; `text`: readable lines for a terminal (LOG_FORMAT). */
  readonly format: 'json' | 'text';
  /** Where a finished line goes; default stderr, because stdout is the MCP stdio channel. */
  readonly write?: ((line: string) => void) | undefined;
  /** Clock for tests. */
  readonly now?: (() => Date) | undefined;
}

/** The `service` field of every line. */
export const LOG_SERVICE = 'legacybridge';

/**
 * A LoggerPort writing `{timestamp, level, service, message, ...context}` lines (or readable text) to
 * stderr only. Never throws: a context value that cannot be serialised is written as a placeholder.
 */
export function createLogger(options: LoggerOptions, context: LogContext = {}): LoggerPort {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const min = RANK[options.level];
  const emit = (level: LogLevel, message: string, extra?: LogContext) => {
    const fields = { ...context, ...extra };
    const text = redactText(message);
    const timestamp = now().toISOString();
    const line =
      options.format === 'json'
        ? safeJson({ timestamp, level, service: LOG_SERVICE, message: text, ...fields })
        : formatText(timestamp, level, text, fields);
    try {
      write(`${line}\n`);
    } catch {
      // A closed stderr must not take a request down with it.
    }
  };
  // A level below LOG_LEVEL is one shared empty function, not a closure that checks and returns:
  // the per-call `debug`/`info` lines of the request path then cost a call that V8 inlines to
  // nothing, context object included, as with a no-op logger.
  const at = (level: LogLevel) =>
    RANK[level] < min ? ignore : (message: string, extra?: LogContext) => emit(level, message, extra);
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (extra) => createLogger(options, { ...context, ...extra }),
  };
}

function ignore(): void {}

function formatText(timestamp: string, level: LogLevel, message: string, fields: LogContext): string {
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? redactText(v) : safeJson(v)}`);
  return [timestamp, level.toUpperCase().padEnd(5), message, ...parts].join(' ');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v) => {
      if (typeof v === 'bigint') return v.toString();
      // Context often carries text we did not write (driver errors); never let a password through.
      if (typeof v === 'string') return redactText(v);
      // Errors stringify to {}; keep what an operator needs, never the stack in JSON lines.
      if (v instanceof Error) return { name: v.name, message: redactText(v.message) };
      return v;
    });
  } catch {
    return '"[unserialisable]"';
  }
}
