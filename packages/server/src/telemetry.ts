import type { AppConfig } from '@legacybridge/core';
import {
  createPrometheusMetrics,
  type PrometheusMetrics,
  startTracing,
  type TracingHandle,
} from '@legacybridge/telemetry';
import type { TransportKind } from './cli-args.js';
import { VERSION } from './version.js';

/** The server's metrics registry and tracer, started once per process. */
export interface ServerTelemetry {
  /** The Prometheus registry behind `/metrics`; absent over stdio or with METRICS_ENABLED=false. */
  readonly metrics: PrometheusMetrics | undefined;
  readonly tracing: TracingHandle;
  /** Flushes spans and stops the meter. Idempotent. */
  close(): Promise<void>;
}

const SERVICE = 'legacybridge';

/**
 * Metrics only where something can scrape them (the HTTP transport with METRICS_ENABLED); traces
 * whenever OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) asks for them, on any transport.
 */
export function startTelemetry(config: AppConfig, transport: TransportKind): ServerTelemetry {
  const metrics =
    transport === 'http' && config.metrics.enabled
      ? createPrometheusMetrics({ serviceName: SERVICE, serviceVersion: VERSION })
      : undefined;
  const tracing = startTracing({ serviceName: SERVICE, serviceVersion: VERSION });
  let closing: Promise<void> | undefined;
  return {
    metrics,
    tracing,
    close() {
      closing ??= Promise.all([tracing.shutdown(), metrics?.shutdown()]).then(() => {});
      return closing;
    },
  };
}
