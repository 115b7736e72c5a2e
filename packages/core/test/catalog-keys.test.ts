import { describe, expect, it } from 'vitest';
import { groupForeignKeys, groupPrimaryKeys, keysOfTable } from '../src/catalog-keys.js';

const t = (name: string) => ({ schema: 's', name });

describe('catalog key grouping', () => {
  it('groups per-column rows into keys, columns in row order', () => {
    expect(
      groupPrimaryKeys([
        { id: 'a', table: t('A'), column: 'X' },
        { id: 'b', table: t('B'), column: 'ID' },
        { id: 'a', table: t('A'), column: 'Y' },
      ]),
    ).toEqual([
      { table: t('A'), columns: ['X', 'Y'] },
      { table: t('B'), columns: ['ID'] },
    ]);
    const fks = groupForeignKeys([
      { id: 'k1', name: 'FK1', table: t('D'), column: 'H1', referencedTable: t('H'), referencedColumn: 'K1' },
      { id: 'k1', name: 'FK1', table: t('D'), column: 'H2', referencedTable: t('H'), referencedColumn: 'K2' },
      { id: 'k2', name: 'FK2', table: t('D'), column: 'C', referencedTable: t('C'), referencedColumn: null },
    ]);
    expect(fks).toEqual([
      {
        name: 'FK1',
        table: t('D'),
        columns: ['H1', 'H2'],
        referencedTable: t('H'),
        referencedColumns: ['K1', 'K2'],
      },
      // A referenced column the catalog could not name is left out, not pushed as null.
      { name: 'FK2', table: t('D'), columns: ['C'], referencedTable: t('C'), referencedColumns: [] },
    ]);
  });

  it('splits keys by direction for one table; a self-reference is in both lists', () => {
    const keys = groupForeignKeys([
      { id: '1', table: t('E'), column: 'MGR', referencedTable: t('E'), referencedColumn: 'ID' },
      { id: '2', table: t('O'), column: 'E', referencedTable: t('E'), referencedColumn: 'ID' },
      { id: '3', table: t('E'), column: 'D', referencedTable: t('DEPT'), referencedColumn: 'ID' },
    ]);
    const { foreignKeys, referencedBy } = keysOfTable(keys, t('E'));
    expect(foreignKeys.map((k) => k.columns[0])).toEqual(['MGR', 'D']);
    expect(referencedBy.map((k) => k.columns[0])).toEqual(['MGR', 'E']);
    expect(keysOfTable(keys, { schema: 'other', name: 'E' })).toEqual({ foreignKeys: [], referencedBy: [] });
  });
});
