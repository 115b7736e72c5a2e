import { describe, expect, it } from 'vitest';
import {
  FIELD_TYPE,
  logicalTypeOfColumn,
  logicalTypeOfField,
  type MysqlFieldInfo,
  normaliseCell,
} from '../src/mysql-types.js';

const field = (columnType: number, extra: Partial<MysqlFieldInfo> = {}): MysqlFieldInfo => ({
  name: 'c',
  columnType,
  flags: 0,
  characterSet: 45,
  columnLength: 11,
  ...extra,
});

describe('catalog types', () => {
  it.each([
    ['int', 'int(11)', 'integer'],
    ['int', 'int(10) unsigned', 'integer'],
    ['bigint', 'bigint(20)', 'bigint'],
    ['tinyint', 'tinyint(1)', 'boolean'],
    ['tinyint', 'tinyint(4)', 'integer'],
    ['decimal', 'decimal(12,2)', 'decimal'],
    ['double', 'double', 'float'],
    ['varchar', 'varchar(100)', 'text'],
    ['longtext', 'longtext', 'text'],
    ['blob', 'blob', 'binary'],
    ['varbinary', 'varbinary(16)', 'binary'],
    ['bit', 'bit(1)', 'boolean'],
    ['bit', 'bit(8)', 'binary'],
    ['date', 'date', 'date'],
    ['datetime', 'datetime(6)', 'timestamp'],
    ['timestamp', 'timestamp', 'timestamptz'],
    ['time', 'time', 'time'],
    ['year', 'year(4)', 'integer'],
    ['json', 'json', 'json'],
    ['enum', "enum('a','b')", 'enum'],
    ['set', "set('a','b')", 'other'],
    ['uuid', 'uuid', 'uuid'],
    ['point', 'point', 'other'],
  ])('%s / %s → %s', (dataType, columnType, logical) => {
    expect(logicalTypeOfColumn(dataType, columnType)).toBe(logical);
  });

  it('recognises MariaDB JSON (a longtext with a json_valid check)', () => {
    expect(logicalTypeOfColumn('longtext', 'longtext', true)).toBe('json');
  });
});

describe('result values', () => {
  it('keeps BIGINT and DECIMAL strings exact', () => {
    expect(normaliseCell('9007199254740993', field(FIELD_TYPE.LONGLONG), 10)).toBe('9007199254740993');
    expect(normaliseCell('12345678901234567.89', field(FIELD_TYPE.NEWDECIMAL), 10)).toBe(
      '12345678901234567.89',
    );
  });

  it('renders DATETIME without zone, TIMESTAMP in UTC with Z, and keeps zero dates', () => {
    expect(normaliseCell('2003-04-05 06:07:08.123456', field(FIELD_TYPE.DATETIME), 10)).toBe(
      '2003-04-05T06:07:08.123456',
    );
    expect(normaliseCell('2003-04-05 06:07:08', field(FIELD_TYPE.TIMESTAMP), 10)).toBe(
      '2003-04-05T06:07:08Z',
    );
    expect(normaliseCell('0000-00-00 00:00:00', field(FIELD_TYPE.DATETIME), 10)).toBe('0000-00-00 00:00:00');
    expect(normaliseCell('2003-04-05', field(FIELD_TYPE.DATE), 10)).toBe('2003-04-05');
  });

  it('caps binary values and marks them truncated with the full length', () => {
    const bytes = Buffer.from('0102030405', 'hex');
    expect(normaliseCell(bytes, field(FIELD_TYPE.BLOB, { characterSet: 63 }), 3)).toEqual({
      $binary: Buffer.from('010203', 'hex').toString('base64'),
      length: 5,
      truncated: true,
    });
    expect(normaliseCell(bytes, field(FIELD_TYPE.BLOB, { characterSet: 63 }), 10)).toEqual({
      $binary: bytes.toString('base64'),
      length: 5,
    });
  });

  it('turns BIT(1) into a boolean, leaves JSON parsed and NULL null', () => {
    expect(normaliseCell(Buffer.from([1]), field(FIELD_TYPE.BIT, { columnLength: 1 }), 10)).toBe(true);
    expect(normaliseCell(Buffer.from([0]), field(FIELD_TYPE.BIT, { columnLength: 1 }), 10)).toBe(false);
    expect(normaliseCell({ a: [1] }, field(FIELD_TYPE.JSON), 10)).toEqual({ a: [1] });
    expect(normaliseCell(null, field(FIELD_TYPE.LONG), 10)).toBeNull();
  });

  it('derives logical types from wire metadata, MariaDB extended types included', () => {
    expect(logicalTypeOfField(field(FIELD_TYPE.STRING, { flags: 256 }))).toBe('enum');
    expect(logicalTypeOfField(field(FIELD_TYPE.VAR_STRING, { characterSet: 63 }))).toBe('binary');
    expect(logicalTypeOfField(field(FIELD_TYPE.STRING, { extendedTypeName: 'uuid' }))).toBe('uuid');
    expect(logicalTypeOfField(field(FIELD_TYPE.BLOB, { extendedFormat: 'json' }))).toBe('json');
    expect(logicalTypeOfField(field(FIELD_TYPE.TINY, { columnLength: 1 }))).toBe('boolean');
    expect(logicalTypeOfField(field(FIELD_TYPE.TIMESTAMP))).toBe('timestamptz');
  });
});
