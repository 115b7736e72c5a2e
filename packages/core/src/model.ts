/**
 * The domain model shared by every port and use case. Plain, JSON-safe data only: values cross
 * process, MCP and HTTP boundaries unchanged.
 */

/** The database engines LegacyBridge knows. Per-dialect tables are `Record<Dialect, …>` so a new one fails to compile until written. */
export type Dialect = 'postgres' | 'mysql' | 'mssql' | 'oracle' | 'sqlite';

/** Every dialect, in a stable order. */
export const DIALECTS: readonly Dialect[] = ['postgres', 'mysql', 'mssql', 'oracle', 'sqlite'];

/**
 * A coarse, engine-independent type. The engine's own type name always travels beside it
 * (`nativeType`), because legacy schemas are full of types this list cannot express.
 */
export type LogicalType =
  | 'integer'
  | 'bigint'
  | 'decimal'
  | 'float'
  | 'boolean'
  | 'text'
  | 'binary'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'interval'
  | 'json'
  | 'uuid'
  | 'array'
  | 'enum'
  | 'xml'
  | 'other';

/** A table or view, optionally schema-qualified. `schema` undefined means the connection's default. */
export interface TableRef {
  readonly schema?: string | undefined;
  readonly name: string;
}

export type TableKind = 'table' | 'view' | 'materialized_view' | 'foreign_table';

/** One entry of a table listing: cheap to produce for thousands of tables. */
export interface TableInfo {
  readonly schema?: string | undefined;
  readonly name: string;
  readonly kind: TableKind;
  /** From statistics, never from `COUNT(*)`; undefined when the engine has no estimate. */
  readonly rowEstimate?: number | undefined;
  readonly comment?: string | undefined;
  /** From the data dictionary (DATA_DICTIONARY_PATH): what the table holds, in words. */
  readonly description?: string | undefined;
  /** From the data dictionary: other names people use for it ("customer master"); search finds them. */
  readonly synonyms?: readonly string[] | undefined;
  /** From the data dictionary: the table holds personal data. */
  readonly pii?: boolean | undefined;
}

/** Narrows a listing. Pattern matching and paging are done by the use case, not the adapter. */
export interface TableFilter {
  readonly schema?: string | undefined;
}

export interface ColumnInfo {
  readonly name: string;
  /** 1-based position in the table. */
  readonly ordinal: number;
  /** The engine's type name as declared, e.g. `NUMBER(10,2)`, `character varying(40)`. */
  readonly nativeType: string;
  readonly logicalType: LogicalType;
  readonly nullable: boolean;
  /** The default expression as the engine prints it. */
  readonly default?: string | undefined;
  /** 1-based position in the primary key, undefined when not part of it. */
  readonly primaryKeyPosition?: number | undefined;
  readonly comment?: string | undefined;
  /** From the data dictionary (DATA_DICTIONARY_PATH): what the column holds, in words. */
  readonly description?: string | undefined;
  readonly synonyms?: readonly string[] | undefined;
  /** From the data dictionary: the unit of the values ("USD cents", "kg", "YYYYMMDD"). */
  readonly unit?: string | undefined;
  /** From the data dictionary: the column holds personal data. */
  readonly pii?: boolean | undefined;
}

/** A column with the table it belongs to: what schema search needs, read for all tables at once. */
export interface ColumnSummary {
  readonly table: TableRef;
  readonly name: string;
  readonly nativeType: string;
  readonly logicalType: LogicalType;
  readonly comment?: string | undefined;
  /** From the data dictionary, like ColumnInfo's. */
  readonly description?: string | undefined;
  readonly synonyms?: readonly string[] | undefined;
  readonly unit?: string | undefined;
  readonly pii?: boolean | undefined;
}

export interface ForeignKeyInfo {
  readonly name?: string | undefined;
  /** The referencing table (for `referencedBy` entries this is the other table). */
  readonly table: TableRef;
  readonly columns: readonly string[];
  readonly referencedTable: TableRef;
  readonly referencedColumns: readonly string[];
}

/** A table's declared primary key, as the key listing reports it. */
export interface PrimaryKeyInfo {
  readonly table: TableRef;
  /** Column names in key order. */
  readonly columns: readonly string[];
}

/** Every declared primary and foreign key of the visible tables, read with a fixed number of catalog queries. */
export interface SchemaKeys {
  readonly primaryKeys: readonly PrimaryKeyInfo[];
  readonly foreignKeys: readonly ForeignKeyInfo[];
}

/**
 * A relationship nobody declared, guessed from column names and types (legacy schemas rarely declare
 * their foreign keys). `table.columns` probably reference `referencedTable.referencedColumns`.
 */
export interface InferredRelationship {
  readonly table: TableRef;
  readonly columns: readonly string[];
  readonly referencedTable: TableRef;
  readonly referencedColumns: readonly string[];
  /** 0–1: how sure the guess is (same name as a declared primary key is surest). */
  readonly confidence: number;
  /** Why, in words: "same name and type as CUSTMST's primary key". */
  readonly evidence: string;
}

/** One join of a join path: `from.fromColumns = to.toColumns`. */
export interface JoinHop {
  readonly from: TableRef;
  readonly fromColumns: readonly string[];
  readonly to: TableRef;
  readonly toColumns: readonly string[];
  /** A declared foreign key, or an inferred relationship. */
  readonly kind: 'declared' | 'inferred';
  /** 1 for declared keys. */
  readonly confidence: number;
  readonly evidence?: string | undefined;
}

/** The shortest join path between two tables, with the SQL to paste after SELECT … */
export interface JoinPath {
  readonly from: TableRef;
  readonly to: TableRef;
  readonly hops: readonly JoinHop[];
  /** `FROM a JOIN b ON a.x = b.y JOIN …`, identifiers quoted for the dialect where needed. */
  readonly sql: string;
}

export interface IndexInfo {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly primary: boolean;
}

/** Everything an assistant needs to write correct SQL against one table. */
export interface TableDetail {
  readonly table: TableInfo;
  readonly columns: readonly ColumnInfo[];
  /** Column names in key order; empty when the table has no declared primary key. */
  readonly primaryKey: readonly string[];
  /** Keys declared on this table pointing elsewhere. */
  readonly foreignKeys: readonly ForeignKeyInfo[];
  /** Keys declared on other tables pointing at this one. */
  readonly referencedBy: readonly ForeignKeyInfo[];
  readonly indexes: readonly IndexInfo[];
  /** Relationships guessed from names and types from this table to others; absent when none. */
  readonly inferredForeignKeys?: readonly InferredRelationship[] | undefined;
  /** Relationships guessed from names and types from other tables to this one; absent when none. */
  readonly inferredReferencedBy?: readonly InferredRelationship[] | undefined;
  /** How many more inferred references to this table exist than `inferredReferencedBy` lists (a master table in a schema without declared keys can have hundreds). */
  readonly inferredReferencedByOmitted?: number | undefined;
}

/**
 * A JSON-safe cell value. Adapters normalise: 64-bit integers and decimals become exact strings,
 * dates ISO 8601 strings, binary `{ $binary: base64, length }` (capped), JSON stays JSON.
 */
export type CellValue =
  | string
  | number
  | boolean
  | null
  | { readonly $binary: string; readonly length: number; readonly truncated?: boolean }
  | readonly CellValue[]
  | { readonly [key: string]: unknown };

export interface ResultColumn {
  readonly name: string;
  readonly nativeType?: string | undefined;
  readonly logicalType: LogicalType;
}

/** Rows are arrays in column order: no key repeated per row, cheap to serialise and to read. */
export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly CellValue[])[];
  readonly rowCount: number;
  /** True when reading stopped at a cap: more rows existed. */
  readonly truncated: boolean;
  readonly truncatedBy?: 'rows' | 'bytes' | undefined;
  readonly durationMs: number;
  /** True when the answer came from the query cache (QUERY_CACHE_TTL) instead of the database. */
  readonly cached?: true | undefined;
}

/** Bounds applied to one query. Reading stops at the first cap reached; the SQL is never rewritten. */
export interface QueryLimits {
  readonly maxRows: number;
  /** Approximate size of the serialised rows. */
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

export interface QueryPlan {
  readonly dialect: Dialect;
  /** The engine's plan as readable text, one node a line. */
  readonly text: string;
  /** The engine's estimated total cost, when it reports one. */
  readonly estimatedCost?: number | undefined;
  /** The engine's structured plan (e.g. PostgreSQL FORMAT JSON), when available. */
  readonly raw?: unknown;
}

/** Pool gauges for /metrics. `max` includes overflow. */
export interface PoolStats {
  readonly size: number;
  readonly max: number;
  readonly active: number;
  readonly idle: number;
  readonly waiting: number;
}

/**
 * What an adapter can do. Core branches on these flags, never on the dialect name.
 * Defaults (when a third-party adapter is unsure) are the conservative `false`.
 */
export interface DatabaseCapabilities {
  /** The engine has schemas/namespaces (PostgreSQL, SQL Server, Oracle; MySQL databases count). */
  readonly supportsSchemas: boolean;
  /** A running query can be cancelled on the server before its timeout. */
  readonly supportsCancel: boolean;
  /** `explain()` returns the engine's plan. */
  readonly supportsExplain: boolean;
  /** Estimated row counts are available from statistics. */
  readonly supportsRowEstimates: boolean;
  /** Tables and columns can carry comments. */
  readonly supportsComments: boolean;
  /** The schema unqualified names resolve to, when known without a query. */
  readonly defaultSchema?: string | undefined;
}

/** Server identity for diagnostics (`doctor`, readiness). */
export interface ServerInfo {
  readonly dialect: Dialect;
  readonly version: string;
  readonly user?: string | undefined;
  readonly database?: string | undefined;
}

/** One privilege the audit found, and how much it matters for a read-only deployment. */
export interface PrivilegeFinding {
  /** The engine's name for it, e.g. `INSERT`, `SUPERUSER`, `CREATE`, `pg_write_server_files`. */
  readonly privilege: string;
  /** What it applies to (table, schema, database, file), when it is not server-wide. */
  readonly object?: string | undefined;
  /** `warning`: lets the user change data, schema or server state; `info`: worth knowing, harmless for reads. */
  readonly severity: 'warning' | 'info';
  /** One sentence for an operator, when the name alone does not explain the risk. */
  readonly detail?: string | undefined;
}

/** What the connected user may do beyond reading, from the engine's catalog (`legacybridge doctor`). */
export interface PrivilegeReport {
  /** The user the server authenticated as. */
  readonly user: string;
  /** The user can insert, update or delete rows, write files, or bypass read-only mode. */
  readonly canWrite: boolean;
  /** The user can create, alter or drop objects, roles or databases. */
  readonly canChangeSchema: boolean;
  readonly findings: readonly PrivilegeFinding[];
}
