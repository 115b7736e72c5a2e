import { dbFailure, sqlFingerprint } from '@legacybridge/core';
import { createFakeDatabase, unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { activeTraceId, startTracing, traceDatabase, withSpan } from '../src/index.js';

// One tracer provider per process (the OpenTelemetry API registers it globally), so this file
// starts tracing once with an in-memory exporter and every test reads what it recorded.
const exporter = new tracing.InMemorySpanExporter();
const processor = new tracing.SimpleSpanProcessor(exporter);
const handle = startTracing({ serviceName: 'legacybridge-test', env: {}, spanProcessors: [processor] });
afterAll(() => handle.shutdown());
beforeEach(() => exporter.reset());

/** Spans finished so far; the processor exports after the resource's detectors settle. */
async function finished() {
  await processor.forceFlush();
  return exporter.getFinishedSpans();
}

const LIMITS = { maxRows: 10, maxBytes: 1_000_000, timeoutMs: 5_000 };

describe('startTracing', () => {
  it('stays off (no-op spans) unless an OTLP endpoint or exporter is configured', () => {
    expect(startTracing({ serviceName: 'x', env: {} }).enabled).toBe(false);
    expect(startTracing({ serviceName: 'x', env: { OTEL_TRACES_EXPORTER: 'none' } }).enabled).toBe(false);
    expect(handle.enabled).toBe(true);
  });
});

describe('traceDatabase', () => {
  it('wraps every method of the port, so a new port method cannot silently bypass it', () => {
    const db = createFakeDatabase({ catalogFingerprint: true });
    const traced = traceDatabase(db);
    const portKeys = Object.keys(db).filter((k) => typeof (db as never)[k] === 'function');
    const ownPort = [
      'ping',
      'serverInfo',
      'listTables',
      'listColumns',
      'describeTable',
      'executeReadOnly',
      'explain',
      'catalogFingerprint',
      'poolStats',
      'close',
    ];
    for (const key of ownPort) {
      expect(portKeys, key).toContain(key);
      expect(typeof (traced as never)[key], key).toBe('function');
    }
  });

  it('records a CLIENT span per query with the database conventions and no SQL text', async () => {
    const db = traceDatabase(
      createFakeDatabase({
        dialect: 'postgres',
        execute: () => ({
          columns: [{ name: 'n', logicalType: 'integer', nativeType: 'int4' }],
          rows: [[1], [2]],
        }),
      }),
    );
    const sql = "SELECT * FROM CUSTMST WHERE CSTNM = 'Secret Corp'";
    const result = await db.executeReadOnly(unsafeAssumeReadOnly(sql, 'postgres'), LIMITS);
    expect(result.isOk()).toBe(true);
    const [span] = await finished();
    expect(span?.name).toBe('SELECT postgresql');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.operation.name': 'SELECT',
      'db.query.summary': 'SELECT',
      'legacybridge.sql.hash': sqlFingerprint(sql),
    });
    expect(span?.attributes['db.response.returned_rows']).toBe(2);
    expect(JSON.stringify(span?.attributes)).not.toContain('Secret Corp');
  });

  it('marks a failed call with the failure kind as error.type', async () => {
    const db = traceDatabase(
      createFakeDatabase({
        failWith: {
          describeTable: dbFailure('ObjectNotFound', { objectType: 'table', name: 'NOPE', message: 'x' }),
        },
      }),
    );
    const result = await db.describeTable({ name: 'NOPE' });
    expect(result.isErr()).toBe(true);
    const [span] = await finished();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('ObjectNotFound');
    expect(span?.attributes['db.collection.name']).toBe('NOPE');
  });
});

describe('withSpan', () => {
  it('makes its span the active one, so log lines and child spans carry its trace id', async () => {
    const db = traceDatabase(createFakeDatabase());
    let inside: string | undefined;
    await withSpan('tools/call run_query', { 'mcp.method.name': 'tools/call' }, async () => {
      inside = activeTraceId();
      await db.ping();
    });
    expect(activeTraceId()).toBeUndefined();
    const spans = await finished();
    const parent = spans.find((s) => s.name === 'tools/call run_query');
    const child = spans.find((s) => s.name === 'ping sqlite');
    expect(inside).toMatch(/^[0-9a-f]{32}$/);
    expect(parent?.spanContext().traceId).toBe(inside);
    expect(child?.spanContext().traceId).toBe(inside);
    expect(child?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
  });

  it('ends the span as an error when the work throws, and rethrows', async () => {
    await expect(
      withSpan('boom', {}, async () => {
        throw new TypeError('bad');
      }),
    ).rejects.toThrow('bad');
    const [span] = await finished();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('TypeError');
  });
});
