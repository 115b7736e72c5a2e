import { describe, expect, it } from 'vitest';
import {
  type ColumnRow,
  foreignKeysQuery,
  listColumnsAllQuery,
  listColumnsInSchemaQuery,
  resolveColumnRows,
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
    for (const q of [fk, listColumnsAllQuery('mariadb'), tableColumnsQuery('mariadb', 'a', 'b')]) {
      expect(q.sql).not.toContain(';');
    }
  });

  it('reads MariaDB JSON checks in the same statement, and MySQL without them', () => {
    expect(listColumnsInSchemaQuery('mariadb', 'shop').sql).toMatch(/UNION ALL[\s\S]*CHECK_CONSTRAINTS/);
    expect(listColumnsInSchemaQuery('mariadb', 'shop').params).toEqual(['shop', 'shop']);
    expect(listColumnsInSchemaQuery('mysql', 'shop').sql).not.toContain('CHECK_CONSTRAINTS');
    expect(listColumnsAllQuery('mysql').params).toEqual([]);
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
