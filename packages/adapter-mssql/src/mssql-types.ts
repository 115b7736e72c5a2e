import { createRequire } from 'node:module';
import type { CellValue, LogicalType } from '@legacybridge/core';

/**
 * SQL Server types, from the catalog (`sys.types` names) and from result metadata (tedious type
 * names), to core's logical types and JSON-safe cells.
 *
 * tedious reads `decimal`/`numeric`/`money` into a JavaScript number (a 20-digit decimal loses its
 * last digits) and `datetime2`/`datetimeoffset`/`time` into a `Date` (100 ns precision and the offset
 * are lost). `installExactReaders` wraps tedious's value reader so those types arrive as exact text
 * instead, computed from the same bytes; everything else goes through tedious unchanged.
 */

const LOGICAL: Readonly<Record<string, LogicalType>> = {
  tinyint: 'integer',
  smallint: 'integer',
  int: 'integer',
  bigint: 'bigint',
  decimal: 'decimal',
  numeric: 'decimal',
  money: 'decimal',
  smallmoney: 'decimal',
  float: 'float',
  real: 'float',
  bit: 'boolean',
  char: 'text',
  varchar: 'text',
  text: 'text',
  nchar: 'text',
  nvarchar: 'text',
  ntext: 'text',
  sysname: 'text',
  binary: 'binary',
  varbinary: 'binary',
  image: 'binary',
  timestamp: 'binary',
  rowversion: 'binary',
  date: 'date',
  time: 'time',
  datetime: 'timestamp',
  datetime2: 'timestamp',
  smalldatetime: 'timestamp',
  datetimeoffset: 'timestamptz',
  uniqueidentifier: 'uuid',
  xml: 'xml',
  json: 'json',
  sql_variant: 'other',
  geography: 'other',
  geometry: 'other',
  hierarchyid: 'other',
};

/** The logical type of a SQL Server type name (`nvarchar`, `decimal`, …; alias types by their base). */
export function logicalTypeOf(typeName: string): LogicalType {
  return LOGICAL[typeName.toLowerCase()] ?? 'other';
}

/** The catalog's type fields of one column. */
export interface CatalogType {
  /** `sys.types.name` of the column's type (an alias type's own name). */
  readonly type_name: string;
  /** The system base type of an alias type (`sys.types.system_type_id`'s name). */
  readonly base_type?: string | null | undefined;
  /** `sys.columns.max_length` in bytes; -1 for `(max)`. */
  readonly max_length: number;
  readonly precision: number;
  readonly scale: number;
}

/**
 * The declared type as SQL Server prints it: `nvarchar(100)` (characters, not bytes), `varbinary(max)`,
 * `decimal(12,2)`, `datetime2(7)`; an alias type keeps its own name.
 */
export function nativeTypeOf(c: CatalogType): string {
  const name = c.type_name.toLowerCase();
  if (c.base_type && c.base_type.toLowerCase() !== name) return c.type_name;
  switch (name) {
    case 'varchar':
    case 'char':
    case 'varbinary':
    case 'binary':
      return `${name}(${c.max_length === -1 ? 'max' : c.max_length})`;
    case 'nvarchar':
    case 'nchar':
      return `${name}(${c.max_length === -1 ? 'max' : c.max_length / 2})`;
    case 'decimal':
    case 'numeric':
      return `${name}(${c.precision},${c.scale})`;
    case 'datetime2':
    case 'datetimeoffset':
    case 'time':
      return `${name}(${c.scale})`;
    default:
      return name;
  }
}

/** The logical type of a catalog column (an alias type by its base type). */
export function logicalTypeOfCatalog(c: CatalogType): LogicalType {
  return logicalTypeOf(c.base_type ?? c.type_name);
}

/** What mssql reports about a result column (`request.arrayRowMode` columns). */
export interface ResultColumnMeta {
  readonly name: string;
  /** mssql's type function, whose `declaration` is the SQL type name (`int`, `nvarchar`, …). */
  readonly type?: { readonly declaration?: string } | undefined;
  readonly length?: number | undefined;
  readonly precision?: number | undefined;
  readonly scale?: number | undefined;
  readonly udt?: { readonly name?: string } | undefined;
}

/** The SQL type name of a result column (`udt` names such as `geography` win over `udt`). */
export function resultTypeName(column: ResultColumnMeta): string {
  return (column.udt?.name ?? column.type?.declaration ?? 'unknown').toLowerCase();
}

/** Turns one driver value into a JSON-safe cell, per column. */
export type Normaliser = (value: unknown) => CellValue;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of a UTC date (what tedious builds for `date` with `useUTC`). */
function isoDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** A normaliser for a column of `typeName`. */
export function normaliserFor(typeName: string, options: { maxBinaryBytes: number }): Normaliser {
  const logical = logicalTypeOf(typeName);
  return (value) => {
    if (value === null || value === undefined) return null;
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
      return binaryCell(Buffer.from(value as Uint8Array), options.maxBinaryBytes);
    }
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) return null;
      if (logical === 'date') return isoDate(value);
      // datetime/smalldatetime (and datetime2 if the exact reader is missing): UTC wall time, no zone.
      const iso = value.toISOString();
      return logical === 'timestamptz' ? iso : iso.slice(0, -1);
    }
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number') {
      // Only reached for decimal/money when the exact reader is not installed: say it as text anyway.
      if (logical === 'decimal' || logical === 'bigint') return String(value);
      return Number.isFinite(value) ? value : String(value);
    }
    if (typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'object') {
      // geography/geometry/hierarchyid parsed by mssql: plain objects, kept as JSON.
      try {
        return JSON.parse(JSON.stringify(value)) as CellValue;
      } catch {
        return String(value);
      }
    }
    return String(value);
  };
}

/** `{ $binary, length }`: the first `maxBytes` bytes in base64 and the full length. */
export function binaryCell(buffer: Buffer, maxBytes: number): CellValue {
  if (buffer.length <= maxBytes) return { $binary: buffer.toString('base64'), length: buffer.length };
  return { $binary: buffer.subarray(0, maxBytes).toString('base64'), length: buffer.length, truncated: true };
}

/** The answer size of one cell as the byte cap counts it (binary as its capped base64). */
export function estimateCellBytes(value: unknown, maxBinaryBytes: number): number {
  if (value === null || value === undefined) return 4;
  if (typeof value === 'string') return value.length + 3;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value).length + 1;
  if (typeof value === 'boolean') return 6;
  if (value instanceof Date) return 27;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return Math.ceil(Math.min(value.length, maxBinaryBytes) / 3) * 4 + 32;
  }
  return JSON.stringify(value)?.length ?? 4;
}

// ---------------------------------------------------------------------------------------------------
// Exact readers

/** A tedious value-reader result: the value and the offset after it. */
interface ReadResult {
  value: unknown;
  offset: number;
}

type ReadValue = (buf: Buffer, offset: number, metadata: ReaderMetadata, options: unknown) => ReadResult;

/** The fields of tedious column metadata the exact readers use. */
export interface ReaderMetadata {
  readonly type: { readonly name: string };
  readonly scale?: number | undefined;
}

const INSTALLED = Symbol.for('legacybridge.mssql.exactReaders');

/**
 * Wraps tedious's `readValue` (looked up through mssql, whose tedious it is) so that decimals, money,
 * `datetime2`, `datetimeoffset` and `time` arrive as exact strings. Idempotent.
 * @returns false when tedious's reader module is not where tedious 19 keeps it (values then lose
 * precision as tedious reads them; the adapter logs that once).
 */
export function installExactReaders(): boolean {
  let parser: { readValue: ReadValue; [INSTALLED]?: true };
  try {
    const fromMssql = createRequire(createRequire(import.meta.url).resolve('mssql'));
    parser = fromMssql('tedious/lib/value-parser');
  } catch {
    return false;
  }
  if (parser[INSTALLED]) return true;
  if (typeof parser.readValue !== 'function') return false;
  parser.readValue = exactReader(parser.readValue);
  parser[INSTALLED] = true;
  return true;
}

/**
 * The wrapped reader: tedious reads the value first (so its offset and NULL handling stay
 * authoritative), then the exact text is computed from the bytes it consumed.
 */
export function exactReader(original: ReadValue): ReadValue {
  return (buf, offset, metadata, options) => {
    const result = original(buf, offset, metadata, options);
    if (result.value === null || result.value === undefined) return result;
    const exact = exactText(buf, offset, result.offset, metadata);
    if (exact !== undefined) result.value = exact;
    return result;
  };
}

/** The exact text of the value in `buf[start, end)` (length prefix included), or undefined for other types. */
export function exactText(
  buf: Buffer,
  start: number,
  end: number,
  metadata: ReaderMetadata,
): string | undefined {
  const scale = metadata.scale ?? 0;
  switch (metadata.type.name) {
    case 'DecimalN':
    case 'NumericN': {
      // [length][sign: 1 positive, 0 negative][magnitude, little-endian]
      const negative = buf[start + 1] === 0;
      return withScale(littleEndian(buf, start + 2, end), scale, negative);
    }
    case 'Money':
      return moneyText(buf, end - 8);
    case 'MoneyN':
      return end - start - 1 === 8 ? moneyText(buf, end - 8) : undefined;
    case 'DateTime2': {
      const length = buf[start]!;
      const time = littleEndian(buf, start + 1, start + 1 + length - 3);
      const days = buf.readUIntLE(start + 1 + length - 3, 3);
      return `${dayText(days)}T${timeText(time, scale)}`;
    }
    case 'DateTimeOffset': {
      const length = buf[start]!;
      const time = littleEndian(buf, start + 1, start + 1 + length - 5);
      const days = buf.readUIntLE(start + 1 + length - 5, 3);
      const offsetMinutes = buf.readInt16LE(start + 1 + length - 2);
      return localWithOffset(days, time, scale, offsetMinutes);
    }
    case 'Time': {
      const length = buf[start]!;
      return timeText(littleEndian(buf, start + 1, start + 1 + length), scale);
    }
    default:
      return undefined;
  }
}

function littleEndian(buf: Buffer, from: number, to: number): bigint {
  let n = 0n;
  for (let i = to - 1; i >= from; i--) n = (n << 8n) | BigInt(buf[i]!);
  return n;
}

/** `digits` with a decimal point `scale` places from the right: 1234567, 2 → `12345.67`. */
export function withScale(magnitude: bigint, scale: number, negative: boolean): string {
  let digits = magnitude.toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative && magnitude !== 0n ? `-${digits}` : digits;
}

// money: a signed 64-bit count of ten-thousandths, sent as the high 32 bits then the low 32 bits.
function moneyText(buf: Buffer, at: number): string {
  const high = BigInt(buf.readInt32LE(at));
  const low = BigInt(buf.readUInt32LE(at + 4));
  const value = (high << 32n) + low;
  return withScale(value < 0n ? -value : value, 4, value < 0n);
}

const DAY_MS = 86_400_000;
// Days from 0001-01-01 to 1970-01-01 in the proleptic Gregorian calendar.
const EPOCH_DAYS = 719_162;

function dayText(days: number): string {
  return isoDate(new Date((days - EPOCH_DAYS) * DAY_MS));
}

/** `HH:MM:SS[.fffffff]` from a count of 10^-scale seconds since midnight. */
export function timeText(units: bigint, scale: number): string {
  const per = 10n ** BigInt(scale);
  const seconds = Number(units / per);
  const fraction = units % per;
  const hms = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return scale > 0 ? `${hms}.${fraction.toString().padStart(scale, '0')}` : hms;
}

// datetimeoffset is stored in UTC; it is shown as the wall time at its offset, with the offset.
function localWithOffset(days: number, units: bigint, scale: number, offsetMinutes: number): string {
  const per = 10n ** BigInt(scale);
  const utcSeconds = Number(units / per);
  const fraction = units % per;
  const localMs = (days - EPOCH_DAYS) * DAY_MS + (utcSeconds + offsetMinutes * 60) * 1000;
  const local = new Date(localMs);
  const seconds = local.getUTCHours() * 3600 + local.getUTCMinutes() * 60 + local.getUTCSeconds();
  const time = timeText(BigInt(seconds) * per + fraction, scale);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${isoDate(local)}T${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
