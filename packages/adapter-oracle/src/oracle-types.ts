import type { CellValue, LogicalType } from '@legacybridge/core';

/**
 * Oracle types → core's LogicalType, and fetched values → JSON-safe CellValues without loss.
 *
 * The session fixes the formats the server converts to (oracle-session.ts: NLS_DATE_FORMAT,
 * NLS_TIMESTAMP[_TZ]_FORMAT in ISO 8601, TIME_ZONE +00:00, NLS_NUMERIC_CHARACTERS '.,') and the
 * fetch type handler (oracle-session.ts) asks for NUMBER, DATE and TIMESTAMP* as strings, so
 * nothing passes through a JavaScript Date (local time zone, milliseconds only) or a double (15
 * significant digits). INTERVALs come as node-oracledb's interval objects; LOBs as Lob objects, read
 * up to a cap.
 */

/** What the catalog says about a column (ALL_TAB_COLUMNS). */
export interface CatalogColumnType {
  /** `DATA_TYPE`, e.g. `NUMBER`, `VARCHAR2`, `TIMESTAMP(6) WITH TIME ZONE`, `INTERVAL DAY(2) TO SECOND(6)`. */
  readonly data_type: string;
  /** `DATA_TYPE_OWNER` for object types (null for built-ins). */
  readonly data_type_owner?: string | null | undefined;
  readonly data_length?: number | null | undefined;
  readonly char_length?: number | null | undefined;
  /** `B` (bytes) or `C` (characters) for character columns. */
  readonly char_used?: string | null | undefined;
  readonly data_precision?: number | null | undefined;
  readonly data_scale?: number | null | undefined;
}

/**
 * The logical type of a NUMBER: integers of up to 15 digits are JavaScript-safe (`integer`), 16–19
 * digits and `INTEGER` (NUMBER(*,0)) are 64-bit-sized (`bigint`, returned as strings); everything
 * else is `decimal` (returned as exact strings).
 */
export function logicalTypeOfNumber(
  precision: number | null | undefined,
  scale: number | null | undefined,
): LogicalType {
  if (scale === 0) {
    if (precision !== null && precision !== undefined && precision > 0 && precision <= 15) return 'integer';
    if (precision === null || precision === undefined || precision === 0 || precision <= 19) return 'bigint';
  }
  return 'decimal';
}

/** The logical type of a catalog column. */
export function logicalTypeOfCatalog(column: CatalogColumnType): LogicalType {
  if (column.data_type_owner && !/^(SYS|PUBLIC)$/.test(column.data_type_owner)) return 'other';
  return logicalTypeOfName(column.data_type, column.data_precision, column.data_scale);
}

/** The logical type of an Oracle type name (`DATA_TYPE` or a result column's `dbTypeName`). */
export function logicalTypeOfName(
  name: string,
  precision?: number | null,
  scale?: number | null,
): LogicalType {
  const type = name.toUpperCase();
  if (type === 'NUMBER' || type === 'DB_TYPE_NUMBER') return logicalTypeOfNumber(precision, scale);
  if (type === 'FLOAT') return 'decimal';
  if (type === 'BINARY_FLOAT' || type === 'BINARY_DOUBLE' || type === 'BINARY_INTEGER') return 'float';
  if (type === 'DATE') return 'timestamp'; // an Oracle DATE has a time of day
  if (/^TIMESTAMP(\(\d+\))? WITH (LOCAL )?TIME ZONE$/.test(type)) return 'timestamptz';
  if (/^TIMESTAMP(\(\d+\))?$/.test(type)) return 'timestamp';
  if (type.startsWith('INTERVAL')) return 'interval';
  if (/^(N?VARCHAR2?|N?CHAR|N?CLOB|LONG|ROWID|UROWID|CHARACTER|VARCHAR)$/.test(type)) return 'text';
  if (/^(BLOB|RAW|LONG RAW|BFILE)$/.test(type)) return 'binary';
  if (type === 'JSON') return 'json';
  if (type === 'XMLTYPE') return 'xml';
  if (type === 'BOOLEAN') return 'boolean';
  if (type === 'VECTOR') return 'array';
  return 'other';
}

/**
 * The type as a DDL would spell it: `NUMBER(12,2)`, `VARCHAR2(100 CHAR)`, `RAW(16)`, `FLOAT(126)`,
 * `DATE`, `TIMESTAMP(6) WITH TIME ZONE`, `OWNER.TYPE` for object types.
 */
export function nativeTypeOf(column: CatalogColumnType): string {
  const type = column.data_type;
  if (column.data_type_owner && !/^(SYS|PUBLIC)$/.test(column.data_type_owner)) {
    return `${column.data_type_owner}.${type}`;
  }
  const p = column.data_precision ?? null;
  const s = column.data_scale ?? null;
  switch (type) {
    case 'NUMBER':
      if (p === null) return s === 0 ? 'NUMBER(*,0)' : 'NUMBER';
      return s === null || s === 0 ? `NUMBER(${p})` : `NUMBER(${p},${s})`;
    case 'FLOAT':
      return p === null ? 'FLOAT' : `FLOAT(${p})`;
    case 'VARCHAR2':
    case 'CHAR': {
      const chars = column.char_used === 'C';
      const n = chars ? column.char_length : column.data_length;
      return n === null || n === undefined ? type : `${type}(${n}${chars ? ' CHAR' : ' BYTE'})`;
    }
    case 'NVARCHAR2':
    case 'NCHAR':
      return column.char_length ? `${type}(${column.char_length})` : type;
    case 'RAW':
    case 'UROWID':
      return column.data_length ? `${type}(${column.data_length})` : type;
    default:
      return type;
  }
}

/** The fields of a result column's metadata (node-oracledb `Metadata`) the normaliser reads. */
export interface ResultColumnMeta {
  readonly name: string;
  /** `dbTypeName`, e.g. `NUMBER`, `VARCHAR2`, `TIMESTAMP WITH TIME ZONE`, `BLOB`. */
  readonly dbTypeName?: string | undefined;
  readonly precision?: number | undefined;
  readonly scale?: number | undefined;
}

/** What a fetch type handler answers: fetch this column as a string, or as the driver's default. */
export type FetchAs = 'string' | 'default';

/**
 * Which columns are fetched as strings: NUMBER (exact digits), DATE and TIMESTAMP* (the session's ISO
 * formats, no Date conversion). node-oracledb has no string conversion for INTERVALs (its conversion
 * map would throw NJS-119): they come as IntervalYM/IntervalDS objects, exact to the nanosecond. LOBs
 * stay Lob objects so only the cap is read.
 */
export function fetchAsFor(dbTypeName: string | undefined): FetchAs {
  const type = (dbTypeName ?? '').toUpperCase();
  if (type === 'NUMBER' || type === 'DATE' || type.startsWith('TIMESTAMP')) return 'string';
  return 'default';
}

/** Limits applied while normalising. */
export interface NormaliseOptions {
  /** Bytes of a BLOB/RAW value kept; longer values are cut and marked `truncated`. */
  readonly maxBinaryBytes: number;
  /** Characters of a CLOB value kept. */
  readonly maxLobChars: number;
}

/**
 * A value after the LOB pass (oracle-session.ts reads LOBs up to the cap first): CLOB text with its
 * full length, BLOB bytes with theirs.
 */
export interface CappedLob {
  readonly $lob: 'clob' | 'blob';
  readonly data: string | Buffer;
  readonly length: number;
}

export function isCappedLob(value: unknown): value is CappedLob {
  return typeof value === 'object' && value !== null && '$lob' in value;
}

/** Turns one fetched value of a column into a CellValue. */
export type Normaliser = (raw: unknown) => CellValue;

/**
 * The normaliser for a result column. NUMBER(p,0) with p ≤ 15 becomes a number; other NUMBERs stay
 * exact strings (a computed NUMBER, e.g. COUNT(*), becomes a number only when it is a safe
 * integer); DATE/TIMESTAMP come as ISO 8601 (LOCAL TIME ZONE values with `+00:00`, the session's
 * zone); INTERVALs as ISO 8601 durations; RAW/BLOB as `{ $binary, length, truncated? }`; CLOB as text
 * (cut at the cap, `…` marked by a `{ text, length, truncated }` object).
 * @returns a function that never throws: anything unexpected comes back as its string form.
 */
export function normaliserFor(column: ResultColumnMeta, options: NormaliseOptions): Normaliser {
  const type = (column.dbTypeName ?? '').toUpperCase();
  const logical = logicalTypeOfName(type, column.precision, column.scale);
  const scalar = scalarNormaliser(type, logical, column, options);
  return (raw) => {
    if (raw === null || raw === undefined) return null;
    try {
      return scalar(raw);
    } catch {
      return String(raw);
    }
  };
}

function scalarNormaliser(
  type: string,
  logical: LogicalType,
  column: ResultColumnMeta,
  options: NormaliseOptions,
): (raw: unknown) => CellValue {
  if (type === 'NUMBER' || type === 'FLOAT') {
    const unconstrained = !column.precision && (column.scale === undefined || column.scale === -127);
    return (raw) => {
      const text = fixNumberText(String(raw));
      if (logical === 'integer' || unconstrained) {
        const n = Number(text);
        if (/^-?\d+$/.test(text) && Number.isSafeInteger(n)) return n;
      }
      return text;
    };
  }
  switch (logical) {
    case 'float':
      // NaN and ±Infinity have no JSON number: keep their names.
      return (raw) => (typeof raw === 'number' && Number.isFinite(raw) ? raw : String(raw));
    case 'timestamp':
      return (raw) => isoTimestamp(String(raw));
    case 'timestamptz':
      return type.includes('LOCAL')
        ? (raw) => `${isoTimestamp(String(raw))}+00:00`
        : (raw) => isoTimestamp(String(raw));
    case 'interval':
      return (raw) => isoInterval(raw);
    case 'binary':
      return (raw) => binaryToCell(raw, options.maxBinaryBytes);
    case 'boolean':
      return (raw) => (typeof raw === 'boolean' ? raw : Boolean(raw));
    case 'array':
      return (raw) =>
        ArrayBuffer.isView(raw) ? Array.from(raw as unknown as ArrayLike<number>) : (raw as CellValue);
    case 'json':
      return (raw) => (typeof raw === 'object' ? (raw as CellValue) : String(raw));
    default:
      return (raw) => {
        if (isCappedLob(raw)) return lobToCell(raw);
        if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return raw;
        if (Buffer.isBuffer(raw)) return binaryToCell(raw, options.maxBinaryBytes);
        // Object types (DbObject) have toJSON; anything else is shown, not dropped.
        const json = (raw as { toJSON?: () => unknown }).toJSON?.();
        return json === undefined ? String(raw) : (JSON.parse(JSON.stringify(json)) as CellValue);
      };
  }
}

/** Oracle's implicit NUMBER → text drops the leading zero (`.5`, `-.5`): put it back. */
export function fixNumberText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('.')) return `0${trimmed}`;
  if (trimmed.startsWith('-.')) return `-0${trimmed.slice(1)}`;
  return trimmed;
}

/**
 * A session-formatted DATE/TIMESTAMP (`2003-04-05T06:07:08`, `…T06:07:08.123456000+05:30`) as ISO
 * 8601: trailing zeros of the fraction dropped, a bare `.` removed, the zone kept as `±HH:MM`.
 */
export function isoTimestamp(raw: string): string {
  const m = /^(-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d*))?\s*([+-]\d{2}:\d{2}|Z)?$/.exec(raw.trim());
  if (!m) return raw;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  return `${m[1]}${fraction ? `.${fraction}` : ''}${m[3] ?? ''}`;
}

/**
 * An INTERVAL as an ISO 8601 duration: server text (`+01-02`, `+000000001 02:03:04.500000000`) or
 * node-oracledb's IntervalYM/IntervalDS objects. Unrecognised text passes through.
 */
export function isoInterval(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null) {
    const o = raw as Record<string, number | undefined>;
    if ('years' in o || 'months' in o) return ymDuration(o.years ?? 0, o.months ?? 0);
    const seconds = (o.seconds ?? 0) + (o.fseconds ?? 0) / 1e9;
    return dsDuration(o.days ?? 0, o.hours ?? 0, o.minutes ?? 0, seconds);
  }
  const text = String(raw).trim();
  const ym = /^([+-])?(\d+)-(\d+)$/.exec(text);
  if (ym) {
    const sign = ym[1] === '-' ? -1 : 1;
    return ymDuration(sign * Number(ym[2]), sign * Number(ym[3]));
  }
  const ds = /^([+-])?(\d+) (\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(text);
  if (ds) {
    const sign = ds[1] === '-' ? -1 : 1;
    return dsDuration(sign * Number(ds[2]), sign * Number(ds[3]), sign * Number(ds[4]), sign * Number(ds[5]));
  }
  return text;
}

function ymDuration(years: number, months: number): string {
  const negative = years < 0 || months < 0;
  return `${negative ? '-' : ''}P${Math.abs(years)}Y${Math.abs(months)}M`;
}

function dsDuration(days: number, hours: number, minutes: number, seconds: number): string {
  const negative = days < 0 || hours < 0 || minutes < 0 || seconds < 0;
  const s = Number(Math.abs(seconds).toFixed(9)).toString();
  return `${negative ? '-' : ''}P${Math.abs(days)}DT${Math.abs(hours)}H${Math.abs(minutes)}M${s}S`;
}

/** A RAW/LONG RAW Buffer or a capped BLOB as `{ $binary: base64, length, truncated? }`. */
export function binaryToCell(raw: unknown, maxBytes: number): CellValue {
  if (isCappedLob(raw)) return lobToCell(raw);
  if (!Buffer.isBuffer(raw)) return String(raw);
  const kept = Math.min(raw.length, maxBytes);
  const base64 = raw.subarray(0, kept).toString('base64');
  return kept < raw.length
    ? { $binary: base64, length: raw.length, truncated: true }
    : { $binary: base64, length: raw.length };
}

/** A LOB read up to its cap: BLOBs as `$binary`; CLOBs as text, or `{ text, length, truncated }` when cut. */
export function lobToCell(lob: CappedLob): CellValue {
  if (lob.$lob === 'blob') {
    const data = lob.data as Buffer;
    const base64 = data.toString('base64');
    return data.length < lob.length
      ? { $binary: base64, length: lob.length, truncated: true }
      : { $binary: base64, length: lob.length };
  }
  const text = lob.data as string;
  return text.length < lob.length ? { text, length: lob.length, truncated: true } : text;
}

/**
 * About how many bytes a fetched value adds to the serialised result: its text plus quoting, with
 * binary counted as the capped base64 it becomes. Cheap on purpose: it runs on every cell.
 */
export function estimateCellBytes(raw: unknown, options: NormaliseOptions): number {
  if (raw === null || raw === undefined) return 5;
  if (typeof raw === 'string') return raw.length + 3;
  if (typeof raw === 'number' || typeof raw === 'boolean') return 12;
  if (Buffer.isBuffer(raw)) return Math.ceil((Math.min(raw.length, options.maxBinaryBytes) * 4) / 3) + 32;
  if (isCappedLob(raw)) {
    return typeof raw.data === 'string' ? raw.data.length + 48 : Math.ceil((raw.data.length * 4) / 3) + 48;
  }
  return 64;
}
