import { createRequire } from 'node:module';
import type * as PrometheusExporterModule from '@opentelemetry/exporter-prometheus';
import type * as SdkNode from '@opentelemetry/sdk-node';

/**
 * The OpenTelemetry SDK, required on first use instead of imported with the package: it is a third
 * of a stdio server's startup, and most processes never start it (tracing needs an OTLP endpoint,
 * metrics need the HTTP transport). Synchronous `require`, so `startTracing` and
 * `createPrometheusMetrics` stay synchronous; both packages ship CommonJS, and the API they register
 * with (`@opentelemetry/api`) keeps its state on a global, so the ESM API sees what the CommonJS SDK
 * registered. The CommonJS bundle gets `import.meta.url` from tsup's shim.
 */
const requireHere = createRequire(import.meta.url);

// require() caches the module: a second call is a lookup, no second load.
export function openTelemetrySdk(): typeof SdkNode {
  return requireHere('@opentelemetry/sdk-node') as typeof SdkNode;
}

export function prometheusExporter(): typeof PrometheusExporterModule {
  return requireHere('@opentelemetry/exporter-prometheus') as typeof PrometheusExporterModule;
}
