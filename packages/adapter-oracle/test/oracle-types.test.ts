import oracledb from 'oracledb';
import { describe, expect, it } from 'vitest';
import { fetchTypeHandler } from '../src/oracle-session.js';
import {
  fixNumberText,
  isoInterval,
  isoTimestamp,
  logicalTypeOfCatalog,
  logicalTypeOfName,
  nativeTypeOf,
  normaliserFor,
} from '../src/oracle-types.js';
import { meta } from './fake-oracle.js';

const OPTIONS = { maxBinaryBytes: 4, maxLobChars: 8 };
const norm = (dbTypeName: string, raw: unknown, precision?: number, scale?: number) =>
  normaliserFor(meta('C', dbTypeName, precision, scale), OPTIONS)(raw);

describe('catalog types', () => {
  it.each([
    [{ data_type: 'NUMBER', data_precision: 10, data_scale: 0 }, 'NUMBER(10)', 'integer'],
    [{ data_type: 'NUMBER', data_precision: 15, data_scale: 0 }, 'NUMBER(15)', 'integer'],
    [{ data_type: 'NUMBER', data_precision: 19, data_scale: 0 }, 'NUMBER(19)', 'bigint'],
    [{ data_type: 'NUMBER', data_precision: null, data_scale: 0 }, 'NUMBER(*,0)', 'bigint'],
    [{ data_type: 'NUMBER', data_precision: 38, data_scale: 0 }, 'NUMBER(38)', 'decimal'],
    [{ data_type: 'NUMBER', data_precision: 12, data_scale: 2 }, 'NUMBER(12,2)', 'decimal'],
    [{ data_type: 'NUMBER', data_precision: null, data_scale: null }, 'NUMBER', 'decimal'],
    [{ data_type: 'FLOAT', data_precision: 126 }, 'FLOAT(126)', 'decimal'],
    [{ data_type: 'BINARY_DOUBLE' }, 'BINARY_DOUBLE', 'float'],
    [
      { data_type: 'VARCHAR2', data_length: 400, char_length: 100, char_used: 'C' },
      'VARCHAR2(100 CHAR)',
      'text',
    ],
    [
      { data_type: 'VARCHAR2', data_length: 30, char_length: 30, char_used: 'B' },
      'VARCHAR2(30 BYTE)',
      'text',
    ],
    [{ data_type: 'NVARCHAR2', data_length: 100, char_length: 50, char_used: 'C' }, 'NVARCHAR2(50)', 'text'],
    [{ data_type: 'CHAR', data_length: 1, char_length: 1, char_used: 'B' }, 'CHAR(1 BYTE)', 'text'],
    [{ data_type: 'CLOB' }, 'CLOB', 'text'],
    [{ data_type: 'DATE' }, 'DATE', 'timestamp'],
    [{ data_type: 'TIMESTAMP(6)' }, 'TIMESTAMP(6)', 'timestamp'],
    [{ data_type: 'TIMESTAMP(6) WITH TIME ZONE' }, 'TIMESTAMP(6) WITH TIME ZONE', 'timestamptz'],
    [{ data_type: 'TIMESTAMP(9) WITH LOCAL TIME ZONE' }, 'TIMESTAMP(9) WITH LOCAL TIME ZONE', 'timestamptz'],
    [{ data_type: 'INTERVAL DAY(2) TO SECOND(6)' }, 'INTERVAL DAY(2) TO SECOND(6)', 'interval'],
    [{ data_type: 'INTERVAL YEAR(2) TO MONTH' }, 'INTERVAL YEAR(2) TO MONTH', 'interval'],
    [{ data_type: 'RAW', data_length: 16 }, 'RAW(16)', 'binary'],
    [{ data_type: 'BLOB' }, 'BLOB', 'binary'],
    [{ data_type: 'LONG RAW' }, 'LONG RAW', 'binary'],
    [{ data_type: 'JSON' }, 'JSON', 'json'],
    [{ data_type: 'XMLTYPE', data_type_owner: 'SYS' }, 'XMLTYPE', 'xml'],
    [{ data_type: 'BOOLEAN' }, 'BOOLEAN', 'boolean'],
    [{ data_type: 'ROWID' }, 'ROWID', 'text'],
    [{ data_type: 'ADDRESS_T', data_type_owner: 'APP' }, 'APP.ADDRESS_T', 'other'],
  ])('%j → %s (%s)', (column, native, logical) => {
    expect(nativeTypeOf(column)).toBe(native);
    expect(logicalTypeOfCatalog(column)).toBe(logical);
  });
});

describe('fetch type handler', () => {
  it('fetches NUMBER, DATE and TIMESTAMP* as strings, the rest as the driver does', () => {
    for (const name of [
      'NUMBER',
      'DATE',
      'TIMESTAMP',
      'TIMESTAMP WITH TIME ZONE',
      'TIMESTAMP WITH LOCAL TIME ZONE',
    ]) {
      expect(fetchTypeHandler({ dbTypeName: name }), name).toEqual({ type: oracledb.STRING });
    }
    // node-oracledb has no string conversion for INTERVALs (NJS-119): they stay interval objects.
    for (const name of [
      'VARCHAR2',
      'CLOB',
      'BLOB',
      'RAW',
      'BINARY_DOUBLE',
      'JSON',
      'BOOLEAN',
      'INTERVAL DAY TO SECOND',
    ]) {
      expect(fetchTypeHandler({ dbTypeName: name }), name).toBeUndefined();
    }
  });
});

describe('node-oracledb conversions', () => {
  it('asks only for conversions node-oracledb supports (an unsupported one fails every query with NJS-119)', async () => {
    const { createRequire } = await import('node:module');
    const types = createRequire(import.meta.url)('oracledb/lib/types.js') as {
      DB_TYPE_CONVERSION_MAP: Map<unknown, Map<unknown, unknown>>;
    };
    const all = (Object.values(oracledb) as unknown[]).filter(
      (v): v is { columnTypeName: string } =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as { columnTypeName?: unknown }).columnTypeName === 'string',
    );
    expect(all.length).toBeGreaterThan(20);
    for (const dbType of all) {
      const answer = fetchTypeHandler({ dbTypeName: dbType.columnTypeName });
      if (answer === undefined) continue;
      const supported = types.DB_TYPE_CONVERSION_MAP.get(dbType)?.has(answer.type) ?? false;
      expect(supported, `${dbType.columnTypeName} → STRING`).toBe(true);
    }
  });
});

describe('normalisers', () => {
  it('keeps NUMBER exact: small integers as numbers, the rest as strings', () => {
    expect(norm('NUMBER', '42', 10, 0)).toBe(42);
    expect(norm('NUMBER', '9007199254740993', 19, 0)).toBe('9007199254740993');
    expect(norm('NUMBER', '12', 19, 0)).toBe('12');
    expect(norm('NUMBER', '12345678901234567.89', 20, 2)).toBe('12345678901234567.89');
    expect(norm('NUMBER', '.5', 5, 2)).toBe('0.5');
    expect(norm('NUMBER', '-.25', 5, 2)).toBe('-0.25');
    // Computed values (COUNT(*), arithmetic) have no precision: safe integers become numbers.
    expect(norm('NUMBER', '5000', 0, -127)).toBe(5000);
    expect(norm('NUMBER', '123456789012345678901234567890', 0, -127)).toBe('123456789012345678901234567890');
    expect(norm('NUMBER', '1.5', 0, -127)).toBe('1.5');
    expect(fixNumberText(' 7 ')).toBe('7');
  });

  it('returns DATE and TIMESTAMPs as ISO 8601', () => {
    expect(norm('DATE', '2003-04-05T00:00:00')).toBe('2003-04-05T00:00:00');
    expect(norm('TIMESTAMP', '2003-04-05T06:07:08.123450000')).toBe('2003-04-05T06:07:08.12345');
    expect(norm('TIMESTAMP', '2003-04-05T06:07:08.')).toBe('2003-04-05T06:07:08');
    expect(norm('TIMESTAMP WITH TIME ZONE', '2003-04-05T06:07:08.500000000+05:30')).toBe(
      '2003-04-05T06:07:08.5+05:30',
    );
    expect(norm('TIMESTAMP WITH LOCAL TIME ZONE', '2003-04-05T06:07:08.000000')).toBe(
      '2003-04-05T06:07:08+00:00',
    );
    expect(isoTimestamp('not a date')).toBe('not a date');
  });

  it('returns INTERVALs as ISO 8601 durations, from text or driver objects', () => {
    expect(norm('INTERVAL YEAR TO MONTH', '+01-02')).toBe('P1Y2M');
    expect(norm('INTERVAL YEAR TO MONTH', '-01-02')).toBe('-P1Y2M');
    expect(norm('INTERVAL DAY TO SECOND', '+000000001 02:03:04.500000000')).toBe('P1DT2H3M4.5S');
    expect(isoInterval({ days: 0, hours: 5, minutes: 0, seconds: 1, fseconds: 250_000_000 })).toBe(
      'P0DT5H0M1.25S',
    );
    expect(isoInterval({ years: 2, months: 3 })).toBe('P2Y3M');
  });

  it('returns RAW as base64 with its length, capped', () => {
    expect(norm('RAW', Buffer.from('deadbeef', 'hex'))).toEqual({ $binary: '3q2+7w==', length: 4 });
    expect(norm('RAW', Buffer.from('deadbeef00', 'hex'))).toEqual({
      $binary: '3q2+7w==',
      length: 5,
      truncated: true,
    });
  });

  it('returns capped LOBs as text or base64 with the full length', () => {
    expect(norm('CLOB', { $lob: 'clob', data: 'abcdefgh', length: 100 })).toEqual({
      text: 'abcdefgh',
      length: 100,
      truncated: true,
    });
    expect(norm('CLOB', { $lob: 'clob', data: 'abc', length: 3 })).toBe('abc');
    expect(norm('BLOB', { $lob: 'blob', data: Buffer.from('deadbeef', 'hex'), length: 4 })).toEqual({
      $binary: '3q2+7w==',
      length: 4,
    });
  });

  it('keeps floats finite or names them, and passes text, JSON, booleans and vectors', () => {
    expect(norm('BINARY_DOUBLE', 1.5)).toBe(1.5);
    expect(norm('BINARY_DOUBLE', Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(norm('BINARY_FLOAT', Number.NaN)).toBe('NaN');
    expect(norm('VARCHAR2', 'héllo wörld')).toBe('héllo wörld');
    expect(norm('JSON', { a: [1, 2] })).toEqual({ a: [1, 2] });
    expect(norm('BOOLEAN', true)).toBe(true);
    expect(norm('VECTOR', new Float32Array([1, 2]))).toEqual([1, 2]);
    expect(norm('NUMBER', null, 10, 0)).toBeNull();
  });

  it('maps result-column types like catalog types', () => {
    expect(logicalTypeOfName('NUMBER', 10, 0)).toBe('integer');
    expect(logicalTypeOfName('TIMESTAMP WITH TIME ZONE')).toBe('timestamptz');
    expect(logicalTypeOfName('NCLOB')).toBe('text');
    expect(logicalTypeOfName('SDO_GEOMETRY')).toBe('other');
  });
});
