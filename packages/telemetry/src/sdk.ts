import type { tracing } from '@opentelemetry/sdk-node';
import { openTelemetrySdk } from './sdk-loader.js';

export interface TracingOptions {
  readonly serviceName: string;
  readonly serviceVersion?: string | undefined;
  /**
   * The environment that decides whether tracing starts (default `process.env`). The SDK itself
   * reads the exporter's settings (`OTEL_EXPORTER_OTLP_*`) from `process.env`.
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Extra span processors (tests use an in-memory exporter); tracing is on when any is given. */
  readonly spanProcessors?: readonly tracing.SpanProcessor[] | undefined;
}

export interface TracingHandle {
  /** Whether spans are recorded and exported. */
  readonly enabled: boolean;
  /** Flushes pending spans and stops exporting. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing when the operator asked for it: `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` set (OTLP; protocol from `OTEL_EXPORTER_OTLP_PROTOCOL`,
 * default http/protobuf), or `OTEL_TRACES_EXPORTER` naming an exporter. Otherwise nothing is
 * registered and every span is the API's no-op, which costs next to nothing per query.
 *
 * Only traces: metrics are read by Prometheus from `/metrics` and logs go to stderr, so the SDK's
 * own metric and log exporters are switched off rather than defaulting to OTLP.
 */
export function startTracing(options: TracingOptions): TracingHandle {
  const env = options.env ?? process.env;
  const requested =
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ||
    (env.OTEL_TRACES_EXPORTER !== undefined && env.OTEL_TRACES_EXPORTER !== 'none');
  if (env.OTEL_SDK_DISABLED === 'true' || (!requested && !options.spanProcessors?.length)) {
    return { enabled: false, shutdown: async () => {} };
  }
  const { NodeSDK, resources } = openTelemetrySdk();
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
    // The default detectors stay on: host and process attributes, and OTEL_RESOURCE_ATTRIBUTES.
    ...(options.serviceVersion
      ? {
          resource: resources
            .defaultResource()
            .merge(resources.resourceFromAttributes({ 'service.version': options.serviceVersion })),
        }
      : {}),
    ...(options.spanProcessors?.length ? { spanProcessors: [...options.spanProcessors] } : {}),
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown: () => {
      stopped ??= sdk.shutdown().catch(() => {});
      return stopped;
    },
  };
}
