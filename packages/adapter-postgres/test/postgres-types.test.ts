import { describe, expect, it } from 'vitest';
import {
  BUILTIN_TYPES,
  byteaToCell,
  isoTime,
  isoTimestamp,
  logicalTypeOfCatalog,
  normaliserFor,
} from '../src/postgres-types.js';

const lookup = (oid: number) => BUILTIN_TYPES.get(oid);
const norm = (oid: number, raw: string | null, maxBinaryBytes = 4096) =>
  normaliserFor(oid, lookup, { maxBinaryBytes })(raw);

describe('value normalisation (server text → CellValue)', () => {
  it('keeps 64-bit integers, numeric and money exact as strings', () => {
    expect(norm(20, '-9223372036854775808')).toBe('-9223372036854775808');
    expect(norm(1700, '0.10000000000000000000001')).toBe('0.10000000000000000000001');
    expect(norm(790, '$1,000.00')).toBe('$1,000.00');
    expect(norm(23, '-2147483648')).toBe(-2147483648);
  });

  it('floats are numbers, except NaN and infinities which JSON cannot hold', () => {
    expect(norm(701, '1.7976931348623157e+308')).toBe(1.7976931348623157e308);
    expect(norm(701, 'Infinity')).toBe('Infinity');
    expect(norm(700, 'NaN')).toBe('NaN');
  });

  it('timestamps and times become ISO 8601 with their zone', () => {
    expect(isoTimestamp('2024-01-02 03:04:05')).toBe('2024-01-02T03:04:05');
    expect(isoTimestamp('2024-01-02 03:04:05.000001+00')).toBe('2024-01-02T03:04:05.000001+00:00');
    expect(isoTimestamp('1890-01-01 00:00:00+00:53:28')).toBe('1890-01-01T00:00:00+00:53:28');
    expect(isoTimestamp('12345-01-01 00:00:00+00')).toBe('12345-01-01T00:00:00+00:00');
    expect(isoTimestamp('infinity')).toBe('infinity');
    expect(isoTimestamp('0044-03-15 12:00:00+00 BC')).toBe('0044-03-15 12:00:00+00 BC');
    expect(isoTime('23:59:59.5-0330')).toBe('23:59:59.5-03:30');
    expect(norm(1083, '10:00:00')).toBe('10:00:00');
  });

  it('bytea becomes base64 with its full length, capped and marked', () => {
    expect(byteaToCell('\\xdeadbeef', 10)).toEqual({ $binary: '3q2+7w==', length: 4 });
    expect(byteaToCell('\\xdeadbeef', 2)).toEqual({ $binary: '3q0=', length: 4, truncated: true });
    expect(byteaToCell('\\x', 2)).toEqual({ $binary: '', length: 0 });
  });

  it('json is parsed; malformed text passes through', () => {
    expect(norm(3802, '{"a": [1, {"b": null}]}')).toEqual({ a: [1, { b: null }] });
    expect(norm(114, '{oops')).toBe('{oops');
  });

  it('arrays are parsed element by element, nested and with NULLs', () => {
    expect(norm(1007, '{{1,2},{3,NULL}}')).toEqual([
      [1, 2],
      [3, null],
    ]);
    expect(norm(1016, '{9223372036854775807}')).toEqual(['9223372036854775807']);
    expect(norm(1001, '{"\\\\x00ff",NULL}')).toEqual([{ $binary: 'AP8=', length: 2 }, null]);
    expect(norm(1185, '{"2024-01-02 03:04:05+00"}')).toEqual(['2024-01-02T03:04:05+00:00']);
    expect(norm(1000, '{t,f}')).toEqual([true, false]);
  });

  it('NULL is null for every type, unknown types are text', () => {
    for (const oid of [16, 17, 20, 1700, 1184, 3802, 1007, 99999]) expect(norm(oid, null)).toBeNull();
    expect(norm(99999, 'whatever')).toBe('whatever');
  });
});

describe('logical types from the catalog', () => {
  it.each([
    [{ typname: 'int4', typtype: 'b', typcategory: 'N' }, 'integer'],
    [{ typname: 'int8', typtype: 'b', typcategory: 'N' }, 'bigint'],
    [{ typname: 'numeric', typtype: 'b', typcategory: 'N' }, 'decimal'],
    [{ typname: 'bpchar', typtype: 'b', typcategory: 'S' }, 'text'],
    [{ typname: 'timestamptz', typtype: 'b', typcategory: 'D' }, 'timestamptz'],
    [{ typname: 'jsonb', typtype: 'b', typcategory: 'U' }, 'json'],
    [{ typname: '_int4', typtype: 'b', typcategory: 'A' }, 'array'],
    [{ typname: 'mood', typtype: 'e', typcategory: 'E' }, 'enum'],
    [{ typname: 'geometry', typtype: 'b', typcategory: 'U' }, 'other'],
  ] as const)('%o → %s', (type, logical) => {
    expect(logicalTypeOfCatalog(type)).toBe(logical);
  });
});
