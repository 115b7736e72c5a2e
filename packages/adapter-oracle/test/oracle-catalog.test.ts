import { describe, expect, it } from 'vitest';
import { createOracleAdapter } from '../src/index.js';
import { nameCandidates } from '../src/oracle-catalog-sql.js';
import { FakeDriver } from './fake-oracle.js';

const URL = 'oracle://app:pw@db.example/FREEPDB1';

// Rows as node-oracledb returns them with OUT_FORMAT_OBJECT: upper-case keys, NUMBERs as numbers.
const TABLES = [
  {
    SCHEMA_NAME: 'APP',
    TABLE_NAME: 'CUSTOMERS',
    KIND: 'TABLE',
    NUM_ROWS: 3,
    COMMENTS: 'People who buy',
    IS_CURRENT: 1,
  },
  { SCHEMA_NAME: 'APP', TABLE_NAME: 'ORDERS', KIND: 'TABLE', NUM_ROWS: null, COMMENTS: null, IS_CURRENT: 1 },
  { SCHEMA_NAME: 'APP', TABLE_NAME: 'SALES_MV', KIND: 'MVIEW', NUM_ROWS: 10, COMMENTS: null, IS_CURRENT: 1 },
  {
    SCHEMA_NAME: 'APP',
    TABLE_NAME: 'CUSTOMER_ORDERS',
    KIND: 'VIEW',
    NUM_ROWS: null,
    COMMENTS: 'joined',
    IS_CURRENT: 1,
  },
];

const column = (
  table: string,
  name: string,
  id: number,
  type: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  SCHEMA_NAME: 'APP',
  TABLE_NAME: table,
  COLUMN_NAME: name,
  COLUMN_ID: id,
  DATA_TYPE_OWNER: null,
  DATA_LENGTH: 22,
  CHAR_LENGTH: 0,
  CHAR_USED: null,
  DATA_PRECISION: null,
  DATA_SCALE: null,
  NULLABLE: 'Y',
  COMMENTS: null,
  ...type,
  ...extra,
});

const ORDER_COLUMNS = [
  column(
    'ORDERS',
    'ORDER_ID',
    1,
    { DATA_TYPE: 'NUMBER', DATA_PRECISION: 10, DATA_SCALE: 0 },
    { NULLABLE: 'N' },
  ),
  column(
    'ORDERS',
    'CUSTOMER_ID',
    2,
    { DATA_TYPE: 'NUMBER', DATA_PRECISION: 10, DATA_SCALE: 0 },
    { NULLABLE: 'N' },
  ),
  column('ORDERS', 'ORDERED_ON', 3, { DATA_TYPE: 'DATE' }, { NULLABLE: 'N', DATA_DEFAULT: 'SYSDATE\n' }),
  column(
    'ORDERS',
    'NOTE',
    4,
    { DATA_TYPE: 'VARCHAR2', DATA_LENGTH: 1600, CHAR_LENGTH: 400, CHAR_USED: 'C' },
    { COMMENTS: 'free text' },
  ),
];

const key = (
  name: string,
  type: string,
  table: string,
  col: string,
  position: number,
  ref?: [string, string],
  index?: string,
) => ({
  CONSTRAINT_NAME: name,
  CONSTRAINT_TYPE: type,
  SCHEMA_NAME: 'APP',
  TABLE_NAME: table,
  COLUMN_NAME: col,
  POSITION: position,
  INDEX_NAME: index ?? null,
  R_SCHEMA: ref ? 'APP' : null,
  R_TABLE: ref?.[0] ?? null,
  R_COLUMN: ref?.[1] ?? null,
});

const ORDER_KEYS = [
  key('FK_ORDER_LINES_ORDER', 'R', 'ORDER_LINES', 'ORDER_ID', 1, ['ORDERS', 'ORDER_ID']),
  key('FK_ORDERS_CUSTOMER', 'R', 'ORDERS', 'CUSTOMER_ID', 1, ['CUSTOMERS', 'CUSTOMER_ID']),
  key('PK_ORDERS', 'P', 'ORDERS', 'ORDER_ID', 1, undefined, 'PK_ORDERS'),
];

const ORDER_INDEXES = [
  {
    INDEX_NAME: 'IX_ORDERS_CUSTOMER',
    UNIQUENESS: 'NONUNIQUE',
    COLUMN_NAME: 'CUSTOMER_ID',
    COLUMN_POSITION: 1,
  },
  {
    INDEX_NAME: 'IX_ORDERS_UPPER_NOTE',
    UNIQUENESS: 'NONUNIQUE',
    COLUMN_NAME: 'SYS_NC00005$',
    COLUMN_POSITION: 1,
  },
  { INDEX_NAME: 'PK_ORDERS', UNIQUENESS: 'UNIQUE', COLUMN_NAME: 'ORDER_ID', COLUMN_POSITION: 1 },
];

function catalogDriver() {
  return new FakeDriver([
    {
      match: /FROM all_tab_columns c[\s\S]*c\.owner = :owner AND c\.table_name = :name/,
      rows: ORDER_COLUMNS,
    },
    { match: /FROM all_tab_columns/, rows: ORDER_COLUMNS },
    { match: /t\.table_name IN \(:name1, :name2\)/, rows: [TABLES[1]!] },
    { match: /FROM all_tables t/, rows: TABLES },
    { match: /FROM all_constraints c/, rows: ORDER_KEYS },
    { match: /FROM all_indexes i/, rows: ORDER_INDEXES },
    {
      match: /SYS_CONTEXT\('USERENV', 'CON_NAME'\)/,
      rows: [{ user: 'APP', CURRENT_SCHEMA: 'APP', CON_NAME: 'FREEPDB1', DB_NAME: 'FREE' }],
    },
  ]);
}

describe('catalog mapping', () => {
  it('lists tables, views and materialized views with row estimates and comments, in one query', async () => {
    const driver = catalogDriver();
    const db = createOracleAdapter({ url: URL }, driver);
    const tables = (await db.listTables())._unsafeUnwrap();
    expect(tables).toEqual([
      { schema: 'APP', name: 'CUSTOMERS', kind: 'table', rowEstimate: 3, comment: 'People who buy' },
      { schema: 'APP', name: 'ORDERS', kind: 'table', rowEstimate: undefined, comment: undefined },
      { schema: 'APP', name: 'SALES_MV', kind: 'materialized_view', rowEstimate: 10, comment: undefined },
      { schema: 'APP', name: 'CUSTOMER_ORDERS', kind: 'view', rowEstimate: undefined, comment: 'joined' },
    ]);
    expect(driver.statements()).toHaveLength(1);
    expect(driver.statements()[0]).toMatch(/oracle_maintained = 'N'/);
    await db.close();
  });

  it('binds a schema filter as written and upper-cased', async () => {
    const driver = catalogDriver();
    const db = createOracleAdapter({ url: URL }, driver);
    await db.listTables({ schema: 'app' });
    await db.listColumns({ schema: '"MixedCase"' });
    const binds = driver.calls
      .filter((c) => c.method === 'execute' && !/^ALTER/.test(c.sql!))
      .map((c) => c.binds);
    expect(binds).toEqual([
      { owner1: 'app', owner2: 'APP' },
      { owner1: 'MixedCase', owner2: 'MixedCase' },
    ]);
    expect(driver.statements()[0]).toMatch(/t\.owner IN \(:owner1, :owner2\)/);
    expect(driver.statements()[0]).toMatch(/v\.owner IN \(:owner1, :owner2\)/);
    await db.close();
  });

  it('lists columns with native and logical types and comments, in one query', async () => {
    const driver = catalogDriver();
    const db = createOracleAdapter({ url: URL }, driver);
    const columns = (await db.listColumns())._unsafeUnwrap();
    expect(columns.map((c) => [c.name, c.nativeType, c.logicalType, c.comment])).toEqual([
      ['ORDER_ID', 'NUMBER(10)', 'integer', undefined],
      ['CUSTOMER_ID', 'NUMBER(10)', 'integer', undefined],
      ['ORDERED_ON', 'DATE', 'timestamp', undefined],
      ['NOTE', 'VARCHAR2(400 CHAR)', 'text', 'free text'],
    ]);
    expect(columns[0]?.table).toEqual({ schema: 'APP', name: 'ORDERS' });
    expect(driver.statements()).toHaveLength(1);
    await db.close();
  });

  it('describes a table in four queries: keys both ways, indexes, defaults, upper-case lookup', async () => {
    const driver = catalogDriver();
    const db = createOracleAdapter({ url: URL }, driver);
    const detail = (await db.describeTable({ name: 'orders' }))._unsafeUnwrap();
    expect(driver.statements()).toHaveLength(4);
    const find = driver.calls.find((c) => /:name1/.test(c.sql ?? ''))!;
    expect(find.binds).toEqual({ name1: 'orders', name2: 'ORDERS' });
    expect(detail.table).toMatchObject({ schema: 'APP', name: 'ORDERS', kind: 'table' });
    expect(detail.primaryKey).toEqual(['ORDER_ID']);
    expect(
      detail.columns.map((c) => [c.name, c.ordinal, c.nullable, c.primaryKeyPosition, c.default]),
    ).toEqual([
      ['ORDER_ID', 1, false, 1, undefined],
      ['CUSTOMER_ID', 2, false, undefined, undefined],
      ['ORDERED_ON', 3, false, undefined, 'SYSDATE'],
      ['NOTE', 4, true, undefined, undefined],
    ]);
    expect(detail.foreignKeys).toEqual([
      {
        name: 'FK_ORDERS_CUSTOMER',
        table: { schema: 'APP', name: 'ORDERS' },
        columns: ['CUSTOMER_ID'],
        referencedTable: { schema: 'APP', name: 'CUSTOMERS' },
        referencedColumns: ['CUSTOMER_ID'],
      },
    ]);
    expect(
      detail.referencedBy.map((k) => `${k.table.name}(${k.columns}) → ${k.referencedTable.name}`),
    ).toEqual(['ORDER_LINES(ORDER_ID) → ORDERS']);
    expect(detail.indexes).toEqual([
      { name: 'IX_ORDERS_CUSTOMER', columns: ['CUSTOMER_ID'], unique: false, primary: false },
      { name: 'IX_ORDERS_UPPER_NOTE', columns: ['(expression)'], unique: false, primary: false },
      { name: 'PK_ORDERS', columns: ['ORDER_ID'], unique: true, primary: true },
    ]);
    // Resolved names are bound exactly in the later queries.
    expect(
      driver.calls
        .filter((c) => /:owner AND/.test(c.sql ?? ''))
        .every((c) => (c.binds as { owner: string }).owner === 'APP'),
    ).toBe(true);
    await db.close();
  });

  it('binds every caller name: none reaches the SQL text', async () => {
    const driver = new FakeDriver([{ match: /FROM all_tables t/, rows: [] }]);
    const db = createOracleAdapter({ url: URL }, driver);
    const evil = "x' OR 1=1 --";
    await db.listTables({ schema: evil });
    await db.listColumns({ schema: evil });
    await db.describeTable({ schema: evil, name: evil });
    expect(driver.statements()).toHaveLength(3);
    for (const sql of driver.statements()) expect(sql).not.toContain('OR 1=1');
    expect(
      driver.calls.filter((c) => c.method === 'execute' && !/^ALTER/.test(c.sql!)).map((c) => c.binds),
    ).toEqual([
      { owner1: evil, owner2: evil.toUpperCase() },
      { owner1: evil, owner2: evil.toUpperCase() },
      { owner1: evil, owner2: evil.toUpperCase(), name1: evil, name2: evil.toUpperCase() },
    ]);
    await db.close();
  });

  it('answers ObjectNotFound for an unknown table without further queries', async () => {
    const driver = new FakeDriver([{ match: /FROM all_tables t/, rows: [] }]);
    const db = createOracleAdapter({ url: URL }, driver);
    const failure = (await db.describeTable({ schema: 'APP', name: 'no_such_table' }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'ObjectNotFound', objectType: 'table' });
    expect(driver.statements()).toHaveLength(1);
    await db.close();
  });

  it('prefers the exact spelling, then the current schema, and refuses to guess between schemas', async () => {
    const both = [
      { SCHEMA_NAME: 'APP', TABLE_NAME: 'T', KIND: 'TABLE', NUM_ROWS: null, COMMENTS: null, IS_CURRENT: 0 },
      { SCHEMA_NAME: 'HR', TABLE_NAME: 'T', KIND: 'TABLE', NUM_ROWS: null, COMMENTS: null, IS_CURRENT: 0 },
      { SCHEMA_NAME: 'HR', TABLE_NAME: 't', KIND: 'TABLE', NUM_ROWS: null, COMMENTS: null, IS_CURRENT: 0 },
    ];
    const driver = new FakeDriver([{ match: /FROM all_tables t/, rows: both }]);
    const db = createOracleAdapter({ url: URL }, driver);
    // A quoted lower-case name exists only in HR.
    expect((await db.describeTable({ name: 't' }))._unsafeUnwrap().table).toMatchObject({
      schema: 'HR',
      name: 't',
    });
    const failure = (await db.describeTable({ name: 'T' }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'ObjectNotFound', suggestions: ['APP.T', 'HR.T'] });
    expect(failure.publicDetail).toMatch(/APP, HR/);
    await db.close();
  });

  it('reports server info from the handshake version and SYS_CONTEXT', async () => {
    const driver = catalogDriver();
    const db = createOracleAdapter({ url: URL }, driver);
    expect((await db.serverInfo())._unsafeUnwrap()).toEqual({
      dialect: 'oracle',
      version: '23.5.0.24.7',
      user: 'APP',
      database: 'FREEPDB1',
    });
    await db.close();
  });

  it('fingerprints the catalog in one statement over ALL_OBJECTS', async () => {
    const driver = new FakeDriver([
      { match: /FROM all_objects o/, rows: [{ FINGERPRINT: '12/12/20261127120000' }] },
    ]);
    const db = createOracleAdapter({ url: URL }, driver);
    expect((await db.catalogFingerprint!())._unsafeUnwrap()).toBe('12/12/20261127120000');
    expect(driver.statements()).toHaveLength(1);
    expect(driver.statements()[0]).toMatch(/oracle_maintained = 'N'/);
    await db.close();
  });

  it('reports the user schema as the default schema', () => {
    expect(createOracleAdapter({ url: URL }, new FakeDriver()).capabilities.defaultSchema).toBe('APP');
    expect(nameCandidates('"Odd"')).toEqual(['Odd', 'Odd']);
  });
});

describe('privilege audit', () => {
  const audit = async (rows: Record<string, unknown>[]) => {
    const driver = new FakeDriver([
      { match: /FROM session_privs/, rows: rows.map((r) => ({ user: 'READER', OBJECT: null, ...r })) },
    ]);
    const db = createOracleAdapter({ url: URL }, driver);
    const report = (await db.auditPrivileges!())._unsafeUnwrap();
    expect(driver.statements()).toHaveLength(1);
    await db.close();
    return report;
  };

  it('passes a user with CREATE SESSION and SELECT grants only', async () => {
    const report = await audit([
      { KIND: 'SYSTEM', PRIVILEGE: 'CREATE SESSION' },
      { KIND: 'ROLE', PRIVILEGE: 'CONNECT' },
    ]);
    expect(report).toMatchObject({ user: 'READER', canWrite: false, canChangeSchema: false });
    expect(report.findings).toEqual([expect.objectContaining({ privilege: 'CONNECT', severity: 'info' })]);
  });

  it('flags ANY privileges, DBA/RESOURCE, object grants and owned tables', async () => {
    const report = await audit([
      { KIND: 'SYSTEM', PRIVILEGE: 'CREATE ANY TABLE' },
      { KIND: 'SYSTEM', PRIVILEGE: 'INSERT ANY TABLE' },
      { KIND: 'SYSTEM', PRIVILEGE: 'SELECT ANY TABLE' },
      { KIND: 'ROLE', PRIVILEGE: 'DBA' },
      { KIND: 'ROLE', PRIVILEGE: 'RESOURCE' },
      { KIND: 'OBJECT', PRIVILEGE: 'UPDATE', OBJECT: 'HR.EMPLOYEES' },
      { KIND: 'ROLE_OBJECT', PRIVILEGE: 'DELETE', OBJECT: 'HR.JOBS' },
      { KIND: 'OWNED', PRIVILEGE: 'OWNER', OBJECT: 'CUSTOMERS' },
    ]);
    expect(report).toMatchObject({ canWrite: true, canChangeSchema: true });
    const by = new Map(report.findings.map((f) => [f.privilege, f]));
    expect(by.get('CREATE ANY TABLE')?.severity).toBe('warning');
    expect(by.get('INSERT ANY TABLE')?.severity).toBe('warning');
    expect(by.get('SELECT ANY TABLE')?.severity).toBe('info');
    expect(by.get('DBA')?.severity).toBe('warning');
    expect(by.get('RESOURCE')?.severity).toBe('warning');
    expect(by.get('UPDATE')).toMatchObject({ object: 'HR.EMPLOYEES', severity: 'warning' });
    expect(by.get('DELETE')).toMatchObject({ object: 'HR.JOBS' });
    expect(by.get('OWNER')).toMatchObject({ object: 'CUSTOMERS' });
  });

  it('counts an owner as able to write even without grants', async () => {
    const report = await audit([
      { KIND: 'SYSTEM', PRIVILEGE: 'CREATE SESSION' },
      { KIND: 'OWNED', PRIVILEGE: 'OWNER', OBJECT: 'T1' },
    ]);
    expect(report).toMatchObject({ canWrite: true, canChangeSchema: true });
  });

  it('counts a RESOURCE member as able to change the schema but not to write', async () => {
    const report = await audit([
      { KIND: 'ROLE', PRIVILEGE: 'RESOURCE' },
      { KIND: 'SYSTEM', PRIVILEGE: 'CREATE TABLE' },
    ]);
    expect(report).toMatchObject({ canWrite: false, canChangeSchema: true });
  });
});

describe('explain', () => {
  it('runs EXPLAIN PLAN under a statement id, reads DBMS_XPLAN, and rolls back', async () => {
    const driver = new FakeDriver([
      { match: /DBMS_XPLAN/, rows: [{ LINE: 'Plan hash value: 1' }, { LINE: '| 0 | SELECT STATEMENT |' }] },
      { match: /FROM plan_table/, rows: [{ COST: 3 }] },
    ]);
    const db = createOracleAdapter({ url: URL }, driver);
    const { unsafeAssumeReadOnly } = await import('@legacybridge/core/testing');
    const plan = (
      await db.explain(unsafeAssumeReadOnly('SELECT * FROM customers', 'oracle'), {
        maxRows: 10,
        maxBytes: 1000,
        timeoutMs: 1000,
      })
    )._unsafeUnwrap();
    expect(plan).toEqual({
      dialect: 'oracle',
      text: 'Plan hash value: 1\n| 0 | SELECT STATEMENT |',
      estimatedCost: 3,
    });
    expect(driver.trace()).toEqual([
      'execute EXPLAIN PLAN SET',
      'execute SELECT plan_table_output AS',
      'execute SELECT cost FROM',
      'rollback',
    ]);
    expect(driver.statements()[0]).toMatch(
      /^EXPLAIN PLAN SET STATEMENT_ID = 'lb_[0-9a-f]{12}' FOR SELECT \* FROM customers$/,
    );
    await db.close();
  });

  it('refuses to explain anything but a query', async () => {
    const db = createOracleAdapter({ url: URL }, new FakeDriver());
    const { unsafeAssumeReadOnly } = await import('@legacybridge/core/testing');
    const failure = (
      await db.explain(unsafeAssumeReadOnly('DELETE FROM t', 'oracle'), {
        maxRows: 1,
        maxBytes: 1,
        timeoutMs: 1,
      })
    )._unsafeUnwrapErr();
    expect(failure.kind).toBe('Unsupported');
    await db.close();
  });
});
