import type {
  CellValue,
  ColumnInfo,
  ForeignKeyInfo,
  IndexInfo,
  LogicalType,
  TableInfo,
  TableKind,
} from '../model.js';

/** One table or view of the in-memory fake: its catalog entry and its rows, in column order. */
export interface FakeTable {
  readonly info: TableInfo;
  readonly columns: readonly ColumnInfo[];
  /** Keys declared on this table; `referencedBy` is derived from the other tables' keys. */
  readonly foreignKeys?: readonly ForeignKeyInfo[] | undefined;
  readonly indexes?: readonly IndexInfo[] | undefined;
  readonly rows?: readonly (readonly CellValue[])[] | undefined;
}

/** A column spec for `fakeTable`: `[name, nativeType, logicalType, options]`. */
export type FakeColumnSpec = readonly [
  name: string,
  nativeType: string,
  logicalType: LogicalType,
  options?: {
    readonly nullable?: boolean;
    readonly pk?: number;
    readonly comment?: string;
    readonly default?: string;
  },
];

/**
 * Builds a FakeTable from compact column specs, so test schemas stay readable.
 * Primary-key positions come from each column's `pk` option; a primary index is added for them.
 */
export function fakeTable(
  name: string,
  columns: readonly FakeColumnSpec[],
  extra: {
    readonly schema?: string;
    readonly kind?: TableKind;
    readonly comment?: string;
    readonly rowEstimate?: number;
    readonly foreignKeys?: readonly ForeignKeyInfo[];
    readonly indexes?: readonly IndexInfo[];
    readonly rows?: readonly (readonly CellValue[])[];
  } = {},
): FakeTable {
  const cols: ColumnInfo[] = columns.map(([colName, nativeType, logicalType, o = {}], i) => ({
    name: colName,
    ordinal: i + 1,
    nativeType,
    logicalType,
    nullable: o.nullable ?? o.pk === undefined,
    default: o.default,
    primaryKeyPosition: o.pk,
    comment: o.comment,
  }));
  const pk = cols
    .filter((c) => c.primaryKeyPosition !== undefined)
    .sort((a, b) => a.primaryKeyPosition! - b.primaryKeyPosition!)
    .map((c) => c.name);
  const primaryIndex: IndexInfo[] =
    pk.length > 0 ? [{ name: `PK_${name}`, columns: pk, unique: true, primary: true }] : [];
  return {
    info: {
      schema: extra.schema,
      name,
      kind: extra.kind ?? 'table',
      rowEstimate: extra.rowEstimate ?? extra.rows?.length,
      comment: extra.comment,
    },
    columns: cols,
    foreignKeys: extra.foreignKeys ?? [],
    indexes: [...primaryIndex, ...(extra.indexes ?? [])],
    rows: extra.rows ?? [],
  };
}

/**
 * A small legacy-flavoured order-entry schema (8-character upper-case names, CHAR columns, one declared
 * foreign key, a view): what LegacyBridge meets in the field, and what the use case tests search.
 */
export function legacyFakeTables(): FakeTable[] {
  return [
    fakeTable(
      'CUSTMST',
      [
        ['CUSTNO', 'INTEGER', 'integer', { pk: 1, comment: 'Customer number' }],
        ['CUSTNM', 'VARCHAR(40)', 'text', { nullable: false, comment: 'Customer name' }],
        ['CUSTCITY', 'CHAR(20)', 'text'],
        ['CREDLMT', 'DECIMAL(11,2)', 'decimal', { comment: 'Credit limit' }],
      ],
      {
        comment: 'Customer master',
        rows: [
          [1, 'ACME TOOLS', 'SPRINGFIELD', '15000.00'],
          [2, 'GLOBEX', 'CYPRESS CREEK', '250000.00'],
          [3, 'INITECH', null, '500.50'],
        ],
      },
    ),
    fakeTable(
      'ITMMST',
      [
        ['ITEMNO', 'CHAR(10)', 'text', { pk: 1 }],
        ['ITEMDESC', 'VARCHAR(60)', 'text', { nullable: false }],
        ['UNITPRC', 'DECIMAL(9,2)', 'decimal', { comment: 'Unit price' }],
      ],
      {
        comment: 'Item master',
        rows: [
          ['W-100', 'WIDGET', '2.50'],
          ['G-200', 'GADGET', '19.99'],
        ],
      },
    ),
    fakeTable(
      'ORDHDR',
      [
        ['ORDNO', 'INTEGER', 'integer', { pk: 1 }],
        ['CUSTNO', 'INTEGER', 'integer', { nullable: false }],
        ['ORDDT', 'DATE', 'date', { nullable: false, comment: 'Order date' }],
        ['ORDSTS', 'CHAR(1)', 'text', { default: "'O'", comment: 'O=open, S=shipped, C=cancelled' }],
      ],
      {
        comment: 'Order header',
        foreignKeys: [
          {
            name: 'FK_ORDHDR_CUST',
            table: { name: 'ORDHDR' },
            columns: ['CUSTNO'],
            referencedTable: { name: 'CUSTMST' },
            referencedColumns: ['CUSTNO'],
          },
        ],
        indexes: [{ name: 'IX_ORDHDR_CUST', columns: ['CUSTNO'], unique: false, primary: false }],
        rows: [
          [1001, 1, '2003-04-05', 'S'],
          [1002, 2, '2003-04-06', 'O'],
          [1003, 1, '2004-01-15', 'C'],
        ],
      },
    ),
    fakeTable(
      'ORDDTL',
      [
        ['ORDNO', 'INTEGER', 'integer', { pk: 1 }],
        ['LINENO', 'SMALLINT', 'integer', { pk: 2 }],
        ['ITEMNO', 'CHAR(10)', 'text', { nullable: false }],
        ['QTY', 'DECIMAL(7,0)', 'decimal', { nullable: false }],
      ],
      {
        // Like many legacy schemas, the detail → header relationship is real but never declared.
        comment: 'Order detail lines',
        rows: [
          [1001, 1, 'W-100', '10'],
          [1001, 2, 'G-200', '1'],
          [1002, 1, 'W-100', '250'],
        ],
      },
    ),
    fakeTable(
      'V_OPENORD',
      [
        ['ORDNO', 'INTEGER', 'integer', { nullable: false }],
        ['CUSTNM', 'VARCHAR(40)', 'text', { nullable: false }],
        ['ORDDT', 'DATE', 'date', { nullable: false }],
      ],
      { kind: 'view', comment: 'Open orders', rows: [[1002, 'GLOBEX', '2003-04-06']] },
    ),
  ];
}
