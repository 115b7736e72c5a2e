import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  binaryCell,
  estimateCellBytes,
  exactReader,
  exactText,
  installExactReaders,
  logicalTypeOf,
  logicalTypeOfCatalog,
  nativeTypeOf,
  normaliserFor,
  type ReaderMetadata,
  resultTypeName,
  timeText,
  withScale,
} from '../src/mssql-types.js';

/** tedious's own value reader (the one mssql uses), to prove the exact readers on its real parsing. */
const tediousParser = createRequire(createRequire(import.meta.url).resolve('mssql'))(
  'tedious/lib/value-parser',
) as {
  readValue: (
    buf: Buffer,
    offset: number,
    metadata: ReaderMetadata & { precision?: number },
    options: object,
  ) => {
    value: unknown;
    offset: number;
  };
};
const OPTIONS = { useUTC: true, lowerCaseGuids: false };

const EPOCH_DAYS = 719_162;
const daysOf = (y: number, m: number, d: number) => {
  // Date.UTC maps years 0-99 to 1900-1999: set the full year explicitly.
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return Math.round(date.getTime() / 86_400_000) + EPOCH_DAYS;
};

function le(value: bigint, bytes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes; i++) out.push(Number((value >> BigInt(8 * i)) & 0xffn));
  return out;
}

/** DecimalN bytes: length, sign (1 = positive), magnitude little-endian. */
function decimalBytes(magnitude: bigint, negative: boolean, storage: number): Buffer {
  return Buffer.from([storage, negative ? 0 : 1, ...le(magnitude, storage - 1)]);
}

function moneyBytes(tenThousandths: bigint): Buffer {
  const high = Number(BigInt.asIntN(32, tenThousandths >> 32n));
  const low = Number(tenThousandths & 0xffffffffn);
  const b = Buffer.alloc(8);
  b.writeInt32LE(high, 0);
  b.writeUInt32LE(low, 4);
  return b;
}

function timeUnits(h: number, m: number, s: number, fraction: bigint, scale: number): bigint {
  return BigInt(h * 3600 + m * 60 + s) * 10n ** BigInt(scale) + fraction;
}

function datetime2Bytes(days: number, units: bigint, scale: number): Buffer {
  const timeBytes = scale <= 2 ? 3 : scale <= 4 ? 4 : 5;
  return Buffer.from([timeBytes + 3, ...le(units, timeBytes), ...le(BigInt(days), 3)]);
}

function datetimeoffsetBytes(days: number, utcUnits: bigint, scale: number, offsetMinutes: number): Buffer {
  const timeBytes = scale <= 2 ? 3 : scale <= 4 ? 4 : 5;
  const offset = Buffer.alloc(2);
  offset.writeInt16LE(offsetMinutes);
  return Buffer.from([timeBytes + 5, ...le(utcUnits, timeBytes), ...le(BigInt(days), 3), ...offset]);
}

const meta = (name: string, scale?: number, precision?: number) => ({ type: { name }, scale, precision });

describe('logical and native types', () => {
  it('maps SQL Server type names to logical types', () => {
    const expected: Record<string, string> = {
      int: 'integer',
      smallint: 'integer',
      tinyint: 'integer',
      bigint: 'bigint',
      decimal: 'decimal',
      numeric: 'decimal',
      money: 'decimal',
      smallmoney: 'decimal',
      float: 'float',
      real: 'float',
      bit: 'boolean',
      nvarchar: 'text',
      varchar: 'text',
      nchar: 'text',
      ntext: 'text',
      sysname: 'text',
      varbinary: 'binary',
      image: 'binary',
      rowversion: 'binary',
      timestamp: 'binary',
      date: 'date',
      time: 'time',
      datetime: 'timestamp',
      datetime2: 'timestamp',
      smalldatetime: 'timestamp',
      datetimeoffset: 'timestamptz',
      uniqueidentifier: 'uuid',
      xml: 'xml',
      geography: 'other',
      sql_variant: 'other',
      NVARCHAR: 'text',
    };
    for (const [name, logical] of Object.entries(expected)) expect(logicalTypeOf(name), name).toBe(logical);
  });

  it('prints declared types as SQL Server does: characters for n-types, max, precision and scale', () => {
    const c = (type_name: string, max_length: number, precision = 0, scale = 0, base_type?: string) => ({
      type_name,
      base_type,
      max_length,
      precision,
      scale,
    });
    expect(nativeTypeOf(c('nvarchar', 200))).toBe('nvarchar(100)');
    expect(nativeTypeOf(c('nvarchar', -1))).toBe('nvarchar(max)');
    expect(nativeTypeOf(c('varbinary', -1))).toBe('varbinary(max)');
    expect(nativeTypeOf(c('char', 1))).toBe('char(1)');
    expect(nativeTypeOf(c('decimal', 9, 12, 2))).toBe('decimal(12,2)');
    expect(nativeTypeOf(c('datetime2', 8, 27, 7))).toBe('datetime2(7)');
    expect(nativeTypeOf(c('int', 4, 10))).toBe('int');
    // An alias type keeps its name; its logical type comes from the base type.
    expect(nativeTypeOf(c('Flag', 1, 1, 0, 'bit'))).toBe('Flag');
    expect(logicalTypeOfCatalog(c('Flag', 1, 1, 0, 'bit'))).toBe('boolean');
  });

  it('names result columns by their mssql declaration, UDTs by their UDT name', () => {
    expect(resultTypeName({ name: 'a', type: { declaration: 'NVarChar' } })).toBe('nvarchar');
    expect(resultTypeName({ name: 'g', type: { declaration: 'udt' }, udt: { name: 'geography' } })).toBe(
      'geography',
    );
    expect(resultTypeName({ name: 'x' })).toBe('unknown');
  });
});

describe('normalisers', () => {
  const n = (type: string) => normaliserFor(type, { maxBinaryBytes: 4 });

  it('returns binary as { $binary, length } capped at maxBinaryBytes', () => {
    expect(n('varbinary')(Buffer.from('deadbeef', 'hex'))).toEqual({ $binary: '3q2+7w==', length: 4 });
    expect(n('varbinary')(Buffer.from('deadbeef01', 'hex'))).toEqual({
      $binary: '3q2+7w==',
      length: 5,
      truncated: true,
    });
    expect(binaryCell(Buffer.alloc(0), 4)).toEqual({ $binary: '', length: 0 });
  });

  it('returns dates as ISO 8601 text', () => {
    expect(n('date')(new Date(Date.UTC(2003, 3, 5)))).toBe('2003-04-05');
    expect(n('datetime')(new Date(Date.UTC(2003, 3, 5, 12, 34, 56, 789)))).toBe('2003-04-05T12:34:56.789');
    expect(n('datetimeoffset')(new Date(Date.UTC(2003, 3, 5, 12)))).toBe('2003-04-05T12:00:00.000Z');
    expect(n('date')(new Date(Date.UTC(1, 0, 1) - 0))).toMatch(/^\d{4}-01-01$/);
  });

  it('keeps strings (bigint, exact decimals, GUIDs, XML) and booleans, NULL as null', () => {
    expect(n('bigint')('9007199254740993')).toBe('9007199254740993');
    expect(n('decimal')('12345678901234567.89')).toBe('12345678901234567.89');
    expect(n('uniqueidentifier')('6F9619FF-8B86-D011-B42D-00C04FC964FF')).toBe(
      '6F9619FF-8B86-D011-B42D-00C04FC964FF',
    );
    expect(n('xml')('<a/>')).toBe('<a/>');
    expect(n('bit')(true)).toBe(true);
    expect(n('int')(42)).toBe(42);
    expect(n('int')(null)).toBeNull();
    expect(n('int')(undefined)).toBeNull();
  });

  it('turns a decimal number (exact readers missing) into text rather than a JSON number', () => {
    expect(n('decimal')(2.5)).toBe('2.5');
    expect(n('float')(Number.NaN)).toBe('NaN');
  });

  it('estimates cell bytes with binary counted as its capped base64', () => {
    expect(estimateCellBytes('abc', 4)).toBe(6);
    expect(estimateCellBytes(null, 4)).toBe(4);
    expect(estimateCellBytes(Buffer.alloc(1000), 4)).toBe(8 + 32);
  });
});

describe('exact readers', () => {
  it('withScale and timeText place digits exactly', () => {
    expect(withScale(1234567890123456789n, 2, false)).toBe('12345678901234567.89');
    expect(withScale(5n, 3, true)).toBe('-0.005');
    expect(withScale(0n, 2, true)).toBe('0.00');
    expect(withScale(42n, 0, false)).toBe('42');
    expect(timeText(timeUnits(23, 59, 59, 9999999n, 7), 7)).toBe('23:59:59.9999999');
    expect(timeText(timeUnits(1, 2, 3, 0n, 0), 0)).toBe('01:02:03');
  });

  it('decimals of any precision come out exact from the bytes tedious read', () => {
    const cases: [bigint, boolean, number, number, string][] = [
      [1234567890123456789n, false, 2, 13, '12345678901234567.89'],
      [1234567890123456789n, true, 2, 13, '-12345678901234567.89'],
      [150000n, false, 2, 5, '1500.00'],
      [10n ** 38n - 1n, false, 0, 17, '99999999999999999999999999999999999999'],
      [1n, false, 10, 9, '0.0000000001'],
    ];
    for (const [magnitude, negative, scale, storage, text] of cases) {
      const buf = decimalBytes(magnitude, negative, storage);
      expect(exactText(buf, 0, buf.length, meta('DecimalN', scale)), text).toBe(text);
      expect(exactText(buf, 0, buf.length, meta('NumericN', scale)), text).toBe(text);
    }
  });

  it('money comes out with its four decimals, exactly, to the type’s limits', () => {
    for (const [units, text] of [
      [92233720368547758_07n, '922337203685477.5807'],
      [-92233720368547758_08n, '-922337203685477.5808'],
      [-12345678n, '-1234.5678'],
      [0n, '0.0000'],
    ] as const) {
      const money = moneyBytes(units);
      expect(exactText(money, 0, 8, meta('Money'))).toBe(text);
      const moneyN = Buffer.concat([Buffer.from([8]), money]);
      expect(exactText(moneyN, 0, 9, meta('MoneyN'))).toBe(text);
    }
    // smallmoney is exact as a double: left to tedious.
    expect(exactText(Buffer.from([4, 0, 0, 0, 0]), 0, 5, meta('MoneyN'))).toBeUndefined();
  });

  it('datetime2, datetimeoffset and time keep all seven fractional digits and the offset', () => {
    const days = daysOf(2003, 4, 5);
    const dt2 = datetime2Bytes(days, timeUnits(12, 34, 56, 1234567n, 7), 7);
    expect(exactText(dt2, 0, dt2.length, meta('DateTime2', 7))).toBe('2003-04-05T12:34:56.1234567');
    const dt0 = datetime2Bytes(daysOf(1, 1, 1), 0n, 0);
    expect(exactText(dt0, 0, dt0.length, meta('DateTime2', 0))).toBe('0001-01-01T00:00:00');
    const dto = datetimeoffsetBytes(days, timeUnits(10, 34, 56, 1234567n, 7), 7, 120);
    expect(exactText(dto, 0, dto.length, meta('DateTimeOffset', 7))).toBe(
      '2003-04-05T12:34:56.1234567+02:00',
    );
    // 23:30 UTC at +02:00 is the next day locally; at -05:30 the same day.
    const late = datetimeoffsetBytes(days, timeUnits(23, 30, 0, 0n, 0), 0, 120);
    expect(exactText(late, 0, late.length, meta('DateTimeOffset', 0))).toBe('2003-04-06T01:30:00+02:00');
    const west = datetimeoffsetBytes(days, timeUnits(23, 30, 0, 0n, 0), 0, -330);
    expect(exactText(west, 0, west.length, meta('DateTimeOffset', 0))).toBe('2003-04-05T18:00:00-05:30');
    const time = Buffer.from([5, ...le(timeUnits(8, 0, 1, 5n, 7), 5)]);
    expect(exactText(time, 0, time.length, meta('Time', 7))).toBe('08:00:01.0000005');
  });

  it('leaves other types to tedious', () => {
    expect(exactText(Buffer.from([4, 1, 0, 0, 0]), 0, 5, meta('IntN'))).toBeUndefined();
  });

  it('the wrapper keeps tedious’s offset and NULLs and replaces only the value', () => {
    const reader = exactReader((_buf, offset) => ({ value: 12345678901234568, offset: offset + 14 }));
    const buf = Buffer.concat([Buffer.from([0xff]), decimalBytes(1234567890123456789n, false, 13)]);
    expect(reader(buf, 1, meta('DecimalN', 2), OPTIONS)).toEqual({
      value: '12345678901234567.89',
      offset: 15,
    });
    const nulls = exactReader((_buf, offset) => ({ value: null, offset: offset + 1 }));
    expect(nulls(Buffer.from([0]), 0, meta('DecimalN', 2), OPTIONS)).toEqual({ value: null, offset: 1 });
  });

  it('installs into the tedious that mssql loads, which then reads decimals and datetime2 exactly', () => {
    const decimal = decimalBytes(1234567890123456789n, false, 13);
    const before = tediousParser.readValue(decimal, 0, meta('DecimalN', 2, 20), OPTIONS);
    expect(installExactReaders()).toBe(true);
    expect(installExactReaders()).toBe(true); // idempotent: never wrapped twice
    const after = tediousParser.readValue(decimal, 0, meta('DecimalN', 2, 20), OPTIONS);
    expect(after).toMatchObject({ value: '12345678901234567.89', offset: decimal.length });
    // What tedious alone gives for the same bytes: a rounded double (the reason for the wrapper).
    if (typeof before.value === 'number') expect(String(before.value)).not.toBe('12345678901234567.89');
    const dt2 = datetime2Bytes(daysOf(2003, 4, 5), timeUnits(12, 34, 56, 1234567n, 7), 7);
    expect(tediousParser.readValue(dt2, 0, meta('DateTime2', 7), OPTIONS).value).toBe(
      '2003-04-05T12:34:56.1234567',
    );
    const money = moneyBytes(92233720368547758_07n);
    expect(tediousParser.readValue(money, 0, meta('Money'), OPTIONS).value).toBe('922337203685477.5807');
    // Untouched types still come from tedious.
    expect(tediousParser.readValue(Buffer.from([4, 42, 0, 0, 0]), 0, meta('IntN'), OPTIONS).value).toBe(42);
  });
});
