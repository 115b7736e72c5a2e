import { createFakeDatabase, fakeTable } from '@legacybridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connect, testDeps, textOf } from './support/clients.js';

/**
 * Issue 6 item 6, token-lean answers, held through a real MCP client: what the model reads stays
 * small where the catalog is large, and the structured content still carries everything.
 */

// A master referenced by 30 tables (the bench's ORD_DTL_0001 is referenced by 100).
const REFERENCING = 30;
const db = createFakeDatabase({
  tables: [
    fakeTable('ORDMST', [['ID', 'INTEGER', 'integer', { pk: 1 }]], { schema: 'erp' }),
    ...Array.from({ length: REFERENCING }, (_, i) =>
      fakeTable(
        `ORDLN_${String(i).padStart(2, '0')}`,
        [
          ['ID', 'INTEGER', 'integer', { pk: 1 }],
          ['MST_ID', 'INTEGER', 'integer'],
        ],
        {
          schema: 'erp',
          foreignKeys: [
            {
              name: `FK_ORDLN_${i}`,
              table: { schema: 'erp', name: `ORDLN_${String(i).padStart(2, '0')}` },
              columns: ['MST_ID'],
              referencedTable: { schema: 'erp', name: 'ORDMST' },
              referencedColumns: ['ID'],
            },
          ],
        },
      ),
    ),
  ],
});

describe('token-lean answers over MCP', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await connect('v2-auto', { deps: testDeps(db), caller: 'test' });
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('describe_table of a master lists 20 referencing keys in the text and all of them in structuredContent', async () => {
    const result = await connection.client.callTool({
      name: 'describe_table',
      arguments: { table: 'ORDMST' },
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const text = textOf(result);
    expect(text).toContain(
      `referenced by ${REFERENCING} foreign keys, the first 20 by table name (their columns -> columns here):\n  ORDLN_00(MST_ID) -> ID`,
    );
    expect(text).toContain('tables named below without a schema are in erp');
    expect(text.match(/^ {2}ORDLN_\d+\(MST_ID\) -> ID$/gm)).toHaveLength(20);
    expect(text).toContain(`  … and ${REFERENCING - 20} more: find_join_path`);
    expect(text).toContain('search_schema MST_ID');
    // The SDK checked it against the published output schema before sending it.
    const structured = result.structuredContent as { referencedBy: { name: string }[] };
    expect(structured.referencedBy).toHaveLength(REFERENCING);
    expect(structured.referencedBy.map((fk) => fk.name)).toContain('FK_ORDLN_29');
  });

  it('list_tables names the schema once for a page of one schema, and per table in structuredContent', async () => {
    const result = await connection.client.callTool({ name: 'list_tables', arguments: { limit: 10 } });
    const text = textOf(result);
    expect(text.match(/erp/g)).toHaveLength(1);
    expect(text.split('\n').slice(0, 4)).toEqual([
      `10 of ${REFERENCING + 1} tables; all on this page are tables, not views`,
      'name|rows~|comment',
      'schema erp:',
      'ORDLN_00||',
    ]);
    const structured = result.structuredContent as { tables: { schema: string }[] };
    expect(structured.tables.every((t) => t.schema === 'erp')).toBe(true);
  });

  it('tools/list schemas stay lean', async () => {
    const { tools } = await connection.client.listTools();
    const outputs = tools.map((t) => JSON.stringify(t.outputSchema));
    // 9,435 characters as zod's full JSON Schema; 5,424 lean. A regression shows here.
    expect(outputs.join('').length).toBeLessThan(5_700);
    for (const output of outputs) expect(output).not.toContain('$schema');
    // Input schemas lose only their $schema line: the model calls the tools from their descriptions.
    for (const tool of tools) {
      expect(tool.inputSchema, tool.name).not.toHaveProperty('$schema');
      for (const property of Object.values(tool.inputSchema.properties ?? {})) {
        expect((property as { description?: string }).description?.length, tool.name).toBeGreaterThan(10);
      }
    }
  });
});
