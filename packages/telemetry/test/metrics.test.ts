import { describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from '../src/index.js';

/** The value of one sample line `name{labels} value` in a Prometheus exposition. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const open = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    const body = open === -1 || open > space ? '' : line.slice(open + 1, line.indexOf('}'));
    const found = Object.fromEntries(
      [...body.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]] as const),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(line.slice(space + 1));
  }
  return undefined;
}

describe('createPrometheusMetrics', () => {
  it('exposes counters under the deployment guide’s names, moved by exactly what was recorded', async () => {
    const m = createPrometheusMetrics({ serviceName: 'legacybridge-test' });
    for (let i = 0; i < 3; i++)
      m.metrics.increment('db_queries_total', { dialect: 'postgres', outcome: 'ok' });
    m.metrics.increment('db_query_errors_total', { dialect: 'postgres', kind: 'Timeout' });
    m.metrics.increment('http_requests_total', { route: '/mcp', status: '200' }, 5);
    const text = await m.collect();
    expect(text).toContain('# TYPE db_queries_total counter');
    expect(sample(text, 'db_queries_total', { dialect: 'postgres', outcome: 'ok' })).toBe(3);
    expect(sample(text, 'db_query_errors_total', { kind: 'Timeout' })).toBe(1);
    expect(sample(text, 'http_requests_total', { route: '/mcp' })).toBe(5);
    // Counter names are not suffixed twice.
    expect(text).not.toContain('_total_total');
    await m.shutdown();
  });

  it('records durations as a histogram with buckets from 1 ms to 60 s, so p50/p95/p99 can be derived', async () => {
    const m = createPrometheusMetrics({ serviceName: 'legacybridge-test' });
    m.metrics.observe('db_query_duration_seconds', 0.004, { dialect: 'mysql' });
    m.metrics.observe('db_query_duration_seconds', 0.2, { dialect: 'mysql' });
    m.metrics.observe('db_query_duration_seconds', 12, { dialect: 'mysql' });
    const text = await m.collect();
    expect(text).toContain('# TYPE db_query_duration_seconds histogram');
    expect(sample(text, 'db_query_duration_seconds_count', { dialect: 'mysql' })).toBe(3);
    expect(sample(text, 'db_query_duration_seconds_sum', { dialect: 'mysql' })).toBeCloseTo(12.204, 6);
    expect(sample(text, 'db_query_duration_seconds_bucket', { le: '0.005' })).toBe(1);
    expect(sample(text, 'db_query_duration_seconds_bucket', { le: '0.25' })).toBe(2);
    expect(sample(text, 'db_query_duration_seconds_bucket', { le: '30' })).toBe(3);
    expect(sample(text, 'db_query_duration_seconds_bucket', { le: '+Inf' })).toBe(3);
    await m.shutdown();
  });

  it('reads pool gauges at scrape time, one series per state', async () => {
    const m = createPrometheusMetrics({ serviceName: 'legacybridge-test' });
    let active = 2;
    m.observePool(() => ({ size: 4, max: 15, active, idle: 4 - active, waiting: 1 }), { source: 'main' });
    let text = await m.collect();
    expect(sample(text, 'db_pool_connections', { source: 'main', state: 'active' })).toBe(2);
    expect(sample(text, 'db_pool_connections', { source: 'main', state: 'idle' })).toBe(2);
    expect(sample(text, 'db_pool_size', { source: 'main' })).toBe(4);
    expect(sample(text, 'db_pool_max', { source: 'main' })).toBe(15);
    expect(sample(text, 'db_pool_waiting_requests', { source: 'main' })).toBe(1);
    active = 4;
    text = await m.collect();
    expect(sample(text, 'db_pool_connections', { source: 'main', state: 'active' })).toBe(4);
    await m.shutdown();
  });

  it('keeps the last gauge value and never throws into the caller', async () => {
    const m = createPrometheusMetrics({ serviceName: 'legacybridge-test' });
    m.metrics.gauge('schema_cache_entries', 3);
    m.metrics.gauge('schema_cache_entries', 7);
    // A pool whose reader throws (closed) is skipped, not fatal for the scrape.
    m.observePool(() => {
      throw new Error('closed');
    });
    expect(() => m.metrics.increment('', { a: 'b' })).not.toThrow();
    const text = await m.collect();
    expect(sample(text, 'schema_cache_entries')).toBe(7);
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    await m.shutdown();
  });
});

describe('HELP texts', () => {
  it('describe the guide’s metrics instead of "description missing"', async () => {
    const m = createPrometheusMetrics({ serviceName: 'legacybridge-test' });
    m.metrics.increment('db_queries_total');
    m.metrics.increment('some_new_total');
    const text = await m.collect();
    expect(text).toContain('# HELP db_queries_total Queries run for assistants');
    expect(text).toContain('# HELP some_new_total LegacyBridge metric some_new_total.');
    expect(text).not.toContain('description missing');
    await m.shutdown();
  });
});
