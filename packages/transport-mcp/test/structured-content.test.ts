import type { JoinPath, QueryPlan, QueryResult } from '@legacybridge/core';
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  describeTableOutput,
  explainQueryOutput,
  findJoinPathOutput,
  listTablesOutput,
  publishedOutputSchema,
  runQueryOutput,
  searchSchemaOutput,
} from '../src/output-schemas.js';
import { withoutUndefined } from '../src/respond.js';
import { joinPathContent, queryPlanContent, queryResultContent } from '../src/structured.js';

// The query tools build structured content by hand and the SDK checks it with a compiled validator
// instead of zod (both for speed). These tests hold both to the zod schemas, the published contract,
// so neither can drift from it unnoticed.

const results: QueryResult[] = [
  {
    columns: [
      { name: 'id', nativeType: 'int4', logicalType: 'integer' },
      { name: 'note', logicalType: 'text', nativeType: undefined },
    ],
    rows: [[1, 'a|b\nc']],
    rowCount: 1,
    truncated: false,
    durationMs: 0.42,
  },
  {
    columns: [{ name: 'big', nativeType: 'numeric', logicalType: 'decimal' }],
    rows: [['12345678901234567890.5'], [null], [{ $binary: 'AAE=', length: 2 }], [{ nested: [1, 'x'] }]],
    rowCount: 4,
    truncated: true,
    truncatedBy: 'rows',
    durationMs: 3,
  },
  { columns: [], rows: [], rowCount: 0, truncated: true, truncatedBy: 'bytes', durationMs: 0 },
  { columns: [], rows: [], rowCount: 0, truncated: false, truncatedBy: undefined, durationMs: 0 },
  {
    columns: [],
    rows: [[1]],
    rowCount: 1,
    truncated: true,
    truncatedBy: 'rows',
    durationMs: 1,
    cached: true,
  },
];

const paths: JoinPath[] = [
  {
    from: { name: 'ORDDTL' },
    to: { schema: 'erp', name: 'CUSTMST' },
    hops: [
      {
        from: { name: 'ORDDTL' },
        fromColumns: ['ORDNO'],
        to: { name: 'ORDHDR' },
        toColumns: ['ORDNO'],
        kind: 'declared',
        confidence: 1,
        evidence: undefined,
      },
      {
        from: { name: 'ORDHDR' },
        fromColumns: ['CUSTNO'],
        to: { schema: 'erp', name: 'CUSTMST' },
        toColumns: ['CUSTNO'],
        kind: 'inferred',
        confidence: 0.9,
        evidence: "same name and type as CUSTMST's primary key",
      },
    ],
    sql: 'FROM ORDDTL JOIN ORDHDR ON ORDDTL.ORDNO = ORDHDR.ORDNO JOIN erp.CUSTMST ON ORDHDR.CUSTNO = erp.CUSTMST.CUSTNO',
  },
  { from: { name: 'A' }, to: { name: 'A' }, hops: [], sql: 'FROM A' },
];

const plans: QueryPlan[] = [
  { dialect: 'postgres', text: 'Seq Scan on t', estimatedCost: 12.5, raw: [{ Plan: {} }] },
  { dialect: 'sqlite', text: 'SCAN t', estimatedCost: undefined },
];

describe('structured content of the query tools', () => {
  it.each(paths.map((p, i) => [i, p] as const))(
    'find_join_path answer %i is exactly what parsing through the zod schema gives, key order included',
    (_i, path) => {
      const built = joinPathContent(path);
      expect(JSON.stringify(built)).toBe(JSON.stringify(withoutUndefined(findJoinPathOutput.parse(path))));
      expect(JSON.stringify(built)).not.toContain('undefined');
    },
  );

  it.each(results.map((r, i) => [i, r] as const))(
    'run_query answer %i is exactly what parsing through the zod schema gives, key order included',
    (_i, result) => {
      const built = queryResultContent(result);
      const parsed = withoutUndefined(runQueryOutput.parse(result));
      expect(JSON.stringify(built)).toBe(JSON.stringify(parsed));
      expect(Object.values(built)).not.toContain(undefined);
      // Rows can be large: passed on by reference, never copied.
      expect(built.rows).toBe(result.rows);
    },
  );

  it('run_query drops a column field an adapter adds beyond the contract', () => {
    const column = { name: 'id', logicalType: 'integer' as const, nativeType: 'int4', tableOid: 1234 };
    const extended: QueryResult = { ...(results[0] as QueryResult), columns: [column] };
    expect(queryResultContent(extended).columns).toEqual([
      { name: 'id', nativeType: 'int4', logicalType: 'integer' },
    ]);
  });

  it.each(plans.map((p, i) => [i, p] as const))(
    'explain_query answer %i is exactly the zod view without the raw plan',
    (_i, plan) => {
      const built = queryPlanContent(plan);
      expect(JSON.stringify(built)).toBe(JSON.stringify(withoutUndefined(explainQueryOutput.parse(plan))));
      expect(built).not.toHaveProperty('raw');
    },
  );
});

const SCHEMAS = {
  list_tables: listTablesOutput,
  describe_table: describeTableOutput,
  search_schema: searchSchemaOutput,
  run_query: runQueryOutput,
  explain_query: explainQueryOutput,
  find_join_path: findJoinPathOutput,
} as const;

// Representative good answers per tool, and ways to break each.
const GOOD: Record<keyof typeof SCHEMAS, object[]> = {
  list_tables: [
    { tables: [{ schema: 'public', name: 'T', kind: 'table', rowEstimate: 3, comment: 'c' }], total: 1 },
    { tables: [{ name: 'T', kind: 'view' }], total: 9, nextCursor: 'abc', budgetLimited: true },
  ],
  describe_table: [
    {
      table: { name: 'T', kind: 'table' },
      columns: [{ name: 'ID', ordinal: 1, nativeType: 'int', logicalType: 'integer', nullable: false }],
      primaryKey: ['ID'],
      foreignKeys: [
        {
          name: 'FK',
          table: { name: 'T' },
          columns: ['P'],
          referencedTable: { schema: 's', name: 'U' },
          referencedColumns: ['ID'],
        },
      ],
      referencedBy: [],
      indexes: [{ name: 'PK', columns: ['ID'], unique: true, primary: true }],
    },
    {
      table: { name: 'T', kind: 'table' },
      columns: [],
      primaryKey: [],
      foreignKeys: [],
      referencedBy: [],
      indexes: [],
      inferredForeignKeys: [
        {
          table: { name: 'T' },
          columns: ['CUSTNO'],
          referencedTable: { name: 'CUSTMST' },
          referencedColumns: ['CUSTNO'],
          confidence: 0.9,
          evidence: 'e',
        },
      ],
      inferredReferencedBy: [],
    },
  ],
  search_schema: [
    { matches: [{ type: 'column', table: 'T', column: 'C', score: 50, matched: 'prefix', reason: 'r' }] },
    { matches: [] },
  ],
  run_query: results.map((r) => queryResultContent(r)),
  explain_query: plans.map((p) => queryPlanContent(p)),
  find_join_path: paths.map((p) => joinPathContent(p)),
};

const BREAK: ((answer: Record<string, unknown>) => Record<string, unknown>)[] = [
  // a required field missing
  (a) => Object.fromEntries(Object.entries(a).slice(1)),
  // a field of the wrong type (no first field is a boolean)
  (a) => ({ ...a, [Object.keys(a)[0] as string]: true }),
];

describe('publishedOutputSchema', () => {
  it.each(Object.entries(SCHEMAS))("%s lists a lean JSON Schema with zod's structure", (_name, schema) => {
    const published = publishedOutputSchema(schema as z.ZodType);
    const listed = published['~standard'].jsonSchema.output({ target: 'draft-2020-12' });
    const full = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
    const text = JSON.stringify(listed);
    // 2020-12 is an MCP schema's default dialect; the safe-integer bounds say nothing.
    expect(listed).not.toHaveProperty('$schema');
    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
    // Same top-level properties and required fields as zod's full rendering, closed the same way.
    expect(Object.keys(listed.properties as object)).toEqual(Object.keys(full.properties as object));
    expect(listed.required).toEqual(full.required);
    expect(listed.additionalProperties).toBe(false);
    // Only the few descriptions the listing registry keeps; zod's full rendering has more.
    const descriptions = text.match(/"description":"/g)?.length ?? 0;
    expect(descriptions).toBeLessThanOrEqual(2);
    expect(text.length).toBeLessThan(JSON.stringify(full).length);
    // Another target is still zod's rendering, marked with its dialect.
    expect(published['~standard'].jsonSchema.output({ target: 'draft-07' })).toHaveProperty(
      '$schema',
      'http://json-schema.org/draft-07/schema#',
    );
    // Each caller gets its own copy: the SDK may decorate what it is given.
    const first = published['~standard'].jsonSchema.output({ target: 'draft-2020-12' });
    first.mutated = true;
    expect(published['~standard'].jsonSchema.output({ target: 'draft-2020-12' })).not.toHaveProperty(
      'mutated',
    );
  });

  it("writes the shared objects once under $defs, and zod's global rendering (OpenAPI) never sees them", () => {
    const listed = (schema: z.ZodType) =>
      publishedOutputSchema(schema)['~standard'].jsonSchema.output({ target: 'draft-2020-12' });
    const describe = listed(describeTableOutput);
    expect(Object.keys(describe.$defs as object).sort()).toEqual(['foreignKey', 'inferred', 'table']);
    expect(JSON.stringify(describe.properties)).toContain('"$ref":"#/$defs/foreignKey"');
    expect(Object.keys(listed(findJoinPathOutput).$defs as object)).toEqual(['table']);
    // OpenAPI embeds zod's global rendering in a bigger document, where #/$defs/… would point at the
    // document's root: the listing's ids must not leak into it.
    for (const schema of Object.values(SCHEMAS)) {
      expect(JSON.stringify(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }))).not.toContain(
        '$ref',
      );
    }
  });

  it('refuses an extra field inside a shared definition', async () => {
    const published = publishedOutputSchema(describeTableOutput);
    const answer = GOOD.describe_table[0] as { foreignKeys: { table: object }[] };
    const fk = answer.foreignKeys[0] as { table: object };
    const broken = { ...answer, foreignKeys: [{ ...fk, table: { ...fk.table, extra: 1 } }] };
    expect((await published['~standard'].validate(answer)).issues).toBeUndefined();
    expect((await published['~standard'].validate(broken)).issues).toBeDefined();
    const noName = { ...answer, referencedBy: [{ ...fk, table: {} }] };
    expect((await published['~standard'].validate(noName)).issues).toBeDefined();
  });

  it.each(Object.entries(SCHEMAS))('%s accepts and refuses what zod does', async (name, schema) => {
    const published = publishedOutputSchema(schema as z.ZodType);
    const check = async (value: unknown) =>
      (await published['~standard'].validate(value)).issues === undefined;
    for (const answer of GOOD[name as keyof typeof SCHEMAS]) {
      expect(schema.safeParse(answer).success, JSON.stringify(answer)).toBe(true);
      expect(await check(answer), JSON.stringify(answer)).toBe(true);
      for (const breakIt of BREAK) {
        const broken = breakIt(answer as Record<string, unknown>);
        expect(schema.safeParse(broken).success, JSON.stringify(broken)).toBe(false);
        expect(await check(broken), JSON.stringify(broken)).toBe(false);
      }
      // The published schema says additionalProperties: false; zod would strip, the check refuses.
      expect(await check({ ...answer, extra: 1 })).toBe(false);
    }
  });

  it('makes the SDK refuse an answer that breaks the contract', async () => {
    const server = new McpServer({ name: 't', version: '1' });
    server.registerTool(
      'bad',
      {
        description: 'answers a column without its logical type',
        inputSchema: z.object({}),
        outputSchema: publishedOutputSchema(runQueryOutput),
      },
      async () => ({
        content: [{ type: 'text', text: 'x' }],
        structuredContent: { ...queryResultContent(results[2] as QueryResult), columns: [{ name: 'a' }] },
      }),
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 't', version: '1' });
    await client.connect(clientSide);
    try {
      const result = await client.callTool({ name: 'bad', arguments: {} });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/Output validation error.*logicalType/);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
