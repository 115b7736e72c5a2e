import type { JoinPath, QueryResult, TableDetail } from '@legacybridge/core';
import { describe, expect, it } from 'vitest';
import {
  renderCell,
  renderJoinPath,
  renderQueryPlan,
  renderQueryResult,
  renderSearchResults,
  renderTableDetail,
  renderTableList,
} from '../src/index.js';

const result = (overrides: Partial<QueryResult> = {}): QueryResult => ({
  columns: [
    { name: 'id', logicalType: 'integer' },
    { name: 'name', logicalType: 'text' },
    { name: 'meta', logicalType: 'json' },
  ],
  rows: [
    [1, 'Acme', { tier: 'gold', tags: ['a', 'b'] }],
    [2, null, null],
    [3, 'multi\nline | piped', { $binary: 'AAEC', length: 3 }],
  ],
  rowCount: 3,
  truncated: false,
  durationMs: 12.6,
  ...overrides,
});

describe('renderQueryResult', () => {
  it('writes the header once, one line per row, and no per-row JSON keys', () => {
    const lines = renderQueryResult(result()).split('\n');
    expect(lines[0]).toBe('id|name|meta');
    expect(lines).toHaveLength(1 + 3 + 1);
    // Column names appear in the header only, never repeated per row.
    for (const row of lines.slice(1, 4)) {
      expect(row).not.toMatch(/"id"|"name"|"meta"/);
      expect(row.split(/(?<!\\)\|/)).toHaveLength(3);
    }
    expect(lines[4]).toBe('(3 rows, 13 ms)');
  });

  it('keeps every row on one line with a fixed field count', () => {
    const lines = renderQueryResult(result()).split('\n');
    expect(lines[3]).toBe('3|multi\\nline \\| piped|<binary 3 bytes>');
    expect(lines[2]).toBe('2|NULL|NULL');
  });

  it('says loudly when reading stopped at a cap', () => {
    const rows = renderQueryResult(result({ truncated: true, truncatedBy: 'rows' }));
    expect(rows).toMatch(/TRUNCATED at the row limit: more rows exist/);
    const bytes = renderQueryResult(result({ truncated: true, truncatedBy: 'bytes' }));
    expect(bytes).toMatch(/TRUNCATED at the size limit/);
    expect(renderQueryResult(result())).not.toMatch(/TRUNCATED/);
  });

  it('renders an empty result as a header and a zero count', () => {
    expect(renderQueryResult(result({ rows: [], rowCount: 0 }))).toBe('id|name|meta\n(0 rows, 13 ms)');
  });

  it('is much smaller than the pretty JSON it replaces', () => {
    const many = result({
      rows: Array.from({ length: 200 }, (_, i) => [i, `customer ${i}`, null]),
      rowCount: 200,
    });
    const text = renderQueryResult(many);
    const asObjects = JSON.stringify(
      many.rows.map((r) => ({ id: r[0], name: r[1], meta: r[2] })),
      null,
      2,
    );
    expect(text.length * 2).toBeLessThan(asObjects.length);
  });
});

describe('renderCell', () => {
  it('distinguishes NULL, escapes the separator and backslashes, compacts nested JSON', () => {
    expect(renderCell(null)).toBe('NULL');
    expect(renderCell('')).toBe('');
    expect(renderCell('NULL')).toBe('"NULL"');
    expect(renderCell('a\\b|c')).toBe('a\\\\b\\|c');
    expect(renderCell(['x', 1])).toBe('["x",1]');
    expect(renderCell({ $binary: 'AA', length: 9000, truncated: true })).toBe(
      '<binary 9000 bytes, truncated>',
    );
    expect(renderCell(true)).toBe('true');
    expect(renderCell('12345678901234567890')).toBe('12345678901234567890');
  });
});

describe('renderTableList', () => {
  it('has no schema line when no table has a schema, and notes the cursor', () => {
    const text = renderTableList({
      tables: [
        { name: 'CUSTMST', kind: 'table', rowEstimate: 10, comment: 'Customer master' },
        { name: 'CUSTV', kind: 'view' },
      ],
      total: 7,
      nextCursor: 'abc',
    });
    expect(text).toBe(
      '2 of 7 tables\nname|kind|rows~|comment\nCUSTMST|table|10|Customer master\nCUSTV|view||\nnext_cursor: abc',
    );
  });

  it('leaves the kind column out of a page of plain tables, and says so', () => {
    const text = renderTableList({
      tables: [{ name: 'CUSTMST', kind: 'table', rowEstimate: 10, comment: 'Customer master' }],
      total: 7,
      nextCursor: 'abc',
    });
    expect(text).toBe(
      '1 of 7 tables; all on this page are tables, not views\nname|rows~|comment\nCUSTMST|10|Customer master\nnext_cursor: abc',
    );
    // A materialized view or foreign table brings the column back.
    expect(
      renderTableList({ tables: [{ name: 'MV', kind: 'materialized_view' }], total: 1 }).split('\n'),
    ).toEqual(['1 of 1 tables (last page)', 'name|kind|rows~|comment', 'MV|materialized_view||']);
  });

  it('says each schema once, before its tables, and marks the last page', () => {
    const text = renderTableList({
      tables: [
        { schema: 'legacy', name: 'CUST_HIST', kind: 'view', comment: 'History\n1998' },
        { schema: 'legacy', name: 'ORD_HIST', kind: 'table', rowEstimate: 5 },
        { schema: 'public', name: 'ORDHDR', kind: 'table' },
      ],
      total: 3,
    });
    expect(text.split('\n')).toEqual([
      '3 of 3 tables (last page)',
      'name|kind|rows~|comment',
      'schema legacy:',
      'CUST_HIST|view||History\\n1998',
      'ORD_HIST|table|5|',
      'schema public:',
      'ORDHDR|table||',
    ]);
  });

  it('does not repeat a long schema name on every row of a one-schema page', () => {
    const schema = 'lb_bench_2b829f75';
    const tables = Array.from({ length: 100 }, (_, i) => ({
      schema,
      name: `ORD_HDR_${i}`,
      kind: 'table' as const,
    }));
    const text = renderTableList({ tables, total: 5001, nextCursor: 'c' });
    expect(text.split(schema).length - 1).toBe(1);
    expect(text.split('\n').slice(0, 4)).toEqual([
      '100 of 5001 tables; all on this page are tables, not views',
      'name|rows~|comment',
      `schema ${schema}:`,
      'ORD_HDR_0||',
    ]);
    // The structured content (not rendered here) keeps the schema per table.
    expect(text).toContain('next_cursor: c');
  });

  it('says when tables after a schema have none', () => {
    const text = renderTableList({
      tables: [
        { schema: 's', name: 'A', kind: 'table' },
        { name: 'B', kind: 'view' },
      ],
      total: 2,
    });
    expect(text.split('\n').slice(2)).toEqual(['schema s:', 'A|table||', 'no schema:', 'B|view||']);
  });

  it('says so when nothing matches', () => {
    expect(renderTableList({ tables: [], total: 0 })).toBe('No tables match.');
  });
});

describe('renderTableDetail', () => {
  const detail: TableDetail = {
    table: { schema: 'dbo', name: 'ORDDTL', kind: 'table', rowEstimate: 5000, comment: 'Order lines' },
    columns: [
      {
        name: 'ORDNO',
        ordinal: 1,
        nativeType: 'int',
        logicalType: 'integer',
        nullable: false,
        primaryKeyPosition: 1,
      },
      {
        name: 'LINENO',
        ordinal: 2,
        nativeType: 'smallint',
        logicalType: 'integer',
        nullable: false,
        primaryKeyPosition: 2,
      },
      {
        name: 'QTY',
        ordinal: 3,
        nativeType: 'decimal(9,2)',
        logicalType: 'decimal',
        nullable: true,
        default: '0',
        comment: 'Quantity',
      },
    ],
    primaryKey: ['ORDNO', 'LINENO'],
    foreignKeys: [
      {
        name: 'FK_DTL_HDR',
        table: { schema: 'dbo', name: 'ORDDTL' },
        columns: ['ORDNO'],
        referencedTable: { schema: 'dbo', name: 'ORDHDR' },
        referencedColumns: ['ORDNO'],
      },
    ],
    referencedBy: [],
    indexes: [
      { name: 'PK_ORDDTL', columns: ['ORDNO', 'LINENO'], unique: true, primary: true },
      { name: 'UX_QTY', columns: ['QTY'], unique: true, primary: false },
    ],
  };

  it('renders a compact column table, keys and indexes', () => {
    expect(renderTableDetail(detail)).toBe(
      [
        'table dbo.ORDDTL (~5000 rows) — Order lines',
        'column|type|null|default|pk|comment',
        'ORDNO|int|no||1|',
        'LINENO|smallint|no||2|',
        'QTY|decimal(9,2)|yes|0||Quantity',
        'primary key: ORDNO, LINENO',
        'tables named below without a schema are in dbo',
        'foreign keys:',
        '  ORDDTL(ORDNO) -> ORDHDR(ORDNO) [FK_DTL_HDR]',
        'indexes:',
        '  PK_ORDDTL (ORDNO, LINENO) primary',
        '  UX_QTY (QTY) unique',
      ].join('\n'),
    );
  });

  it('lists foreign keys from other tables as short lines: their columns -> columns here', () => {
    const from = (name: string, column: string) => ({
      name: `FK_${name}`,
      table: { schema: 'dbo', name },
      columns: [column],
      referencedTable: { schema: 'dbo', name: 'ORDDTL' },
      referencedColumns: ['ORDNO', 'LINENO'],
    });
    const text = renderTableDetail({
      ...detail,
      referencedBy: [
        from('SHIPDTL', 'ORDNO'),
        { ...from('INVDTL', 'ORDNO'), table: { schema: 'ar', name: 'INVDTL' } },
      ],
    });
    expect(text).toContain(
      [
        'referenced by (their columns -> columns here):',
        '  SHIPDTL(ORDNO) -> ORDNO, LINENO',
        // Another schema's table keeps its schema.
        '  ar.INVDTL(ORDNO) -> ORDNO, LINENO',
        'indexes:',
      ].join('\n'),
    );
    // The constraint names stay in the structured content.
    expect(text).not.toContain('FK_SHIPDTL');
  });

  it('caps foreign keys from other tables at 20 and says how many more and how to reach them', () => {
    // 45 referencing tables, listed out of order; most reference through MST_ID, one through PRNT_ID.
    const names = Array.from({ length: 45 }, (_, i) => `REF_${String(44 - i).padStart(2, '0')}`);
    const referencedBy = names.map((name, i) => ({
      table: { schema: 'dbo', name },
      columns: [i === 0 ? 'PRNT_ID' : 'MST_ID'],
      referencedTable: { schema: 'dbo', name: 'ORDDTL' },
      referencedColumns: ['ORDNO'],
    }));
    // Outgoing keys are never capped.
    const foreignKeys = Array.from({ length: 30 }, (_, i) => ({
      table: { schema: 'dbo', name: 'ORDDTL' },
      columns: [`C${i}`],
      referencedTable: { schema: 'dbo', name: `OUT_${i}` },
      referencedColumns: ['ID'],
    }));
    const lines = renderTableDetail({ ...detail, foreignKeys, referencedBy }).split('\n');
    const start = lines.indexOf(
      'referenced by 45 foreign keys, the first 20 by table name (their columns -> columns here):',
    );
    expect(start).toBeGreaterThan(0);
    const listed = lines.slice(start + 1, start + 21);
    expect(listed).toEqual(
      Array.from({ length: 20 }, (_, i) => `  REF_${String(i).padStart(2, '0')}(MST_ID) -> ORDNO`),
    );
    expect(lines[start + 21]).toBe(
      '  … and 25 more: find_join_path from a table to this one gives its join; search_schema MST_ID lists the tables with that column',
    );
    expect(lines[start + 22]).toBe('indexes:');
    expect(lines.filter((l) => l.startsWith('  ORDDTL(C'))).toHaveLength(30);
    // The cap applies at 21, not at 20.
    const twenty = renderTableDetail({ ...detail, referencedBy: referencedBy.slice(0, 20) });
    expect(twenty).toContain('referenced by (their columns -> columns here):');
    expect(twenty).not.toContain('more:');
  });

  it("leaves out MySQL's NULL default of a nullable column, and keeps it where it would mean something", () => {
    const column = (nullable: boolean) => ({
      name: 'RMK_TX',
      ordinal: 4,
      nativeType: 'varchar(200)',
      logicalType: 'text' as const,
      nullable,
      default: 'NULL',
    });
    const text = renderTableDetail({ ...detail, columns: [column(true)] });
    expect(text).toContain('\nRMK_TX|varchar(200)|yes|||\n');
    expect(renderTableDetail({ ...detail, columns: [column(false)] })).toContain(
      '\nRMK_TX|varchar(200)|no|NULL||\n',
    );
  });

  it('says when no primary key is declared', () => {
    expect(renderTableDetail({ ...detail, primaryKey: [] })).toContain('primary key: none declared');
  });
});

describe('renderSearchResults and renderQueryPlan', () => {
  it('renders matches best first with the reason', () => {
    const text = renderSearchResults({
      matches: [
        { type: 'table', table: 'CUSTMST', score: 71, reason: 'name starts with "cust"' },
        { type: 'column', schema: 's', table: 'ORDHDR', column: 'CUSTNO', score: 70, reason: 'x' },
      ],
    });
    expect(text.split('\n')).toEqual([
      '2 matches, best first',
      'type|table|column|score|why',
      'table|CUSTMST||71|name starts with "cust"',
      'column|s.ORDHDR|CUSTNO|70|x',
    ]);
    expect(renderSearchResults({ matches: [] })).toMatch(/^No tables or columns match/);
  });

  it('says a shared schema once and a repeated reason as "same as above"', () => {
    const why = '"custmst" abbreviates "customer" as "cust"; "custmst" abbreviates "master" as "mst"';
    const text = renderSearchResults({
      matches: [
        { type: 'table', schema: 'lb_bench_1', table: 'CUSTMST_0002', score: 45, reason: why },
        { type: 'table', schema: 'lb_bench_1', table: 'CUSTMST_0017', score: 45, reason: why },
        { type: 'column', schema: 'lb_bench_1', table: 'AR_INV', column: 'CUST_NO', score: 30, reason: 'x' },
        { type: 'table', schema: 'lb_bench_1', table: 'CUSTMST_0032', score: 20, reason: why },
      ],
    });
    expect(text.split('\n')).toEqual([
      '4 matches in schema lb_bench_1, best first',
      'type|table|column|score|why',
      `table|CUSTMST_0002||45|${why}`,
      'table|CUSTMST_0017||45|same as above',
      'column|AR_INV|CUST_NO|30|x',
      // Only the line right above counts: a model reads top to bottom.
      `table|CUSTMST_0032||20|${why}`,
    ]);
  });

  it('renders the plan under a line with dialect and cost', () => {
    expect(renderQueryPlan({ dialect: 'postgres', text: 'Seq Scan on t', estimatedCost: 4.5 })).toBe(
      'plan (postgres, estimated cost 4.5; not executed):\nSeq Scan on t',
    );
    expect(renderQueryPlan({ dialect: 'mysql', text: 'ALL t' })).toBe('plan (mysql; not executed):\nALL t');
  });
});

describe('relationships', () => {
  const inferred = (table: string, column: string, to: string, confidence: number) => ({
    table: { name: table },
    columns: [column],
    referencedTable: { name: to },
    referencedColumns: [column],
    confidence,
    evidence: `same name and type as ${to}'s primary key`,
  });

  it('describe_table lists inferred references both ways with confidence, evidence and what was left out', () => {
    const detail: TableDetail = {
      table: { name: 'CUSTMST', kind: 'table' },
      columns: [],
      primaryKey: ['CUSTNO'],
      foreignKeys: [],
      referencedBy: [],
      indexes: [],
      inferredForeignKeys: [inferred('CUSTMST', 'SLSREP', 'EMPMST', 0.6)],
      inferredReferencedBy: [inferred('ARINV', 'CUSTNO', 'CUSTMST', 0.9)],
      inferredReferencedByOmitted: 12,
    };
    const text = renderTableDetail(detail);
    expect(text).toContain(
      "inferred references (not declared):\n  CUSTMST(SLSREP) -> EMPMST(SLSREP) ~0.6 same name and type as EMPMST's primary key",
    );
    expect(text).toContain(
      "inferred referenced by (not declared):\n  ARINV(CUSTNO) -> CUSTMST(CUSTNO) ~0.9 same name and type as CUSTMST's primary key\n  … and 12 more",
    );
  });

  it('find_join_path puts the SQL first, then one line per hop saying declared or inferred', () => {
    const path: JoinPath = {
      from: { name: 'ARINV' },
      to: { name: 'CUSTMST' },
      hops: [
        {
          from: { name: 'ARINV' },
          fromColumns: ['ORDNO'],
          to: { name: 'ORDHDR' },
          toColumns: ['ORDNO'],
          kind: 'inferred',
          confidence: 0.9,
          evidence: "same name and type as ORDHDR's primary key",
        },
        {
          from: { name: 'ORDHDR' },
          fromColumns: ['CUSTNO'],
          to: { name: 'CUSTMST' },
          toColumns: ['CUSTNO'],
          kind: 'declared',
          confidence: 1,
        },
      ],
      sql: 'FROM ARINV JOIN ORDHDR ON ARINV.ORDNO = ORDHDR.ORDNO JOIN CUSTMST ON ORDHDR.CUSTNO = CUSTMST.CUSTNO',
    };
    expect(renderJoinPath(path).split('\n')).toEqual([
      '2 joins from ARINV to CUSTMST:',
      path.sql,
      "1. ARINV -> ORDHDR on ORDNO = ORDNO (inferred ~0.9: same name and type as ORDHDR's primary key)",
      '2. ORDHDR -> CUSTMST on CUSTNO = CUSTNO (declared foreign key)',
    ]);
    expect(renderJoinPath({ from: { name: 'A' }, to: { name: 'A' }, hops: [], sql: 'FROM A' })).toBe(
      'A is A: no join needed.\nFROM A',
    );
  });
});
