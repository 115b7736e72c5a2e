import { describe, expect, it } from 'vitest';
import {
  type ColumnRow,
  foreignKeysQuery,
  jsonCheckedColumn,
  jsonChecksQuery,
  resolveColumnRows,
  schemaColumnsQuery,
  tableColumnsQuery,
} from '../src/mysql-catalog-sql.js';

const column = (table: string, name: string, jsonCheck = 0): ColumnRow => ({
  json_check: jsonCheck,
  schema_name: 'shop',
  table_name: table,
  column_name: name,
  ordinal: 1,
  data_type: 'longtext',
  column_type: 'longtext',
  is_nullable: 'YES',
  column_default: null,
  column_comment: '',
});

describe('catalog queries', () => {
  it('bind values where they are used, as ? parameters, one statement each', () => {
    const fk = foreignKeysQuery('shop', "o'rders");
    expect(fk.params).toEqual(['shop', "o'rders", 'shop', "o'rders"]);
    expect(fk.sql.match(/\?/g)).toHaveLength(4);
    expect(fk.sql).not.toContain("o'rders");
    for (const q of [
      fk,
      schemaColumnsQuery(undefined),
      jsonChecksQuery('shop'),
      tableColumnsQuery('mariadb', 'a', 'b'),
    ]) {
      expect(q.sql).not.toContain(';');
    }
  });

  it('reads MariaDB JSON checks in the same statement for one table, and MySQL without them', () => {
    expect(tableColumnsQuery('mariadb', 'shop', 't').sql).toMatch(/UNION ALL[\s\S]*CHECK_CONSTRAINTS/);
    expect(tableColumnsQuery('mariadb', 'shop', 't').params).toEqual(['shop', 't', 'shop', 't']);
    expect(tableColumnsQuery('mysql', 'shop', 't').sql).not.toContain('CHECK_CONSTRAINTS');
  });

  it("lists a schema's columns with one equality on TABLE_SCHEMA, no sort and no union", () => {
    const one = schemaColumnsQuery('shop');
    expect(one.params).toEqual(['shop']);
    expect(one.sql).toMatch(/WHERE TABLE_SCHEMA = \?$/);
    expect(one.sql).not.toMatch(/ORDER BY|UNION|CHECK_CONSTRAINTS/);
    expect(schemaColumnsQuery(undefined).params).toEqual([]);
    expect(schemaColumnsQuery(undefined).sql).toMatch(/TABLE_SCHEMA NOT IN \('information_schema'/);
    expect(jsonChecksQuery('shop').params).toEqual(['shop']);
  });

  it('names the column of a json_valid check only', () => {
    expect(jsonCheckedColumn('json_valid(`doc`)')).toBe('doc');
    expect(jsonCheckedColumn('json_valid(`we``ird`)')).toBe('we`ird');
    expect(jsonCheckedColumn('json_valid(`doc`) and `doc` <> 1')).toBeUndefined();
    expect(jsonCheckedColumn('`qty` > 0')).toBeUndefined();
  });

  it('flags columns named by a json_valid check, backquoted names included', () => {
    const rows = resolveColumnRows([
      column('t', 'json_valid(`doc`)', 1),
      column('t', 'json_valid(`we``ird`)', 1),
      column('u', 'json_valid(`doc`)', 1),
      column('t', 'doc'),
      column('t', 'we`ird'),
      column('t', 'plain'),
      column('v', 'doc'),
    ]);
    expect(rows.columns.map((r) => [r.table_name, r.column_name, rows.isJson(r)])).toEqual([
      ['t', 'doc', true],
      ['t', 'we`ird', true],
      ['t', 'plain', false],
      ['v', 'doc', false],
    ]);
  });
});
