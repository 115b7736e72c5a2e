import type { LoggerPort } from '@legacybridge/core';
import { createPinoLogger, type LogLevel } from '@legacybridge/telemetry';
import { redactText } from './redact.js';

export type { LogLevel };

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
  /** Include stacks of logged errors (never in production). */
  readonly stackTraces?: boolean | undefined;
}

/** The `service` field of every line. */
export const LOG_SERVICE = 'legacybridge';

/**
 * The server's LoggerPort: pino writing `{timestamp, level, service, message, trace_id?, ...context}`
 * lines (or readable text) to stderr only, every string passed through the URL/password redactor.
 * Never throws.
 */
export function createLogger(options: LoggerOptions): LoggerPort {
  const { write } = options;
  return createPinoLogger({
    level: options.level,
    format: options.format,
    service: LOG_SERVICE,
    redact: redactText,
    stackTraces: options.stackTraces,
    now: options.now,
    destination: write === undefined ? undefined : { write: (line: string) => void write(line) },
  });
}
