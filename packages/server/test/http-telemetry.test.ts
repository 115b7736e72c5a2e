import { createServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createSandbox, type Sandbox } from './support/cli-harness.js';
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
 * Metrics, traces and logs of the built CLI over real HTTP and PostgreSQL: /metrics moves by exactly
 * the queries sent, spans reach a real OTLP/HTTP receiver with the trace id that the request's log
 * lines carry, and neither a password in the URL nor a wrong password ever reaches the log.
 */

/** The summed value of every sample of `name` whose labels include `labels`. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const body = line.includes('{') ? line.slice(line.indexOf('{') + 1, line.lastIndexOf('}')) : '';
    const found = Object.fromEntries(
      [...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]] as const),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

const pgDown = await postgresUnavailable();

describeWhen('postgres', 'telemetry of the HTTP service', pgDown, () => {
  let database: TestDatabase;
  let sandbox: Sandbox;
  let server: ServerProcess;
  const spans: unknown[] = [];
  const receiver = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.url === '/v1/traces') spans.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  // A password in the URL: trust authentication ignores it, so the server connects, and the log
  // must still never show it.
  const PASSWORD = 'pw-hunter2-telemetry';

  beforeAll(async () => {
    database = await createTestDatabase();
    sandbox = createSandbox();
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const withPassword = new URL(database.url);
    withPassword.password = PASSWORD;
    server = await startHttp({
      ...sandbox.env,
      DATABASE_URL: withPassword.toString(),
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    sandbox?.remove();
    await database?.drop();
  });

  it('moves the query counters and the duration histogram by exactly the queries sent', async () => {
    const before = (await call(`${server.url}/metrics`)).text;
    for (let i = 1; i <= 5; i++) {
      const reply = await call(`${server.url}/v1/query`, {
        json: { sql: `SELECT id FROM orders WHERE id = ${i}` },
      });
      expect(reply.status).toBe(200);
    }
    const refused = await call(`${server.url}/v1/query`, { json: { sql: 'DELETE FROM orders' } });
    expect(refused.status).toBe(400);
    const after = await call(`${server.url}/metrics`);
    expect(after.status).toBe(200);
    expect(after.headers.get('content-type')).toMatch(/^text\/plain/);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      metric(after.text, name, labels) - metric(before, name, labels);
    expect(delta('db_queries_total', { dialect: 'postgres', outcome: 'ok' })).toBe(5);
    expect(delta('db_queries_total', { outcome: 'error' })).toBe(1);
    expect(delta('db_query_errors_total', { kind: 'ReadOnlyViolation' })).toBe(1);
    expect(delta('db_query_duration_seconds_count')).toBe(6);
    expect(delta('http_requests_total', { route: '/v1/query', status: '200' })).toBe(5);
    expect(metric(after.text, 'db_pool_max', { dialect: 'postgres' })).toBe(15);
    expect(after.text).toContain('db_pool_connections{');
    // Low cardinality: no SQL text in any label.
    expect(after.text).not.toContain('orders');
  });

  it('exports a span per request and per query, and logs the query with the same trace id', async () => {
    const reply = await call(`${server.url}/v1/query`, { json: { sql: 'SELECT count(*) FROM orders' } });
    expect(reply.status).toBe(200);
    // The query's log line carries the trace id of the request's span… (stderr is buffered: the
    // line is out within ~100 ms of the query, not before the answer)
    const queryLinesOf = () =>
      server
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { message: string; trace_id?: string })
        .filter((entry) => entry.message === 'query' && entry.trace_id !== undefined);
    await vi.waitFor(() => expect(queryLinesOf().length).toBeGreaterThan(0), { timeout: 2000 });
    const queryLines = queryLinesOf();
    const traceId = queryLines.at(-1)?.trace_id as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // …and the receiver gets that trace (the batch processor exports every 100 ms here).
    const deadline = Date.now() + 10_000;
    let text = '';
    while (Date.now() < deadline && !text.includes(traceId)) {
      await new Promise((r) => setTimeout(r, 100));
      text = JSON.stringify(spans);
    }
    expect(text).toContain(traceId);
    expect(text).toContain('"POST /v1/query"');
    expect(text).toContain('"SELECT postgresql"');
    expect(text).toContain('db.system.name');
    expect(text).not.toContain('count(*)'); // never the statement text
  });

  it('never logs the password from the URL', () => {
    expect(server.stderr()).toContain('"message":"starting"');
    expect(server.stderr()).not.toContain(PASSWORD);
  });
});

const MYSQL_URL = process.env.LEGACYBRIDGE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const mysqlDown = await new Promise<string | undefined>((resolve) => {
  const url = new URL(MYSQL_URL);
  const socket = connect(Number(url.port || 3306), url.hostname);
  socket.setTimeout(3000);
  socket.once('connect', () => {
    socket.destroy();
    resolve(undefined);
  });
  socket.once('error', (error) => resolve(`MariaDB/MySQL unreachable (${error.message})`));
  socket.once('timeout', () => {
    socket.destroy();
    resolve('MariaDB/MySQL did not answer in 3 s');
  });
});

describeWhen('mysql', 'a wrong database password', mysqlDown, () => {
  let sandbox: Sandbox;
  let server: ServerProcess;
  const WRONG = 'wrong-hunter3-telemetry';
  beforeAll(async () => {
    sandbox = createSandbox();
    const url = new URL(MYSQL_URL);
    url.password = WRONG;
    server = await startHttp({ ...sandbox.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'debug' });
  });
  afterAll(() => {
    server?.child.kill('SIGKILL');
    sandbox?.remove();
  });

  it('keeps the service up but not ready, says why safely, and never logs the password', async () => {
    const ready = await call(`${server.url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({ status: 'not_ready', database: 'disconnected' });
    const query = await call(`${server.url}/v1/query`, { json: { sql: 'SELECT 1' } });
    expect(query.status).toBeGreaterThanOrEqual(500);
    expect(query.json.kind).toBe('AuthenticationFailed');
    expect((await call(`${server.url}/health`)).status).toBe(200);
    for (const text of [server.stderr(), ready.text, query.text]) expect(text).not.toContain(WRONG);
  });
});
