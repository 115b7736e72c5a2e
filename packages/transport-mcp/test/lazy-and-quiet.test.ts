import { createFakeDatabase } from '@legacybridge/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMcpServer, TOOL_NAMES } from '../src/index.js';
import { connect, testDeps } from './support/clients.js';

describe('createMcpServer', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('touches no database method when built, nor when a client discovers the surface', async () => {
    const db = createFakeDatabase();
    createMcpServer({ deps: testDeps(db) });
    createMcpServer({ deps: testDeps(db) });
    expect(db.calls).toEqual([]);

    // An auto client probes, then lists: still nothing but metadata.
    const connection = await connect('v2-auto', { deps: testDeps(db) });
    try {
      await connection.client.listTools();
      await connection.client.listResources();
      await connection.client.listResourceTemplates();
      await connection.client.listPrompts();
      await connection.client.getPrompt({ name: 'explore_database' });
      expect(db.calls).toEqual([]);

      await connection.client.callTool({ name: 'list_tables', arguments: {} });
      expect(db.calls.map((c) => c.method)).toEqual(['listTables']);
    } finally {
      await connection.close();
    }
  });

  it('is cheap enough to build per request', () => {
    const deps = testDeps(createFakeDatabase());
    const started = performance.now();
    for (let i = 0; i < 50; i++) createMcpServer({ deps });
    // Generous bound for a 2-core CI box: a regression to per-build I/O or schema work shows here.
    expect((performance.now() - started) / 50).toBeLessThan(20);
  });

  it('uses the given name and version', async () => {
    const server = createMcpServer({
      deps: testDeps(createFakeDatabase()),
      name: 'erp-bridge',
      version: '9.9.9',
    });
    expect(server.server.getCapabilities()).toMatchObject({
      tools: {},
      resources: {},
      prompts: {},
      completions: {},
    });
    for (const kind of ['v1', 'v2-auto'] as const) {
      const connection = await connect(kind, {
        deps: testDeps(createFakeDatabase()),
        name: 'erp-bridge',
        version: '9.9.9',
      });
      expect(connection.serverInfo).toMatchObject({ name: 'erp-bridge', version: '9.9.9' });
      await connection.close();
    }
    const defaults = await connect('v2-legacy', { deps: testDeps(createFakeDatabase()) });
    expect(defaults.serverInfo).toMatchObject({ name: 'legacybridge', version: '0.1.0' });
    await defaults.close();
  });

  it('writes nothing to stdout during a whole session (stdout is the stdio MCP channel)', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const consoleLog = vi.spyOn(console, 'log');
    const db = createFakeDatabase();
    db.setFailure('describeTable', {
      kind: 'DriverError',
      message: 'boom',
      originalCode: 'X1',
    });
    const connection = await connect('v2-legacy', { deps: testDeps(db), caller: 'stdio' });
    try {
      for (const name of TOOL_NAMES) {
        await connection.client.callTool({
          name,
          arguments:
            name === 'describe_table'
              ? { table: 'CUSTMST' }
              : name === 'search_schema'
                ? { query: 'ord' }
                : name === 'find_join_path'
                  ? { from: 'ORDDTL', to: 'CUSTMST' }
                  : name.endsWith('query')
                    ? { sql: 'SELECT * FROM ITMMST' }
                    : {},
        });
      }
      await connection.client.readResource({ uri: 'legacybridge://tables' });
      await connection.client.callTool({ name: 'run_query', arguments: { sql: 'DROP TABLE ITMMST' } });
    } finally {
      await connection.close();
    }
    expect(stdout).not.toHaveBeenCalled();
    expect(consoleLog).not.toHaveBeenCalled();
  });
});
