import { type DatabaseFailure, toPublicMessage } from '@legacybridge/core';
import type { Response } from 'express';

/**
 * The HTTP edge of the error model: RFC 9457 problem documents. A DatabaseFailure goes out as its
 * kind, a status and core's public message only; `message` and `cause` (driver text that may hold
 * hosts, users or connection strings) never leave the process, and neither does a stack trace.
 */

/** An RFC 9457 problem document as LegacyBridge sends it. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string | undefined;
  /** The DatabaseFailure kind, or an HTTP-level kind such as `Unauthorized`. */
  readonly kind: string;
  readonly [extension: string]: unknown;
}

const TYPE_BASE = 'https://legacybridge.dev/problems/';

/** A problem document for an HTTP-level refusal (auth, host, rate limit, validation…). */
export function problem(
  status: number,
  kind: string,
  title: string,
  detail?: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return {
    type: `${TYPE_BASE}${kebab(kind)}`,
    title,
    status,
    kind,
    ...(detail ? { detail } : {}),
    ...extensions,
  };
}

/** Sends `body` as `application/problem+json` with its status. */
export function sendProblem(res: Response, body: Problem): void {
  res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}

/**
 * The status a failure maps to. Exhaustive on purpose: a new failure kind fails to compile until
 * someone decides whose fault it is (4xx: the caller can fix the request; 5xx: retry or ask the operator).
 * `cancelledByServer` separates a shutdown's cancel (503, retry elsewhere) from the caller's own (499).
 */
export function statusOf(failure: DatabaseFailure, cancelledByServer = false): number {
  switch (failure.kind) {
    case 'InvalidInput':
    case 'SyntaxError':
    case 'ReadOnlyViolation':
      return 400;
    case 'LimitExceeded':
      if (failure.limit === 'sqlLength') return 413;
      return failure.limit === 'concurrency' ? 503 : 400;
    case 'PermissionDenied':
      return 403;
    case 'ObjectNotFound':
      return 404;
    // The database ran the statement and refused it (division by zero, bad cast, …): the request was
    // well-formed HTTP but cannot be processed as written.
    case 'DriverError':
      return 422;
    case 'Cancelled':
      return cancelledByServer ? 503 : 499;
    case 'Unsupported':
      return 501;
    case 'ConnectionFailed':
    case 'PoolExhausted':
    // The server's own database credentials are wrong: nothing the caller can fix.
    case 'AuthenticationFailed':
      return 503;
    case 'Timeout':
      return 504;
    default:
      return assertNever(failure);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  499: 'Client Closed Request',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A failure as a problem document: kind, status and the public message, plus safe typed details. */
export function failureProblem(failure: DatabaseFailure, cancelledByServer = false): Problem {
  const status = statusOf(failure, cancelledByServer);
  const extra: Record<string, unknown> = {};
  if (failure.kind === 'ObjectNotFound' && failure.suggestions?.length)
    extra.suggestions = failure.suggestions;
  if (failure.kind === 'InvalidInput') extra.field = failure.field;
  return problem(status, failure.kind, TITLES[status] ?? 'Error', toPublicMessage(failure), extra);
}

/** Seconds a client should wait before retrying a failure, when waiting helps. */
export function retryAfterOf(failure: DatabaseFailure): number | undefined {
  return failure.kind === 'PoolExhausted' || failure.kind === 'ConnectionFailed' ? 1 : undefined;
}

function kebab(kind: string): string {
  return kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function assertNever(value: never): never {
  throw new Error(`unhandled failure kind: ${(value as { kind?: unknown }).kind}`);
}
