import type { LogContext, LoggerPort, MetricLabels, MetricsPort } from '../ports.js';

/** One call to a MetricsPort method, as recorded. */
export interface RecordedMetric {
  readonly type: 'increment' | 'observe' | 'gauge';
  readonly name: string;
  readonly value: number;
  readonly labels: MetricLabels;
}

/** A MetricsPort that keeps every call, for assertions. */
export interface RecordingMetrics extends MetricsPort {
  readonly records: readonly RecordedMetric[];
  /** The records with this metric name. */
  named(name: string): RecordedMetric[];
  /** Sum of `increment` values for `name` whose labels include every entry of `labels`. */
  total(name: string, labels?: MetricLabels): number;
  clear(): void;
}

/** A MetricsPort that records instead of exporting. */
export function createRecordingMetrics(): RecordingMetrics {
  const records: RecordedMetric[] = [];
  const matches = (have: MetricLabels, want: MetricLabels) =>
    Object.entries(want).every(([k, v]) => have[k] === v);
  return {
    records,
    increment(name, labels = {}, value = 1) {
      records.push({ type: 'increment', name, value, labels });
    },
    observe(name, value, labels = {}) {
      records.push({ type: 'observe', name, value, labels });
    },
    gauge(name, value, labels = {}) {
      records.push({ type: 'gauge', name, value, labels });
    },
    named(name) {
      return records.filter((r) => r.name === name);
    },
    total(name, labels = {}) {
      return records
        .filter((r) => r.type === 'increment' && r.name === name && matches(r.labels, labels))
        .reduce((sum, r) => sum + r.value, 0);
    },
    clear() {
      records.length = 0;
    },
  };
}

/** One log line, with the context of every `child` merged in. */
export interface RecordedLog {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly context: LogContext;
}

/** A LoggerPort that keeps every line (children share the parent's list). */
export interface RecordingLogger extends LoggerPort {
  readonly lines: readonly RecordedLog[];
  /** Every line serialised as JSON, one per line: handy for "never logs X" assertions. */
  text(): string;
  clear(): void;
}

/** A LoggerPort that records instead of writing. */
export function createRecordingLogger(): RecordingLogger {
  const lines: RecordedLog[] = [];
  const make = (base: LogContext): LoggerPort => {
    const write =
      (level: RecordedLog['level']) =>
      (message: string, context: LogContext = {}) => {
        lines.push({ level, message, context: { ...base, ...context } });
      };
    return {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      child: (context) => make({ ...base, ...context }),
    };
  };
  const root = make({});
  return {
    ...root,
    lines,
    text() {
      return lines
        .map((l) => JSON.stringify(l, (_k, v) => (typeof v === 'bigint' ? String(v) : v)))
        .join('\n');
    },
    clear() {
      lines.length = 0;
    },
  };
}
