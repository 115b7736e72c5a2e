import type { CellValue, LogicalType } from '@legacybridge/core';
import pg from 'pg';

/**
 * PostgreSQL types → core's LogicalType, and text-format values → JSON-safe CellValues without loss.
 * The session asks pg for every value as the server's text (no pg-types parsing: that turns int8
 * arrays into numbers in some versions, timestamps into local-time Dates, and drops microseconds),
 * and fixes the server's output formats at connection start: DateStyle ISO, IntervalStyle iso_8601,
 * TimeZone UTC, bytea_output hex (see postgres-session.ts).
 */

/** What the adapter knows about one type OID. */
export interface PgTypeInfo {
  /** The type name as `format_type` prints it, e.g. `timestamp with time zone`, `integer[]`. */
  readonly name: string;
  readonly logical: LogicalType;
  /** For arrays: the element type's OID. */
  readonly elementOid?: number | undefined;
}

type Scalar = readonly [oid: number, arrayOid: number, name: string, logical: LogicalType];

// From pg_type (PostgreSQL 9.x–17 share these OIDs; they are fixed in pg_type.dat).
const SCALARS: readonly Scalar[] = [
  [16, 1000, 'boolean', 'boolean'],
  [17, 1001, 'bytea', 'binary'],
  [18, 1002, '"char"', 'text'],
  [19, 1003, 'name', 'text'],
  [20, 1016, 'bigint', 'bigint'],
  [21, 1005, 'smallint', 'integer'],
  [23, 1007, 'integer', 'integer'],
  [25, 1009, 'text', 'text'],
  [26, 1028, 'oid', 'bigint'],
  [114, 199, 'json', 'json'],
  [142, 143, 'xml', 'xml'],
  [700, 1021, 'real', 'float'],
  [701, 1022, 'double precision', 'float'],
  [790, 791, 'money', 'decimal'],
  [1042, 1014, 'character', 'text'],
  [1043, 1015, 'character varying', 'text'],
  [1082, 1182, 'date', 'date'],
  [1083, 1183, 'time without time zone', 'time'],
  [1114, 1115, 'timestamp without time zone', 'timestamp'],
  [1184, 1185, 'timestamp with time zone', 'timestamptz'],
  [1186, 1187, 'interval', 'interval'],
  [1266, 1270, 'time with time zone', 'time'],
  [1700, 1231, 'numeric', 'decimal'],
  [2950, 2951, 'uuid', 'uuid'],
  [3802, 3807, 'jsonb', 'json'],
  [650, 651, 'cidr', 'text'],
  [869, 1041, 'inet', 'text'],
  [829, 1040, 'macaddr', 'text'],
  [1560, 1561, 'bit', 'text'],
  [1562, 1563, 'bit varying', 'text'],
  [2205, 2210, 'regclass', 'text'],
  [3614, 3643, 'tsvector', 'text'],
];

/** Built-in types by OID, arrays included. Other OIDs (enums, extensions, ranges) are looked up once. */
export const BUILTIN_TYPES: ReadonlyMap<number, PgTypeInfo> = new Map(
  SCALARS.flatMap(([oid, arrayOid, name, logical]) => [
    [oid, { name, logical }],
    [arrayOid, { name: `${name}[]`, logical: 'array' as const, elementOid: oid }],
  ]),
);

const BY_NAME: ReadonlyMap<string, LogicalType> = new Map([
  ...SCALARS.map(([, , name, logical]) => [name, logical] as const),
  ['int2', 'integer'],
  ['int4', 'integer'],
  ['int8', 'bigint'],
  ['float4', 'float'],
  ['float8', 'float'],
  ['bool', 'boolean'],
  ['varchar', 'text'],
  ['bpchar', 'text'],
  ['char', 'text'],
  ['citext', 'text'],
  ['timestamptz', 'timestamptz'],
  ['timetz', 'time'],
  ['time', 'time'],
  ['timestamp', 'timestamp'],
  ['serial', 'integer'],
  ['bigserial', 'bigint'],
]);

/** The catalog's view of a type: what `pg_type` says about a column's (base) type. */
export interface CatalogType {
  /** `pg_type.typname` of the column's base type (domains resolved). */
  readonly typname: string;
  /** `pg_type.typtype`: b base, e enum, d domain, c composite, r range, m multirange, p pseudo. */
  readonly typtype: string;
  /** `pg_type.typcategory`: A array, N numeric, S string … */
  readonly typcategory: string;
}

/** The logical type of a catalog column from its (domain-resolved) base type. */
export function logicalTypeOfCatalog(type: CatalogType): LogicalType {
  if (type.typcategory === 'A') return 'array';
  if (type.typtype === 'e') return 'enum';
  return BY_NAME.get(type.typname) ?? 'other';
}

/** Turns a type the catalog described (an OID outside BUILTIN_TYPES) into type info. */
export function typeInfoFromCatalog(row: {
  name: string;
  typtype: string;
  typcategory: string;
  typname: string;
  elementOid: number;
}): PgTypeInfo {
  if (row.typcategory === 'A' && row.elementOid !== 0) {
    return { name: row.name, logical: 'array', elementOid: row.elementOid };
  }
  return { name: row.name, logical: logicalTypeOfCatalog(row) };
}

/** Limits applied while normalising. */
export interface NormaliseOptions {
  /** Bytes of a bytea value kept; longer values are cut and marked `truncated`. */
  readonly maxBinaryBytes: number;
}

/** Turns one raw text value (or null) of a column into a CellValue. */
export type Normaliser = (raw: string | null) => CellValue;

const parseTextArray = pg.types.getTypeParser(1009 as never, 'text') as (value: string) => unknown;

/**
 * The normaliser for values of `oid`, given a way to look types up. 64-bit integers, numeric and money
 * stay exact strings; dates and times become ISO 8601 (`T` separator, `±HH:MM` zone); intervals come
 * as ISO 8601 durations; bytea as `{ $binary, length }`; json/jsonb parsed; arrays element by element.
 * @returns a function that never throws: malformed text comes back as the raw string.
 */
export function normaliserFor(
  oid: number,
  lookup: (oid: number) => PgTypeInfo | undefined,
  options: NormaliseOptions,
): Normaliser {
  const info = lookup(oid);
  if (info?.logical === 'array' && info.elementOid !== undefined) {
    const element = normaliserFor(info.elementOid, lookup, options);
    return (raw) => (raw === null ? null : mapNested(parseTextArray(raw), element));
  }
  const scalar = scalarNormaliser(oid, info?.logical ?? 'other', options);
  return (raw) => (raw === null ? null : scalar(raw));
}

function mapNested(value: unknown, element: Normaliser): CellValue {
  if (Array.isArray(value)) return value.map((v) => mapNested(v, element));
  return element(value as string | null);
}

function scalarNormaliser(
  oid: number,
  logical: LogicalType,
  options: NormaliseOptions,
): (raw: string) => CellValue {
  switch (logical) {
    case 'boolean':
      return (raw) => raw === 't' || raw === 'true';
    case 'integer':
      return (raw) => {
        const n = Number(raw);
        return Number.isSafeInteger(n) ? n : raw;
      };
    case 'float':
      // NaN and ±Infinity have no JSON number: keep PostgreSQL's spelling.
      return (raw) => {
        const n = Number(raw);
        return Number.isFinite(n) ? n : raw;
      };
    case 'json':
      return (raw) => {
        try {
          return JSON.parse(raw) as CellValue;
        } catch {
          return raw;
        }
      };
    case 'binary':
      return (raw) => byteaToCell(raw, options.maxBinaryBytes);
    case 'timestamp':
    case 'timestamptz':
      return isoTimestamp;
    case 'time':
      return oid === 1266 ? isoTime : (raw) => raw;
    default:
      // bigint, decimal, text, uuid, enum, date (already ISO with DateStyle ISO), interval (iso_8601), other.
      return (raw) => raw;
  }
}

/** `\x0a0b…` (bytea_output hex) → `{ $binary: base64, length, truncated? }`, keeping at most `maxBytes`. */
export function byteaToCell(raw: string, maxBytes: number): CellValue {
  if (!raw.startsWith('\\x')) return raw;
  const length = (raw.length - 2) / 2;
  const kept = Math.min(length, maxBytes);
  const base64 = Buffer.from(raw.slice(2, 2 + kept * 2), 'hex').toString('base64');
  return kept < length ? { $binary: base64, length, truncated: true } : { $binary: base64, length };
}

// `2024-01-02 03:04:05.123456+05:30` → `2024-01-02T03:04:05.123456+05:30`; `+00` → `+00:00`.
// `infinity` and BC dates have no ISO 8601 form JSON users agree on: they pass through unchanged.
const TIMESTAMP = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}(?::?\d{2}){0,2})?$/;

/** A PostgreSQL ISO-style timestamp as ISO 8601 (`T` separator, zone as `±HH:MM` when present). */
export function isoTimestamp(raw: string): string {
  const m = TIMESTAMP.exec(raw);
  if (!m) return raw;
  return `${m[1]}T${m[2]}${m[3] === undefined ? '' : isoOffset(m[3])}`;
}

/** A `time with time zone` value with its zone as `±HH:MM`. */
export function isoTime(raw: string): string {
  const m = /^(\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}(?::?\d{2}){0,2})$/.exec(raw);
  return m ? `${m[1]}${isoOffset(m[2]!)}` : raw;
}

function isoOffset(offset: string): string {
  const [sign, rest] = [offset[0], offset.slice(1).replace(/:/g, '')];
  const hh = rest.slice(0, 2);
  const mm = rest.slice(2, 4) || '00';
  const ss = rest.slice(4, 6);
  return `${sign}${hh}:${mm}${ss ? `:${ss}` : ''}`;
}

/**
 * About how many bytes a raw text value adds to the serialised result: its text plus quoting, with
 * bytea counted as the capped base64 it becomes. Cheap on purpose: it runs on every cell while reading.
 */
export function estimateCellBytes(raw: string | null, maxBinaryBytes: number, binary: boolean): number {
  if (raw === null) return 5;
  if (binary) return Math.ceil((Math.min((raw.length - 2) / 2, maxBinaryBytes) * 4) / 3) + 32;
  return raw.length + 3;
}
