import type { DatabasePort } from '../ports.js';
import type { UseCaseDeps } from '../use-cases/deps.js';
import { createSchemaCache, type SchemaCache } from './schema-cache.js';

// One cache per port for callers that wire none, so every existing caller gets snapshots with no
// change. Weak: a port that is dropped takes its cache (and the snapshots pointing back at it) along.
const defaults = new WeakMap<DatabasePort, SchemaCache>();

/** `deps.schemaCache`, or the default cache of `deps.db` (created with the first caller's metrics and logger). */
export function schemaCacheOf(deps: UseCaseDeps): SchemaCache {
  if (deps.schemaCache !== undefined) return deps.schemaCache;
  let cache = defaults.get(deps.db);
  if (cache === undefined) {
    cache = createSchemaCache({ metrics: deps.metrics, logger: deps.logger });
    defaults.set(deps.db, cache);
  }
  return cache;
}
