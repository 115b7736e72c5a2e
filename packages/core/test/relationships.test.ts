import { describe, expect, it } from 'vitest';
import type { ColumnSummary, ForeignKeyInfo, LogicalType, PrimaryKeyInfo, TableInfo } from '../src/model.js';
import { buildRelationships, type RelationshipSource } from '../src/schema/relationships.js';
import { joinSql, quoteIdentifier, shortestJoinPath } from '../src/use-cases/find-join-path.js';

type Spec = {
  name: string;
  kind?: TableInfo['kind'];
  columns: [string, LogicalType][];
  pk?: string[];
  fks?: [string[], string, string[]][];
};

function catalog(specs: Spec[]): RelationshipSource {
  const tables: TableInfo[] = specs.map((s) => ({ name: s.name, kind: s.kind ?? 'table' }));
  const columns: ColumnSummary[] = specs.flatMap((s) =>
    s.columns.map(([name, logicalType]) => ({
      table: { name: s.name },
      name,
      nativeType: logicalType,
      logicalType,
    })),
  );
  const primaryKeys: PrimaryKeyInfo[] = specs
    .filter((s) => s.pk)
    .map((s) => ({ table: { name: s.name }, columns: s.pk! }));
  const foreignKeys: ForeignKeyInfo[] = specs.flatMap((s) =>
    (s.fks ?? []).map(([cols, ref, refCols]) => ({
      table: { name: s.name },
      columns: cols,
      referencedTable: { name: ref },
      referencedColumns: refCols,
    })),
  );
  return { tables, columns, keys: { primaryKeys, foreignKeys } };
}

// The demo database's shape (packages/server/src/demo/demo-schema.ts), declared keys included.
const demo = (): RelationshipSource =>
  catalog([
    {
      name: 'EMPMST',
      columns: [
        ['EMPNO', 'integer'],
        ['EMPNM', 'text'],
        ['MGRNO', 'integer'],
      ],
      pk: ['EMPNO'],
    },
    {
      name: 'CUSTMST',
      columns: [
        ['CUSTNO', 'integer'],
        ['CSTNM', 'text'],
        ['SLSREP', 'integer'],
        ['STSCD', 'text'],
      ],
      pk: ['CUSTNO'],
    },
    { name: 'VNDMST', columns: [['VNDNO', 'integer']], pk: ['VNDNO'] },
    {
      name: 'ITMMST',
      columns: [
        ['ITMNO', 'text'],
        ['VNDNO', 'integer'],
      ],
      pk: ['ITMNO'],
      fks: [[['VNDNO'], 'VNDMST', ['VNDNO']]],
    },
    {
      name: 'WHSLOC',
      columns: [
        ['WHSCD', 'text'],
        ['LOCCD', 'text'],
      ],
      pk: ['WHSCD', 'LOCCD'],
    },
    {
      name: 'INVBAL',
      columns: [
        ['WHSCD', 'text'],
        ['LOCCD', 'text'],
        ['ITMNO', 'text'],
        ['QTYOH', 'integer'],
      ],
      pk: ['WHSCD', 'LOCCD', 'ITMNO'],
      fks: [[['WHSCD', 'LOCCD'], 'WHSLOC', ['WHSCD', 'LOCCD']]],
    },
    {
      name: 'ORDHDR',
      columns: [
        ['ORDNO', 'integer'],
        ['CUSTNO', 'integer'],
        ['WHSCD', 'text'],
      ],
      pk: ['ORDNO'],
      fks: [[['CUSTNO'], 'CUSTMST', ['CUSTNO']]],
    },
    {
      name: 'ORDDTL',
      columns: [
        ['ORDNO', 'integer'],
        ['LINNO', 'integer'],
        ['ITMNO', 'text'],
      ],
      pk: ['ORDNO', 'LINNO'],
      fks: [
        [['ORDNO'], 'ORDHDR', ['ORDNO']],
        [['ITMNO'], 'ITMMST', ['ITMNO']],
      ],
    },
    {
      name: 'ARINV',
      columns: [
        ['INVNO', 'integer'],
        ['ORDNO', 'integer'],
        ['CUSTNO', 'integer'],
      ],
      pk: ['INVNO'],
    },
    {
      name: 'X_TMP_BAK_CUSTMST_0311',
      columns: [
        ['CUSTNO', 'integer'],
        ['CSTNM', 'text'],
      ],
    },
    {
      name: 'V_OPNORD',
      kind: 'view',
      columns: [
        ['ORDNO', 'integer'],
        ['CUSTNO', 'integer'],
      ],
    },
  ]);

const edge = (r: {
  table: { name: string };
  columns: readonly string[];
  referencedTable: { name: string };
  referencedColumns: readonly string[];
}) => `${r.table.name}.${r.columns.join('+')}->${r.referencedTable.name}.${r.referencedColumns.join('+')}`;

describe('inferred relationships', () => {
  it('finds the legacy demo keys nobody declared, with confidence and evidence', () => {
    const rels = buildRelationships(demo());
    const edges = rels.inferred.map(edge);
    expect(edges).toContain('INVBAL.ITMNO->ITMMST.ITMNO');
    expect(edges).toContain('ARINV.CUSTNO->CUSTMST.CUSTNO');
    expect(edges).toContain('ARINV.ORDNO->ORDHDR.ORDNO');
    expect(edges).toContain('EMPMST.MGRNO->EMPMST.EMPNO');
    expect(edges).toContain('X_TMP_BAK_CUSTMST_0311.CUSTNO->CUSTMST.CUSTNO');
    const arinv = rels.inferredFrom({ name: 'ARINV' }).find((r) => r.referencedTable.name === 'CUSTMST')!;
    expect(arinv.confidence).toBe(0.9);
    expect(arinv.evidence).toBe("same name and type as CUSTMST's primary key");
    const mgr = rels.inferredFrom({ name: 'EMPMST' })[0]!;
    expect(mgr.confidence).toBeLessThan(arinv.confidence);
    expect(mgr.evidence).toMatch(/hierarchy/);
  });

  it('never repeats a declared key, never points a master at its backup copy, never targets a view', () => {
    const edges = buildRelationships(demo()).inferred.map(edge);
    expect(edges).not.toContain('ORDHDR.CUSTNO->CUSTMST.CUSTNO');
    expect(edges).not.toContain('ORDDTL.ORDNO->ORDHDR.ORDNO');
    expect(edges).not.toContain('ORDDTL.ITMNO->ITMMST.ITMNO');
    expect(edges.filter((e) => e.includes('->X_TMP_BAK'))).toEqual([]);
    expect(edges.filter((e) => e.includes('->V_OPNORD'))).toEqual([]);
    // A declared composite key is not offered again by the composite rule either.
    expect(edges.filter((e) => e.startsWith('INVBAL.WHSCD+LOCCD'))).toEqual([]);
  });

  it('lists both directions per table', () => {
    const rels = buildRelationships(demo());
    expect(rels.inferredTo({ name: 'CUSTMST' }).map((r) => r.table.name)).toEqual(
      expect.arrayContaining(['ARINV', 'X_TMP_BAK_CUSTMST_0311', 'V_OPNORD']),
    );
    expect(rels.inferredFrom({ name: 'custmst' })).toEqual([]);
  });

  it('refuses an incompatible type', () => {
    const rels = buildRelationships(
      catalog([
        { name: 'CUSTMST', columns: [['CUSTNO', 'integer']], pk: ['CUSTNO'] },
        {
          name: 'NOTES',
          columns: [
            ['NOTENO', 'integer'],
            ['CUSTNO', 'timestamp'],
          ],
          pk: ['NOTENO'],
        },
      ]),
    );
    expect(rels.inferred).toEqual([]);
  });

  it('follows the stem of *_ID, *ID and *CD names to a table whose name contains it', () => {
    const rels = buildRelationships(
      catalog([
        {
          name: 'CUSTOMER',
          columns: [
            ['ID', 'integer'],
            ['NAME', 'text'],
          ],
          pk: ['ID'],
        },
        { name: 'ORD_HDR', columns: [['ID', 'bigint']], pk: ['ID'] },
        { name: 'STATUS_CODES', columns: [['CD', 'text']], pk: ['CD'] },
        {
          name: 'ORD_LINE',
          columns: [
            ['ID', 'integer'],
            ['ORD_HDR_ID', 'bigint'],
            ['CUST_ID', 'integer'],
            ['STATUSCD', 'text'],
            ['PAID', 'integer'],
          ],
          pk: ['ID'],
        },
      ]),
    );
    const edges = rels.inferredFrom({ name: 'ORD_LINE' }).map(edge);
    expect(edges).toEqual(
      expect.arrayContaining([
        'ORD_LINE.ORD_HDR_ID->ORD_HDR.ID',
        'ORD_LINE.CUST_ID->CUSTOMER.ID',
        'ORD_LINE.STATUSCD->STATUS_CODES.CD',
      ]),
    );
    // "PA" is too short a stem to name a table; ID alone is every table's key and says nothing.
    expect(edges.filter((e) => e.startsWith('ORD_LINE.PAID') || e.startsWith('ORD_LINE.ID'))).toEqual([]);
    const exact = rels.inferredFrom({ name: 'ORD_LINE' }).find((r) => r.columns[0] === 'ORD_HDR_ID')!;
    const partial = rels.inferredFrom({ name: 'ORD_LINE' }).find((r) => r.columns[0] === 'CUST_ID')!;
    expect(exact.confidence).toBeGreaterThan(partial.confidence);
    expect(partial.evidence).toContain('CUSTOMER');
  });

  it('uses a key-like first column when no primary key is declared', () => {
    const rels = buildRelationships(
      catalog([
        {
          name: 'CUSTMST',
          columns: [
            ['CUSTNO', 'integer'],
            ['CSTNM', 'text'],
          ],
        },
        {
          name: 'ORDHDR',
          columns: [
            ['ORDNO', 'integer'],
            ['CUSTNO', 'integer'],
          ],
        },
      ]),
    );
    const found = rels.inferredFrom({ name: 'ORDHDR' });
    expect(found.map(edge)).toEqual(['ORDHDR.CUSTNO->CUSTMST.CUSTNO']);
    expect(found[0]!.confidence).toBe(0.6);
    expect(found[0]!.evidence).toMatch(/looks like its key/);
  });

  it('builds every edge of 5,000 tables × 15 columns well under a second', () => {
    const specs: Spec[] = [];
    for (let i = 0; i < 5000; i++) {
      const stem = `T${i.toString(36).toUpperCase()}`;
      const columns: [string, LogicalType][] = [[`${stem}NO`, 'integer']];
      for (let j = 1; j < 15; j++) {
        // Every fifth column points at another table's key; the rest are ordinary legacy columns.
        columns.push(
          j % 5 === 0
            ? [`T${((i * 7 + j) % 5000).toString(36).toUpperCase()}NO`, 'integer']
            : [`${stem}C${j}CD`, 'text'],
        );
      }
      specs.push({ name: `${stem}MST`, columns, pk: i % 2 === 0 ? [`${stem}NO`] : undefined });
    }
    const source = catalog(specs);
    // The median of three builds (the first one pays for the JIT), on a machine other tests share.
    const times: number[] = [];
    let count = 0;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      count = buildRelationships(source).inferred.length;
      times.push(performance.now() - started);
    }
    expect(count).toBeGreaterThanOrEqual(5000 * 2);
    expect(times.sort((a, b) => a - b)[1]).toBeLessThan(1000);
  });
});

describe('join paths', () => {
  it('finds the shortest path and prefers declared keys', () => {
    const rels = buildRelationships(demo());
    const path = shortestJoinPath(rels, { name: 'ORDDTL' }, { name: 'CUSTMST' }, 4)!;
    expect(path.map((h) => `${h.from.name}->${h.to.name}:${h.kind}`)).toEqual([
      'ORDDTL->ORDHDR:declared',
      'ORDHDR->CUSTMST:declared',
    ]);
    expect(joinSql('sqlite', { name: 'ORDDTL' }, path)).toBe(
      'FROM ORDDTL JOIN ORDHDR ON ORDDTL.ORDNO = ORDHDR.ORDNO JOIN CUSTMST ON ORDHDR.CUSTNO = CUSTMST.CUSTNO',
    );
  });

  it('uses inferred edges where nothing is declared, and walks keys backwards', () => {
    const rels = buildRelationships(demo());
    const path = shortestJoinPath(rels, { name: 'CUSTMST' }, { name: 'INVBAL' }, 4)!;
    expect(path.map((h) => h.kind)).toContain('inferred');
    expect(path[0]!.from.name).toBe('CUSTMST');
    expect(path[path.length - 1]!.to.name).toBe('INVBAL');
    const inferred = path.find((h) => h.kind === 'inferred')!;
    expect(inferred.confidence).toBeLessThan(1);
    expect(inferred.evidence).toBeTruthy();
  });

  it('prefers a declared path over an inferred one of the same length', () => {
    const rels = buildRelationships(
      catalog([
        {
          name: 'A',
          columns: [
            ['ANO', 'integer'],
            ['BNO', 'integer'],
          ],
          pk: ['ANO'],
          fks: [[['BNO'], 'B', ['BNO']]],
        },
        {
          name: 'B',
          columns: [
            ['BNO', 'integer'],
            ['CNO', 'integer'],
          ],
          pk: ['BNO'],
          fks: [[['CNO'], 'C', ['CNO']]],
        },
        { name: 'C', columns: [['CNO', 'integer']], pk: ['CNO'] },
        {
          name: 'D',
          columns: [
            ['DNO', 'integer'],
            ['ANO', 'integer'],
            ['CNO', 'integer'],
          ],
          pk: ['DNO'],
        },
      ]),
    );
    const path = shortestJoinPath(rels, { name: 'A' }, { name: 'C' }, 4)!;
    expect(path.map((h) => h.to.name)).toEqual(['B', 'C']);
  });

  it('takes a costlier path when the cheapest one needs more joins than allowed', () => {
    // Declared A→B→C→D (cost 3) against inferred A→E→D (two guesses, cost above 3).
    const rels = buildRelationships(
      catalog([
        {
          name: 'A',
          columns: [
            ['ANO', 'integer'],
            ['BNO', 'integer'],
            ['ENO', 'integer'],
          ],
          pk: ['ANO'],
          fks: [[['BNO'], 'B', ['BNO']]],
        },
        {
          name: 'B',
          columns: [
            ['BNO', 'integer'],
            ['CNO', 'integer'],
          ],
          pk: ['BNO'],
          fks: [[['CNO'], 'C', ['CNO']]],
        },
        {
          name: 'C',
          columns: [
            ['CNO', 'integer'],
            ['DNO', 'integer'],
          ],
          pk: ['CNO'],
          fks: [[['DNO'], 'D', ['DNO']]],
        },
        { name: 'D', columns: [['DNO', 'integer']], pk: ['DNO'] },
        {
          name: 'E',
          columns: [
            ['ENO', 'integer'],
            ['DNO', 'integer'],
          ],
          pk: ['ENO'],
        },
      ]),
    );
    const names = (path: ReturnType<typeof shortestJoinPath>) => path?.map((h) => h.to.name);
    expect(names(shortestJoinPath(rels, { name: 'A' }, { name: 'D' }, 4))).toEqual(['B', 'C', 'D']);
    expect(names(shortestJoinPath(rels, { name: 'A' }, { name: 'D' }, 2))).toEqual(['E', 'D']);
    expect(shortestJoinPath(rels, { name: 'A' }, { name: 'D' }, 1)).toBeUndefined();
  });

  it('respects max hops and says undefined when no path exists', () => {
    const rels = buildRelationships(demo());
    expect(shortestJoinPath(rels, { name: 'ORDDTL' }, { name: 'CUSTMST' }, 1)).toBeUndefined();
    expect(shortestJoinPath(rels, { name: 'ORDDTL' }, { name: 'VNDMST' }, 2)).toHaveLength(2);
    const isolated = buildRelationships(
      catalog([
        { name: 'A', columns: [['ANO', 'integer']], pk: ['ANO'] },
        { name: 'B', columns: [['BNO', 'integer']], pk: ['BNO'] },
      ]),
    );
    expect(shortestJoinPath(isolated, { name: 'A' }, { name: 'B' }, 8)).toBeUndefined();
    expect(shortestJoinPath(isolated, { name: 'A' }, { name: 'A' }, 8)).toEqual([]);
  });

  it('quotes identifiers the dialect would fold or reject', () => {
    expect(quoteIdentifier('postgres', 'CUSTMST')).toBe('"CUSTMST"');
    expect(quoteIdentifier('postgres', 'custmst')).toBe('custmst');
    expect(quoteIdentifier('oracle', 'custmst')).toBe('"custmst"');
    expect(quoteIdentifier('oracle', 'CUSTMST')).toBe('CUSTMST');
    expect(quoteIdentifier('mysql', 'order')).toBe('`order`');
    expect(quoteIdentifier('mssql', 'ORD HDR')).toBe('[ORD HDR]');
    expect(quoteIdentifier('sqlite', 'ORDHDR')).toBe('ORDHDR');
    expect(joinSql('postgres', { schema: 'erp', name: 'ORDHDR' }, [])).toBe('FROM erp."ORDHDR"');
  });
});
