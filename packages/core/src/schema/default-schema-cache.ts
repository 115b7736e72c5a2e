import type { ResultAsync } from 'neverthrow';
import type { DatabaseFailure } from '../errors.js';
import type { DatabasePort } from '../ports.js';
import type { UseCaseDeps } from '../use-cases/deps.js';
import { type DataDictionary, unmatchedDictionaryEntries, withDictionary } from './data-dictionary.js';
import { createSchemaCache, type SchemaCache, type SnapshotRequest } from './schema-cache.js';
import type { SchemaSnapshot } from './schema-snapshot.js';

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

/**
 * The catalog snapshot as assistants may see it: the schema cache's snapshot with `deps.dictionary`
 * laid over it (hidden tables and columns gone, descriptions and synonyms added). Every schema use
 * case reads through this, so list_tables, search_schema, describe_table and find_join_path agree.
 * @returns err with the adapter's failure when the catalog cannot be read.
 */
export function schemaViewOf(
  deps: UseCaseDeps,
  request: SnapshotRequest = {},
): ResultAsync<SchemaSnapshot, DatabaseFailure> {
  return schemaCacheOf(deps)
    .snapshot(deps.db, request)
    .map((snapshot) => {
      const { dictionary } = deps;
      if (dictionary === undefined) return snapshot;
      warnUnmatched(deps, snapshot, dictionary);
      return withDictionary(snapshot, dictionary);
    });
}

// Once per dictionary and process: entries naming nothing are a typo or a dropped table, worth a
// warning, never a failure (a dictionary may be shared by databases that differ a little).
const warned = new WeakMap<DataDictionary, { tables?: true; columns?: true }>();

function warnUnmatched(deps: UseCaseDeps, snapshot: SchemaSnapshot, dictionary: DataDictionary): void {
  // Only a snapshot of everything can tell that a table does not exist.
  if (snapshot.schema !== undefined) return;
  const done = warned.get(dictionary) ?? {};
  if (done.tables && (done.columns || snapshot.columns === undefined)) return;
  const unmatched = unmatchedDictionaryEntries(snapshot, dictionary);
  if (!done.tables && unmatched.tables.length > 0) {
    deps.logger.warn('data dictionary names tables this database user cannot see; ignored', {
      tables: unmatched.tables.slice(0, 20),
      count: unmatched.tables.length,
    });
  }
  done.tables = true;
  if (snapshot.columns !== undefined) {
    if (unmatched.columns.length > 0) {
      deps.logger.warn('data dictionary names columns that do not exist; ignored', {
        columns: unmatched.columns.slice(0, 20),
        count: unmatched.columns.length,
      });
    }
    done.columns = true;
  }
  warned.set(dictionary, done);
}
