import { type DatabaseFailure, type LoggerPort, toPublicMessage } from '@legacybridge/core';
import type { CallToolResult } from '@modelcontextprotocol/server';

/**
 * The MCP edge of the error model: the one place a DatabaseFailure becomes text a caller sees.
 * Only core's `toPublicMessage` and the failure's `kind` go out; `message` and `cause` may hold
 * driver text with hosts, users or connection strings and stay in the logs' hands (and even there
 * only the kind and code are logged by this package).
 */

/** The public text for a failure: core's safe message plus a next step written in terms of these tools. */
export function toPublicToolMessage(failure: DatabaseFailure): string {
  const hint = nextStep(failure);
  const message = toPublicMessage(failure);
  if (!hint) return message;
  // A driver's publicDetail often ends without a full stop; keep the hint a sentence of its own.
  return /[.!?]$/.test(message) ? `${message} ${hint}` : `${message}. ${hint}`;
}

/** A failure as a tool result the model can read and act on: `isError: true`, one text block, no structured content. */
export function toToolError(failure: DatabaseFailure): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: toPublicToolMessage(failure) }] };
}

/** The answer when a handler threw (a bug, not a failure): nothing from the exception reaches the caller. */
export function internalToolError(): CallToolResult {
  return {
    isError: true,
    content: [
      {
        type: 'text',
        text: 'LegacyBridge hit an internal error handling this call. Retrying will probably not help; the operator can find details in the server log.',
      },
    ],
  };
}

/** Logs a failure by kind and engine code only: `message` is unredacted driver text. */
export function logFailure(logger: LoggerPort, operation: string, failure: DatabaseFailure): void {
  const context = { operation, errorKind: failure.kind, errorCode: failure.originalCode };
  // Caller mistakes are routine in an assistant's exploration; only the server's own trouble is a warning.
  if (isCallerMistake(failure)) logger.debug('mcp request refused', context);
  else logger.warn('mcp request failed', context);
}

/** Logs a thrown exception by its name only; its message could quote a connection string. */
export function logUnexpected(logger: LoggerPort, operation: string, error: unknown): void {
  logger.error('mcp handler threw', {
    operation,
    errorName: error instanceof Error ? error.name : typeof error,
  });
}

function isCallerMistake(failure: DatabaseFailure): boolean {
  switch (failure.kind) {
    case 'ObjectNotFound':
    case 'SyntaxError':
    case 'ReadOnlyViolation':
    case 'LimitExceeded':
    case 'InvalidInput':
    case 'Unsupported':
    case 'Cancelled':
    case 'PermissionDenied':
      return true;
    default:
      return false;
  }
}

// Exhaustive on purpose: a new failure kind fails to compile until someone decides what the model
// should try next.
function nextStep(failure: DatabaseFailure): string | undefined {
  switch (failure.kind) {
    case 'ConnectionFailed':
    case 'AuthenticationFailed':
    case 'Cancelled':
    case 'PoolExhausted':
    case 'ReadOnlyViolation':
    case 'Unsupported':
      return undefined;
    case 'Timeout':
      return 'explain_query shows where the time goes without running the query.';
    case 'PermissionDenied':
      return 'list_tables shows the tables this user can read.';
    case 'ObjectNotFound':
      return 'search_schema or list_tables finds the exact name.';
    case 'SyntaxError':
      return 'describe_table gives the exact column names; use this database’s SQL dialect.';
    case 'LimitExceeded':
      return failure.limit === 'rows' || failure.limit === 'bytes'
        ? 'Aggregate, filter, select fewer columns or lower max_rows.'
        : undefined;
    case 'InvalidInput':
      return failure.field === 'cursor' ? 'Call list_tables again without a cursor.' : undefined;
    case 'DriverError':
      return 'Check table and column names with describe_table and simplify the statement.';
    default:
      return assertNever(failure);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled failure kind: ${(value as { kind?: unknown }).kind}`);
}
