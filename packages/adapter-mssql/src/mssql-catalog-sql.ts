/**
 * The catalog statements, each one round trip over `sys.*` whatever the schema size: a batch may
 * return several result sets (describeTable's four), never one query per table. Every statement
 * sees only what the login may see (SQL Server's metadata visibility filters `sys.*`). Parameters
 * travel as typed `sp_executesql` parameters, never spliced into the text.
 */

/** A catalog statement and its parameters (all nvarchar). */
export interface CatalogQuery {
  readonly text: string;
  readonly params: Readonly<Record<string, string | null>>;
}

/** One row of `SERVER_INFO_SQL`. */
export interface ServerInfoRow {
  version: string | null;
  version_text: string | null;
  edition: string | null;
  login: string | null;
  db_user: string | null;
  database: string | null;
}

export const SERVER_INFO_SQL = `SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS version,
       @@VERSION AS version_text,
       CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) AS edition,
       SUSER_SNAME() AS login,
       USER_NAME() AS db_user,
       DB_NAME() AS [database]`;

// Row estimates: sys.dm_db_partition_stats needs VIEW DATABASE STATE; sys.partitions (the same
// counts, maintained by the storage engine) needs only metadata visibility. The IF picks the DMV when
// allowed, so a least-privilege reader still gets estimates and never error 300.
const rowCounts = (source: 'dm' | 'partitions') =>
  source === 'dm'
    ? `SELECT object_id, SUM(row_count) AS row_count FROM sys.dm_db_partition_stats
        WHERE index_id IN (0, 1) GROUP BY object_id`
    : `SELECT object_id, SUM(rows) AS row_count FROM sys.partitions
        WHERE index_id IN (0, 1) GROUP BY object_id`;

/** One row of the table listing. */
export interface TableRow {
  schema_name: string;
  table_name: string;
  /** `U` user table, `V` view. */
  kind: string;
  row_estimate: number | string | null;
  comment: string | null;
}

const tableSelect = (source: 'dm' | 'partitions', where: string) => `SELECT s.name AS schema_name,
       o.name AS table_name,
       RTRIM(o.type) AS kind,
       rc.row_count AS row_estimate,
       CAST(ep.value AS nvarchar(4000)) AS comment
  FROM sys.objects o
  JOIN sys.schemas s ON s.schema_id = o.schema_id
  LEFT JOIN (${rowCounts(source)}) rc ON rc.object_id = o.object_id AND o.type = 'U'
  LEFT JOIN sys.extended_properties ep
    ON ep.class = 1 AND ep.major_id = o.object_id AND ep.minor_id = 0 AND ep.name = N'MS_Description'
 WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0 ${where}
 ORDER BY s.name, o.name`;

const withRowCounts = (
  where: string,
) => `IF HAS_PERMS_BY_NAME(DB_NAME(), 'DATABASE', 'VIEW DATABASE STATE') = 1
BEGIN
${tableSelect('dm', where)};
END
ELSE
BEGIN
${tableSelect('partitions', where)};
END`;

/** Every user table and view, optionally of one schema. */
export function listTablesQuery(schema: string | undefined): CatalogQuery {
  return {
    text: `SET NOCOUNT ON;\n${withRowCounts('AND (@schema IS NULL OR s.name = @schema)')}`,
    params: { schema: schema ?? null },
  };
}

/** One row of the column listing (and of describeTable's columns). */
export interface ColumnRow {
  schema_name: string;
  table_name: string;
  column_name: string;
  ordinal: number;
  type_name: string;
  base_type: string | null;
  max_length: number;
  precision: number;
  scale: number;
  is_nullable: boolean;
  default_definition: string | null;
  is_identity: boolean;
  is_computed: boolean;
  comment: string | null;
}

const columnSelect = (where: string) => `SELECT s.name AS schema_name,
       o.name AS table_name,
       c.name AS column_name,
       c.column_id AS ordinal,
       t.name AS type_name,
       bt.name AS base_type,
       c.max_length,
       c.precision,
       c.scale,
       c.is_nullable,
       dc.definition AS default_definition,
       c.is_identity,
       c.is_computed,
       CAST(ep.value AS nvarchar(4000)) AS comment
  FROM sys.columns c
  JOIN sys.objects o ON o.object_id = c.object_id
  JOIN sys.schemas s ON s.schema_id = o.schema_id
  JOIN sys.types t ON t.user_type_id = c.user_type_id
  LEFT JOIN sys.types bt ON bt.user_type_id = c.system_type_id
  LEFT JOIN sys.default_constraints dc ON dc.object_id = c.default_object_id
  LEFT JOIN sys.extended_properties ep
    ON ep.class = 1 AND ep.major_id = c.object_id AND ep.minor_id = c.column_id AND ep.name = N'MS_Description'
 WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0 ${where}
 ORDER BY s.name, o.name, c.column_id`;

/** Every column of every user table and view, optionally of one schema. */
export function listColumnsQuery(schema: string | undefined): CatalogQuery {
  return {
    text: columnSelect('AND (@schema IS NULL OR s.name = @schema)'),
    params: { schema: schema ?? null },
  };
}

/** One row of describeTable's index result set: one per key column, in key order. */
export interface IndexRow {
  index_name: string;
  is_unique: boolean;
  is_primary_key: boolean;
  key_ordinal: number;
  column_name: string;
}

/** One row of describeTable's foreign-key result set: one per column pair, in key order. */
export interface ForeignKeyRow {
  constraint_name: string;
  schema_name: string;
  table_name: string;
  column_name: string;
  referenced_schema: string;
  referenced_table: string;
  referenced_column: string;
  position: number;
}

/**
 * Four result sets in one batch for one table or view: the table row, its columns, its indexes
 * (primary key included) and the foreign keys declared on it or pointing at it. The schema defaults
 * to the user's default schema (`SCHEMA_NAME()`), as an unqualified name resolves.
 */
export function describeTableQuery(schema: string | undefined, name: string): CatalogQuery {
  const resolve = `DECLARE @id int = (
  SELECT TOP (1) o.object_id FROM sys.objects o JOIN sys.schemas s ON s.schema_id = o.schema_id
   WHERE o.type IN ('U', 'V') AND o.name = @name AND s.name = COALESCE(@schema, SCHEMA_NAME()));`;
  return {
    text: `SET NOCOUNT ON;
${resolve}
${withRowCounts('AND o.object_id = @id')};
${columnSelect('AND o.object_id = @id')};
SELECT i.name AS index_name, i.is_unique, i.is_primary_key, ic.key_ordinal, c.name AS column_name
  FROM sys.indexes i
  JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
  JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
 WHERE i.object_id = @id AND i.type > 0 AND ic.key_ordinal > 0 AND i.is_hypothetical = 0
 ORDER BY i.is_primary_key DESC, i.name, ic.key_ordinal;
SELECT fk.name AS constraint_name,
       ps.name AS schema_name, po.name AS table_name, pc.name AS column_name,
       rs.name AS referenced_schema, ro.name AS referenced_table, rc.name AS referenced_column,
       fkc.constraint_column_id AS position
  FROM sys.foreign_keys fk
  JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
  JOIN sys.objects po ON po.object_id = fk.parent_object_id
  JOIN sys.schemas ps ON ps.schema_id = po.schema_id
  JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
  JOIN sys.objects ro ON ro.object_id = fk.referenced_object_id
  JOIN sys.schemas rs ON rs.schema_id = ro.schema_id
  JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
 WHERE fk.parent_object_id = @id OR fk.referenced_object_id = @id
 ORDER BY fk.name, ps.name, po.name, fkc.constraint_column_id;`,
    params: { schema: schema ?? null, name },
  };
}

/** One row of listKeysQuery's first result set: a primary-key column, in key order. */
export interface PrimaryKeyRow {
  schema_name: string;
  table_name: string;
  column_name: string;
  key_ordinal: number;
}

/**
 * Every primary key and declared foreign key of the user tables, optionally of one schema: two result
 * sets in one batch (primary-key columns; foreign-key column pairs, as describeTable's), whatever the
 * schema's size. For relationship inference and join paths.
 */
export function listKeysQuery(schema: string | undefined): CatalogQuery {
  return {
    text: `SET NOCOUNT ON;
SELECT s.name AS schema_name, o.name AS table_name, c.name AS column_name, ic.key_ordinal
  FROM sys.indexes i
  JOIN sys.objects o ON o.object_id = i.object_id
  JOIN sys.schemas s ON s.schema_id = o.schema_id
  JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
  JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
 WHERE i.is_primary_key = 1 AND ic.key_ordinal > 0 AND o.type = 'U' AND o.is_ms_shipped = 0
   AND (@schema IS NULL OR s.name = @schema)
 ORDER BY s.name, o.name, ic.key_ordinal;
SELECT fk.name AS constraint_name,
       ps.name AS schema_name, po.name AS table_name, pc.name AS column_name,
       rs.name AS referenced_schema, ro.name AS referenced_table, rc.name AS referenced_column,
       fkc.constraint_column_id AS position
  FROM sys.foreign_keys fk
  JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
  JOIN sys.objects po ON po.object_id = fk.parent_object_id
  JOIN sys.schemas ps ON ps.schema_id = po.schema_id
  JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
  JOIN sys.objects ro ON ro.object_id = fk.referenced_object_id
  JOIN sys.schemas rs ON rs.schema_id = ro.schema_id
  JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
 WHERE po.is_ms_shipped = 0 AND (@schema IS NULL OR ps.name = @schema)
 ORDER BY ps.name, po.name, fk.name, fkc.constraint_column_id;`,
    params: { schema: schema ?? null },
  };
}

/** The membership flags of `AUDIT_PRIVILEGES_SQL`'s first result set (1, 0, or NULL when unknown). */
export const SERVER_ROLES = [
  'sysadmin',
  'serveradmin',
  'securityadmin',
  'setupadmin',
  'processadmin',
  'diskadmin',
  'dbcreator',
  'bulkadmin',
] as const;
export const DATABASE_ROLES = [
  'db_owner',
  'db_datawriter',
  'db_ddladmin',
  'db_securityadmin',
  'db_accessadmin',
  'db_backupoperator',
  'db_denydatawriter',
] as const;

/** The first result set of the audit: who, and which fixed roles. */
export type AuditRolesRow = {
  login: string | null;
  db_user: string | null;
  database: string | null;
} & Record<(typeof SERVER_ROLES)[number] | (typeof DATABASE_ROLES)[number], number | null>;

/** The second result set: effective database-level permissions (`fn_my_permissions`). */
export interface AuditDatabasePermissionRow {
  permission_name: string;
}

/** The third: GRANTs on schemas and objects to the user or a role it is in. */
export interface AuditGrantRow {
  permission_name: string;
  state: string;
  class_desc: string;
  object_name: string | null;
  grantee: string;
}

/**
 * Three result sets: fixed-role memberships, effective database permissions, and object/schema
 * GRANTs to the user or any role it belongs to (`IS_MEMBER`, which also sees Windows groups).
 * Read-only permissions (SELECT, VIEW …) are left out in SQL, so the answer stays small.
 */
export const AUDIT_PRIVILEGES_SQL = `SET NOCOUNT ON;
SELECT SUSER_SNAME() AS login, USER_NAME() AS db_user, DB_NAME() AS [database],
${SERVER_ROLES.map((r) => `       IS_SRVROLEMEMBER('${r}') AS ${r}`).join(',\n')},
${DATABASE_ROLES.map((r) => `       IS_ROLEMEMBER('${r}') AS ${r}`).join(',\n')};
SELECT permission_name FROM fn_my_permissions(NULL, 'DATABASE')
 WHERE permission_name NOT IN ('CONNECT', 'SELECT', 'SHOWPLAN', 'VIEW DEFINITION', 'VIEW DATABASE STATE',
   'VIEW DATABASE PERFORMANCE STATE', 'VIEW SECURITY DEFINITION', 'VIEW PERFORMANCE DEFINITION',
   'VIEW ANY COLUMN ENCRYPTION KEY DEFINITION', 'VIEW ANY COLUMN MASTER KEY DEFINITION', 'REFERENCES',
   'VIEW CRYPTOGRAPHICALLY SECURED DEFINITION', 'VIEW DATABASE SECURITY STATE', 'VIEW DATABASE SECURITY AUDIT')
 ORDER BY permission_name;
SELECT dp.permission_name, dp.state, dp.class_desc,
       CASE dp.class WHEN 1 THEN QUOTENAME(OBJECT_SCHEMA_NAME(dp.major_id)) + '.' + QUOTENAME(OBJECT_NAME(dp.major_id))
                     WHEN 3 THEN QUOTENAME(SCHEMA_NAME(dp.major_id)) END AS object_name,
       pr.name AS grantee
  FROM sys.database_permissions dp
  JOIN sys.database_principals pr ON pr.principal_id = dp.grantee_principal_id
 WHERE dp.state IN ('G', 'W') AND dp.class IN (1, 3)
   AND dp.permission_name NOT IN ('SELECT', 'VIEW DEFINITION', 'REFERENCES', 'VIEW CHANGE TRACKING')
   AND (pr.principal_id = DATABASE_PRINCIPAL_ID() OR IS_MEMBER(pr.name) = 1)
 ORDER BY dp.permission_name, object_name;`;

/**
 * A cheap fingerprint of the catalog: the count of user objects and the latest `modify_date`
 * (which CREATE, ALTER and most DDL update). A DROP lowers the count; a rename updates modify_date.
 */
export const CATALOG_FINGERPRINT_SQL = `SELECT CONCAT(COUNT(*), ':', CONVERT(varchar(27), MAX(modify_date), 126), ':',
       SUM(CAST(object_id AS bigint) % 1000003)) AS fingerprint
  FROM sys.objects WHERE is_ms_shipped = 0 AND type IN ('U', 'V')`;
