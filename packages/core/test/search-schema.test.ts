import { describe, expect, it } from 'vitest';
import { createFakeDatabase, fakeDeps, fakeTable, legacyFakeTables } from '../src/testing/index.js';
import { searchSchema } from '../src/use-cases/search-schema.js';

const col = ['ID', 'INTEGER', 'integer'] as const;
const deps = (tables = legacyFakeTables()) => fakeDeps(createFakeDatabase({ tables }));
const labels = (matches: readonly { table: string; column?: string | undefined }[]) =>
  matches.map((m) => (m.column ? `${m.table}.${m.column}` : m.table));

describe('searchSchema', () => {
  it('ranks exact name > prefix > word part > substring > one-typo fuzzy', async () => {
    const d = deps([
      fakeTable('ORDER_HISTORY', [col]), // prefix
      fakeTable('ORDER', [col]), // exact
      fakeTable('SALES_ORDER', [col]), // word part
      fakeTable('XORDERX', [col]), // substring
      fakeTable('ORDRE', [col]), // a transposition is edit distance 2: only the weak shared-start match
      fakeTable('OEDER', [col]), // one substitution: fuzzy
      fakeTable('CUSTOMER', [col]), // no match
    ]);
    const { matches } = (await searchSchema(d, { query: 'order' }))._unsafeUnwrap();
    expect(labels(matches.filter((m) => m.type === 'table'))).toEqual([
      'ORDER',
      'ORDER_HISTORY',
      'SALES_ORDER',
      'XORDERX',
      'OEDER',
      'ORDRE',
    ]);
    const scores = matches.filter((m) => m.type === 'table').map((m) => m.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(new Set(scores).size).toBe(scores.length);
    expect(matches.find((m) => m.table === 'ORDER')?.reason).toContain('name is "order"');
  });

  it('finds truncated legacy names from plain words, below every stronger match', async () => {
    const d = deps([
      fakeTable('CUSTMST', [col]),
      fakeTable('ORDHDR', [col]),
      fakeTable('INVBAL', [col]),
      fakeTable('CUSTOMER_ORDERS', [col]),
    ]);
    const { matches } = (await searchSchema(d, { query: 'customer order' }))._unsafeUnwrap();
    const tables = labels(matches.filter((m) => m.type === 'table'));
    expect(tables).toEqual(['CUSTOMER_ORDERS', 'CUSTMST', 'ORDHDR']);
    expect(matches.find((m) => m.table === 'ORDHDR')?.reason).toContain('abbreviates "order" as "ord"');
  });

  it('finds legacy abbreviations by word part and by comment, tables before equal columns', async () => {
    const { matches } = (await searchSchema(deps(), { query: 'cust' }))._unsafeUnwrap();
    // CUSTMST starts with "cust"; the CUSTNO columns start with it too, but tables outrank columns.
    expect(labels(matches).slice(0, 1)).toEqual(['CUSTMST']);
    expect(labels(matches)).toEqual(expect.arrayContaining(['CUSTMST.CUSTNO', 'ORDHDR.CUSTNO']));
    const byComment = (await searchSchema(deps(), { query: 'credit' }))._unsafeUnwrap();
    expect(labels(byComment.matches)).toEqual(['CUSTMST.CREDLMT']);
    expect(byComment.matches[0]?.reason).toContain('comment');
  });

  it('adds the scores of several words, so a name matching both wins', async () => {
    const d = deps([fakeTable('ORD_HDR', [col]), fakeTable('ORD_DTL', [col]), fakeTable('HDR_TEXT', [col])]);
    const { matches } = (await searchSchema(d, { query: 'ord hdr' }))._unsafeUnwrap();
    expect(matches[0]?.table).toBe('ORD_HDR');
  });

  it('honours the limit and returns nothing for no match', async () => {
    const all = (await searchSchema(deps(), { query: 'ord' }))._unsafeUnwrap();
    expect(all.matches.length).toBeGreaterThan(2);
    const limited = (await searchSchema(deps(), { query: 'ord', limit: 2 }))._unsafeUnwrap();
    expect(limited.matches).toEqual(all.matches.slice(0, 2));
    const none = (await searchSchema(deps(), { query: 'zzzzqqq' }))._unsafeUnwrap();
    expect(none.matches).toEqual([]);
  });

  describe('on legacy names', () => {
    const legacy = () =>
      deps([
        fakeTable('CUSTMST', [
          ['CUST_NO', 'CHAR(8)', 'text'],
          ['QTY_01', 'INTEGER', 'integer'],
        ]),
        fakeTable('CUSTADDR', [col]),
        fakeTable('MSTRLOG', [col]),
        fakeTable('ORD_HDR_2003', [col, ['ORD_QUANTITY', 'INTEGER', 'integer']]),
        fakeTable('ORD_HDR_2004', [col]),
        fakeTable('ORD_DTL_2003', [col]),
        fakeTable('PO_HDR_2003', [col]),
      ]);

    it('finds CUSTMST from "customer master", saying which letters stand for which word', async () => {
      const { matches } = (await searchSchema(legacy(), { query: 'customer master' }))._unsafeUnwrap();
      expect(matches[0]).toMatchObject({ type: 'table', table: 'CUSTMST', matched: 'abbreviation' });
      expect(matches[0]?.reason).toContain('"custmst" abbreviates "customer" as "cust"');
      expect(matches[0]?.reason).toContain('"custmst" abbreviates "master" as "mst"');
    });

    it('finds ORD_HDR_2003 from "order header 2003" ahead of names matching fewer words', async () => {
      const { matches } = (await searchSchema(legacy(), { query: 'order header 2003' }))._unsafeUnwrap();
      expect(labels(matches.slice(0, 1))).toEqual(['ORD_HDR_2003']);
      expect(matches[0]?.matched).toBe('part');
      expect(matches[0]?.reason).toContain('name part "2003"');
      expect(matches[0]?.reason).toContain('abbreviates "header" as "hdr"');
      const next = labels(matches.slice(1, 4)).sort();
      expect(next).toEqual(['ORD_DTL_2003', 'ORD_HDR_2004', 'PO_HDR_2003']);
    });

    it('finds a table from a one-letter typo in its name', async () => {
      const typos = {
        custmts: 'CUSTMST',
        cusmst: 'CUSTMST',
        custmsst: 'CUSTMST',
        ord_hrd_2003: 'ORD_HDR_2003',
      };
      for (const [typo, table] of Object.entries(typos)) {
        const { matches } = (await searchSchema(legacy(), { query: typo }))._unsafeUnwrap();
        expect(matches[0]?.table, typo).toBe(table);
        expect(matches[0]?.matched, typo).toBe('typo');
        expect(matches[0]?.reason).toMatch(/one (substitution|insertion|deletion|transposition)/);
      }
    });

    it('matches abbreviations both ways: qty finds QUANTITY, quantity finds QTY', async () => {
      const qty = (await searchSchema(legacy(), { query: 'qty' }))._unsafeUnwrap();
      expect(labels(qty.matches)).toContain('ORD_HDR_2003.ORD_QUANTITY');
      const quantity = (await searchSchema(legacy(), { query: 'quantity' }))._unsafeUnwrap();
      expect(labels(quantity.matches)).toContain('CUSTMST.QTY_01');
      expect(quantity.matches.find((m) => m.column === 'QTY_01')?.matched).toBe('abbreviation');
    });

    it('cuts a crowd of equal matches in listing order, a table before its columns', async () => {
      const many = Array.from({ length: 40 }, (_, i) =>
        fakeTable(`T${String(39 - i).padStart(2, '0')}`, [col, ['CUST_NO', 'CHAR(8)', 'text']]),
      );
      const d = deps([...many, fakeTable('CUST_NO', [col])]);
      const { matches } = (await searchSchema(d, { query: 'cust_no', limit: 4 }))._unsafeUnwrap();
      expect(labels(matches)).toEqual(['CUST_NO', 'T00.CUST_NO', 'T01.CUST_NO', 'T02.CUST_NO']);
      expect(matches.map((m) => m.matched)).toEqual(['exact', 'exact', 'exact', 'exact']);
    });

    it('reads the catalog once: later searches cost no catalog query', async () => {
      const d = legacy();
      await searchSchema(d, { query: 'cust' });
      await searchSchema(d, { query: 'order' });
      const db = d.db as ReturnType<typeof createFakeDatabase>;
      expect(db.callsTo('listTables')).toHaveLength(1);
      expect(db.callsTo('listColumns')).toHaveLength(1);
    });
  });
});
