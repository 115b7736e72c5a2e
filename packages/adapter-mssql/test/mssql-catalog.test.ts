import type { DatabasePort } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createMssqlAdapterFromResolved, privilegeReportOf, toQueryPlan } from '../src/mssql-adapter.js';
import * as catalog from '../src/mssql-catalog-sql.js';
import { parseMssqlConfig } from '../src/mssql-config.js';
import { type FakeBehaviour, type FakeResultSet, type FakeServer, fakeServer } from './fake-tedious.js';

const open: DatabasePort[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

function adapterOn(server: FakeServer): DatabasePort {
  const config = parseMssqlConfig({ url: 'mssql://reader:pw@sql.invalid/Legacy' })._unsafeUnwrap();
  const port = createMssqlAdapterFromResolved(config, {
    createDriverPool: (c) => server.createDriverPool(c),
  })._unsafeUnwrap();
  open.push(port);
  return port;
}

/** A result set from row objects (every column NVarChar: the fake passes values through as given). */
function set(rows: Record<string, unknown>[], names?: string[]): FakeResultSet {
  const columns = (names ?? Object.keys(rows[0] ?? {})).map((name) => ({ name, type: 'NVarChar' }));
  return { columns, rows: rows.map((r) => columns.map((c) => r[c.name])) };
}

const TABLE_COLUMNS = ['schema_name', 'table_name', 'kind', 'row_estimate', 'comment'];
const customersRow = {
  schema_name: 'dbo',
  table_name: 'customers',
  kind: 'U',
  row_estimate: '3',
  comment: 'People who buy',
};
const column = (name: string, ordinal: number, type: string, extra: Record<string, unknown> = {}) => ({
  schema_name: 'dbo',
  table_name: 'customers',
  column_name: name,
  ordinal,
  type_name: type,
  base_type: type,
  max_length: 4,
  precision: 10,
  scale: 0,
  is_nullable: false,
  default_definition: null,
  is_identity: false,
  is_computed: false,
  comment: null,
  ...extra,
});

describe('catalog statements', () => {
  it('read sys.* with typed parameters, never spliced names', () => {
    const q = catalog.describeTableQuery("x'; DROP TABLE t; --", 'customers');
    expect(q.params).toEqual({ schema: "x'; DROP TABLE t; --", name: 'customers' });
    expect(q.text).not.toContain('DROP TABLE');
    expect(q.text).toMatch(/sys\.foreign_keys/);
    expect(q.text).toMatch(/MS_Description/);
    // Row counts from the DMV when allowed, else sys.partitions: one batch either way.
    expect(q.text).toMatch(/HAS_PERMS_BY_NAME\(DB_NAME\(\), 'DATABASE', 'VIEW DATABASE STATE'\)/);
    expect(q.text).toMatch(/sys\.dm_db_partition_stats/);
    expect(q.text).toMatch(/sys\.partitions/);
    expect(catalog.listTablesQuery(undefined).params).toEqual({ schema: null });
    expect(catalog.listColumnsQuery('sales').params).toEqual({ schema: 'sales' });
  });
});

describe('catalog mapping over the fake driver', () => {
  it('listTables: one statement, kinds, estimates, MS_Description comments', async () => {
    const server = fakeServer(() => ({
      sets: [
        set(
          [
            customersRow,
            {
              schema_name: 'dbo',
              table_name: 'customer_orders',
              kind: 'V',
              row_estimate: null,
              comment: null,
            },
          ],
          TABLE_COLUMNS,
        ),
      ],
    }));
    const tables = (await adapterOn(server).listTables({ schema: 'dbo' }))._unsafeUnwrap();
    expect(tables).toEqual([
      { schema: 'dbo', name: 'customers', kind: 'table', rowEstimate: 3, comment: 'People who buy' },
      { schema: 'dbo', name: 'customer_orders', kind: 'view', rowEstimate: undefined, comment: undefined },
    ]);
    const statements = server.log.filter((l) => l.startsWith('EXEC') || l.startsWith('BATCH'));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^EXEC SET LOCK_TIMEOUT 5000; SET NOCOUNT ON;/);
    expect(statements[0]).toMatch(/\{"schema":"dbo"\}$/);
    expect(server.log.at(-1)).toBe('ROLLBACK');
  });

  it('listColumns: native and logical types, comments', async () => {
    const server = fakeServer(() => ({
      sets: [
        set([
          column('customer_id', 1, 'int'),
          column('name', 2, 'nvarchar', { max_length: 200, comment: 'Full name' }),
          column('credit_limit', 3, 'decimal', { precision: 12, scale: 2, is_nullable: true }),
          column('photo', 4, 'varbinary', { max_length: -1 }),
        ]),
      ],
    }));
    const columns = (await adapterOn(server).listColumns())._unsafeUnwrap();
    expect(columns.map((c) => [c.name, c.nativeType, c.logicalType, c.comment])).toEqual([
      ['customer_id', 'int', 'integer', undefined],
      ['name', 'nvarchar(100)', 'text', 'Full name'],
      ['credit_limit', 'decimal(12,2)', 'decimal', undefined],
      ['photo', 'varbinary(max)', 'binary', undefined],
    ]);
    expect(columns[0]?.table).toEqual({ schema: 'dbo', name: 'customers' });
  });

  it('describeTable: four result sets in one batch → columns, key, indexes, foreign keys both ways', async () => {
    const fk = (
      name: string,
      table: string,
      col: string,
      refTable: string,
      refCol: string,
      position = 1,
    ) => ({
      constraint_name: name,
      schema_name: 'dbo',
      table_name: table,
      column_name: col,
      referenced_schema: 'dbo',
      referenced_table: refTable,
      referenced_column: refCol,
      position,
    });
    const behaviour: FakeBehaviour = {
      sets: [
        set([{ ...customersRow, table_name: 'orders', comment: null }], TABLE_COLUMNS),
        set([
          column('order_id', 1, 'int', { table_name: 'orders' }),
          column('customer_id', 2, 'int', { table_name: 'orders' }),
          column('note', 3, 'nvarchar', {
            table_name: 'orders',
            max_length: 800,
            is_nullable: true,
            default_definition: "(N'')",
          }),
        ]),
        set([
          {
            index_name: 'pk_orders',
            is_unique: true,
            is_primary_key: true,
            key_ordinal: 1,
            column_name: 'order_id',
          },
          {
            index_name: 'ix_orders_customer',
            is_unique: false,
            is_primary_key: false,
            key_ordinal: 1,
            column_name: 'customer_id',
          },
        ]),
        set([
          fk('fk_orders_customer', 'orders', 'customer_id', 'customers', 'customer_id'),
          fk('fk_order_lines_order', 'order_lines', 'order_id', 'orders', 'order_id'),
        ]),
      ],
    };
    const server = fakeServer(() => behaviour);
    const detail = (await adapterOn(server).describeTable({ schema: 'dbo', name: 'orders' }))._unsafeUnwrap();
    expect(detail.table).toMatchObject({ schema: 'dbo', name: 'orders', kind: 'table' });
    expect(detail.primaryKey).toEqual(['order_id']);
    expect(detail.columns).toEqual([
      {
        name: 'order_id',
        ordinal: 1,
        nativeType: 'int',
        logicalType: 'integer',
        nullable: false,
        default: undefined,
        primaryKeyPosition: 1,
        comment: undefined,
      },
      {
        name: 'customer_id',
        ordinal: 2,
        nativeType: 'int',
        logicalType: 'integer',
        nullable: false,
        default: undefined,
        primaryKeyPosition: undefined,
        comment: undefined,
      },
      {
        name: 'note',
        ordinal: 3,
        nativeType: 'nvarchar(400)',
        logicalType: 'text',
        nullable: true,
        default: "(N'')",
        primaryKeyPosition: undefined,
        comment: undefined,
      },
    ]);
    expect(detail.indexes).toEqual([
      { name: 'pk_orders', columns: ['order_id'], unique: true, primary: true },
      { name: 'ix_orders_customer', columns: ['customer_id'], unique: false, primary: false },
    ]);
    expect(detail.foreignKeys).toEqual([
      {
        name: 'fk_orders_customer',
        table: { schema: 'dbo', name: 'orders' },
        columns: ['customer_id'],
        referencedTable: { schema: 'dbo', name: 'customers' },
        referencedColumns: ['customer_id'],
      },
    ]);
    expect(detail.referencedBy.map((k) => k.name)).toEqual(['fk_order_lines_order']);
    expect(server.log.filter((l) => l.startsWith('EXEC'))).toHaveLength(1);
  });

  it('describeTable of an unknown table is ObjectNotFound', async () => {
    const empty = (names: string[]): FakeResultSet => ({
      columns: names.map((name) => ({ name, type: 'NVarChar' })),
      rows: [],
    });
    const server = fakeServer(() => ({
      sets: [empty(TABLE_COLUMNS), empty(['column_name']), empty(['index_name']), empty(['constraint_name'])],
    }));
    const failure = (await adapterOn(server).describeTable({ name: 'no_such_table' }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'ObjectNotFound', objectType: 'table', name: 'no_such_table' });
  });

  it('serverInfo reports the product version, edition, user and database', async () => {
    const server = fakeServer(() => ({
      sets: [
        set([
          {
            version: '16.0.4135.4',
            version_text: 'Microsoft SQL Server 2022',
            edition: 'Developer Edition (64-bit)',
            login: 'reader',
            db_user: 'reader',
            database: 'Legacy',
          },
        ]),
      ],
    }));
    expect((await adapterOn(server).serverInfo())._unsafeUnwrap()).toEqual({
      dialect: 'mssql',
      version: 'SQL Server 16.0.4135.4 Developer Edition (64-bit)',
      user: 'reader',
      database: 'Legacy',
    });
  });

  it('auditPrivileges reads roles, effective permissions and GRANTs in one batch', async () => {
    const roles = Object.fromEntries([...catalog.SERVER_ROLES, ...catalog.DATABASE_ROLES].map((r) => [r, 0]));
    const server = fakeServer(() => ({
      sets: [
        set([{ login: 'reader', db_user: 'reader', database: 'Legacy', ...roles, db_datawriter: 1 }]),
        set([{ permission_name: 'INSERT' }]),
        set([
          {
            permission_name: 'EXECUTE',
            state: 'G',
            class_desc: 'OBJECT_OR_COLUMN',
            object_name: '[dbo].[usp_fix]',
            grantee: 'reader',
          },
        ]),
      ],
    }));
    const report = (await adapterOn(server).auditPrivileges!())._unsafeUnwrap();
    expect(report).toMatchObject({ user: 'reader', canWrite: true });
    expect(report.findings.map((f) => f.privilege)).toEqual(['db_datawriter', 'INSERT', 'EXECUTE']);
    expect(server.log.filter((l) => l.startsWith('BATCH') || l.startsWith('EXEC'))).toHaveLength(1);
  });
});

describe('catalogFingerprint', () => {
  it('is one cheap statement over sys.objects, inside the rolled-back transaction', async () => {
    const server = fakeServer(() => ({ sets: [set([{ fingerprint: '8:2026-11-27T12:00:00.000:123' }])] }));
    expect((await adapterOn(server).catalogFingerprint!())._unsafeUnwrap()).toBe(
      '8:2026-11-27T12:00:00.000:123',
    );
    const statements = server.log.filter((l) => l.startsWith('BATCH') || l.startsWith('EXEC'));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/FROM sys\.objects WHERE is_ms_shipped = 0/);
    expect(server.log.at(-1)).toBe('ROLLBACK');
  });
});

describe('explain failures', () => {
  it('turns SHOWPLAN_XML off again when the statement fails to compile', async () => {
    const server = fakeServer((text) =>
      text.startsWith('SELEC ') ? { error: { number: 102, message: "Incorrect syntax near 'x'." } } : {},
    );
    const failure = (
      await adapterOn(server).explain(unsafeAssumeReadOnly('SELEC x', 'mssql'), {
        maxRows: 10,
        maxBytes: 1000,
        timeoutMs: 5000,
      })
    )._unsafeUnwrapErr();
    expect(failure.kind).toBe('SyntaxError');
    expect(server.log.slice(-2)).toEqual(['BATCH SET SHOWPLAN_XML OFF', 'ROLLBACK']);
  });
});

describe('explain leaves no SHOWPLAN behind', () => {
  it('closes the session when SHOWPLAN_XML OFF fails, so no later query gets a plan instead of rows', async () => {
    const server = fakeServer((text) =>
      text === 'SET SHOWPLAN_XML OFF' ? { error: { number: 50000, message: 'cannot' } } : {},
    );
    const db = adapterOn(server);
    const limits = { maxRows: 10, maxBytes: 1000, timeoutMs: 5000 };
    (await db.explain(unsafeAssumeReadOnly('SELECT 1', 'mssql'), limits))._unsafeUnwrapErr();
    await new Promise((r) => setTimeout(r, 50));
    expect(server.log).toContain('CLOSE');
    server.script = () => ({});
    (await db.explain(unsafeAssumeReadOnly('SELECT 1', 'mssql'), limits))._unsafeUnwrap();
    expect(server.connections).toHaveLength(2);
  });

  it('keeps the session when SHOWPLAN_XML OFF succeeded', async () => {
    const server = fakeServer(() => ({}));
    const db = adapterOn(server);
    const limits = { maxRows: 10, maxBytes: 1000, timeoutMs: 5000 };
    for (let i = 0; i < 2; i++)
      (await db.explain(unsafeAssumeReadOnly('SELECT 1', 'mssql'), limits))._unsafeUnwrap();
    expect(server.connections).toHaveLength(1);
    expect(server.log).not.toContain('CLOSE');
  });
});

describe('privilegeReportOf', () => {
  const none = Object.fromEntries([...catalog.SERVER_ROLES, ...catalog.DATABASE_ROLES].map((r) => [r, 0]));
  const roles = (set: Record<string, number>) =>
    ({ login: 'r', db_user: 'r', database: 'Legacy', ...none, ...set }) as unknown as catalog.AuditRolesRow;

  it('a plain reader (db_datareader only) can neither write nor change the schema', () => {
    expect(privilegeReportOf(roles({}), [], [])).toEqual({
      user: 'r',
      canWrite: false,
      canChangeSchema: false,
      findings: [],
    });
  });

  it('sysadmin and db_owner write and change schema; db_ddladmin changes schema only', () => {
    expect(privilegeReportOf(roles({ sysadmin: 1 }), [], [])).toMatchObject({
      canWrite: true,
      canChangeSchema: true,
    });
    expect(privilegeReportOf(roles({ db_owner: 1 }), [], [])).toMatchObject({
      canWrite: true,
      canChangeSchema: true,
    });
    expect(privilegeReportOf(roles({ db_ddladmin: 1 }), [], [])).toMatchObject({
      canWrite: false,
      canChangeSchema: true,
    });
  });

  it('db_denydatawriter cancels db_datawriter and is reported as information', () => {
    const report = privilegeReportOf(roles({ db_datawriter: 1, db_denydatawriter: 1 }), [], []);
    expect(report.canWrite).toBe(false);
    expect(report.findings).toEqual([
      expect.objectContaining({ privilege: 'db_denydatawriter', severity: 'info' }),
    ]);
  });

  it('database permissions and object GRANTs count by what they allow', () => {
    const report = privilegeReportOf(
      roles({}),
      [{ permission_name: 'CREATE TABLE' }, { permission_name: 'BACKUP DATABASE' }],
      [
        {
          permission_name: 'UPDATE',
          state: 'W',
          class_desc: 'SCHEMA',
          object_name: '[sales]',
          grantee: 'public',
        },
      ],
    );
    expect(report).toMatchObject({ canWrite: true, canChangeSchema: true });
    expect(report.findings).toEqual([
      { privilege: 'CREATE TABLE', object: 'database Legacy', severity: 'warning' },
      { privilege: 'BACKUP DATABASE', object: 'database Legacy', severity: 'info' },
      { privilege: 'UPDATE WITH GRANT OPTION', object: 'schema [sales] (to public)', severity: 'warning' },
    ]);
  });
});

describe('toQueryPlan', () => {
  it('renders nested RelOps with costs and rows', () => {
    const xml = `<StmtSimple StatementSubTreeCost="0.05"><QueryPlan>
      <RelOp PhysicalOp="Hash Match" LogicalOp="Inner Join" EstimateRows="4" EstimatedTotalSubtreeCost="0.05">
        <Hash><RelOp PhysicalOp="Clustered Index Scan" LogicalOp="Clustered Index Scan" EstimateRows="3" EstimatedTotalSubtreeCost="0.003"><IndexScan/></RelOp>
        <RelOp PhysicalOp="Index Seek" LogicalOp="Index Seek" EstimateRows="4" EstimatedTotalSubtreeCost="0.004"/></Hash>
      </RelOp></QueryPlan></StmtSimple>`;
    const plan = toQueryPlan(xml);
    expect(plan.text.split('\n')).toEqual([
      'Hash Match (Inner Join)  (cost=0.05 rows=4)',
      '  -> Clustered Index Scan  (cost=0.003 rows=3)',
      '  -> Index Seek  (cost=0.004 rows=4)',
    ]);
    expect(plan.estimatedCost).toBe(0.05);
  });
});
