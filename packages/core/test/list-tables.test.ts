import { describe, expect, it } from 'vitest';
import { dbFailure } from '../src/errors.js';
import { createSchemaCache } from '../src/schema/schema-cache.js';
import { createFakeDatabase, fakeDeps, fakeTable } from '../src/testing/index.js';
import {
  estimateTextTokens,
  estimateTokens,
  LIST_TABLES_PAGE_TOKENS,
  listTables,
} from '../src/use-cases/list-tables.js';

// 25 tables in two schemas, inserted out of order, so sorting and paging are both exercised.
const names = Array.from({ length: 20 }, (_, i) => `ORD_${String(20 - i).padStart(2, '0')}`);
const tables = [
  ...names.map((n) => fakeTable(n, [['ID', 'INTEGER', 'integer', { pk: 1 }]], { schema: 'sales' })),
  fakeTable('CUSTMST', [['CUSTNO', 'INTEGER', 'integer']], { schema: 'crm' }),
  fakeTable('CUST_ADDR', [['CUSTNO', 'INTEGER', 'integer']], { schema: 'crm' }),
  fakeTable('V_CUST', [['CUSTNO', 'INTEGER', 'integer']], { schema: 'crm', kind: 'view' }),
  fakeTable('ITMMST', [['ITEMNO', 'CHAR(10)', 'text']], { schema: 'sales' }),
  fakeTable('XCUSTX', [['ID', 'INTEGER', 'integer']], { schema: 'sales' }),
];
const deps = () => fakeDeps(createFakeDatabase({ tables }));
const qualified = (t: { schema?: string | undefined; name: string }) => `${t.schema}.${t.name}`;

describe('listTables', () => {
  it('sorts by schema then name and pages with a cursor until the end', async () => {
    const d = deps();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (await listTables(d, { limit: 10, cursor }))._unsafeUnwrap();
      expect(page.total).toBe(25);
      expect(page.tables.length).toBeLessThanOrEqual(10);
      seen.push(...page.tables.map(qualified));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen.slice(0, 4)).toEqual(['crm.CUST_ADDR', 'crm.CUSTMST', 'crm.V_CUST', 'sales.ITMMST']);
    expect(seen[4]).toBe('sales.ORD_01');
  });

  it('gives no cursor when everything fits on one page (default limit 100)', async () => {
    const page = (await listTables(deps(), {}))._unsafeUnwrap();
    expect(page.tables).toHaveLength(25);
    expect(page.nextCursor).toBeUndefined();
  });

  it('filters by a case-insensitive substring', async () => {
    const page = (await listTables(deps(), { pattern: 'cust' }))._unsafeUnwrap();
    expect(page.tables.map((t) => t.name)).toEqual(['CUST_ADDR', 'CUSTMST', 'V_CUST', 'XCUSTX']);
    expect(page.total).toBe(4);
  });

  it('filters by a glob anchored at both ends, with * and ?', async () => {
    const star = (await listTables(deps(), { pattern: 'cust*' }))._unsafeUnwrap();
    expect(star.tables.map((t) => t.name)).toEqual(['CUST_ADDR', 'CUSTMST']);
    const question = (await listTables(deps(), { pattern: 'ORD_0?' }))._unsafeUnwrap();
    expect(question.total).toBe(9);
    // Regex metacharacters in a glob are literal.
    const dot = (await listTables(deps(), { pattern: 'ORD.0*' }))._unsafeUnwrap();
    expect(dot.total).toBe(0);
  });

  it('passes the schema to the adapter and filters by it', async () => {
    const d = deps();
    const page = (await listTables(d, { schema: 'crm' }))._unsafeUnwrap();
    expect(page.tables.map((t) => t.name)).toEqual(['CUST_ADDR', 'CUSTMST', 'V_CUST']);
    expect(page.tables.find((t) => t.name === 'V_CUST')?.kind).toBe('view');
    const db = d.db as ReturnType<typeof createFakeDatabase>;
    expect(db.callsTo('listTables')[0]?.args[0]).toEqual({ schema: 'crm' });
  });

  it('refuses a malformed cursor without asking the database', async () => {
    const d = deps();
    for (const cursor of ['garbage', '', Buffer.from('{"o":-1,"f":0}').toString('base64url')]) {
      const failure = (await listTables(d, { cursor }))._unsafeUnwrapErr();
      expect(failure).toMatchObject({ kind: 'InvalidInput', field: 'cursor' });
    }
    expect((d.db as ReturnType<typeof createFakeDatabase>).callsTo('listTables')).toHaveLength(0);
  });

  it('refuses a cursor made for another pattern or schema', async () => {
    const d = deps();
    const first = (await listTables(d, { pattern: 'ORD*', limit: 5 }))._unsafeUnwrap();
    expect(first.nextCursor).toBeDefined();
    const next = (
      await listTables(d, { pattern: 'ORD*', limit: 5, cursor: first.nextCursor })
    )._unsafeUnwrap();
    expect(next.tables[0]?.name).toBe('ORD_06');
    const other = await listTables(d, { pattern: 'CUST*', limit: 5, cursor: first.nextCursor });
    expect(other._unsafeUnwrapErr()).toMatchObject({ kind: 'InvalidInput', field: 'cursor' });
    const otherSchema = await listTables(d, { schema: 'crm', pattern: 'ORD*', cursor: first.nextCursor });
    expect(otherSchema._unsafeUnwrapErr().kind).toBe('InvalidInput');
  });

  it('reads the catalog once for every page of a listing', async () => {
    const d = deps();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (await listTables(d, { limit: 4, cursor }))._unsafeUnwrap();
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(7);
    expect((d.db as ReturnType<typeof createFakeDatabase>).callsTo('listTables')).toHaveLength(1);
  });

  it('sorts numbers inside names numerically and letter case aside', async () => {
    const d = fakeDeps(
      createFakeDatabase({
        tables: ['T10', 't2', 'T1', 'T2_A'].map((n) => fakeTable(n, [['ID', 'INTEGER', 'integer']])),
      }),
    );
    const page = (await listTables(d, {}))._unsafeUnwrap();
    expect(page.tables.map((t) => t.name)).toEqual(['T1', 't2', 'T2_A', 'T10']);
  });

  it('keeps every page within the token budget, whatever the limit, and says so', async () => {
    const wordy = Array.from({ length: 300 }, (_, i) =>
      fakeTable(`LEGACY_TABLE_${String(i).padStart(4, '0')}`, [['ID', 'INTEGER', 'integer']], {
        schema: 'erp',
        comment: `Table ${i}: ${'an old comment that explains far too much about nothing '.repeat(3)}`,
      }),
    );
    const d = fakeDeps(createFakeDatabase({ tables: wordy }));
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (await listTables(d, { limit: 1000, cursor }))._unsafeUnwrap();
      const tokens = page.tables.reduce((sum, t) => sum + estimateTokens(t), 0);
      expect(tokens).toBeLessThanOrEqual(LIST_TABLES_PAGE_TOKENS);
      expect(page.total).toBe(300);
      if (page.nextCursor) expect(page.budgetLimited).toBe(true);
      for (const t of page.tables) seen.add(t.name);
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBeGreaterThan(1);
    expect(seen.size).toBe(300);
    // A table larger than the whole budget still comes, alone on its page, so paging always advances.
    const huge = fakeDeps(
      createFakeDatabase({
        tables: ['A', 'B'].map((n) =>
          fakeTable(n, [['ID', 'INTEGER', 'integer']], { comment: 'x'.repeat(40_000) }),
        ),
      }),
    );
    const first = (await listTables(huge, {}))._unsafeUnwrap();
    expect(first.tables.map((t) => t.name)).toEqual(['A']);
    const second = (await listTables(huge, { cursor: first.nextCursor }))._unsafeUnwrap();
    expect(second.tables.map((t) => t.name)).toEqual(['B']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('resumes after the last key when the catalog changed between pages: no table skipped or repeated', async () => {
    const db = createFakeDatabase({ tables });
    const cache = createSchemaCache();
    const d = { ...fakeDeps(db), schemaCache: cache };
    const first = (await listTables(d, { schema: 'sales', limit: 5 }))._unsafeUnwrap();
    expect(first.tables.map((t) => t.name)).toEqual(['ITMMST', 'ORD_01', 'ORD_02', 'ORD_03', 'ORD_04']);
    // A table appears before the cursor and one after it; the cache is refreshed.
    db.setTables([
      ...tables,
      fakeTable('AAA_NEW', [['ID', 'INTEGER', 'integer']], { schema: 'sales' }),
      fakeTable('ORD_04_B', [['ID', 'INTEGER', 'integer']], { schema: 'sales' }),
    ]);
    cache.invalidate(db);
    const second = (
      await listTables(d, { schema: 'sales', limit: 5, cursor: first.nextCursor })
    )._unsafeUnwrap();
    expect(second.tables.map((t) => t.name)).toEqual(['ORD_04_B', 'ORD_05', 'ORD_06', 'ORD_07', 'ORD_08']);
    expect(second.total).toBe(24);
  });

  it('trusts an adapter that answers a schema with schema-less tables (SQLite and `main`)', async () => {
    const fake = createFakeDatabase({
      tables: ['B', 'A'].map((n) => fakeTable(n, [['ID', 'INTEGER', 'integer']])),
    });
    // SQLite's adapter answers `main` with tables that carry no schema.
    const sqliteLike = Object.create(fake) as typeof fake;
    sqliteLike.listTables = (filter) => fake.listTables(filter?.schema === 'main' ? undefined : filter);
    const page = (await listTables(fakeDeps(sqliteLike), { schema: 'main' }))._unsafeUnwrap();
    expect(page.tables.map((t) => t.name)).toEqual(['A', 'B']);
  });

  it('passes adapter failures through', async () => {
    const down = dbFailure('ConnectionFailed', { message: 'down' });
    const d = fakeDeps(createFakeDatabase({ failWith: { listTables: down } }));
    expect((await listTables(d, {}))._unsafeUnwrapErr()).toBe(down);
  });

  it('estimates tokens pessimistically for cryptic names, prose and non-Latin text', () => {
    // o200k_base: ORD_HDR_0015 is 6 tokens, 'customer master' 2, '顧客マスタ' 3–5.
    expect(estimateTextTokens('ORD_HDR_0015')).toBe(6);
    expect(estimateTextTokens('customer master')).toBeGreaterThanOrEqual(2);
    expect(estimateTextTokens('顧客マスタ')).toBe(5);
    expect(estimateTextTokens('')).toBe(0);
  });
});
