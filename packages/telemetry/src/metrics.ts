import type { MetricLabels, MetricsPort, PoolStats } from '@legacybridge/core';
import type { Attributes, Counter, Gauge, Histogram, Meter } from '@opentelemetry/api';
import { openTelemetrySdk, prometheusExporter } from './sdk-loader.js';

/** Seconds: from a 1 ms point lookup to the 30 s default statement timeout. */
export const DURATION_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** `# HELP` texts of the metrics LegacyBridge records; others get a generic one. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  db_queries_total: 'Queries run for assistants, by dialect, operation and outcome.',
  db_query_errors_total: 'Failed queries, by dialect and error kind.',
  db_query_duration_seconds: 'Query time from guard to last row read, in seconds.',
  http_requests_total: 'HTTP requests, by route, method and status.',
  http_request_duration_seconds: 'HTTP request time, in seconds.',
  http_rate_limited_total: 'Requests refused by the rate limit (429).',
  http_rate_limit_store_errors_total: 'Rate-limit checks that could not reach the shared store (Redis).',
  http_auth_failures_total: 'Requests refused for a missing or wrong API key (401).',
  query_cache_hits_total: 'Queries answered from the query cache.',
  query_cache_misses_total: 'Queries the query cache did not hold.',
  query_cache_skipped_total: 'Queries not cached: volatile SQL or an answer over the size limit.',
  query_cache_unavailable_total:
    'Query cache commands answered as a miss because Redis was unreachable, by operation.',
  schema_cache_hits_total: 'Schema snapshot reads served from the cache.',
  schema_cache_misses_total: 'Schema snapshot reads that had to build a snapshot.',
  schema_cache_refreshes_total: 'Schema snapshot rebuilds, by reason.',
  schema_snapshot_build_seconds: 'Time to read a catalog into a snapshot, in seconds.',
  schema_cache_entries: 'Schema snapshots held in the cache.',
  schema_cache_bytes: 'Approximate size of the cached schema snapshots, in bytes.',
};

function describe(name: string): { description: string } {
  return { description: DESCRIPTIONS[name] ?? `LegacyBridge metric ${name}.` };
}

export interface PrometheusMetricsOptions {
  /** `service.name` of the resource (shown in `target_info`). */
  readonly serviceName: string;
  readonly serviceVersion?: string | undefined;
}

/** A MetricsPort backed by OpenTelemetry, readable in the Prometheus text format. */
export interface PrometheusMetrics {
  readonly metrics: MetricsPort;
  /** The `Content-Type` of `collect()`'s text. */
  readonly contentType: string;
  /** Everything recorded so far, in the Prometheus text exposition format (what `/metrics` serves). */
  collect(): Promise<string>;
  /**
   * Reports a pool's gauges on every collection: `db_pool_connections{state="active"|"idle"}`,
   * `db_pool_size`, `db_pool_max` and `db_pool_waiting_requests`, labelled with `labels` (e.g.
   * the source name). Read at scrape time, so the numbers are never stale.
   */
  observePool(read: () => PoolStats, labels?: MetricLabels): void;
  shutdown(): Promise<void>;
}

/**
 * The MetricsPort of DESIGN.md on an OpenTelemetry MeterProvider with a pull reader. Instruments are
 * created on first use from the name's convention: `increment` → counter, `observe` → histogram
 * (duration buckets for `…_seconds`), `gauge` → gauge. Never throws into a request.
 */
export function createPrometheusMetrics(options: PrometheusMetricsOptions): PrometheusMetrics {
  // preventServerStart: the exporter is only a reader; `/metrics` is served by our own HTTP layer
  // (main port or METRICS_PORT), behind its auth and host checks.
  const { resources, metrics: sdkMetrics } = openTelemetrySdk();
  const { PrometheusExporter, PrometheusSerializer } = prometheusExporter();
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new sdkMetrics.MeterProvider({
    resource: resources.resourceFromAttributes({
      'service.name': options.serviceName,
      ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
    }),
    readers: [exporter],
  });
  const meter = provider.getMeter('legacybridge');
  const serializer = new PrometheusSerializer();
  const counters = new Map<string, Counter>();
  const histograms = new Map<string, Histogram>();
  const gauges = new Map<string, Gauge>();
  const pools: { read: () => PoolStats; labels: Attributes }[] = [];
  registerPoolGauges(meter, pools);

  const metrics: MetricsPort = {
    increment(name, labels, value = 1) {
      guarded(() =>
        instrument(counters, name, () => meter.createCounter(name, describe(name))).add(value, labels),
      );
    },
    observe(name, value, labels) {
      guarded(() =>
        instrument(histograms, name, () =>
          meter.createHistogram(name, {
            ...describe(name),
            advice: name.endsWith('_seconds') ? { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS } : {},
          }),
        ).record(value, labels),
      );
    },
    gauge(name, value, labels) {
      guarded(() =>
        instrument(gauges, name, () => meter.createGauge(name, describe(name))).record(value, labels),
      );
    },
  };

  return {
    metrics,
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    async collect() {
      const { resourceMetrics } = await exporter.collect();
      return serializer.serialize(resourceMetrics);
    },
    observePool(read, labels = {}) {
      pools.push({ read, labels });
    },
    shutdown: () => provider.shutdown(),
  };
}

function registerPoolGauges(meter: Meter, pools: { read: () => PoolStats; labels: Attributes }[]): void {
  const connections = meter.createObservableGauge('db_pool_connections', {
    description: 'Connections of the database pool by state (active = leased to a query).',
  });
  const size = meter.createObservableGauge('db_pool_size', {
    description: 'Connections open in the database pool.',
  });
  const max = meter.createObservableGauge('db_pool_max', {
    description: 'Most connections the pool may open (DB_POOL_SIZE + DB_MAX_OVERFLOW).',
  });
  const waiting = meter.createObservableGauge('db_pool_waiting_requests', {
    description: 'Queries waiting for a free connection.',
  });
  meter.addBatchObservableCallback(
    (result) => {
      for (const pool of pools) {
        let stats: PoolStats;
        try {
          stats = pool.read();
        } catch {
          continue; // a closed pool must not break the scrape of everything else
        }
        result.observe(connections, stats.active, { ...pool.labels, state: 'active' });
        result.observe(connections, stats.idle, { ...pool.labels, state: 'idle' });
        result.observe(size, stats.size, pool.labels);
        result.observe(max, stats.max, pool.labels);
        result.observe(waiting, stats.waiting, pool.labels);
      }
    },
    [connections, size, max, waiting],
  );
}

function instrument<T>(cache: Map<string, T>, name: string, create: () => T): T {
  let found = cache.get(name);
  if (found === undefined) {
    found = create();
    cache.set(name, found);
  }
  return found;
}

// Metrics are fire-and-forget (MetricsPort's contract): a bad name or label must cost a metric, not
// a request.
function guarded(record: () => void): void {
  try {
    record();
  } catch {
    // dropped on purpose
  }
}
