#!/usr/bin/env node
// Issue 5's benchmark: run_query point lookups over HTTP, LegacyBridge against @bytebase/dbhub, in ONE
// run, interleaved round by round so noise on a shared machine hits every contender alike:
//   raw        the point query through pg in this process (the floor; no server)
//   bare-http  a plain node:http server + pg.Pool answering the rows as JSON (bench/http-floor-server.mjs
//              bare): what any HTTP hop costs here, with no framework, validation, guard, logs or metrics
//   sdk-floor  the smallest MCP SDK v2 server hosted like LegacyBridge's /mcp (stateless Streamable HTTP
//              through createMcpHandler on node:http; bench/http-floor-server.mjs sdk), one tool running
//              the SQL on a pg.Pool and answering the rows as text, called by the same MCP client class:
//              what the SDK alone costs per call, so whether "1/3 of DBHub" is reachable on it at all
//   lb-mcp     LegacyBridge's built CLI (--transport http), an MCP v2 client calling run_query on /mcp
//   lb-rest    the same process, POST /v1/query
//   dbhub-mcp  @bytebase/dbhub --transport http on the same database, the SAME MCP client class
//              calling its execute_sql (configured readonly with max_rows, like LegacyBridge's guard)
// and, with BENCH_COMPARE_CLI, lb-mcp-cmp / lb-rest-cmp: a second LegacyBridge CLI (e.g. a build of
// the previous commit) started the same way, for a before/after in the same run;
// all at concurrency 1 and 16. Reported: calls/s, p50/p99 latency, and each server process's CPU time
// per call (utime+stime from /proc/<pid>/stat around each contender's block; only one contender runs
// at a time, so the CPU of a block belongs to its calls). Target: LegacyBridge's server CPU per HTTP
// call at most 1/3 of DBHub's. The floors' ratios to DBHub are printed too (informational; they
// never fail the run).
//
//   mkdir -p /tmp/dbhub && cd /tmp/dbhub && npm init -y && npm install @bytebase/dbhub@1.4.0
//   node bench/http-dbhub.mjs        (build first: npx pnpm@12.4.2 -r --filter "./packages/**" run build)
// Env: BENCH_DBHUB (/tmp/dbhub/node_modules/.bin/dbhub), BENCH_CALLS (2000 per contender and
// concurrency), BENCH_ROUNDS (10), BENCH_WARMUP (300), BENCH_CONCURRENCY (1,16), BENCH_CLI (the
// LegacyBridge CLI; default this checkout's build), BENCH_COMPARE_CLI=<cli.js> (see above),
// BENCH_CONTENDERS (comma-separated subset to run, e.g. "lb-mcp,lb-mcp-cmp,dbhub-mcp"; default all),
// BENCH_CPU_PROF=<dir> (LegacyBridge runs with
// --cpu-prof, writes its profile there on exit, and its self time by package is printed),
// BENCH_LB_ENV (extra variables for LegacyBridge, e.g. "LOG_LEVEL=WARN METRICS_ENABLED=false", to
// see what logging or metrics cost per call; applies to the compare CLI too),
// LEGACYBRIDGE_TEST_POSTGRES_URL.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH, load, POSTGRES_URL, percentile, withDatabase } from './lib/common.mjs';
import { summariseProfiles } from './lib/profile.mjs';

const DBHUB = process.env.BENCH_DBHUB ?? '/tmp/dbhub/node_modules/.bin/dbhub';
const DBHUB_PIN = '1.4.0';
const LB_CLI = process.env.BENCH_CLI ?? CLI_PATH;
const COMPARE_CLI = process.env.BENCH_COMPARE_CLI;
const ONLY = process.env.BENCH_CONTENDERS?.split(',').map((n) => n.trim());
const FLOOR_SERVER = new URL('./http-floor-server.mjs', import.meta.url).pathname;
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,16').split(',').map(Number);
const ROWS = 10_000;
const TARGET_RATIO = 1 / 3;

if (!existsSync(DBHUB)) {
  console.error(`bench: DBHub not found at ${DBHUB} (BENCH_DBHUB). Install it outside the workspace, so the
lockfile stays untouched:
  mkdir -p /tmp/dbhub && cd /tmp/dbhub && npm init -y && npm install @bytebase/dbhub@${DBHUB_PIN}
or point BENCH_DBHUB at an installed dbhub executable.`);
  process.exit(2);
}
if (!existsSync(LB_CLI) || (COMPARE_CLI !== undefined && !existsSync(COMPARE_CLI))) {
  console.error(
    `bench: ${LB_CLI}${COMPARE_CLI ? ` or ${COMPARE_CLI}` : ''} is missing: build first (npx pnpm@12.4.2 -r --filter "./packages/**" run build)`,
  );
  process.exit(2);
}

const pg = (await load('pg')).default;
const { Client, StreamableHTTPClientTransport } = await load('@modelcontextprotocol/client');

/** User + system CPU time of a local process in ms, from /proc. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function admin(sql) {
  const c = new pg.Client({ connectionString: POSTGRES_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Spawns a server, keeps its output (drained, so a full pipe never stalls it), waits for `ready`. */
async function startProcess(name, command, args, env, ready) {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  const keep = (d) => {
    output = (output + d).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`${name} exited during startup:\n${output}`);
    const found = await ready(output).catch(() => undefined);
    if (found !== undefined) return { child, pid: child.pid, base: found, output: () => output };
    if (Date.now() > deadline) throw new Error(`${name} not ready in 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function mcpClient(url) {
  const client = new Client(
    { name: 'bench-http', version: '1.0.0' },
    { versionNegotiation: { mode: 'auto' } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

const sqlFor = (i) => `SELECT id, amount FROM pt WHERE id = ${(i % ROWS) + 1}`;
const idOf = (i) => (i % ROWS) + 1;

const dbName = `lb_bench_${randomBytes(5).toString('hex')}`;
const dbUrl = withDatabase(POSTGRES_URL, dbName);
const scratch = mkdtempSync(join(tmpdir(), 'lb-bench-dbhub-'));
const cleanups = [];
let exitCode = 0;
try {
  await admin(`CREATE DATABASE ${dbName}`);
  cleanups.push(() => admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  {
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    await c.query(
      `CREATE TABLE pt (id integer PRIMARY KEY, amount integer NOT NULL);
       INSERT INTO pt SELECT g, g * 7 FROM generate_series(1, ${ROWS}) g; ANALYZE pt;`,
    );
    await c.end();
  }

  // LegacyBridge as deployed: production logging (JSON, INFO: one line per query), metrics on,
  // no API keys (DBHub runs without its token too), no rate limit, no query cache.
  // Readiness by polling, not by the 'listening' log line: BENCH_LB_ENV may raise LOG_LEVEL.
  async function startLegacyBridge(name, cli, profile) {
    const port = await freePort();
    const lb = await startProcess(
      name,
      process.execPath,
      [
        ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
        cli,
        '--transport',
        'http',
        '--port',
        String(port),
      ],
      {
        HOME: scratch,
        XDG_CACHE_HOME: scratch,
        DATABASE_URL: dbUrl,
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'INFO',
        ...Object.fromEntries(
          (process.env.BENCH_LB_ENV ?? '')
            .split(/\s+/)
            .filter(Boolean)
            .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
        ),
      },
      async () => {
        const base = `http://127.0.0.1:${port}`;
        return (await fetch(`${base}/health`)).ok ? base : undefined;
      },
    );
    cleanups.push(async () => {
      // Waited for: the CPU profile is written when the process exits.
      const exited = new Promise((resolve) => lb.child.once('exit', resolve));
      lb.child.kill('SIGTERM');
      await exited;
    });
    return lb;
  }
  const lb = await startLegacyBridge('legacybridge', LB_CLI, process.env.BENCH_CPU_PROF);
  const lbCompare =
    COMPARE_CLI === undefined ? undefined : await startLegacyBridge('legacybridge-compare', COMPARE_CLI);

  // The floors (bench/http-floor-server.mjs), each its own process on the same database.
  async function startFloor(mode) {
    const port = await freePort();
    const floor = await startProcess(
      `floor-${mode}`,
      process.execPath,
      [FLOOR_SERVER, mode, String(port), dbUrl],
      {},
      async (output) => (output.includes('listening') ? `http://127.0.0.1:${port}` : undefined),
    );
    cleanups.push(() => floor.child.kill('SIGTERM'));
    return floor;
  }
  const bare = await startFloor('bare');
  const sdkFloor = await startFloor('sdk');

  const toml = join(scratch, 'dbhub.toml');
  const dsn = new URL(dbUrl);
  dsn.searchParams.set('sslmode', 'disable');
  writeFileSync(
    toml,
    `[[sources]]\nid = "default"\ndsn = "${dsn}"\n\n[[tools]]\nname = "execute_sql"\nsource = "default"\nreadonly = true\nmax_rows = 1000\n`,
  );
  const dbhubPort = await freePort();
  const dbhub = await startProcess(
    'dbhub',
    DBHUB,
    [`--config=${toml}`, '--transport=http', `--port=${dbhubPort}`, '--host=127.0.0.1'],
    { HOME: scratch },
    async () => {
      const base = `http://127.0.0.1:${dbhubPort}`;
      return (await fetch(`${base}/healthz`)).ok ? base : undefined;
    },
  );
  cleanups.push(() => dbhub.child.kill('SIGTERM'));
  const dbhubVersion = /v(\d+\.\d+\.\d+) - /.exec(dbhub.output())?.[1] ?? '?';

  const pool = new pg.Pool({ connectionString: dbUrl, max: Math.max(...CONCURRENCY) });
  cleanups.push(() => pool.end());
  const lbClient = await mcpClient(`${lb.base}/mcp`);
  cleanups.push(() => lbClient.close());
  const lbCompareClient = lbCompare && (await mcpClient(`${lbCompare.base}/mcp`));
  if (lbCompareClient) cleanups.push(() => lbCompareClient.close());
  const sdkFloorClient = await mcpClient(`${sdkFloor.base}/mcp`);
  cleanups.push(() => sdkFloorClient.close());
  const dbhubClient = await mcpClient(`${dbhub.base}/mcp`);
  cleanups.push(() => dbhubClient.close());

  /** LegacyBridge's two contenders on one server: run_query on /mcp, and POST /v1/query. */
  function lbContenders(prefix, server, client, suffix = '') {
    return {
      [`${prefix}-mcp${suffix}`]: {
        pid: server.pid,
        async call(i) {
          const r = await client.callTool({ name: 'run_query', arguments: { sql: sqlFor(i) } });
          if (r.isError || r.structuredContent?.rows?.[0]?.[0] !== idOf(i))
            throw new Error(`lb-mcp${suffix}: wrong answer ${JSON.stringify(r).slice(0, 300)}`);
        },
      },
      [`${prefix}-rest${suffix}`]: {
        pid: server.pid,
        async call(i) {
          const res = await fetch(`${server.base}/v1/query`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ sql: sqlFor(i) }),
          });
          const body = await res.json();
          if (res.status !== 200 || body.rows?.[0]?.[0] !== idOf(i))
            throw new Error(`lb-rest${suffix}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
        },
      },
    };
  }

  // Each call checks its answer: a fast wrong answer must not count.
  const allContenders = {
    raw: {
      pid: undefined,
      async call(i) {
        const r = await pool.query(sqlFor(i));
        if (r.rows[0]?.id !== idOf(i)) throw new Error(`raw: wrong row for ${idOf(i)}`);
      },
    },
    'bare-http': {
      pid: bare.pid,
      async call(i) {
        const res = await fetch(`${bare.base}/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sql: sqlFor(i) }),
        });
        const body = await res.json();
        if (res.status !== 200 || body.rows?.[0]?.id !== idOf(i))
          throw new Error(`bare-http: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      },
    },
    'sdk-floor': {
      pid: sdkFloor.pid,
      async call(i) {
        const r = await sdkFloorClient.callTool({ name: 'query', arguments: { sql: sqlFor(i) } });
        const text = r.content?.[0]?.text ?? '';
        if (r.isError || !text.startsWith(`[{"id":${idOf(i)},`))
          throw new Error(`sdk-floor: wrong answer ${JSON.stringify(r).slice(0, 300)}`);
      },
    },
    ...lbContenders('lb', lb, lbClient),
    ...(lbCompare ? lbContenders('lb', lbCompare, lbCompareClient, '-cmp') : {}),
    'dbhub-mcp': {
      pid: dbhub.pid,
      async call(i) {
        const r = await dbhubClient.callTool({ name: 'execute_sql', arguments: { sql: sqlFor(i) } });
        const text = r.content?.[0]?.text ?? '';
        if (r.isError || !new RegExp(`"id":\\s*${idOf(i)}\\b`).test(text))
          throw new Error(`dbhub-mcp: wrong answer ${text.slice(0, 300)}`);
      },
    },
  };

  const contenders = Object.fromEntries(
    Object.entries(allContenders).filter(([name]) => ONLY === undefined || ONLY.includes(name)),
  );

  /** `calls` calls of `fn` at `concurrency`, starting at index `start`; per-call latencies in ms. */
  async function block(fn, start, calls, concurrency) {
    const latencies = [];
    let next = 0;
    async function worker() {
      while (next < calls) {
        const i = start + next++;
        const t = performance.now();
        await fn(i);
        latencies.push(performance.now() - t);
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker));
    return latencies;
  }

  if (process.env.BENCH_LB_ENV) console.log(`LegacyBridge with ${process.env.BENCH_LB_ENV}`);
  console.log(
    `http-dbhub: ${ROWS}-row pt on PostgreSQL (${dbName}); LegacyBridge ${LB_CLI.replace(/.*packages/, 'packages')}${COMPARE_CLI ? ` (compare: ${COMPARE_CLI})` : ''} vs @bytebase/dbhub ${dbhubVersion}; ${CALLS} calls per contender and concurrency in ${ROUNDS} interleaved rounds after ${WARMUP} warm-up calls; Node ${process.version}`,
  );
  const results = [];
  let index = 0;
  for (const concurrency of CONCURRENCY) {
    const stats = Object.fromEntries(
      Object.keys(contenders).map((k) => [k, { latencies: [], wallMs: 0, cpuMs: 0, clientCpuMs: 0 }]),
    );
    for (const { call } of Object.values(contenders)) {
      await block(call, index, WARMUP, concurrency);
      index += WARMUP;
    }
    const perRound = Math.ceil(CALLS / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, { pid, call }] of Object.entries(contenders)) {
        const s = stats[name];
        const cpu0 = pid === undefined ? 0 : cpuMs(pid);
        const client0 = process.cpuUsage();
        const t0 = performance.now();
        s.latencies.push(...(await block(call, index, perRound, concurrency)));
        s.wallMs += performance.now() - t0;
        const client = process.cpuUsage(client0);
        s.clientCpuMs += (client.user + client.system) / 1000;
        if (pid !== undefined) s.cpuMs += cpuMs(pid) - cpu0;
        index += perRound;
      }
    }
    for (const [name, s] of Object.entries(stats)) {
      const n = s.latencies.length;
      results.push({
        concurrency,
        name,
        n,
        callsPerSecond: (n * 1000) / s.wallMs,
        p50: percentile(s.latencies, 50),
        p99: percentile(s.latencies, 99),
        serverCpuPerCall: contenders[name].pid === undefined ? undefined : s.cpuMs / n,
        clientCpuPerCall: s.clientCpuMs / n,
      });
    }
  }

  const fmt = (v, d = 3) => (v === undefined ? '—' : v.toFixed(d));
  console.log(
    '\nconc  contender   calls/s   p50 ms   p99 ms   server CPU ms/call   bench-process CPU ms/call',
  );
  for (const r of results) {
    console.log(
      `${String(r.concurrency).padStart(4)}  ${r.name.padEnd(10)} ${fmt(r.callsPerSecond, 0).padStart(8)} ${fmt(r.p50).padStart(8)} ${fmt(r.p99).padStart(8)} ${fmt(r.serverCpuPerCall).padStart(20)} ${fmt(r.clientCpuPerCall).padStart(27)}`,
    );
  }
  console.log("\nserver CPU per call / DBHub's (target for LegacyBridge ≤ 0.333; floors informational):");
  for (const concurrency of CONCURRENCY) {
    const of = (name) =>
      results.find((r) => r.concurrency === concurrency && r.name === name)?.serverCpuPerCall;
    const dbhubCpu = of('dbhub-mcp');
    if (dbhubCpu === undefined) continue;
    for (const name of Object.keys(contenders)) {
      if (name === 'raw' || name === 'dbhub-mcp') continue;
      const ratio = of(name) / dbhubCpu;
      const target = name === 'lb-mcp' || name === 'lb-rest';
      const verdict = target ? (ratio <= TARGET_RATIO ? 'MET' : 'MISSED') : '';
      if (target && ratio > TARGET_RATIO) exitCode = 1;
      console.log(`  concurrency ${concurrency}: ${name.padEnd(11)} ${ratio.toFixed(3)}  ${verdict}`);
    }
  }
} catch (error) {
  console.error(`bench: ${error?.stack ?? error}`);
  exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
}
if (process.env.BENCH_CPU_PROF) {
  console.log(`\nLegacyBridge server CPU profile (${process.env.BENCH_CPU_PROF}):`);
  summariseProfiles(process.env.BENCH_CPU_PROF);
}
process.exit(exitCode);
