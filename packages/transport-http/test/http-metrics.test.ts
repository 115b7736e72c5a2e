import { createRecordingMetrics } from '@legacybridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_METRICS, type HttpService, routeOf, serveHttp } from '../src/index.js';
import { call } from './support/http.js';
import {
  createTestDatabase,
  describeWhen,
  postgresDeps,
  postgresUnavailable,
  type TestDatabase,
} from './support/pg-deps.js';

describe('routeOf', () => {
  it.each([
    ['/v1/query', '/v1/query'],
    ['/v1/tables/sales.customers', '/v1/tables/{table}'],
    ['/v1/tables/', 'other'],
    ['/wp-login.php', 'other'],
    ['/mcp', '/mcp'],
  ])('%s → %s', (path, route) => {
    expect(routeOf(path)).toBe(route);
  });
});

const unavailable = await postgresUnavailable();

describeWhen('postgres', 'HTTP metrics through the MetricsPort', unavailable, () => {
  let database: TestDatabase;
  let service: HttpService;
  const metrics = createRecordingMetrics();
  beforeAll(async () => {
    database = await createTestDatabase();
    const deps = { ...postgresDeps(database.url), metrics };
    service = await serveHttp({
      deps,
      host: '127.0.0.1',
      port: 0,
      auth: { required: true, apiKeys: [{ name: 'ci', key: 'the-key-123' }] },
      rateLimit: { requests: 2, windowSeconds: 60 },
    });
  });
  afterAll(async () => {
    await service?.close();
    await database?.drop();
  });

  it('counts requests by method, low-cardinality route and status; auth failures and rate-limit rejections', async () => {
    const key = { 'x-api-key': 'the-key-123' };
    await call(`${service.url}/v1/tables/orders`, { headers: key });
    await call(`${service.url}/v1/tables/no_such_table_${Date.now()}`, { headers: key });
    await call(`${service.url}/v1/tables`, { headers: key });
    await call(`${service.url}/v1/tables`);
    await call(`${service.url}/v1/tables`, { headers: { 'x-api-key': 'nope' } });
    await call(`${service.url}/health`);
    // Responses are recorded when they close: give the last one a tick.
    await new Promise((r) => setTimeout(r, 50));
    const requests = HTTP_METRICS.requests;
    expect(metrics.total(requests, { route: '/v1/tables/{table}', status: '200' })).toBe(1);
    expect(metrics.total(requests, { route: '/v1/tables/{table}', status: '404' })).toBe(1);
    expect(metrics.total(requests, { route: '/v1/tables', status: '429' })).toBe(1);
    expect(metrics.total(requests, { route: '/v1/tables', status: '401' })).toBe(2);
    expect(metrics.total(requests, { method: 'GET', route: '/health', status: '200' })).toBe(1);
    expect(metrics.total(HTTP_METRICS.authFailures, { reason: 'missing' })).toBe(1);
    expect(metrics.total(HTTP_METRICS.authFailures, { reason: 'invalid' })).toBe(1);
    expect(metrics.total(HTTP_METRICS.rateLimited)).toBe(1);
    const durations = metrics.named(HTTP_METRICS.duration);
    expect(durations).toHaveLength(6);
    expect(durations.every((d) => d.value >= 0 && d.value < 10)).toBe(true);
    const labels = new Set(metrics.named(requests).map((r) => r.labels.route));
    expect([...labels].some((l) => l?.includes('no_such_table'))).toBe(false);
  });
});
