import { parseDataDictionary } from '@legacybridge/core';
import { createFakeDatabase, fakeTable } from '@legacybridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTableNames, renderTableDetail, renderTableList } from '../src/index.js';
import { type Connection, connect, testDeps } from './support/clients.js';

const db = createFakeDatabase({
  tables: [
    fakeTable(
      'CUSTMST',
      [
        ['CUSTNO', 'INTEGER', 'integer', { pk: 1 }],
        ['CRLMT', 'INTEGER', 'integer', { comment: 'cr lmt' }],
        ['PHNNO', 'CHAR(12)', 'text'],
        ['SSNO', 'CHAR(11)', 'text'],
      ],
      { comment: 'cust mstr', rows: [[1, 250000, '555-0100', '123-45-6789']] },
    ),
    fakeTable('CUSTBAK', [['CUSTNO', 'INTEGER', 'integer']], { rows: [[1]] }),
  ],
});

const dictionary = parseDataDictionary({
  tables: {
    CUSTMST: {
      description: 'Customer master',
      synonyms: ['clients', 'accounts'],
      columns: {
        CRLMT: { description: 'Credit limit', unit: 'USD cents' },
        PHNNO: { pii: true },
        SSNO: { hidden: true },
      },
    },
    custbak: { hidden: true },
  },
})._unsafeUnwrap();

const deps = { ...testDeps(db), dictionary };

describe('the data dictionary over MCP', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await connect('v2-auto', { deps });
  });
  afterAll(async () => {
    await connection.close();
  });

  it('describe_table shows description, unit, pii and synonyms in text and structured content', async () => {
    const result = await connection.client.callTool({
      name: 'describe_table',
      arguments: { table: 'CUSTMST' },
    });
    expect(result.isError).toBeFalsy();
    const text = result.content[0]?.text ?? '';
    expect(text.split('\n').slice(0, 6)).toEqual([
      'table CUSTMST (~1 rows) — Customer master / cust mstr',
      'aka: clients, accounts',
      'column|type|null|default|pk|comment',
      'CUSTNO|INTEGER|no||1|',
      'CRLMT|INTEGER|yes|||Credit limit / cr lmt [unit: USD cents]',
      'PHNNO|CHAR(12)|yes|||[pii]',
    ]);
    expect(text).not.toContain('SSNO');
    const structured = result.structuredContent as {
      table: { description?: string; synonyms?: string[] };
      columns: { name: string; unit?: string; pii?: boolean; description?: string }[];
    };
    expect(structured.table).toMatchObject({
      description: 'Customer master',
      synonyms: ['clients', 'accounts'],
    });
    expect(structured.columns.map((c) => c.name)).toEqual(['CUSTNO', 'CRLMT', 'PHNNO']);
    expect(structured.columns[1]).toMatchObject({ description: 'Credit limit', unit: 'USD cents' });
    expect(structured.columns[2]?.pii).toBe(true);
  });

  it('list_tables, the tables resource and completion leave the hidden table out', async () => {
    const listed = await connection.client.callTool({ name: 'list_tables', arguments: {} });
    expect(listed.content[0]?.text).toBe(
      [
        '1 of 1 tables (last page); all on this page are tables, not views',
        'name|rows~|comment',
        'CUSTMST|1|Customer master',
      ].join('\n'),
    );
    const resource = await connection.client.readResource({ uri: 'legacybridge://tables' });
    expect(resource.contents[0]?.text).not.toContain('CUSTBAK');
    const completion = await connection.client.complete({
      ref: { type: 'ref/resource', uri: 'legacybridge://tables/{table}' },
      argument: { name: 'table', value: 'cust' },
    });
    expect(completion.completion.values).toEqual(['CUSTMST']);
    // Without the dictionary the same port completes both: the filter is the dictionary's.
    expect(await completeTableNames(testDeps(db), 'cust')).toEqual(['CUSTBAK', 'CUSTMST']);
  });

  it('a hidden table reads as not found, and queries naming it are refused with a clear message', async () => {
    await expect(connection.client.readResource({ uri: 'legacybridge://tables/CUSTBAK' })).rejects.toThrow(
      /No table named "CUSTBAK" exists/,
    );
    const described = await connection.client.callTool({
      name: 'describe_table',
      arguments: { table: 'custbak' },
    });
    expect(described.isError).toBe(true);
    expect(described.content[0]?.text).toMatch(/^No table named "custbak" exists/);
    const query = await connection.client.callTool({
      name: 'run_query',
      arguments: { sql: 'SELECT * FROM "CustBak"' },
    });
    expect(query.isError).toBe(true);
    expect(query.content[0]?.text).toContain(
      "CustBak at character 15, which this server's data dictionary hides",
    );
  });

  it('search_schema finds the table by a synonym and says so', async () => {
    const result = await connection.client.callTool({
      name: 'search_schema',
      arguments: { query: 'clients' },
    });
    const structured = result.structuredContent as {
      matches: { table: string; matched: string; reason: string }[];
    };
    expect(structured.matches[0]).toMatchObject({ table: 'CUSTMST', matched: 'synonym' });
    expect(result.content[0]?.text).toContain('synonym has "clients"');
  });
});

describe('renderers with dictionary fields', () => {
  it('list_tables shows the description in place of the comment', () => {
    const text = renderTableList({
      tables: [
        { name: 'A', kind: 'table', comment: 'legacy', description: 'curated' },
        { name: 'B', kind: 'view', comment: 'only comment' },
      ],
      total: 2,
    });
    expect(text.split('\n').slice(2)).toEqual(['A|table||curated', 'B|view||only comment']);
  });

  it('describe_table marks a pii table in its title line', () => {
    const text = renderTableDetail({
      table: { name: 'EMP', kind: 'table', pii: true },
      columns: [],
      primaryKey: [],
      foreignKeys: [],
      referencedBy: [],
      indexes: [],
    });
    expect(text.split('\n')[0]).toBe('table EMP [pii]');
  });
});
