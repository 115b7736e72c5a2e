import { describe, expect, it } from 'vitest';
import { inferLogicalType, logicalTypeOf, normaliseCell } from '../src/sqlite-types.js';

describe('logicalTypeOf follows SQLite affinity rules', () => {
  it.each([
    ['INTEGER', 'integer'],
    ['int(11)', 'integer'],
    ['TINYINT', 'integer'],
    ['BIGINT', 'bigint'],
    ['UNSIGNED BIG INT', 'bigint'],
    ['INT8', 'bigint'],
    ['VARCHAR(40)', 'text'],
    ['NCHAR(2)', 'text'],
    ['CLOB', 'text'],
    ['TEXT', 'text'],
    ['JSON TEXT', 'json'],
    ['BLOB', 'binary'],
    ['REAL', 'float'],
    ['DOUBLE PRECISION', 'float'],
    ['FLOAT', 'float'],
    ['DECIMAL(10,2)', 'decimal'],
    ['NUMERIC', 'decimal'],
    ['MONEY', 'decimal'],
    ['BOOLEAN', 'boolean'],
    ['DATE', 'date'],
    ['DATETIME', 'timestamp'],
    ['TIMESTAMP', 'timestamp'],
    ['TIMESTAMP WITH TIME ZONE', 'timestamptz'],
    ['TIME', 'time'],
    ['JSON', 'json'],
    ['UUID', 'uuid'],
    // SQLite's own rule 1 makes these INTEGER: the logical type follows the engine, not the name.
    ['INTERVAL', 'integer'],
    ['POINT', 'integer'],
    ['', 'other'],
    [null, 'other'],
    ['WHATEVER', 'other'],
  ])('%s → %s', (declared, logical) => {
    expect(logicalTypeOf(declared)).toBe(logical);
  });
});

describe('normaliseCell', () => {
  it('keeps safe integers as numbers and makes unsafe ones exact strings', () => {
    expect(normaliseCell(42n, 10)).toBe(42);
    expect(normaliseCell(BigInt(Number.MAX_SAFE_INTEGER), 10)).toBe(Number.MAX_SAFE_INTEGER);
    expect(normaliseCell(BigInt(Number.MAX_SAFE_INTEGER) + 1n, 10)).toBe('9007199254740992');
    expect(normaliseCell(-9223372036854775808n, 10)).toBe('-9223372036854775808');
  });

  it('makes non-finite reals strings and passes other scalars through', () => {
    expect(normaliseCell(Number.POSITIVE_INFINITY, 10)).toBe('Infinity');
    expect(normaliseCell(Number.NaN, 10)).toBe('NaN');
    expect(normaliseCell(1.25, 10)).toBe(1.25);
    expect(normaliseCell('x', 10)).toBe('x');
    expect(normaliseCell(null, 10)).toBeNull();
    expect(normaliseCell(undefined, 10)).toBeNull();
  });

  it('encodes blobs as capped base64 with their full length', () => {
    expect(normaliseCell(Buffer.from([1, 2, 3]), 10)).toEqual({ $binary: 'AQID', length: 3 });
    expect(normaliseCell(new Uint8Array([1, 2, 3, 4]), 2)).toEqual({
      $binary: 'AQI=',
      length: 4,
      truncated: true,
    });
    // The runner's wire form: a prefix already cut, and the original length.
    expect(normaliseCell({ blob: new Uint8Array([1, 2]), length: 1000 }, 2)).toEqual({
      $binary: 'AQI=',
      length: 1000,
      truncated: true,
    });
    // A view into a larger buffer encodes only its own bytes.
    const big = new Uint8Array([9, 9, 1, 2, 9]);
    expect(normaliseCell(big.subarray(2, 4), 10)).toEqual({ $binary: 'AQI=', length: 2 });
  });
});

describe('inferLogicalType', () => {
  it('guesses from the first non-null value', () => {
    expect(inferLogicalType([null, 3n])).toBe('integer');
    expect(inferLogicalType([2])).toBe('integer');
    expect(inferLogicalType([2.5])).toBe('float');
    expect(inferLogicalType(['a'])).toBe('text');
    expect(inferLogicalType([{ blob: new Uint8Array(1), length: 1 }])).toBe('binary');
    expect(inferLogicalType([null, null])).toBe('other');
    expect(inferLogicalType([])).toBe('other');
  });
});
