import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSandbox, runCli, type Sandbox } from './support/cli-harness.js';
import {
  call,
  createTestDatabase,
  describeWhen,
  postgresUnavailable,
  type ServerProcess,
  startHttp,
  type TestDatabase,
} from './support/http-harness.js';

/**
 * METRICS_PORT over real HTTP with the built CLI: /metrics moves to its own listener (no API key,
 * nothing else served there), the main port stops serving it, the counters on the separate port move
 * with the main port's queries, the listener closes on SIGTERM, and a taken METRICS_PORT refuses to start.
 */

/** A port that was free a moment ago (the OS picks it; closed again before use). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function sampleSum(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

const KEY = 'metrics-port-key-0123456789';
const pgDown = await postgresUnavailable();

describeWhen('postgres', 'METRICS_PORT', pgDown, () => {
  let database: TestDatabase;
  let sandbox: Sandbox;
  let server: ServerProcess;
  let metricsUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    sandbox = createSandbox();
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}`;
    server = await startHttp({
      ...sandbox.env,
      DATABASE_URL: database.url,
      METRICS_PORT: String(port),
      API_KEY_REQUIRED: 'true',
      API_KEYS: `ops:${KEY}`,
    });
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    sandbox?.remove();
    await database?.drop();
  });

  it('serves /metrics only on METRICS_PORT, which serves nothing else', async () => {
    const main = await call(`${server.url}/metrics`, { headers: { 'x-api-key': KEY } });
    expect(main.status).toBe(404);
    const scraped = await call(`${metricsUrl}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(scraped.text).toContain('target_info');
    for (const path of ['/health', '/ready', '/mcp', '/v1/tables', '/']) {
      expect((await call(`${metricsUrl}${path}`)).status, path).toBe(404);
    }
    expect((await call(`${metricsUrl}/metrics`, { method: 'POST', body: '{}' })).status).toBe(404);
    // The main port still answers everything else, behind its key.
    expect((await call(`${server.url}/health`)).status).toBe(200);
    expect((await call(`${server.url}/v1/tables`)).status).toBe(401);
    const listening = server
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .find((e) => e.message === 'listening');
    expect(listening.metrics).toBe(`${metricsUrl}/metrics`);
  });

  it('counts the main port’s queries on the metrics port', async () => {
    const before = (await call(`${metricsUrl}/metrics`)).text;
    for (let i = 1; i <= 3; i++) {
      const reply = await call(`${server.url}/v1/query`, {
        headers: { 'x-api-key': KEY },
        json: { sql: `SELECT total FROM orders WHERE id = ${i}` },
      });
      expect(reply.status).toBe(200);
    }
    const after = (await call(`${metricsUrl}/metrics`)).text;
    const labels = { dialect: 'postgres', outcome: 'ok' };
    expect(sampleSum(after, 'db_queries_total', labels) - sampleSum(before, 'db_queries_total', labels)).toBe(
      3,
    );
  });

  it('closes the metrics listener on SIGTERM and exits 0', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    await expect(fetch(`${metricsUrl}/metrics`)).rejects.toThrow();
  });
});

describeWhen('postgres', 'METRICS_PORT already taken', pgDown, () => {
  it('refuses to start, naming the port', async () => {
    const sandbox = createSandbox();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const run = await runCli(['--transport', 'http', '--port', '0'], {
        ...sandbox.env,
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
        METRICS_PORT: String(port),
        LOG_FORMAT: 'json',
      });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(`127.0.0.1:${port}`);
      expect(run.stderr).toContain('EADDRINUSE');
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
      sandbox.remove();
    }
  });
});
