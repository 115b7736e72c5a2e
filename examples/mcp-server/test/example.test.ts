import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const built = resolve(dirname(fileURLToPath(import.meta.url)), '../.tsbuild/src/server.js');

describe('examples/mcp-server', () => {
  let dir: string;
  let client: Client;

  beforeAll(async () => {
    if (!existsSync(built))
      throw new Error(`${built} is missing: run "npm test" (it builds the examples) first.`);
    dir = mkdtempSync(join(tmpdir(), 'lb-example-'));
    const file = join(dir, 'shop.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE PRDMST (PRDNO INTEGER PRIMARY KEY, PRDNM TEXT NOT NULL);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
             INSERT INTO PRDMST SELECT i, 'product ' || i FROM n;`);
    db.close();
    client = new Client({ name: 'example-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [built, file], stderr: 'pipe' }),
    );
  });

  afterAll(async () => {
    await client?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports its own name and serves the six tools', async () => {
    expect(client.getServerVersion()?.name).toBe('acme-erp');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'describe_table',
      'explain_query',
      'find_join_path',
      'list_tables',
      'run_query',
      'search_schema',
    ]);
  });

  it('applies its own row ceiling of 200', async () => {
    const result = await client.callTool({
      name: 'run_query',
      arguments: { sql: 'SELECT * FROM PRDMST', max_rows: 1000 },
    });
    const sc = result.structuredContent as { rows: unknown[]; truncated: boolean };
    expect(sc.rows).toHaveLength(200);
    expect(sc.truncated).toBe(true);
  });

  it('refuses writes', async () => {
    const result = await client.callTool({ name: 'run_query', arguments: { sql: 'DELETE FROM PRDMST' } });
    expect(result.isError).toBe(true);
  });
});
