import type { DatabasePort } from '../ports.js';
import { DEFAULT_QUERY_POLICY, type QueryPolicy, type UseCaseDeps } from '../use-cases/deps.js';
import { createFakeDatabase } from './fake-database.js';
import {
  createRecordingLogger,
  createRecordingMetrics,
  type RecordingLogger,
  type RecordingMetrics,
} from './recording.js';

/** UseCaseDeps whose metrics and logger record, so tests can assert on them. */
export interface FakeDeps extends UseCaseDeps {
  readonly metrics: RecordingMetrics;
  readonly logger: RecordingLogger;
}

/**
 * Builds use case dependencies around `db` (default: a fresh `createFakeDatabase()`), with recording
 * metrics and logger and `DEFAULT_QUERY_POLICY` overridden by `policy`.
 */
export function fakeDeps(
  db: DatabasePort = createFakeDatabase(),
  policy: Partial<QueryPolicy> = {},
): FakeDeps {
  return {
    db,
    metrics: createRecordingMetrics(),
    logger: createRecordingLogger(),
    policy: { ...DEFAULT_QUERY_POLICY, ...policy },
  };
}
