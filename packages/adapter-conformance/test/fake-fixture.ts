import type { CellValue } from '@legacybridge/core';
import { type FakeTable, fakeTable } from '@legacybridge/core/testing';

/**
 * The conformance fixture (CONFORMANCE_FIXTURES.sqlite) built by hand as fake tables: the fake runs no
 * DDL, so this mirrors the SQL statement by statement. Keep the two in step.
 */
export function fixtureAsFakeTables(): FakeTable[] {
  const events: CellValue[][] = Array.from({ length: 5000 }, (_, k) => {
    const i = k + 1;
    return [i, i % 10 === 0 ? null : (i % 3) + 1, `event ${i}`];
  });
  const fk = (table: string, column: string, target: string) => ({
    table: { name: table },
    columns: [column],
    referencedTable: { name: target },
    referencedColumns: [column],
  });
  return [
    fakeTable(
      'customers',
      [
        ['customer_id', 'INTEGER', 'integer', { pk: 1 }],
        ['name', 'VARCHAR(100)', 'text', { nullable: false }],
        ['email', 'VARCHAR(200)', 'text'],
        ['credit_limit', 'DECIMAL(12,2)', 'decimal'],
        ['created_on', 'DATE', 'date', { nullable: false }],
      ],
      {
        rows: [
          [1, 'Ada Lovelace', 'ada@example.com', '1500.00', '1999-12-31'],
          [2, 'Grace Hopper', null, '250000.50', '2001-02-03'],
          [3, 'Émile Zola', 'emile@example.fr', null, '2010-06-15'],
        ],
      },
    ),
    fakeTable(
      'products',
      [
        ['product_id', 'INTEGER', 'integer', { pk: 1 }],
        ['sku', 'VARCHAR(20)', 'text', { nullable: false }],
        ['title', 'VARCHAR(200)', 'text', { nullable: false }],
        ['unit_price', 'DECIMAL(10,2)', 'decimal', { nullable: false }],
      ],
      {
        indexes: [{ name: 'uq_products_sku', columns: ['sku'], unique: true, primary: false }],
        rows: [
          [1, 'W-100', 'Widget', '2.50'],
          [2, 'G-200', 'Gadget', '19.99'],
          [3, 'S-300', 'Sprocket', '0.75'],
        ],
      },
    ),
    fakeTable(
      'orders',
      [
        ['order_id', 'INTEGER', 'integer', { pk: 1 }],
        ['customer_id', 'INTEGER', 'integer', { nullable: false }],
        ['ordered_on', 'DATE', 'date', { nullable: false }],
        ['status', 'CHAR(1)', 'text', { nullable: false }],
        ['note', 'VARCHAR(400)', 'text'],
      ],
      {
        foreignKeys: [fk('orders', 'customer_id', 'customers')],
        indexes: [{ name: 'ix_orders_customer', columns: ['customer_id'], unique: false, primary: false }],
        rows: [
          [100, 1, '2003-04-05', 'S', null],
          [101, 1, '2003-04-06', 'O', 'leave at the door'],
          [102, 2, '2004-01-15', 'C', null],
          [103, 3, '2010-07-01', 'O', null],
        ],
      },
    ),
    fakeTable(
      'order_lines',
      [
        ['order_id', 'INTEGER', 'integer', { pk: 1 }],
        ['line_no', 'INTEGER', 'integer', { pk: 2 }],
        ['product_id', 'INTEGER', 'integer', { nullable: false }],
        ['quantity', 'INTEGER', 'integer', { nullable: false }],
      ],
      {
        foreignKeys: [fk('order_lines', 'order_id', 'orders'), fk('order_lines', 'product_id', 'products')],
        rows: [
          [100, 1, 1, 10],
          [100, 2, 2, 1],
          [101, 1, 3, 250],
          [102, 1, 1, 5],
          [103, 1, 2, 2],
          [103, 2, 3, 7],
        ],
      },
    ),
    fakeTable(
      'type_samples',
      [
        ['sample_id', 'INTEGER', 'integer', { pk: 1 }],
        ['big_value', 'BIGINT', 'bigint'],
        ['exact_value', 'DECIMAL(20,2)', 'decimal'],
        ['day_value', 'DATE', 'date'],
        ['blob_value', 'BLOB', 'binary'],
        ['text_value', 'VARCHAR(50)', 'text'],
      ],
      {
        rows: [
          [
            1,
            '9007199254740993',
            '1234567.89',
            '2003-04-05',
            { $binary: '3q2+7w==', length: 4 },
            'héllo wörld',
          ],
          [2, null, null, null, null, null],
        ],
      },
    ),
    fakeTable(
      'event_log',
      [
        ['event_id', 'INTEGER', 'integer', { pk: 1 }],
        ['customer_id', 'INTEGER', 'integer'],
        ['message', 'VARCHAR(100)', 'text', { nullable: false }],
      ],
      { rows: events },
    ),
    fakeTable(
      'customer_orders',
      [
        ['customer_id', 'INTEGER', 'integer'],
        ['name', 'VARCHAR(100)', 'text'],
        ['order_id', 'INTEGER', 'integer'],
        ['ordered_on', 'DATE', 'date'],
      ],
      { kind: 'view' },
    ),
  ];
}
