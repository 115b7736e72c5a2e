import type { CellValue, LogicalType, ResultColumn } from '@legacybridge/core';

/**
 * MySQL / MariaDB types. Two views of the same column: the catalog's `COLUMN_TYPE` text
 * (`int(10) unsigned`, `decimal(12,2)`, `enum('a','b')`) and a result set's wire metadata (a type
 * code, flags, a charset and MariaDB's extended type name). Both map to the same logical types.
 *
 * Values arrive from mysql2 with `supportBigNumbers`, `bigNumberStrings` and `dateStrings` on, so
 * BIGINT and DECIMAL are already exact strings and temporal values are the server's own text, which
 * we only reshape into ISO 8601 (never through a JS Date, which would lose microseconds and shift zones).
 */

/**
 * The logical type of a catalog column from `information_schema.COLUMNS`.
 * @param dataType `DATA_TYPE` (`int`, `varchar`…); `columnType` the full `COLUMN_TYPE`;
 * `isJson` true when MariaDB's JSON alias shows as a `json_valid` check on a longtext.
 */
export function logicalTypeOfColumn(dataType: string, columnType: string, isJson = false): LogicalType {
  // A legacy schema repeats a few dozen types across tens of thousands of columns.
  const key = `${isJson ? 'j' : ''}${columnType}`;
  let known = columnTypeCache.get(key);
  if (known === undefined) {
    known = classifyColumn(dataType, columnType, isJson);
    if (columnTypeCache.size > 2_000) columnTypeCache.clear();
    columnTypeCache.set(key, known);
  }
  return known;
}

const columnTypeCache = new Map<string, LogicalType>();

function classifyColumn(dataType: string, columnType: string, isJson: boolean): LogicalType {
  const t = dataType.toLowerCase();
  const full = columnType.toLowerCase();
  if (isJson || t === 'json') return 'json';
  switch (t) {
    case 'tinyint':
      // BOOLEAN is an alias of TINYINT(1); the display width survives only for it since MySQL 8.0.19.
      return /^tinyint\(1\)/.test(full) ? 'boolean' : 'integer';
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'integer':
    case 'year':
      return 'integer';
    case 'bigint':
      return 'bigint';
    case 'decimal':
    case 'numeric':
    case 'fixed':
      return 'decimal';
    case 'float':
    case 'double':
    case 'real':
    case 'double precision':
      return 'float';
    case 'bit':
      return /^bit\(1\)/.test(full) ? 'boolean' : 'binary';
    case 'char':
    case 'varchar':
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'inet4':
    case 'inet6':
      return 'text';
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return 'binary';
    case 'date':
      return 'date';
    case 'datetime':
      return 'timestamp';
    case 'timestamp':
      return 'timestamptz';
    case 'time':
      return 'time';
    case 'enum':
      return 'enum';
    case 'uuid':
      return 'uuid';
    default:
      // set (several enum values), geometry types, vector …
      return 'other';
  }
}

/** The slice of mysql2's column definition packet the adapter reads. */
export interface MysqlFieldInfo {
  readonly name: string;
  readonly columnType: number;
  readonly flags: number;
  readonly characterSet: number;
  readonly columnLength: number;
  readonly decimals?: number | undefined;
  /** MariaDB extended metadata: `uuid`, `inet6`, `point` … */
  readonly extendedTypeName?: string | undefined;
  /** MariaDB extended metadata: `json` for its JSON alias. */
  readonly extendedFormat?: string | undefined;
}

/** Protocol type codes (include/mysql_com.h `enum_field_types`). */
export const FIELD_TYPE = {
  DECIMAL: 0x00,
  TINY: 0x01,
  SHORT: 0x02,
  LONG: 0x03,
  FLOAT: 0x04,
  DOUBLE: 0x05,
  NULL: 0x06,
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
  INT24: 0x09,
  DATE: 0x0a,
  TIME: 0x0b,
  DATETIME: 0x0c,
  YEAR: 0x0d,
  NEWDATE: 0x0e,
  VARCHAR: 0x0f,
  BIT: 0x10,
  VECTOR: 0xf2,
  JSON: 0xf5,
  NEWDECIMAL: 0xf6,
  ENUM: 0xf7,
  SET: 0xf8,
  TINY_BLOB: 0xf9,
  MEDIUM_BLOB: 0xfa,
  LONG_BLOB: 0xfb,
  BLOB: 0xfc,
  VAR_STRING: 0xfd,
  STRING: 0xfe,
  GEOMETRY: 0xff,
} as const;

const FLAG_UNSIGNED = 32;
const FLAG_ENUM = 256;
const FLAG_SET = 2048;
/** Charset number 63 is `binary`: the bytes are not text. */
const BINARY_CHARSET = 63;

const NATIVE_NAMES: Record<number, string> = {
  [FIELD_TYPE.DECIMAL]: 'decimal',
  [FIELD_TYPE.NEWDECIMAL]: 'decimal',
  [FIELD_TYPE.TINY]: 'tinyint',
  [FIELD_TYPE.SHORT]: 'smallint',
  [FIELD_TYPE.INT24]: 'mediumint',
  [FIELD_TYPE.LONG]: 'int',
  [FIELD_TYPE.LONGLONG]: 'bigint',
  [FIELD_TYPE.FLOAT]: 'float',
  [FIELD_TYPE.DOUBLE]: 'double',
  [FIELD_TYPE.NULL]: 'null',
  [FIELD_TYPE.TIMESTAMP]: 'timestamp',
  [FIELD_TYPE.DATE]: 'date',
  [FIELD_TYPE.NEWDATE]: 'date',
  [FIELD_TYPE.TIME]: 'time',
  [FIELD_TYPE.DATETIME]: 'datetime',
  [FIELD_TYPE.YEAR]: 'year',
  [FIELD_TYPE.BIT]: 'bit',
  [FIELD_TYPE.VECTOR]: 'vector',
  [FIELD_TYPE.JSON]: 'json',
  [FIELD_TYPE.ENUM]: 'enum',
  [FIELD_TYPE.SET]: 'set',
  [FIELD_TYPE.GEOMETRY]: 'geometry',
};

function isTextual(type: number): boolean {
  return (
    type === FIELD_TYPE.VARCHAR ||
    type === FIELD_TYPE.VAR_STRING ||
    type === FIELD_TYPE.STRING ||
    type === FIELD_TYPE.TINY_BLOB ||
    type === FIELD_TYPE.MEDIUM_BLOB ||
    type === FIELD_TYPE.LONG_BLOB ||
    type === FIELD_TYPE.BLOB
  );
}

/** The native type name of a result column as far as the wire tells it (no lengths: the protocol has none reliable). */
export function nativeTypeOfField(field: MysqlFieldInfo): string {
  if (field.extendedFormat === 'json') return 'json';
  if (field.extendedTypeName) return field.extendedTypeName;
  const type = field.columnType;
  if (isTextual(type)) {
    if (field.flags & FLAG_ENUM) return 'enum';
    if (field.flags & FLAG_SET) return 'set';
    const binary = field.characterSet === BINARY_CHARSET;
    const blob = type !== FIELD_TYPE.VARCHAR && type !== FIELD_TYPE.VAR_STRING && type !== FIELD_TYPE.STRING;
    if (blob) return binary ? 'blob' : 'text';
    if (type === FIELD_TYPE.STRING) return binary ? 'binary' : 'char';
    return binary ? 'varbinary' : 'varchar';
  }
  const name = NATIVE_NAMES[type] ?? `type ${type}`;
  const unsigned = field.flags & FLAG_UNSIGNED && /int|decimal|float|double/.test(name) ? ' unsigned' : '';
  return `${name}${unsigned}`;
}

/** The logical type of a result column from its wire metadata. */
export function logicalTypeOfField(field: MysqlFieldInfo): LogicalType {
  if (field.extendedFormat === 'json') return 'json';
  if (field.extendedTypeName === 'uuid') return 'uuid';
  if (field.extendedTypeName === 'inet4' || field.extendedTypeName === 'inet6') return 'text';
  const type = field.columnType;
  if (isTextual(type)) {
    if (field.flags & FLAG_ENUM) return 'enum';
    if (field.flags & FLAG_SET) return 'other';
    return field.characterSet === BINARY_CHARSET ? 'binary' : 'text';
  }
  switch (type) {
    case FIELD_TYPE.TINY:
      return field.columnLength === 1 ? 'boolean' : 'integer';
    case FIELD_TYPE.SHORT:
    case FIELD_TYPE.INT24:
    case FIELD_TYPE.LONG:
    case FIELD_TYPE.YEAR:
      return 'integer';
    case FIELD_TYPE.LONGLONG:
      return 'bigint';
    case FIELD_TYPE.DECIMAL:
    case FIELD_TYPE.NEWDECIMAL:
      return 'decimal';
    case FIELD_TYPE.FLOAT:
    case FIELD_TYPE.DOUBLE:
      return 'float';
    case FIELD_TYPE.BIT:
      return field.columnLength === 1 ? 'boolean' : 'binary';
    case FIELD_TYPE.DATE:
    case FIELD_TYPE.NEWDATE:
      return 'date';
    case FIELD_TYPE.DATETIME:
      return 'timestamp';
    case FIELD_TYPE.TIMESTAMP:
      return 'timestamptz';
    case FIELD_TYPE.TIME:
      return 'time';
    case FIELD_TYPE.JSON:
      return 'json';
    default:
      return 'other';
  }
}

/** Result column descriptors for a result set. */
export function resultColumns(fields: readonly MysqlFieldInfo[]): ResultColumn[] {
  return fields.map((f) => ({
    name: f.name,
    nativeType: nativeTypeOfField(f),
    logicalType: logicalTypeOfField(f),
  }));
}

/**
 * Turns one value read by mysql2 into a JSON-safe CellValue for its column:
 * BIGINT/DECIMAL stay exact strings; DATETIME becomes `YYYY-MM-DDTHH:MM:SS[.ffffff]` (it has no zone);
 * TIMESTAMP the same with `Z` (the session runs in UTC); BIT(1) a boolean, wider BIT and binary strings
 * `{ $binary, length }` capped at `maxBinaryBytes`; JSON stays parsed JSON; geometry stays mysql2's
 * GeoJSON-like objects.
 */
export function normaliseCell(value: unknown, field: MysqlFieldInfo, maxBinaryBytes: number): CellValue {
  if (value === null || value === undefined) return null;
  switch (field.columnType) {
    case FIELD_TYPE.DATETIME:
      return typeof value === 'string' ? isoDateTime(value, false) : String(value);
    case FIELD_TYPE.TIMESTAMP:
      return typeof value === 'string' ? isoDateTime(value, true) : String(value);
    case FIELD_TYPE.BIT:
      if (Buffer.isBuffer(value) && field.columnLength === 1) return value[0] === 1;
      break;
    default:
      break;
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Buffer.isBuffer(value)) return binaryCell(value, maxBinaryBytes);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'object') return value as CellValue;
  return String(value);
}

/**
 * `2003-04-05 06:07:08.123456` → `2003-04-05T06:07:08.123456` (+ `Z` for TIMESTAMP). Zero dates
 * (`0000-00-00 00:00:00`, legal in legacy MySQL) are not real instants: they pass through unchanged.
 */
export function isoDateTime(text: string, utc: boolean): string {
  if (text.startsWith('0000-00-00')) return text;
  const iso = text.replace(' ', 'T');
  return utc ? `${iso}Z` : iso;
}

function binaryCell(bytes: Buffer, maxBinaryBytes: number): CellValue {
  const kept = bytes.subarray(0, Math.min(bytes.length, maxBinaryBytes));
  const base64 = kept.toString('base64');
  return kept.length < bytes.length
    ? { $binary: base64, length: bytes.length, truncated: true }
    : { $binary: base64, length: bytes.length };
}
