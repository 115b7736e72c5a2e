import type { QueryCache } from '../cache/query-cache.js';
import type { DatabasePort, LoggerPort, MetricsPort } from '../ports.js';
import type { DataDictionary } from '../schema/data-dictionary.js';
import type { SchemaCache } from '../schema/schema-cache.js';

/** Operator-set bounds for assistant queries (config: QUERY_* and DB_TIMEOUT). */
export interface QueryPolicy {
  /** Rows returned when the caller does not say. */
  readonly defaultRows: number;
  /** Ceiling on rows whatever the caller asks. */
  readonly maxRows: number;
  /** Ceiling on the serialised size of the rows read. */
  readonly maxBytes: number;
  /** Statement timeout. */
  readonly timeoutMs: number;
  /** Longest SQL text accepted, in characters. */
  readonly maxSqlLength: number;
}

/** Sensible bounds for library use; the server takes its own from configuration. */
export const DEFAULT_QUERY_POLICY: QueryPolicy = {
  defaultRows: 100,
  maxRows: 1000,
  maxBytes: 1024 * 1024,
  timeoutMs: 30_000,
  maxSqlLength: 100_000,
};

/** The ports every use case takes. */
export interface UseCaseDeps {
  readonly db: DatabasePort;
  readonly metrics: MetricsPort;
  readonly logger: LoggerPort;
  readonly policy: QueryPolicy;
  /**
   * Catalog snapshots for list_tables, search_schema and describe_table's name resolution. Optional:
   * without it each DatabasePort gets a default cache (defaults of `createSchemaCache`).
   */
  readonly schemaCache?: SchemaCache | undefined;
  /** Reuses answers of identical queries (QUERY_CACHE_TTL); absent means every query reaches the database. */
  readonly queryCache?: QueryCache | undefined;
  /**
   * The data dictionary overlay (DATA_DICTIONARY_PATH): descriptions, synonyms and units in schema
   * answers; hidden tables and columns left out of them, and hidden tables refused by the statement
   * guard. Absent: answers show the catalog as it is.
   */
  readonly dictionary?: DataDictionary | undefined;
}
