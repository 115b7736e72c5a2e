import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeDatabase } from '@legacybridge/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { startTracing, traceDatabase, withSpan } from '../src/index.js';

// A real OTLP/HTTP receiver on loopback: what the SDK sends when OTEL_EXPORTER_OTLP_ENDPOINT is set.
const received: unknown[] = [];
const receiver = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    if (req.url === '/v1/traces') received.push(JSON.parse(body));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

describe('OTLP export', () => {
  it('sends tool and query spans to OTEL_EXPORTER_OTLP_ENDPOINT, flushed on shutdown', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    const handle = startTracing({ serviceName: 'legacybridge-otlp-test', serviceVersion: '9.9.9' });
    expect(handle.enabled).toBe(true);
    const db = traceDatabase(createFakeDatabase({ dialect: 'mysql' }));
    await withSpan('tools/call list_tables', {}, async () => {
      await db.listTables();
    });
    await handle.shutdown();
    const text = JSON.stringify(received);
    expect(text).toContain('"tools/call list_tables"');
    expect(text).toContain('"list_tables mysql"');
    expect(text).toContain('legacybridge-otlp-test');
    expect(text).toContain('9.9.9');
  });
});
