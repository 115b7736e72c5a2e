import { createSchemaCache } from '@legacybridge/core';
import { createFakeDatabase, fakeTable } from '@legacybridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTableNames } from '../src/index.js';
import { type Connection, connect, testDeps } from './support/clients.js';

// A database with schemas, a default schema, and a name that needs URI escaping.
const db = createFakeDatabase({
  dialect: 'mssql',
  capabilities: { supportsSchemas: true, defaultSchema: 'dbo' },
  tables: [
    fakeTable('CUSTMST', [['CUSTNO', 'int', 'integer', { pk: 1 }]], {
      schema: 'dbo',
      comment: 'Customer master',
    }),
    fakeTable('CUST_HIST', [['CUSTNO', 'int', 'integer']], { schema: 'legacy', kind: 'view' }),
    fakeTable('Order Lines', [['LINE_NO', 'int', 'integer']], { schema: 'dbo' }),
  ],
});

describe('table resources on a database with schemas', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await connect('v2-auto', { deps: testDeps(db) });
  });
  afterAll(async () => {
    await connection.close();
  });

  it('completes bare names in the default schema and qualified names elsewhere', async () => {
    const complete = async (value: string) =>
      (
        await connection.client.complete({
          ref: { type: 'ref/resource', uri: 'legacybridge://tables/{table}' },
          argument: { name: 'table', value },
        })
      ).completion.values;
    expect(await complete('cu')).toEqual(['CUSTMST', 'legacy.CUST_HIST']);
    expect(await complete('legacy.')).toEqual(['legacy.CUST_HIST']);
    expect(await complete('x')).toEqual([]);
  });

  it('reads a schema-qualified table and a name that needed percent-encoding', async () => {
    const hist = await connection.client.readResource({ uri: 'legacybridge://tables/legacy.CUST_HIST' });
    expect(hist.contents[0]?.text?.split('\n')[0]).toBe('view legacy.CUST_HIST');
    const spaced = await connection.client.readResource({
      uri: `legacybridge://tables/${encodeURIComponent('Order Lines')}`,
    });
    expect(spaced.contents[0]?.text?.split('\n')[0]).toBe('table dbo.Order Lines');
  });

  it('lists tables under their schema', async () => {
    const list = await connection.client.readResource({ uri: 'legacybridge://tables' });
    expect(list.contents[0]?.text?.split('\n')).toEqual([
      '3 of 3 tables (last page)',
      'name|kind|rows~|comment',
      'schema dbo:',
      'CUSTMST|table||Customer master',
      'Order Lines|table||',
      'schema legacy:',
      'CUST_HIST|view||',
    ]);
  });
});

describe('completeTableNames', () => {
  it('sends every match so the SDK can report the total beyond the first 100', async () => {
    const many = createFakeDatabase({
      tables: Array.from({ length: 150 }, (_, i) =>
        fakeTable(`T${String(i).padStart(3, '0')}`, [['ID', 'int', 'integer']]),
      ),
    });
    const names = await completeTableNames({ db: many }, 't');
    expect(names).toHaveLength(150);
    expect(names[0]).toBe('T000');
  });
});

describe('cache hints (2026-07-28)', () => {
  it('lets clients cache schema resources for the schema TTL and the tool list for a day', async () => {
    const connection = await connect('v2-auto', { deps: testDeps(db), schemaTtlMs: 120_000 });
    try {
      const read = (await connection.client.readResource({ uri: 'legacybridge://tables' })) as {
        ttlMs?: number;
        cacheScope?: string;
      };
      expect(read).toMatchObject({ ttlMs: 120_000, cacheScope: 'private' });
      const resources = (await connection.client.listResources()) as { ttlMs?: number };
      expect(resources.ttlMs).toBe(120_000);
      const tools = (await connection.client.listTools()) as { ttlMs?: number; cacheScope?: string };
      expect(tools).toMatchObject({ ttlMs: 86_400_000, cacheScope: 'public' });
    } finally {
      await connection.close();
    }
  });

  it('takes the schema TTL from the schema cache when not given', async () => {
    const deps = { ...testDeps(db), schemaCache: createSchemaCache({ ttlMs: 45_000 }) };
    const connection = await connect('v2-auto', { deps });
    try {
      const read = (await connection.client.readResource({ uri: 'legacybridge://tables' })) as {
        ttlMs?: number;
      };
      expect(read.ttlMs).toBe(45_000);
    } finally {
      await connection.close();
    }
  });
});
