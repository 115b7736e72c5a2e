import type { DatabaseFailure, LoggerPort, SpanRunner } from '@legacybridge/core';
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { ResultAsync } from 'neverthrow';
import { internalToolError, logFailure, logUnexpected, toToolError } from './errors.js';

/** What a tool handler needs besides its arguments. */
export interface ToolResponder {
  readonly logger: LoggerPort;
  readonly caller?: string | undefined;
  /** Wraps each call in a trace span when set. */
  readonly trace?: SpanRunner | undefined;
}

/** What a tool handler's context tells about its HTTP request (absent on stdio). */
interface RequestContext {
  readonly http?: { readonly authInfo?: { readonly clientId?: string } } | undefined;
}

/**
 * The responder for one call: its caller is the request's (`authInfo.clientId`, the API key's
 * name set by the HTTP layer) when it names one, else the server's (`stdio`). Per request, not per
 * server instance, so one instance may serve callers in turn (the HTTP transport reuses them).
 */
export function forRequest(responder: ToolResponder, ctx: RequestContext): ToolResponder {
  const clientId = ctx.http?.authInfo?.clientId;
  if (clientId === undefined || clientId === responder.caller) return responder;
  return { ...responder, caller: clientId };
}

/**
 * Runs one use case and shapes its outcome as a tool result: structured content plus the compact
 * text rendering on success, a safe tool error on failure, a content-free internal error if the use
 * case threw (a bug — the SDK would otherwise echo the exception's message to the caller).
 * @returns never rejects.
 */
export function respond<T>(
  responder: ToolResponder,
  tool: string,
  work: () => ResultAsync<T, DatabaseFailure>,
  render: (value: T) => string,
  structure: (value: T) => object,
): Promise<CallToolResult> {
  const { trace } = responder;
  if (trace === undefined) return respondNow(responder, tool, work, render, structure);
  // OpenTelemetry's MCP and GenAI conventions name a tool call `tools/call <tool>`.
  return trace(
    `tools/call ${tool}`,
    { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': tool, 'gen_ai.operation.name': 'execute_tool' },
    () => respondNow(responder, tool, work, render, structure),
  );
}

async function respondNow<T>(
  responder: ToolResponder,
  tool: string,
  work: () => ResultAsync<T, DatabaseFailure>,
  render: (value: T) => string,
  structure: (value: T) => object,
): Promise<CallToolResult> {
  const started = performance.now();
  try {
    const result = await work();
    const durationMs = Math.round(performance.now() - started);
    if (result.isErr()) {
      logFailure(responder.logger, tool, result.error);
      return toToolError(result.error);
    }
    responder.logger.debug('mcp tool call', { tool, caller: responder.caller, durationMs });
    return {
      content: [{ type: 'text', text: render(result.value) }],
      structuredContent: structure(result.value) as Record<string, unknown>,
    };
  } catch (error) {
    logUnexpected(responder.logger, tool, error);
    return internalToolError();
  }
}

/**
 * A copy of plain data without `undefined` members. Structured content is validated against the
 * output schema before it is serialised, and an explicit `undefined` is not the same as an absent
 * key to every validator.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) out[key] = withoutUndefined(member);
    }
    return out as T;
  }
  return value;
}
