import { describe, expect, it } from 'vitest';
import { toPublicMessage } from '../src/errors.js';
import { checkReadOnlySql } from '../src/guard/index.js';
import type { Dialect } from '../src/model.js';
import { type DataDictionary, parseDataDictionary } from '../src/schema/data-dictionary.js';
import { createFakeDatabase, fakeDeps, fakeTable, legacyFakeTables } from '../src/testing/index.js';
import { describeTable } from '../src/use-cases/describe-table.js';
import { explainQuery } from '../src/use-cases/explain-query.js';
import { findJoinPath } from '../src/use-cases/find-join-path.js';
import { listTables } from '../src/use-cases/list-tables.js';
import { runReadOnlyQuery } from '../src/use-cases/run-read-only-query.js';
import { searchSchema } from '../src/use-cases/search-schema.js';

const dictionary = (value: unknown): DataDictionary => parseDataDictionary(value)._unsafeUnwrap();

// The legacy fake schema plus what a data dictionary exists for: a forgotten backup of customer
// rows, a payroll table, a cryptic AR table only its synonyms explain, and a column to hide.
const tables = () => [
  ...legacyFakeTables(),
  fakeTable(
    'X_TMP_BAK_CUSTMST',
    [
      ['CUSTNO', 'INTEGER', 'integer'],
      ['CUSTNM', 'VARCHAR(40)', 'text'],
    ],
    { rows: [[1, 'ACME TOOLS']] },
  ),
  fakeTable('XA01', [
    ['INVNO', 'INTEGER', 'integer', { pk: 1 }],
    ['CUSTNO', 'INTEGER', 'integer'],
    ['AMT', 'INTEGER', 'integer'],
    ['TAXID', 'CHAR(11)', 'text'],
  ]),
];

const DICTIONARY = {
  version: 1,
  tables: {
    custmst: {
      description: 'One row per customer account',
      synonyms: ['clients'],
      columns: { CREDLMT: { unit: 'USD', description: 'Credit limit agreed with finance' } },
    },
    X_TMP_BAK_CUSTMST: { hidden: true },
    XA01: {
      description: 'Open receivables',
      synonyms: ['accounts receivable', 'AR invoices'],
      columns: {
        AMT: { unit: 'USD cents', synonyms: ['invoice amount'] },
        TAXID: { hidden: true },
        CUSTNO: { pii: true },
      },
    },
  },
};

const depsWith = (value: unknown = DICTIONARY, dialect: Dialect = 'sqlite') => ({
  ...fakeDeps(createFakeDatabase({ tables: tables(), dialect })),
  dictionary: dictionary(value),
});

describe('parseDataDictionary', () => {
  it('indexes tables case-insensitively, bare names for every schema, schema.table for one', () => {
    const d = dictionary({
      tables: { CUSTMST: { description: 'bare' }, 'sales.custmst': { description: 'sales only' } },
    });
    expect(d.tables).toHaveLength(2);
    expect(d.entryFor({ name: 'custmst' })?.description).toBe('bare');
    expect(d.entryFor({ schema: 'crm', name: 'CustMst' })?.description).toBe('bare');
    expect(d.entryFor({ schema: 'SALES', name: 'CUSTMST' })?.description).toBe('sales only');
    expect(d.entryFor({ name: 'ORDHDR' })).toBeUndefined();
  });

  it('refuses a table key with more than one dot or an empty part, instead of hiding nothing', () => {
    const issues = parseDataDictionary({
      tables: { 'legacy.dbo.PAYROLL': { hidden: true }, '.SALARY': { hidden: true }, 'hr.': {}, 'hr.OK': {} },
    })._unsafeUnwrapErr();
    expect(issues.map((i) => i.path)).toEqual([
      'tables."legacy.dbo.PAYROLL"',
      'tables.".SALARY"',
      'tables."hr."',
    ]);
    expect(issues[0]?.message).toContain('schema.table');
  });

  it('counts columns and collects the hidden table names (lower case, without schema)', () => {
    const d = dictionary({
      tables: {
        'hr.PAYROLL': { hidden: true, columns: { SSN: { hidden: true }, GROSS: { unit: 'USD' } } },
        CUSTMST: { columns: { PHONE: { pii: true } } },
      },
    });
    expect(d.columnCount).toBe(3);
    expect([...d.hiddenTableNames]).toEqual(['payroll']);
  });

  it('names the key path of every problem: unknown keys, wrong types, duplicates by case', () => {
    const result = parseDataDictionary({
      tables: {
        CUSTMST: { hiden: true, columns: { CRLMT: { pii: 'yes' } } },
        custmst: {},
        'hr.payroll': { synonyms: 'pay' },
      },
    });
    const issues = result._unsafeUnwrapErr();
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(Object.keys(byPath).sort()).toEqual(
      ['tables.CUSTMST', 'tables.CUSTMST.columns.CRLMT.pii', 'tables."hr.payroll".synonyms'].sort(),
    );
    expect(byPath['tables.CUSTMST']).toMatch(/hiden/);
    expect(byPath['tables.CUSTMST.columns.CRLMT.pii']).toMatch(/boolean/);
    // The case duplicate is only reported once the shapes are valid.
    const duplicate = parseDataDictionary({ tables: { CUSTMST: {}, custmst: {} } })._unsafeUnwrapErr();
    expect(duplicate).toEqual([
      { path: 'tables.custmst', message: 'duplicates "CUSTMST" (names match ignoring letter case)' },
    ]);
  });

  it('refuses an empty file, a list, and a file without tables', () => {
    for (const value of [null, [], 'tables', {}]) {
      const issues = parseDataDictionary(value)._unsafeUnwrapErr();
      expect(issues.length, JSON.stringify(value)).toBeGreaterThan(0);
    }
    expect(parseDataDictionary({}).isErr() && parseDataDictionary({})._unsafeUnwrapErr()[0]?.path).toBe(
      'tables',
    );
  });
});

describe('the dictionary laid over the use cases', () => {
  it('list_tables leaves hidden tables out of pages and totals and carries descriptions', async () => {
    const deps = depsWith();
    const page = (await listTables(deps, {}))._unsafeUnwrap();
    const names = page.tables.map((t) => t.name);
    expect(names).not.toContain('X_TMP_BAK_CUSTMST');
    expect(names).toContain('XA01');
    expect(page.total).toBe(tables().length - 1);
    const xa01 = page.tables.find((t) => t.name === 'XA01')!;
    expect(xa01.description).toBe('Open receivables');
    expect(xa01.synonyms).toEqual(['accounts receivable', 'AR invoices']);
    // Without a dictionary the same port lists everything (the overlay is a view, not a change).
    const plain = (await listTables({ ...deps, dictionary: undefined }, {}))._unsafeUnwrap();
    expect(plain.tables.map((t) => t.name)).toContain('X_TMP_BAK_CUSTMST');
  });

  it('search_schema finds a table by a synonym its name does not suggest, and never a hidden one', async () => {
    const deps = depsWith();
    const found = (await searchSchema(deps, { query: 'accounts receivable' }))._unsafeUnwrap();
    expect(found.matches[0]).toMatchObject({ type: 'table', table: 'XA01', matched: 'synonym' });
    expect(found.matches[0]?.reason).toContain('synonym has "receivable"');
    // Without the dictionary nothing in the catalog says "receivable".
    const plain = (
      await searchSchema(fakeDeps(createFakeDatabase({ tables: tables() })), {
        query: 'accounts receivable',
      })
    )._unsafeUnwrap();
    expect(plain.matches.map((m) => m.table)).not.toContain('XA01');
    // A two-letter synonym word matches whole, and descriptions are searched like comments.
    const ar = (await searchSchema(deps, { query: 'AR' }))._unsafeUnwrap();
    expect(ar.matches[0]).toMatchObject({ table: 'XA01', matched: 'synonym' });
    const byDescription = (await searchSchema(deps, { query: 'finance' }))._unsafeUnwrap();
    expect(byDescription.matches.map((m) => `${m.table}.${m.column}`)).toEqual(['CUSTMST.CREDLMT']);
    expect(byDescription.matches[0]?.matched).toBe('description');
    // Column synonyms too.
    const amount = (await searchSchema(deps, { query: 'invoice amount' }))._unsafeUnwrap();
    expect(amount.matches[0]).toMatchObject({ table: 'XA01', column: 'AMT' });
  });

  it('search_schema finds neither hidden tables nor hidden columns', async () => {
    const deps = depsWith();
    const bak = (await searchSchema(deps, { query: 'x_tmp_bak_custmst' }))._unsafeUnwrap();
    expect(bak.matches.map((m) => m.table)).not.toContain('X_TMP_BAK_CUSTMST');
    const taxid = (await searchSchema(deps, { query: 'taxid' }))._unsafeUnwrap();
    expect(taxid.matches.filter((m) => m.column === 'TAXID')).toEqual([]);
    // The same searches find both without the dictionary: the test can fail.
    const plainDeps = fakeDeps(createFakeDatabase({ tables: tables() }));
    const plain = (await searchSchema(plainDeps, { query: 'taxid' }))._unsafeUnwrap();
    expect(plain.matches.map((m) => m.column)).toContain('TAXID');
  });

  it('describe_table answers a hidden table exactly like a missing one, in any spelling', async () => {
    const deps = depsWith();
    const missing = (await describeTable(deps, { table: 'NO_SUCH_TABLE' }))._unsafeUnwrapErr();
    for (const table of ['X_TMP_BAK_CUSTMST', 'x_tmp_bak_custmst', 'main.X_TMP_BAK_CUSTMST']) {
      const failure = (await describeTable(deps, { table }))._unsafeUnwrapErr();
      expect(failure.kind, table).toBe('ObjectNotFound');
      expect(failure.kind).toBe(missing.kind);
      if (failure.kind === 'ObjectNotFound')
        expect(failure.suggestions ?? []).not.toContain('X_TMP_BAK_CUSTMST');
    }
    // The adapter was never asked about it.
    const asked = (deps.db as ReturnType<typeof createFakeDatabase>)
      .callsTo('describeTable')
      .map((c) => JSON.stringify(c.args));
    expect(asked.some((a) => a.toLowerCase().includes('x_tmp_bak'))).toBe(false);
  });

  it('describe_table adds descriptions, units, synonyms and pii, and drops hidden columns', async () => {
    const deps = depsWith();
    const detail = (await describeTable(deps, { table: 'xa01' }))._unsafeUnwrap();
    expect(detail.table).toMatchObject({ name: 'XA01', description: 'Open receivables' });
    expect(detail.columns.map((c) => c.name)).toEqual(['INVNO', 'CUSTNO', 'AMT']);
    expect(detail.columns.find((c) => c.name === 'AMT')).toMatchObject({
      unit: 'USD cents',
      synonyms: ['invoice amount'],
    });
    expect(detail.columns.find((c) => c.name === 'CUSTNO')?.pii).toBe(true);
    const cust = (await describeTable(deps, { table: 'CUSTMST' }))._unsafeUnwrap();
    expect(cust.columns.find((c) => c.name === 'CREDLMT')).toMatchObject({
      comment: 'Credit limit',
      description: 'Credit limit agreed with finance',
      unit: 'USD',
    });
  });

  it('describe_table drops keys and indexes naming a hidden column', async () => {
    const withIndex = [
      ...tables().filter((t) => t.info.name !== 'XA01'),
      fakeTable(
        'XA01',
        [
          ['INVNO', 'INTEGER', 'integer', { pk: 1 }],
          ['TAXID', 'CHAR(11)', 'text'],
        ],
        { indexes: [{ name: 'XA01_TAX', columns: ['TAXID'], unique: false, primary: false }] },
      ),
    ];
    const deps = {
      ...fakeDeps(createFakeDatabase({ tables: withIndex })),
      dictionary: dictionary(DICTIONARY),
    };
    const detail = (await describeTable(deps, { table: 'XA01' }))._unsafeUnwrap();
    expect(detail.indexes.map((ix) => ix.name)).toEqual(['PK_XA01']);
    expect(JSON.stringify(detail)).not.toContain('TAXID');
  });

  it('find_join_path never routes through a hidden table', async () => {
    const open = fakeDeps(createFakeDatabase({ tables: tables() }));
    const path = (await findJoinPath(open, { from: 'ORDDTL', to: 'CUSTMST' }))._unsafeUnwrap();
    expect(path.hops.map((h) => h.to.name)).toContain('ORDHDR');
    const hidden = { ...open, dictionary: dictionary({ tables: { ORDHDR: { hidden: true } } }) };
    const refused = (await findJoinPath(hidden, { from: 'ORDDTL', to: 'CUSTMST' }))._unsafeUnwrapErr();
    expect(refused.kind).toBe('InvalidInput');
    const toHidden = (await findJoinPath(hidden, { from: 'ORDDTL', to: 'ordhdr' }))._unsafeUnwrapErr();
    expect(toHidden.kind).toBe('ObjectNotFound');
  });

  it('warns once about dictionary entries that match nothing, and keeps serving', async () => {
    const deps = depsWith({
      tables: { ...DICTIONARY.tables, NO_SUCH: { description: 'gone' }, custmst: { columns: { NOPE: {} } } },
    });
    await listTables(deps, {});
    await searchSchema(deps, { query: 'cust' });
    await searchSchema(deps, { query: 'order' });
    const warnings = deps.logger.lines.filter((r) => r.level === 'warn').map((r) => [r.message, r.context]);
    expect(warnings).toEqual([
      [expect.stringContaining('names tables'), expect.objectContaining({ tables: ['NO_SUCH'], count: 1 })],
      [expect.stringContaining('names columns'), expect.objectContaining({ columns: ['custmst.NOPE'] })],
    ]);
  });
});

describe('hidden tables in the statement guard', () => {
  const refused = [
    'SELECT * FROM X_TMP_BAK_CUSTMST',
    'select * from x_tmp_bak_custmst',
    'SELECT * FROM X_Tmp_Bak_CustMst',
    'SELECT * FROM "X_TMP_BAK_CUSTMST"',
    'SELECT * FROM main.X_TMP_BAK_CUSTMST',
    'SELECT * FROM "main"."x_tmp_bak_custmst"',
    'SELECT * FROM/* hide me */X_TMP_BAK_CUSTMST',
    'SELECT * FROM main./* a comment between the parts */X_TMP_BAK_CUSTMST',
    'SELECT * FROM -- line comment\n X_TMP_BAK_CUSTMST',
    'SELECT * FROM CUSTMST WHERE CUSTNO IN (SELECT CUSTNO FROM X_TMP_BAK_CUSTMST)',
    'WITH b AS (SELECT * FROM X_TMP_BAK_CUSTMST) SELECT * FROM b',
    'SELECT c.CUSTNM FROM CUSTMST c JOIN X_TMP_BAK_CUSTMST b ON b.CUSTNO = c.CUSTNO',
    'SELECT * FROM CUSTMST c LEFT OUTER JOIN [X_TMP_BAK_CUSTMST] b USING (CUSTNO)',
    'SELECT * FROM `x_tmp_bak_custmst`',
    // SQLite reads a string as a table name where one is expected.
    "SELECT * FROM 'X_TMP_BAK_CUSTMST'",
    'EXPLAIN QUERY PLAN SELECT * FROM X_TMP_BAK_CUSTMST',
  ];

  it.each(refused)('refuses %s as PermissionDenied, naming the table', async (sql) => {
    const deps = depsWith();
    const failure = (await runReadOnlyQuery(deps, { sql }))._unsafeUnwrapErr();
    expect(failure.kind).toBe('PermissionDenied');
    expect(failure.publicDetail?.toLowerCase()).toContain('x_tmp_bak_custmst');
    expect(failure.publicDetail).toContain('data dictionary hides');
    // The caller is told it is this server's policy, not the database user's privileges.
    expect(toPublicMessage(failure)).toMatch(/^This server's policy does not allow that\. /);
    // Refused before the database was asked anything.
    expect((deps.db as ReturnType<typeof createFakeDatabase>).callsTo('executeReadOnly')).toEqual([]);
  });

  it('refuses explain_query the same way', async () => {
    const failure = (
      await explainQuery(depsWith(), { sql: 'SELECT * FROM x_tmp_bak_custmst' })
    )._unsafeUnwrapErr();
    expect(failure.kind).toBe('PermissionDenied');
  });

  it('accepts names that only contain a hidden name, and the same SQL without a dictionary', async () => {
    const hidden = dictionary(DICTIONARY).hiddenTableNames;
    for (const sql of [
      'SELECT CUSTNO, CUSTNM FROM CUSTMST',
      'SELECT CUSTNO AS X_TMP_BAK_CUSTMST_ID FROM CUSTMST',
      "SELECT 'X_TMP_BAK_CUSTMST_OLD' AS note FROM CUSTMST",
      'SELECT B_X_TMP_BAK_CUSTMST FROM "CUSTMST_X_TMP_BAK_CUSTMST"',
    ]) {
      expect(checkReadOnlySql(sql, 'sqlite', { hiddenTables: hidden }).isOk(), sql).toBe(true);
    }
    const deps = depsWith();
    expect((await runReadOnlyQuery(deps, { sql: 'SELECT CUSTNO, CUSTNM FROM CUSTMST' })).isOk()).toBe(true);
    const plain = await runReadOnlyQuery(fakeDeps(createFakeDatabase({ tables: tables() })), {
      sql: 'SELECT * FROM X_TMP_BAK_CUSTMST',
    });
    expect(plain.isOk()).toBe(true);
  });

  it.each([
    ['postgres', 'SELECT * FROM public."X_TMP_BAK_CUSTMST"'],
    ['postgres', 'SELECT * FROM U&"X\\005FTMP_BAK_CUSTMST"'],
    ['postgres', "SELECT table_to_xml('x_tmp_bak_custmst'::regclass, true, false, '')"],
    ['postgres', 'SELECT query_to_xml_not_listed($$select * from x_tmp_bak_custmst$$)'],
    ['mysql', 'SELECT * FROM `legacy`.`X_TMP_BAK_CUSTMST`'],
    // "…" is a string in MySQL's default mode and a name under ANSI_QUOTES: refused either way.
    ['mysql', 'SELECT * FROM "X_TMP_BAK_CUSTMST"'],
    ['mysql', 'SELECT * FROM CUSTMST # comment\n JOIN X_TMP_BAK_CUSTMST USING (CUSTNO)'],
    ['mssql', 'SELECT * FROM [dbo].[X_TMP_BAK_CUSTMST]'],
    ['mssql', 'SELECT * FROM legacy..X_TMP_BAK_CUSTMST'],
    ['oracle', 'SELECT * FROM "LEGACY"."X_TMP_BAK_CUSTMST"'],
    ['oracle', 'SELECT * FROM x_tmp_bak_custmst@remote_link'],
  ] as const)('%s: refuses %s', (dialect, sql) => {
    const hidden = dictionary(DICTIONARY).hiddenTableNames;
    const checked = checkReadOnlySql(sql, dialect, { hiddenTables: hidden });
    expect(checked.isErr() && checked.error.kind).toBe('PermissionDenied');
    // Without the hidden set the same text passes the guard: the refusal is the dictionary's.
    expect(checkReadOnlySql(sql, dialect).isOk()).toBe(true);
  });

  // A catalog read lists a hidden table (or its values, pg_stats) without naming it; OIDs and query
  // texts reach it by number or by a string assembled at run time.
  it.each([
    ['postgres', 'SELECT table_name FROM information_schema.tables', 'information_schema'],
    ['postgres', 'SELECT relname FROM pg_class', 'pg_class'],
    ['postgres', 'SELECT * FROM pg_catalog.pg_tables', 'pg_catalog'],
    ['postgres', "SELECT most_common_vals FROM pg_stats WHERE tablename LIKE 'x_tmp%'", 'pg_stats'],
    ['postgres', "SELECT schema_to_xml('public', true, false, '')", 'schema_to_xml'],
    ['postgres', "SELECT database_to_xml(true, false, '')", 'database_to_xml'],
    ['postgres', "SELECT table_to_xml(16400, true, false, '')", 'table_to_xml'],
    ['postgres', 'SELECT i::regclass FROM generate_series(16384, 17000) AS i', 'regclass'],
    ['mysql', 'SELECT TABLE_NAME FROM information_schema.TABLES', 'information_schema'],
    ['mysql', 'SELECT * FROM `mysql`.innodb_table_stats', 'mysql'],
    ['mysql', 'SELECT * FROM sys.schema_table_statistics', 'sys'],
    ['sqlite', 'SELECT name, sql FROM sqlite_master', 'sqlite_master'],
    ['sqlite', 'SELECT * FROM "sqlite_schema"', 'sqlite_schema'],
    ['sqlite', 'SELECT name FROM pragma_table_list', 'pragma_table_list'],
    ['sqlite', 'SELECT name FROM pragma_table_list()', 'pragma_table_list'],
    ['mysql', 'SHOW TABLES', 'SHOW … TABLES'],
    ['mysql', 'SHOW FULL TABLES FROM legacy', 'SHOW … TABLES'],
    ['mysql', 'SHOW TABLE STATUS', 'SHOW … TABLE'],
    ['sqlite', 'PRAGMA table_list', 'PRAGMA'],
    ['sqlite', 'PRAGMA main.foreign_key_check', 'PRAGMA'],
    ['mssql', 'SELECT name FROM sys.objects', 'sys'],
    ['mssql', 'SELECT OBJECT_NAME(id) FROM sysobjects', 'OBJECT_NAME'],
    ['oracle', 'SELECT table_name FROM all_tables', 'all_tables'],
    ['oracle', 'SELECT * FROM USER_TAB_COLUMNS', 'USER_TAB_COLUMNS'],
  ] as const)('%s: refuses the catalog read %s while tables are hidden', (dialect, sql, name) => {
    const hidden = dictionary(DICTIONARY).hiddenTableNames;
    const checked = checkReadOnlySql(sql, dialect, { hiddenTables: hidden });
    expect(checked.isErr() && checked.error.kind).toBe('PermissionDenied');
    expect(checked.isErr() && checked.error.publicDetail).toContain(`reads the database catalog (${name} at`);
    expect(checked.isErr() && checked.error.publicDetail).toContain('list_tables');
    // Without hidden tables the catalog is the assistant's to read.
    expect(checkReadOnlySql(sql, dialect).isOk(), sql).toBe(true);
  });

  it.each([
    ['postgres', 'SELECT pg_typeof(CUSTNO), pg_column_size(CUSTNM) FROM CUSTMST'],
    ['postgres', 'SHOW work_mem'],
    ['mysql', "SHOW VARIABLES LIKE 'sql_mode'"],
    ['mssql', 'SELECT c.sys_code, c.user_id FROM CUSTMST c'],
    ['mysql', 'SELECT sys, mysql FROM CUSTMST'],
    ['oracle', 'SELECT user_name, all_items FROM CUSTMST'],
  ] as const)('%s: still accepts %s while tables are hidden', (dialect, sql) => {
    const hidden = dictionary(DICTIONARY).hiddenTableNames;
    expect(checkReadOnlySql(sql, dialect, { hiddenTables: hidden }).isOk()).toBe(true);
  });

  it('refuses a name PostgreSQL truncates to a hidden 63-byte name, and only that', () => {
    const long = `x_tmp_bak_custmst_${'a'.repeat(45)}`; // 63 bytes: stored as is
    const hidden = new Set([long]);
    for (const sql of [`SELECT * FROM ${long}zzz`, `SELECT * FROM "${long}_whatever"`]) {
      const checked = checkReadOnlySql(sql, 'postgres', { hiddenTables: hidden });
      expect(checked.isErr() && checked.error.kind, sql).toBe('PermissionDenied');
    }
    // 62 bytes of it plus other characters truncate to another name.
    expect(
      checkReadOnlySql(`SELECT * FROM ${long.slice(0, 62)}bzz`, 'postgres', { hiddenTables: hidden }).isOk(),
    ).toBe(true);
    // Cut on a character boundary: "é" is two bytes, so 62 + "é" truncates to the first 62 only.
    const accented = `${'b'.repeat(62)}c`;
    const multibyte = checkReadOnlySql(`SELECT * FROM "${'b'.repeat(62)}éé"`, 'postgres', {
      hiddenTables: new Set([accented, 'b'.repeat(62)]),
    });
    expect(multibyte.isErr() && multibyte.error.kind).toBe('PermissionDenied');
  });

  it.each([
    // SQL Server's default collations ignore width: a full-width x names the same table.
    ['mssql', 'SELECT * FROM \uFF58_tmp_bak_custmst'],
    // ... and _AI collations ignore accents.
    ['mssql', 'SELECT * FROM [x_tmp_bák_custmst]'],
    // MySQL with lower_case_table_names=1 lower-cases a dotted capital I to i.
    ['mysql', 'SELECT * FROM X_TMP_BAK_CUSTMST_\u0130D'],
    ['postgres', "SELECT table_to_xml('x_tmp_bák_custmst', true, false, '')"],
  ] as const)(
    '%s: refuses a non-ASCII spelling that an engine may fold to the hidden name: %s',
    (dialect, sql) => {
      const hidden = new Set(['x_tmp_bak_custmst', 'x_tmp_bak_custmst_id']);
      const checked = checkReadOnlySql(sql, dialect, { hiddenTables: hidden });
      expect(checked.isErr() && checked.error.kind).toBe('PermissionDenied');
    },
  );

  it('accepts non-ASCII names that fold to no hidden name', () => {
    const hidden = new Set(['x_tmp_bak_custmst']);
    for (const sql of ['SELECT * FROM "Kunden_Übersicht"', "SELECT 'naïve café' AS note FROM CUSTMST"]) {
      expect(checkReadOnlySql(sql, 'postgres', { hiddenTables: hidden }).isOk(), sql).toBe(true);
    }
  });

  it('reports a write as a read-only violation first, whatever it names', () => {
    const checked = checkReadOnlySql('DELETE FROM X_TMP_BAK_CUSTMST', 'sqlite', {
      hiddenTables: new Set(['x_tmp_bak_custmst']),
    });
    expect(checked.isErr() && checked.error.kind).toBe('ReadOnlyViolation');
  });
});
