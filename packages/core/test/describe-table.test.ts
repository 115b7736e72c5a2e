import { describe, expect, it } from 'vitest';
import { dbFailure } from '../src/errors.js';
import { schemaCacheOf } from '../src/schema/default-schema-cache.js';
import { createSchemaCache } from '../src/schema/schema-cache.js';
import { createFakeDatabase, fakeDeps, fakeTable, legacyFakeTables } from '../src/testing/index.js';
import type { UseCaseDeps } from '../src/use-cases/deps.js';
import { describeTable, MAX_INFERRED_REFERENCES, toTableRef } from '../src/use-cases/describe-table.js';
import { listTables } from '../src/use-cases/list-tables.js';

const setup = (tables = legacyFakeTables()) => {
  const db = createFakeDatabase({ tables });
  return { db, deps: fakeDeps(db) };
};

describe('describeTable', () => {
  it('answers an exactly spelled name with one describe call, and reads the catalog for inference once', async () => {
    const { db, deps } = setup();
    const detail = (await describeTable(deps, { table: 'ORDHDR' }))._unsafeUnwrap();
    expect(detail.table.name).toBe('ORDHDR');
    expect(detail.foreignKeys.map((fk) => fk.referencedTable.name)).toEqual(['CUSTMST']);
    expect(db.callsTo('describeTable')).toHaveLength(1);
    // The columns for inferred relationships come from one snapshot, shared by later calls.
    await describeTable(deps, { table: 'ORDDTL' });
    expect(db.callsTo('listTables')).toHaveLength(1);
    expect(db.callsTo('listColumns')).toHaveLength(1);
  });

  it('retries with the catalog spelling when only the letter case differs', async () => {
    const { db, deps } = setup();
    const detail = (await describeTable(deps, { table: 'custmst' }))._unsafeUnwrap();
    expect(detail.table.name).toBe('CUSTMST');
    expect(db.callsTo('describeTable').map((c) => c.args[0])).toEqual([
      { name: 'custmst' },
      { name: 'CUSTMST' },
    ]);
  });

  it('suggests close names for a typo', async () => {
    const { deps } = setup();
    const failure = (await describeTable(deps, { table: 'CUSTMSTR' }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'ObjectNotFound', objectType: 'table', name: 'CUSTMSTR' });
    expect(failure.kind === 'ObjectNotFound' && failure.suggestions).toContain('CUSTMST');
  });

  it('refuses to guess when two tables differ only in case', async () => {
    const { deps } = setup([
      fakeTable('Orders', [['ID', 'INTEGER', 'integer']]),
      fakeTable('ORDERS', [['ID', 'INTEGER', 'integer']]),
    ]);
    const failure = (await describeTable(deps, { table: 'orders' }))._unsafeUnwrapErr();
    expect(failure.kind).toBe('ObjectNotFound');
    expect(failure.kind === 'ObjectNotFound' && failure.suggestions).toEqual(
      expect.arrayContaining(['Orders', 'ORDERS']),
    );
  });

  it('accepts schema.table and an explicit schema, and scopes the retry to that schema', async () => {
    const tables = [
      fakeTable('CUSTMST', [['CUSTNO', 'INTEGER', 'integer']], { schema: 'crm' }),
      fakeTable(
        'CUSTMST',
        [
          ['CUSTNO', 'INTEGER', 'integer'],
          ['X', 'INTEGER', 'integer'],
        ],
        { schema: 'old' },
      ),
    ];
    const { db, deps } = setup(tables);
    const dotted = (await describeTable(deps, { table: 'old.custmst' }))._unsafeUnwrap();
    expect(dotted.table.schema).toBe('old');
    expect(dotted.columns).toHaveLength(2);
    expect(db.callsTo('listTables').at(-1)?.args[0]).toEqual({ schema: 'old' });
    const explicit = (await describeTable(deps, { table: 'CUSTMST', schema: 'crm' }))._unsafeUnwrap();
    expect(explicit.table.schema).toBe('crm');
    const missing = (await describeTable(deps, { table: 'CUSTMST', schema: 'nope' }))._unsafeUnwrapErr();
    expect(missing).toMatchObject({ kind: 'ObjectNotFound', name: 'nope.CUSTMST' });
  });

  it('qualifies suggestions that exist in several schemas instead of repeating them', async () => {
    const tables = [
      fakeTable('CUSTMST', [['CUSTNO', 'INTEGER', 'integer']], { schema: 'crm' }),
      fakeTable('CUSTMST', [['CUSTNO', 'INTEGER', 'integer']], { schema: 'old' }),
      fakeTable('CUSTMS', [['CUSTNO', 'INTEGER', 'integer']], { schema: 'crm' }),
    ];
    const failure = (await describeTable(setup(tables).deps, { table: 'custmst' }))._unsafeUnwrapErr();
    const suggestions = failure.kind === 'ObjectNotFound' ? (failure.suggestions ?? []) : [];
    expect([...suggestions].sort()).toEqual(['CUSTMS', 'crm.CUSTMST', 'old.CUSTMST'].sort());
  });

  it('keeps details with a cached snapshot when the adapter has a fingerprint, and drops them with it', async () => {
    let clock = 0;
    const db = createFakeDatabase({ catalogFingerprint: true });
    const deps = {
      ...fakeDeps(db),
      schemaCache: createSchemaCache({ now: () => clock, checkIntervalMs: 1_000 }),
    };
    // Before any snapshot nothing is cached: the first describe reads the detail and (for inferred
    // relationships) the catalog; the listing after it is served from that snapshot.
    await describeTable(deps, { table: 'CUSTMST' });
    expect(db.callsTo('listTables')).toHaveLength(1);
    await listTables(deps, {});
    expect(db.callsTo('listTables')).toHaveLength(1);
    const cached = (await describeTable(deps, { table: 'CUSTMST' }))._unsafeUnwrap();
    expect(cached.table.name).toBe('CUSTMST');
    expect(db.callsTo('describeTable')).toHaveLength(2);
    // A schema change seen by the fingerprint replaces the snapshot and its details.
    db.setTables([
      fakeTable('CUSTMST', [
        ['CUSTNO', 'INTEGER', 'integer', { pk: 1 }],
        ['NEWCOL', 'TEXT', 'text'],
      ]),
    ]);
    clock += 1_000;
    const fresh = (await describeTable(deps, { table: 'CUSTMST' }))._unsafeUnwrap();
    expect(fresh.columns.map((c) => c.name)).toEqual(['CUSTNO', 'NEWCOL']);
    expect(db.callsTo('describeTable')).toHaveLength(3);
  });

  it('asks the adapter every time when it has no fingerprint to tell a stale detail', async () => {
    const { db, deps } = setup();
    await listTables(deps, {});
    await describeTable(deps, { table: 'CUSTMST' });
    await describeTable(deps, { table: 'CUSTMST' });
    expect(db.callsTo('describeTable')).toHaveLength(2);
  });

  it('answers a cold cache with the declared detail at once and reads the catalog for the next call', async () => {
    const { deps } = setup();
    const cold = (await describeTable(deps, { table: 'ORDHDR' }))._unsafeUnwrap();
    expect(cold.inferredForeignKeys).toBeUndefined();
    expect(cold.inferredReferencedBy).toBeUndefined();
    await schemaCacheOf(deps).idle();
    const warm = (await describeTable(deps, { table: 'ORDDTL' }))._unsafeUnwrap();
    expect(warm.inferredForeignKeys ?? warm.inferredReferencedBy).toBeDefined();
  });

  it('lists inferred relationships both ways, never a declared one, and bounds the references listed', async () => {
    // Inferred relationships come once the catalog is cached: describe once, let the cache settle.
    const describeWarm = async (deps: UseCaseDeps, table: string) => {
      await describeTable(deps, { table });
      await schemaCacheOf(deps).idle();
      return (await describeTable(deps, { table }))._unsafeUnwrap();
    };
    // The fake has no listKeys: CUSTMST's key-like first column stands in for its primary key.
    const detail = await describeWarm(setup().deps, 'ORDHDR');
    // ORDHDR.CUSTNO → CUSTMST is declared: not repeated as a guess.
    expect(detail.inferredForeignKeys ?? []).not.toContainEqual(
      expect.objectContaining({ columns: ['CUSTNO'], referencedTable: { name: 'CUSTMST' } }),
    );

    const many = Array.from({ length: MAX_INFERRED_REFERENCES + 5 }, (_, i) =>
      fakeTable(`HIST${String(i).padStart(2, '0')}`, [
        ['HISTNO', 'INTEGER', 'integer', { pk: 1 }],
        ['CUSTNO', 'INTEGER', 'integer'],
      ]),
    );
    const tables = [fakeTable('CUSTMST', [['CUSTNO', 'INTEGER', 'integer', { pk: 1 }]]), ...many];
    const master = await describeWarm(setup(tables).deps, 'CUSTMST');
    expect(master.inferredReferencedBy).toHaveLength(MAX_INFERRED_REFERENCES);
    expect(master.inferredReferencedByOmitted).toBe(5);
    expect(master.inferredReferencedBy?.[0]).toMatchObject({
      columns: ['CUSTNO'],
      referencedTable: { name: 'CUSTMST' },
      referencedColumns: ['CUSTNO'],
    });
    const hist = await describeWarm(setup(tables).deps, 'HIST00');
    expect(hist.inferredForeignKeys?.map((r) => r.referencedTable.name)).toEqual(['CUSTMST']);
    expect(hist.inferredReferencedBy).toBeUndefined();
  });

  it('passes other failures through without listing tables', async () => {
    const denied = dbFailure('PermissionDenied', { message: 'no' });
    const db = createFakeDatabase({ failWith: { describeTable: denied } });
    const failure = (await describeTable(fakeDeps(db), { table: 'CUSTMST' }))._unsafeUnwrapErr();
    expect(failure).toBe(denied);
    expect(db.callsTo('listTables')).toHaveLength(0);
  });
});

describe('toTableRef', () => {
  it('splits schema.table, keeps a bare name, and lets an explicit schema win', () => {
    expect(toTableRef({ table: 'sales.ORDHDR' })).toEqual({ schema: 'sales', name: 'ORDHDR' });
    expect(toTableRef({ table: 'ORDHDR' })).toEqual({ name: 'ORDHDR' });
    expect(toTableRef({ table: 'a.b', schema: 's' })).toEqual({ schema: 's', name: 'a.b' });
    expect(toTableRef({ table: '.x' })).toEqual({ name: '.x' });
    expect(toTableRef({ table: 'x.' })).toEqual({ name: 'x.' });
  });
});
