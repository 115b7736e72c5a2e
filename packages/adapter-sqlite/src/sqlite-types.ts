import type { CellValue, LogicalType } from '@legacybridge/core';

/**
 * SQLite has no fixed column types: a column has a declared type name (anything at all, or none)
 * from which SQLite derives a storage affinity (https://sqlite.org/datatype3.html §3.1). We derive
 * the logical type from the same rules, refined by the common names legacy schemas use for dates,
 * booleans, decimals and JSON, which all land in NUMERIC affinity.
 */

/**
 * The logical type for a declared column type, following SQLite's affinity rules in their order.
 * `null`/empty (an expression column, or a column declared without type) gives `other`.
 */
export function logicalTypeOf(declared: string | null | undefined): LogicalType {
  if (declared === null || declared === undefined || declared.trim() === '') return 'other';
  const t = declared.toUpperCase();
  // Rule 1: "INT" anywhere means INTEGER affinity (even INTERVAL or POINT, as SQLite itself decides).
  if (t.includes('INT')) return /BIGINT|INT8|UNSIGNED BIG/.test(t) ? 'bigint' : 'integer';
  // Rule 2: CHAR, CLOB, TEXT mean TEXT affinity; a few names say more about the content.
  if (/CHAR|CLOB|TEXT/.test(t)) {
    if (t.includes('JSON')) return 'json';
    if (t.includes('UUID') || t.includes('GUID')) return 'uuid';
    return 'text';
  }
  // Rule 3: BLOB means BLOB affinity.
  if (t.includes('BLOB')) return 'binary';
  // Rule 4: REAL, FLOA, DOUB mean REAL affinity.
  if (/REAL|FLOA|DOUB/.test(t)) return 'float';
  // Rule 5: NUMERIC affinity, where legacy schemas put most of their meaning.
  if (t.includes('BOOL') || t === 'BIT') return 'boolean';
  if (t.includes('TIMESTAMP') && /TZ|TIME ZONE/.test(t)) return 'timestamptz';
  if (t.includes('DATETIME') || t.includes('TIMESTAMP')) return 'timestamp';
  if (t.includes('DATE')) return 'date';
  if (t.includes('TIME')) return 'time';
  if (/DEC|NUMERIC|MONEY/.test(t)) return 'decimal';
  if (t.includes('JSON')) return 'json';
  if (t.includes('UUID') || t.includes('GUID')) return 'uuid';
  if (t.includes('XML')) return 'xml';
  if (t.includes('BINARY')) return 'binary';
  return 'other';
}

/**
 * The logical type of a result column without a declared type (an expression such as `count(*)`),
 * guessed from the first non-null value read; `other` when every value is null or none was read.
 */
export function inferLogicalType(values: Iterable<unknown>): LogicalType {
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'bigint') return 'integer';
    if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float';
    if (typeof v === 'string') return 'text';
    if (v instanceof Uint8Array || isWireBlob(v)) return 'binary';
    return 'other';
  }
  return 'other';
}

/** A blob as the runner sends it: only the first `maxBinaryBytes` bytes, with the full length. */
export interface WireBlob {
  readonly blob: Uint8Array;
  readonly length: number;
}

/** True for the runner's capped-blob shape. */
export function isWireBlob(value: unknown): value is WireBlob {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { blob?: unknown }).blob instanceof Uint8Array &&
    typeof (value as { length?: unknown }).length === 'number'
  );
}

/**
 * Turns one SQLite value into a JSON-safe CellValue: integers stay numbers while exact and become
 * decimal strings beyond 2^53, non-finite reals become strings, blobs become
 * `{ $binary: base64, length }` holding at most `maxBinaryBytes` bytes (`truncated: true` when cut).
 */
export function normaliseCell(value: unknown, maxBinaryBytes: number): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  // JSON has no Infinity/NaN; SQLite can store ±Inf (e.g. 9e999).
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (isWireBlob(value)) return binaryCell(value.blob, value.length, maxBinaryBytes);
  if (value instanceof Uint8Array) return binaryCell(value, value.length, maxBinaryBytes);
  return String(value);
}

function binaryCell(bytes: Uint8Array, length: number, maxBinaryBytes: number): CellValue {
  const kept = bytes.subarray(0, Math.min(bytes.length, maxBinaryBytes));
  const base64 = Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength).toString('base64');
  return kept.length < length ? { $binary: base64, length, truncated: true } : { $binary: base64, length };
}
