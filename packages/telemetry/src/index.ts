export { createPinoLogger, type LogLevel, type PinoLoggerOptions } from './logger.js';
export {
  createPrometheusMetrics,
  DURATION_BUCKETS_SECONDS,
  type PrometheusMetrics,
  type PrometheusMetricsOptions,
} from './metrics.js';
export { startTracing, type TracingHandle, type TracingOptions } from './sdk.js';
export { activeTraceId, TRACER_NAME, traceDatabase, withSpan } from './tracing.js';
