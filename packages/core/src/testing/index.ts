import { brandReadOnlyQuery, type ReadOnlyQuery } from '../guard/read-only-query.js';
import type { Dialect } from '../model.js';

export * from './fake-database.js';
export * from './fake-deps.js';
export { type FakeColumnSpec, type FakeTable, fakeTable, legacyFakeTables } from './fake-schema.js';
export * from './recording.js';

/**
 * Wraps SQL as a ReadOnlyQuery *without* the statement guard. Tests only: it lets the conformance
 * suite prove that an adapter's read-only session refuses writes on its own.
 */
export function unsafeAssumeReadOnly(sql: string, dialect: Dialect): ReadOnlyQuery {
  return brandReadOnlyQuery(sql, dialect, 'select');
}
