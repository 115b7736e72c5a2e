import {
  DATABASE_FAILURE_KINDS,
  type DatabaseFailure,
  type DatabaseFailureKind,
  type DatabasePort,
  dbFailure,
} from '@legacybridge/core';
import { createFakeDatabase, fakeDeps } from '@legacybridge/core/testing';
import { describe, expect, it } from 'vitest';
import { toPublicToolMessage } from '../src/index.js';
import { type ClientKind, connect, testDeps, textOf } from './support/clients.js';

const SECRET = 'hunter2';
const LEAKY = {
  message: `could not connect to postgres://erp_app:${SECRET}@10.20.30.40:5432/erp (password=${SECRET})`,
  cause: new Error(`FATAL: password authentication failed; password=${SECRET}`),
};

// One failure of every kind, each carrying a secret in message and cause. A new kind fails to
// compile here until it is added, so the leak check below covers it.
const FAILURES: Record<DatabaseFailureKind, DatabaseFailure> = {
  ConnectionFailed: dbFailure('ConnectionFailed', { ...LEAKY, originalCode: 'ECONNREFUSED' }),
  AuthenticationFailed: dbFailure('AuthenticationFailed', { ...LEAKY, originalCode: '28P01' }),
  Timeout: dbFailure('Timeout', { ...LEAKY, timeoutMs: 30_000 }),
  Cancelled: dbFailure('Cancelled', LEAKY),
  PoolExhausted: dbFailure('PoolExhausted', { ...LEAKY, waitedMs: 5000 }),
  PermissionDenied: dbFailure('PermissionDenied', { ...LEAKY, originalCode: '42501' }),
  ObjectNotFound: dbFailure('ObjectNotFound', {
    ...LEAKY,
    objectType: 'table',
    name: 'CUSTMSTR',
    suggestions: ['CUSTMST'],
  }),
  SyntaxError: dbFailure('SyntaxError', { ...LEAKY, position: 12 }),
  ReadOnlyViolation: dbFailure('ReadOnlyViolation', { ...LEAKY, reason: 'DELETE changes data.' }),
  LimitExceeded: dbFailure('LimitExceeded', { ...LEAKY, limit: 'rows', max: 1000 }),
  InvalidInput: dbFailure('InvalidInput', { ...LEAKY, field: 'cursor', reason: 'it is stale.' }),
  Unsupported: dbFailure('Unsupported', { ...LEAKY, feature: 'explain_query' }),
  DriverError: dbFailure('DriverError', { ...LEAKY, originalCode: 'XX000' }),
};

describe('toPublicToolMessage', () => {
  it.each(DATABASE_FAILURE_KINDS)('%s: says something actionable and never the message or cause', (kind) => {
    const text = toPublicToolMessage(FAILURES[kind]);
    expect(text.length).toBeGreaterThan(20);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('10.20.30.40');
    expect(text).not.toContain('erp_app');
  });

  it('adds a next step in terms of the tools', () => {
    expect(toPublicToolMessage(FAILURES.ObjectNotFound)).toBe(
      'No table named "CUSTMSTR" exists. Did you mean: CUSTMST? search_schema or list_tables finds the exact name.',
    );
    expect(toPublicToolMessage(FAILURES.InvalidInput)).toContain('Call list_tables again without a cursor.');
    const syntax = dbFailure('SyntaxError', { message: 'x', publicDetail: 'near "nothing": syntax error' });
    expect(toPublicToolMessage(syntax)).toBe(
      'The SQL has a syntax error. near "nothing": syntax error. describe_table gives the exact column names; use this database’s SQL dialect.',
    );
  });
});

const KINDS: ClientKind[] = ['v2-auto', 'v2-legacy', 'v1'];

describe.each(KINDS)('tool errors through a %s client', (kind) => {
  it('refuses a write with isError and the refusal text', async () => {
    const db = createFakeDatabase();
    const connection = await connect(kind, { deps: testDeps(db) });
    try {
      const result = await connection.client.callTool({
        name: 'run_query',
        arguments: { sql: 'DELETE FROM CUSTMST' },
      });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(
        /^Refused: DELETE changes data\. LegacyBridge runs read-only queries only/,
      );
      // Core's statement guard refused it: the database never saw the statement.
      expect(db.callsTo('executeReadOnly')).toHaveLength(0);

      const twoStatements = await connection.client.callTool({
        name: 'run_query',
        arguments: { sql: 'SELECT * FROM CUSTMST; DROP TABLE CUSTMST' },
      });
      expect(twoStatements.isError).toBe(true);
      expect(textOf(twoStatements)).toMatch(/^Refused: only one statement per call is accepted/);
      const explained = await connection.client.callTool({
        name: 'explain_query',
        arguments: { sql: 'DELETE FROM CUSTMST' },
      });
      expect(explained.isError).toBe(true);
      expect(textOf(explained)).toMatch(/^Refused: DELETE changes data\./);
      expect(db.callsTo('explain')).toHaveLength(0);
      const rows = await connection.client.callTool({
        name: 'run_query',
        arguments: { sql: 'SELECT COUNT(*) FROM CUSTMST' },
      });
      expect(textOf(rows).split('\n')[1]).toBe('3');
    } finally {
      await connection.close();
    }
  });

  it('never shows or logs a secret carried by a failure', async () => {
    const db = createFakeDatabase();
    const deps = fakeDeps(db);
    db.setFailure('executeReadOnly', FAILURES.ConnectionFailed);
    db.setFailure('listTables', FAILURES.DriverError);
    const connection = await connect(kind, { deps });
    try {
      const query = await connection.client.callTool({
        name: 'run_query',
        arguments: { sql: 'SELECT * FROM CUSTMST' },
      });
      expect(query.isError).toBe(true);
      expect(textOf(query)).toMatch(/^The database is unreachable right now/);

      const list = await connection.client.callTool({ name: 'list_tables', arguments: {} });
      expect(list.isError).toBe(true);
      expect(textOf(list)).toBe(
        'The database reported an error (XX000). Check table and column names with describe_table and simplify the statement.',
      );

      const read = await connection.client.readResource({ uri: 'legacybridge://tables' }).then(
        () => 'resolved',
        (error: unknown) => String(error),
      );
      expect(read).toMatch(/The database reported an error \(XX000\)/);

      for (const text of [textOf(query), textOf(list), read, deps.logger.text()]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain('10.20.30.40');
      }
      // The failures were logged, by kind and code.
      expect(deps.logger.lines).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          context: expect.objectContaining({
            operation: 'list_tables',
            errorKind: 'DriverError',
            errorCode: 'XX000',
          }),
        }),
      );
    } finally {
      await connection.close();
    }
  });

  it('answers a content-free error when the adapter throws, without its message', async () => {
    const fake = createFakeDatabase();
    const throwing: DatabasePort = {
      dialect: fake.dialect,
      capabilities: fake.capabilities,
      ping: () => fake.ping(),
      serverInfo: () => fake.serverInfo(),
      listTables: () => {
        throw new Error(`driver exploded at postgres://erp_app:${SECRET}@10.20.30.40/erp`);
      },
      listColumns: (filter) => fake.listColumns(filter),
      describeTable: () => {
        throw new Error(`password=${SECRET}`);
      },
      executeReadOnly: (q, l, s) => fake.executeReadOnly(q, l, s),
      explain: (q, l, s) => fake.explain(q, l, s),
      poolStats: () => fake.poolStats(),
      close: () => fake.close(),
    };
    const deps = fakeDeps(throwing);
    const connection = await connect(kind, { deps });
    try {
      const result = await connection.client.callTool({
        name: 'describe_table',
        arguments: { table: 'CUSTMST' },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^LegacyBridge hit an internal error/);
      const resource = await connection.client.readResource({ uri: 'legacybridge://tables' }).then(
        () => 'resolved',
        (error: unknown) => String(error),
      );
      expect(resource).toMatch(/LegacyBridge hit an internal error/);
      // Completion is a convenience: a broken catalog yields no suggestions, not an error.
      const completion = await connection.client.complete({
        ref: { type: 'ref/resource', uri: 'legacybridge://tables/{table}' },
        argument: { name: 'table', value: 'C' },
      });
      expect(completion.completion.values).toEqual([]);
      for (const text of [textOf(result), resource, deps.logger.text()]) expect(text).not.toContain(SECRET);
      expect(deps.logger.lines).toContainEqual(
        expect.objectContaining({ level: 'error', context: expect.objectContaining({ errorName: 'Error' }) }),
      );
    } finally {
      await connection.close();
    }
  });

  it('explains invalid arguments and unknown names', async () => {
    const connection = await connect(kind, { deps: testDeps(createFakeDatabase()) });
    try {
      const wrongType = await connection.client.callTool({ name: 'run_query', arguments: { sql: 42 } });
      expect(wrongType.isError).toBe(true);
      expect(textOf(wrongType)).toMatch(/Invalid arguments for tool run_query: sql: .*expected string/);

      const missing = await connection.client.callTool({ name: 'describe_table', arguments: {} });
      expect(missing.isError).toBe(true);
      expect(textOf(missing)).toMatch(/describe_table: table/);

      const tooMany = await connection.client.callTool({ name: 'list_tables', arguments: { limit: 5000 } });
      expect(tooMany.isError).toBe(true);
      expect(textOf(tooMany)).toMatch(/limit/);

      const empty = await connection.client.callTool({ name: 'run_query', arguments: { sql: '   ' } });
      expect(empty.isError).toBe(true);
      expect(textOf(empty)).toMatch(/^Invalid sql: /);

      const unknown = await connection.client.callTool({
        name: 'describe_table',
        arguments: { table: 'CUSTMSTR' },
      });
      expect(unknown.isError).toBe(true);
      expect(textOf(unknown)).toContain('Did you mean: CUSTMST?');

      const badCursor = await connection.client.callTool({
        name: 'list_tables',
        arguments: { cursor: 'bm9wZQ' },
      });
      expect(badCursor.isError).toBe(true);
      expect(textOf(badCursor)).toMatch(/^Invalid cursor: .*Call list_tables again without a cursor\.$/);

      const missingTable = await connection.client.readResource({ uri: 'legacybridge://tables/NOPE' }).then(
        () => 'resolved',
        (error: unknown) => String(error),
      );
      expect(missingTable).toMatch(/No table named "NOPE" exists/);
    } finally {
      await connection.close();
    }
  });
});

describe('argument size', () => {
  it('refuses an oversized argument tree before any use case runs', async () => {
    const db = createFakeDatabase();
    const connection = await connect('v2-auto', { deps: testDeps(db) });
    try {
      const result = await connection.client.callTool({
        name: 'list_tables',
        arguments: { pattern: 'x', junk: Array.from({ length: 500 }, (_, i) => i) },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/more than the maximum of 64 elements/);
      expect(db.calls).toEqual([]);
    } finally {
      await connection.close();
    }
  });
});
