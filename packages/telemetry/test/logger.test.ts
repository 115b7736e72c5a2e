import { tracing } from '@opentelemetry/sdk-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createPinoLogger, type PinoLoggerOptions, startTracing, withSpan } from '../src/index.js';

const tracingHandle = startTracing({
  serviceName: 'legacybridge-test',
  env: {},
  spanProcessors: [new tracing.SimpleSpanProcessor(new tracing.InMemorySpanExporter())],
});
afterAll(() => tracingHandle.shutdown());

const redact = (text: string) => text.replace(/(:\/\/[^:\s]+:)[^@\s]+@/g, '$1***@');

function capture(options: Partial<PinoLoggerOptions> = {}) {
  const lines: string[] = [];
  const logger = createPinoLogger({
    level: 'info',
    format: 'json',
    service: 'legacybridge',
    redact,
    destination: { write: (line: string) => void lines.push(line) },
    ...options,
  });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createPinoLogger (json)', () => {
  it('writes one JSON object a line with timestamp, level, service, message and context', () => {
    const { logger, records } = capture();
    logger.info('query finished', { sqlHash: 'ab12', durationMs: 3, rows: 7, truncated: false });
    const [line] = records();
    expect(line).toMatchObject({
      level: 'info',
      service: 'legacybridge',
      message: 'query finished',
      sqlHash: 'ab12',
      rows: 7,
      truncated: false,
    });
    expect(new Date(String(line?.timestamp)).toISOString()).toBe(line?.timestamp);
  });

  it('honours LOG_LEVEL', () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => JSON.parse(l).message)).toEqual(['w', 'e']);
  });

  it('never writes a password: not in the message, not in context text, not under secret keys', () => {
    const { logger, lines } = capture();
    logger.error('connect to postgres://app:hunter2@db:5432/x failed', {
      error: new Error('auth failed for mysql://root:hunter2@10.0.0.1/db'),
      nested: { detail: 'url=postgres://u:hunter2@h/d' },
      password: 'hunter2',
      apiKey: 'k-123456',
      headers: { authorization: 'Bearer hunter2' },
    });
    const text = lines.join('');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('k-123456');
    expect(text).toContain('postgres://app:***@db:5432/x');
  });

  it('shows an error as type and message, with a stack only when stack traces are on', () => {
    const off = capture();
    off.logger.error('boom', { error: new TypeError('bad value') });
    expect(off.records()[0]?.error).toEqual({ type: 'TypeError', message: 'bad value' });
    const on = capture({ stackTraces: true });
    on.logger.error('boom', { error: new TypeError('bad value') });
    const withStack = on.records()[0]?.error as { stack?: string } | undefined;
    expect(String(withStack?.stack)).toContain('TypeError: bad value');
  });

  it('carries child context and the active trace id on every line of a traced request', async () => {
    const { logger, records } = capture();
    const request = logger.child({ caller: 'analyst', tool: 'run_query' });
    let traceId = '';
    await withSpan('tools/call run_query', {}, async (span) => {
      traceId = span.spanContext().traceId;
      request.info('query finished');
      request.warn('slow query');
    });
    request.info('outside');
    const [a, b, c] = records();
    expect(a).toMatchObject({ caller: 'analyst', tool: 'run_query', trace_id: traceId });
    expect(b?.trace_id).toBe(traceId);
    expect(c?.trace_id).toBeUndefined();
  });
});

describe('createPinoLogger (text)', () => {
  it('writes readable lines: timestamp LEVEL message key=value', () => {
    const lines: string[] = [];
    const logger = createPinoLogger({
      level: 'info',
      format: 'text',
      service: 'legacybridge',
      destination: { write: (line: string) => void lines.push(line) },
    });
    logger.info('listening', { url: 'http://127.0.0.1:8080', note: 'two words' });
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}listening url=http:\/\/127\.0\.0\.1:8080 note="two words"\n$/,
    );
  });
});

describe('child loggers', () => {
  it('write each context key once, the innermost value winning', () => {
    const { logger, lines } = capture();
    logger.child({ component: 'http', caller: 'a' }).child({ component: 'mcp' }).info('x');
    expect(lines[0]?.match(/"component"/g)).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ component: 'mcp', caller: 'a' });
  });
});
