import { createFakeDatabase, type FakeDatabase } from '@legacybridge/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOOL_NAMES } from '../src/index.js';
import {
  CLIENT_KINDS,
  type Connection,
  connect,
  type ListedTool,
  testDeps,
  textOf,
} from './support/clients.js';

// DESIGN.md §7: the public argument names of each tool. Renaming one is a breaking change.
const CONTRACT_ARGUMENTS: Record<(typeof TOOL_NAMES)[number], { all: string[]; required: string[] }> = {
  list_tables: { all: ['schema', 'pattern', 'limit', 'cursor'], required: [] },
  describe_table: { all: ['table', 'schema'], required: ['table'] },
  search_schema: { all: ['query', 'limit'], required: ['query'] },
  run_query: { all: ['sql', 'max_rows'], required: ['sql'] },
  explain_query: { all: ['sql'], required: ['sql'] },
  find_join_path: { all: ['from', 'to', 'schema', 'max_hops'], required: ['from', 'to'] },
};

describe.each(CLIENT_KINDS)('MCP surface through a $kind client', ({ kind, expectedVersion }) => {
  let db: FakeDatabase;
  let connection: Connection;

  beforeEach(async () => {
    db = createFakeDatabase();
    connection = await connect(kind, { deps: testDeps(db), caller: 'test' });
  });
  afterEach(async () => {
    await connection.close();
  });

  it(`negotiates ${expectedVersion}`, () => {
    expect(connection.protocolVersion).toBe(expectedVersion);
  });

  it('lists exactly the six tools, read-only annotated, with input and output schemas', async () => {
    const { tools } = await connection.client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...TOOL_NAMES]);
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description?.length ?? 0, tool.name).toBeGreaterThan(150);
      expect(tool.annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      });
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(Object.keys(tool.outputSchema?.properties ?? {}).length, tool.name).toBeGreaterThan(0);
      const contract = CONTRACT_ARGUMENTS[tool.name as keyof typeof CONTRACT_ARGUMENTS];
      expect(Object.keys(tool.inputSchema.properties ?? {}).sort(), tool.name).toEqual(
        [...contract.all].sort(),
      );
      expect((tool.inputSchema.required ?? []).sort(), tool.name).toEqual(contract.required);
    }
    // The query tools quote the operator's limits, so a model knows them before it hits one.
    const runQuery = tools.find((t) => t.name === 'run_query') as ListedTool;
    expect(runQuery.description).toContain('default 100, ceiling 1000');
    expect(runQuery.description).toContain('sqlite');
  });

  it('list_tables answers a compact page and structured content', async () => {
    const result = await connection.client.callTool({ name: 'list_tables', arguments: { limit: 2 } });
    expect(result.isError).toBeFalsy();
    const text = textOf(result);
    // Both tables on this page are plain tables, so the kind column is left out.
    expect(text.split('\n').slice(0, 2)).toEqual([
      '2 of 5 tables; all on this page are tables, not views',
      'name|rows~|comment',
    ]);
    expect(text).toContain('CUSTMST|3|Customer master');
    expect(text).not.toContain('{');
    const structured = result.structuredContent as {
      tables: { name: string }[];
      total: number;
      nextCursor: string;
    };
    expect(structured.tables.map((t) => t.name)).toEqual(['CUSTMST', 'ITMMST']);
    expect(structured.total).toBe(5);
    expect(text).toContain(`next_cursor: ${structured.nextCursor}`);

    const next = await connection.client.callTool({
      name: 'list_tables',
      arguments: { limit: 2, cursor: structured.nextCursor },
    });
    expect((next.structuredContent as { tables: { name: string }[] }).tables.map((t) => t.name)).toEqual([
      'ORDDTL',
      'ORDHDR',
    ]);
  });

  it('describe_table answers a column table with keys both ways', async () => {
    // Lower case on purpose: the use case resolves an unambiguous case mismatch.
    const result = await connection.client.callTool({
      name: 'describe_table',
      arguments: { table: 'ordhdr' },
    });
    expect(result.isError).toBeFalsy();
    const text = textOf(result);
    const lines = text.split('\n');
    expect(lines[0]).toBe('table ORDHDR (~3 rows) — Order header');
    expect(lines[1]).toBe('column|type|null|default|pk|comment');
    expect(text).toContain("ORDSTS|CHAR(1)|yes|'O'||O=open, S=shipped, C=cancelled");
    expect(text).toContain('foreign keys:\n  ORDHDR(CUSTNO) -> CUSTMST(CUSTNO) [FK_ORDHDR_CUST]');
    expect(text).toContain('indexes:\n  PK_ORDHDR (ORDNO) primary');
    const structured = result.structuredContent as {
      table: { name: string };
      columns: { name: string }[];
      primaryKey: string[];
    };
    expect(structured.table.name).toBe('ORDHDR');
    expect(structured.primaryKey).toEqual(['ORDNO']);
    expect(structured.columns.length).toBe(lines.filter((l) => /^[A-Z]+\|/.test(l)).length);
  });

  it('find_join_path answers the hops and the SQL, and names close tables for a typo', async () => {
    const result = await connection.client.callTool({
      name: 'find_join_path',
      arguments: { from: 'orddtl', to: 'CUSTMST' },
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const structured = result.structuredContent as {
      hops: { from: { name: string }; to: { name: string }; kind: string; confidence: number }[];
      sql: string;
    };
    expect(structured.hops[0]?.from.name).toBe('ORDDTL');
    expect(structured.hops.at(-1)?.to.name).toBe('CUSTMST');
    expect(structured.sql).toMatch(/^FROM ORDDTL JOIN .* ON .*CUSTMST/);
    const text = textOf(result);
    expect(text.split('\n')[1]).toBe(structured.sql);
    expect(text).toMatch(/^1\. ORDDTL -> /m);

    const typo = await connection.client.callTool({
      name: 'find_join_path',
      arguments: { from: 'ORDDTL', to: 'CUSTMSTR' },
    });
    expect(typo.isError).toBe(true);
    expect(textOf(typo)).toContain('CUSTMST');
  });

  it('search_schema ranks tables and columns', async () => {
    const result = await connection.client.callTool({ name: 'search_schema', arguments: { query: 'cust' } });
    expect(result.isError).toBeFalsy();
    const text = textOf(result);
    expect(text.split('\n')[1]).toBe('type|table|column|score|why');
    expect(text.split('\n')[2]).toMatch(/^table\|CUSTMST\|\|\d+\|name starts with "cust"$/);
    const { matches } = result.structuredContent as { matches: { type: string; table: string }[] };
    expect(matches[0]).toMatchObject({ type: 'table', table: 'CUSTMST', matched: 'prefix' });
    expect(matches.some((m) => m.type === 'column')).toBe(true);
  });

  it('run_query answers rows as lines and reports truncation', async () => {
    const result = await connection.client.callTool({
      name: 'run_query',
      arguments: { sql: 'SELECT CUSTNO, CUSTNM FROM CUSTMST ORDER BY CUSTNO', max_rows: 2 },
    });
    expect(result.isError).toBeFalsy();
    const lines = textOf(result).split('\n');
    expect(lines.slice(0, 3)).toEqual(['CUSTNO|CUSTNM', '1|ACME TOOLS', '2|GLOBEX']);
    expect(lines[3]).toMatch(/^\(2 rows, \d+ ms; TRUNCATED at the row limit/);
    expect(result.structuredContent).toMatchObject({
      columns: [{ name: 'CUSTNO' }, { name: 'CUSTNM' }],
      rows: [
        [1, 'ACME TOOLS'],
        [2, 'GLOBEX'],
      ],
      rowCount: 2,
      truncated: true,
      truncatedBy: 'rows',
    });
  });

  it('explain_query answers the plan without executing', async () => {
    const result = await connection.client.callTool({
      name: 'explain_query',
      arguments: { sql: 'SELECT * FROM ORDHDR' },
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/^plan \(sqlite, estimated cost 3; not executed\):\nSCAN ORDHDR/);
    expect(result.structuredContent).toMatchObject({ dialect: 'sqlite', estimatedCost: 3 });
    expect(db.callsTo('executeReadOnly')).toHaveLength(0);
  });

  it('serves the table list and one table as resources', async () => {
    const { resources } = await connection.client.listResources();
    expect(resources.map((r) => r.uri)).toContain('legacybridge://tables');
    const { resourceTemplates } = await connection.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('legacybridge://tables/{table}');

    const list = await connection.client.readResource({ uri: 'legacybridge://tables' });
    expect(list.contents[0]?.text).toContain('5 of 5 tables (last page)\nname|kind|rows~|comment');

    const one = await connection.client.readResource({ uri: 'legacybridge://tables/CUSTMST' });
    expect(one.contents[0]?.uri).toBe('legacybridge://tables/CUSTMST');
    expect(one.contents[0]?.text).toMatch(/^table CUSTMST .*\ncolumn\|type\|null\|default\|pk\|comment\n/);
  });

  it('completes table names in the resource template by prefix', async () => {
    const ord = await connection.client.complete({
      ref: { type: 'ref/resource', uri: 'legacybridge://tables/{table}' },
      argument: { name: 'table', value: 'ord' },
    });
    expect(ord.completion.values).toEqual(['ORDDTL', 'ORDHDR']);
    const all = await connection.client.complete({
      ref: { type: 'ref/resource', uri: 'legacybridge://tables/{table}' },
      argument: { name: 'table', value: '' },
    });
    expect(all.completion.values).toHaveLength(5);
  });

  it('offers the explore_database prompt, aimed at a goal', async () => {
    const { prompts } = await connection.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['explore_database']);
    expect(prompts[0]?.arguments).toEqual([expect.objectContaining({ name: 'goal', required: false })]);
    const prompt = await connection.client.getPrompt({
      name: 'explore_database',
      arguments: { goal: 'late shipments per customer' },
    });
    const text = prompt.messages[0]?.content.text ?? '';
    expect(prompt.messages[0]?.role).toBe('user');
    expect(text).toContain('My goal: late shipments per customer');
    for (const tool of TOOL_NAMES) expect(text).toContain(tool);
    expect(text).toContain('sqlite');
  });
});
