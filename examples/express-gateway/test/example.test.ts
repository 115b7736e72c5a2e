import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteAdapter } from '@legacybridge/adapter-sqlite';
import { DEFAULT_QUERY_POLICY, type LoggerPort, noopMetrics, type UseCaseDeps } from '@legacybridge/core';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayApp, type User } from '../src/app.js';

describe('examples/express-gateway', () => {
  let dir: string;
  let server: Server;
  let base: string;
  let deps: UseCaseDeps;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-gateway-'));
    const file = join(dir, 'erp.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE CUSTMST (CUSTNO INTEGER PRIMARY KEY, CUSTNM TEXT NOT NULL);
             INSERT INTO CUSTMST VALUES (1, 'Ada Ltd'), (2, 'Bob GmbH');`);
    db.close();
    const logger: LoggerPort = {
      debug: (m, c) => lines.push(`${m} ${JSON.stringify(c)}`),
      info: (m, c) => lines.push(`${m} ${JSON.stringify(c)}`),
      warn: (m, c) => lines.push(`${m} ${JSON.stringify(c)}`),
      error: (m, c) => lines.push(`${m} ${JSON.stringify(c)}`),
      child: () => logger,
    };
    deps = {
      db: createSqliteAdapter({ url: file, pool: { size: 1, maxOverflow: 1 } }),
      metrics: noopMetrics,
      logger,
      policy: DEFAULT_QUERY_POLICY,
    };
    const tokens = new Map<string, User>([
      ['analyst-token', { name: 'ada', role: 'analyst' }],
      ['staff-token', { name: 'bob', role: 'staff' }],
    ]);
    server = createGatewayApp(deps, tokens).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await deps?.db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const as = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

  it('keeps its own routes', async () => {
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect(await (await fetch(`${base}/me`, { headers: as('staff-token') })).json()).toEqual({
      name: 'bob',
      role: 'staff',
    });
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
  });

  it('guards /legacybridge with its own auth: 401 without a login, 403 for non-analysts', async () => {
    const anonymous = await fetch(`${base}/legacybridge/v1/tables`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: 'login required' });
    expect((await fetch(`${base}/legacybridge/v1/tables`, { headers: as('staff-token') })).status).toBe(403);
    expect((await fetch(`${base}/legacybridge/mcp`, { method: 'POST', headers: as('wrong') })).status).toBe(
      401,
    );
  });

  it('serves the REST API to analysts, with the user as the caller', async () => {
    const tables = await fetch(`${base}/legacybridge/v1/tables`, { headers: as('analyst-token') });
    expect(tables.status).toBe(200);
    expect(((await tables.json()) as { tables: { name: string }[] }).tables.map((t) => t.name)).toEqual([
      'CUSTMST',
    ]);
    expect(tables.headers.get('ratelimit-policy')).toBe('"legacybridge";q=60;w=60');
    const query = await fetch(`${base}/legacybridge/v1/query`, {
      method: 'POST',
      headers: { ...as('analyst-token'), 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT CUSTNM FROM CUSTMST ORDER BY CUSTNO' }),
    });
    expect(((await query.json()) as { rows: unknown[][] }).rows).toEqual([['Ada Ltd'], ['Bob GmbH']]);
    const refused = await fetch(`${base}/legacybridge/v1/query`, {
      method: 'POST',
      headers: { ...as('analyst-token'), 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'DROP TABLE CUSTMST' }),
    });
    expect(refused.status).toBe(400);
    const openapi = (await (
      await fetch(`${base}/legacybridge/v1/openapi.json`, { headers: as('analyst-token') })
    ).json()) as { servers: { url: string }[] };
    expect(openapi.servers).toEqual([{ url: '/legacybridge' }]);
    expect(lines.some((l) => l.startsWith('rest call ') && l.includes('"caller":"ada"'))).toBe(true);
  });

  it('serves MCP to an analyst’s client under /legacybridge/mcp, naming the user as caller', async () => {
    const client = new Client(
      { name: 'gateway-test', version: '1.0.0' },
      { versionNegotiation: { mode: 'auto' } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/legacybridge/mcp`), {
        requestInit: { headers: as('analyst-token') },
      }),
    );
    try {
      expect(client.getServerVersion()?.name).toBe('acme-erp');
      const result = await client.callTool({
        name: 'run_query',
        arguments: { sql: 'SELECT count(*) FROM CUSTMST' },
      });
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { rows: unknown[][] }).rows).toEqual([[2]]);
      const failed = await client.callTool({
        name: 'run_query',
        arguments: { sql: 'SELECT nope FROM CUSTMST' },
      });
      expect(failed.isError).toBe(true);
      expect(lines.some((l) => l.startsWith('mcp tool call ') && l.includes('"caller":"ada"'))).toBe(true);
    } finally {
      await client.close();
    }
  });
});
