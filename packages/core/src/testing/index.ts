// INTERIM: the in-memory fake DatabasePort is being written; unsafeAssumeReadOnly is final.
import { brandReadOnlyQuery, type ReadOnlyQuery } from '../guard/read-only-query.js';
import type { Dialect } from '../model.js';

/**
 * Wraps SQL as a ReadOnlyQuery *without* the statement guard. Tests only: it lets the conformance
 * suite prove that an adapter's read-only session refuses writes on its own.
 */
export function unsafeAssumeReadOnly(sql: string, dialect: Dialect): ReadOnlyQuery {
  return brandReadOnlyQuery(sql, dialect, 'select');
}
