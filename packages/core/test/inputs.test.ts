import { describe, expect, it } from 'vitest';
import {
  describeTableInput,
  explainQueryInput,
  listTablesInput,
  runQueryInput,
  searchSchemaInput,
} from '../src/use-cases/inputs.js';

// The tool arguments are a public contract (DESIGN.md §7): names and bounds must not drift.
describe('tool input schemas', () => {
  it('list_tables: schema, pattern, limit 1..1000, cursor — all optional', () => {
    expect(listTablesInput.parse({})).toEqual({});
    expect(
      listTablesInput.parse({ schema: 'crm', pattern: 'CUST*', limit: 1000, cursor: 'abc' }),
    ).toMatchObject({
      limit: 1000,
    });
    for (const limit of [0, 1001, 1.5])
      expect(listTablesInput.safeParse({ limit }).success, String(limit)).toBe(false);
    expect(listTablesInput.safeParse({ pattern: '' }).success).toBe(false);
  });

  it('describe_table: table required, schema optional', () => {
    expect(describeTableInput.safeParse({}).success).toBe(false);
    expect(describeTableInput.safeParse({ table: '' }).success).toBe(false);
    expect(describeTableInput.parse({ table: 'sales.ORDHDR' })).toEqual({ table: 'sales.ORDHDR' });
  });

  it('search_schema: query required, limit 1..100', () => {
    expect(searchSchemaInput.safeParse({ query: '' }).success).toBe(false);
    expect(searchSchemaInput.safeParse({ query: 'cust', limit: 101 }).success).toBe(false);
    expect(searchSchemaInput.parse({ query: 'cust', limit: 100 }).limit).toBe(100);
  });

  it('run_query: sql required, max_rows a positive integer; explain_query: sql', () => {
    expect(runQueryInput.safeParse({}).success).toBe(false);
    expect(runQueryInput.safeParse({ sql: 'SELECT 1', max_rows: 0 }).success).toBe(false);
    expect(runQueryInput.parse({ sql: 'SELECT 1', max_rows: 5000 }).max_rows).toBe(5000);
    expect(explainQueryInput.safeParse({ sql: 'SELECT 1' }).success).toBe(true);
    expect(Object.keys(runQueryInput.shape).sort()).toEqual(['max_rows', 'sql']);
    expect(Object.keys(listTablesInput.shape).sort()).toEqual(['cursor', 'limit', 'pattern', 'schema']);
  });
});
