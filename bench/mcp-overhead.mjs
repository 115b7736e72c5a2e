#!/usr/bin/env node
// The headline number of issue 3 (item 10): what LegacyBridge adds to a point query over MCP stdio.
// In ONE run, per engine, interleaved round by round so machine noise hits every contender alike:
//   a  raw driver: the point query on the 100,000-row ORD_HIST through pg / mysql2 directly
//   b  MCP floor: the same MCP v2 client calling a no-op tool on a minimal SDK server (bench/mcp-floor-server.mjs)
//   c  LegacyBridge: the same client calling run_query on `node packages/server/dist/cli.js --url …`
//   overhead = c − (a + b), target ≤ 0.05 ms at p50.
// and, to split the MCP side, the floor server answering run_query's own result verbatim (same bytes),
// the floor server running the SQL itself with the raw driver (what any server between client and
// database pays: LegacyBridge − that is what LegacyBridge controls),
// and LegacyBridge's MCP layer (tools, use case, guard, stdio hosting, logger) over a database port
// that answers the same result at once: its cost over the floor is the MCP side, measured directly.
// Plus, in-process, where the time goes: adapter.executeReadOnly and the runReadOnlyQuery use case,
// and each server process's CPU time per call (from /proc), which noise on a shared machine moves
// less than latency.
//
//   node scripts/dev.mjs setup && node bench/mcp-overhead.mjs
// Env: BENCH_DIALECTS (postgres,mysql), BENCH_ITERATIONS (600 per contender), BENCH_TABLES (50; the
// point query does not depend on the schema size), BENCH_CPU_PROF=<dir> (the server runs with
// --cpu-prof and writes its profile there on exit), BENCH_CLI=<cli.js> (the LegacyBridge CLI to
// measure; default this checkout's build), BENCH_COMPARE_CLI=<cli.js> (a second CLI, e.g. a build
// of the previous commit, measured in the same run: before/after without the noise of two runs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBenchDatabase } from './generate-legacy-schema.mjs';
import {
  CLI_PATH,
  dialects,
  load,
  loadBuilt,
  measureInterleaved,
  mysqlConnect,
  ok,
  ROOT,
} from './lib/common.mjs';
import { summariseProfiles } from './lib/profile.mjs';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 600);
const LB_CLI = process.env.BENCH_CLI ?? CLI_PATH;
const COMPARE_CLI = process.env.BENCH_COMPARE_CLI;
const TABLES = Number(process.env.BENCH_TABLES ?? 50);
const TARGET_MS = 0.05;
const WARMUP = 100;
const ROWS = 100_000;

const core = await loadBuilt('core');
const { Client } = await load('@modelcontextprotocol/client');
const { StdioClientTransport } = await load('@modelcontextprotocol/client/stdio');

/** A v2 client in `auto` negotiation (the 2026-07-28 protocol) over stdio to `args`. */
async function connect(args, env) {
  const transport = new StdioClientTransport({ command: process.execPath, args, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d) => {
    stderr += d;
  });
  const client = new Client({ name: 'bench', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(transport);
  return { client, transport, pid: transport.pid, stderr: () => stderr };
}

/** User + system CPU time of a local process in ms, from /proc; undefined when not readable. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

async function rawDriver(dialect, url) {
  if (dialect === 'postgres') {
    const { default: pg } = await load('pg');
    const c = new pg.Client(url);
    await c.connect();
    return {
      text: (sql) => c.query(sql),
      param: (id) => c.query('SELECT * FROM "ORD_HIST" WHERE "ORD_ID" = $1', [id]),
      close: () => c.end(),
    };
  }
  const c = await mysqlConnect(url);
  return {
    text: (sql) => c.query(sql),
    param: (id) => c.execute('SELECT * FROM ORD_HIST WHERE ORD_ID = ?', [id]),
    close: () => c.end(),
  };
}

async function adapterFor(dialect, url) {
  if (dialect === 'postgres') return (await loadBuilt('adapter-postgres')).createPostgresAdapter({ url });
  return (await loadBuilt('adapter-mysql')).createMysqlAdapter({ url });
}

const summary = [];
for (const dialect of dialects()) {
  const db = await createBenchDatabase(dialect, { tables: TABLES, rows: ROWS });
  const cleanup = [];
  try {
    const table = dialect === 'postgres' ? '"ORD_HIST"' : 'ORD_HIST';
    const col = dialect === 'postgres' ? '"ORD_ID"' : 'ORD_ID';
    const idOf = (i) => ((i * 7919) % ROWS) + 1;
    const sqlOf = (i) => `SELECT * FROM ${table} WHERE ${col} = ${idOf(i)}`;

    const raw = await rawDriver(dialect, db.url);
    cleanup.push(raw.close);
    const adapter = await adapterFor(dialect, db.url);
    cleanup.push(() => adapter.close());
    const deps = {
      db: adapter,
      metrics: core.noopMetrics,
      logger: core.noopLogger,
      policy: core.DEFAULT_QUERY_POLICY,
    };
    const limits = core.limitsFor(deps);
    const checked = (i) => {
      const r = core.checkReadOnlySql(sqlOf(i), dialect);
      if (r.isErr()) throw new Error(r.error.message);
      return r.value;
    };

    const profArgs = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
    const lbEnv = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', QUERY_MAX_ROWS: '1000' };
    const lb = await connect([...profArgs, LB_CLI, '--url', db.url], lbEnv);
    cleanup.push(() => lb.client.close());
    const other = COMPARE_CLI ? await connect([COMPARE_CLI, '--url', db.url], lbEnv) : undefined;
    if (other) cleanup.push(() => other.client.close());

    // One checked call of each path before timing, so a broken path fails loudly instead of
    // producing fast nonsense.
    const first = await lb.client.callTool({ name: 'run_query', arguments: { sql: sqlOf(1) } });
    if (first.isError || first.structuredContent?.rowCount !== 1) {
      throw new Error(
        `run_query did not return the row: ${JSON.stringify(first).slice(0, 300)}\n${lb.stderr()}`,
      );
    }
    const floor = await connect([join(ROOT, 'bench', 'mcp-floor-server.mjs')], {
      PATH: process.env.PATH ?? '',
    });
    cleanup.push(() => floor.client.close());
    // The replaying floor is a process of its own, so each server's CPU time belongs to one contender.
    const cannedFloor = await connect([join(ROOT, 'bench', 'mcp-floor-server.mjs')], {
      PATH: process.env.PATH ?? '',
      BENCH_CANNED_RESULT: JSON.stringify({
        content: first.content,
        structuredContent: first.structuredContent,
      }),
    });
    cleanup.push(() => cannedFloor.client.close());
    const noop = await floor.client.callTool({ name: 'noop', arguments: { sql: sqlOf(1) } });
    if (noop.isError) throw new Error(`floor noop failed: ${JSON.stringify(noop)}`);
    // The floor server with a tool that runs the query through the raw driver (BENCH_RAW_URL).
    const floorRaw = await connect([join(ROOT, 'bench', 'mcp-floor-server.mjs')], {
      PATH: process.env.PATH ?? '',
      BENCH_RAW_URL: db.url,
    });
    cleanup.push(() => floorRaw.client.close());
    const rawFirst = await floorRaw.client.callTool({ name: 'raw_query', arguments: { sql: sqlOf(1) } });
    if (rawFirst.isError || JSON.parse(rawFirst.content[0].text).length !== 1) {
      throw new Error(`floor + raw driver failed: ${JSON.stringify(rawFirst).slice(0, 300)}`);
    }
    const instant = await connect([join(ROOT, 'bench', 'mcp-floor-server.mjs')], {
      PATH: process.env.PATH ?? '',
      BENCH_INSTANT_DB: JSON.stringify(first.structuredContent),
      BENCH_DIALECT: dialect,
    });
    cleanup.push(() => instant.client.close());
    const instantFirst = await instant.client.callTool({ name: 'run_query', arguments: { sql: sqlOf(1) } });
    if (
      JSON.stringify(instantFirst.structuredContent?.rows) !== JSON.stringify(first.structuredContent.rows)
    ) {
      throw new Error(
        `instant-db server answered differently: ${JSON.stringify(instantFirst).slice(0, 300)}`,
      );
    }
    if (other) {
      const answer = await other.client.callTool({ name: 'run_query', arguments: { sql: sqlOf(1) } });
      if (answer.structuredContent?.rowCount !== 1) throw new Error(`compare CLI: ${JSON.stringify(answer)}`);
    }
    if ((await raw.text(sqlOf(1))) === undefined) throw new Error('raw driver returned nothing');

    const servers = {
      legacyBridge: lb,
      floor,
      floorCanned: cannedFloor,
      floorRaw,
      instant,
      ...(other ? { compare: other } : {}),
    };
    // CPU time of each server process over the measured calls only (warm-up excluded below).
    const cpuBefore = {};
    const contenders = {
      rawText: (i) => raw.text(sqlOf(i)),
      rawParam: (i) => raw.param(idOf(i)),
      adapter: (i) => ok(adapter.executeReadOnly(checked(i), limits)),
      useCase: (i) => ok(core.runReadOnlyQuery(deps, { sql: sqlOf(i) })),
      floor: (i) => floor.client.callTool({ name: 'noop', arguments: { sql: sqlOf(i) } }),
      floorCanned: (i) => cannedFloor.client.callTool({ name: 'canned', arguments: { sql: sqlOf(i) } }),
      legacyBridge: (i) => lb.client.callTool({ name: 'run_query', arguments: { sql: sqlOf(i) } }),
      floorRaw: (i) => floorRaw.client.callTool({ name: 'raw_query', arguments: { sql: sqlOf(i) } }),
      instant: (i) => instant.client.callTool({ name: 'run_query', arguments: { sql: sqlOf(i) } }),
      ...(other
        ? { compare: (i) => other.client.callTool({ name: 'run_query', arguments: { sql: sqlOf(i) } }) }
        : {}),
    };
    // measureInterleaved warms every contender up first; the CPU clock starts at the first timed call.
    let started = false;
    const firstTimed = Object.keys(contenders)[0];
    const r = await measureInterleaved(
      {
        ...contenders,
        [firstTimed]: (i) => {
          // Warm-up calls count from 0 for each contender; the timed ones continue from WARMUP.
          if (!started && i >= WARMUP) {
            started = true;
            for (const [k, s] of Object.entries(servers)) cpuBefore[k] = cpuMs(s.pid);
          }
          return contenders[firstTimed](i);
        },
      },
      { iterations: ITERATIONS, rounds: 12, warmup: WARMUP },
    );
    const cpuPerCall = Object.fromEntries(
      Object.entries(servers).map(([k, s]) => {
        const after = cpuMs(s.pid);
        const n = r[k].n;
        return [k, after === undefined || cpuBefore[k] === undefined ? NaN : (after - cpuBefore[k]) / n];
      }),
    );

    const line = (label, s) =>
      console.log(
        `  ${label.padEnd(52)} p50 ${s.p50.toFixed(3).padStart(7)} ms   p90 ${s.p90.toFixed(3).padStart(7)} ms   p99 ${s.p99.toFixed(3).padStart(7)} ms`,
      );
    console.log(
      `\n${dialect}: point query on ORD_HIST (${ROWS} rows), ${r.rawText.n} samples each, interleaved`,
    );
    line('a  raw driver, same SQL text (simple protocol)', r.rawText);
    line('   raw driver, parameterised ($1 / ?)', r.rawParam);
    line('   adapter.executeReadOnly (in-process)', r.adapter);
    line('   runReadOnlyQuery use case (guard + adapter)', r.useCase);
    line('b  MCP floor: no-op tool over stdio', r.floor);
    line('   MCP floor answering run_query’s result verbatim', r.floorCanned);
    line('   LegacyBridge MCP layer over an instant database', r.instant);
    line('   MCP floor running the SQL with the raw driver', r.floorRaw);
    line('c  LegacyBridge run_query over stdio', r.legacyBridge);
    if (other) line(`   compare: ${COMPARE_CLI.slice(-40)}`, r.compare);
    const a = Math.min(r.rawText.p50, r.rawParam.p50);
    const overhead = r.legacyBridge.p50 - (a + r.floor.p50);
    const overhead90 = r.legacyBridge.p90 - (Math.min(r.rawText.p90, r.rawParam.p90) + r.floor.p90);
    console.log(
      `  overhead c − (a + b): p50 ${overhead.toFixed(3)} ms (target ≤ ${TARGET_MS} ms: ${overhead <= TARGET_MS ? 'met' : 'MISSED'}), p90 ${overhead90.toFixed(3)} ms`,
    );
    const floorRawOverhead = r.floorRaw.p50 - (a + r.floor.p50);
    console.log(
      `  floor + raw driver − (a + b): p50 ${floorRawOverhead.toFixed(3)} ms (any server between client and database pays this); LegacyBridge − (floor + raw driver): p50 ${(r.legacyBridge.p50 - r.floorRaw.p50).toFixed(3)} ms`,
    );
    console.log(
      `  in-process split (p50): adapter − raw ${(r.adapter.p50 - a).toFixed(3)} ms, guard + use case ${(r.useCase.p50 - r.adapter.p50).toFixed(3)} ms, MCP side ${(overhead - (r.useCase.p50 - a)).toFixed(3)} ms, of which the bigger answer ${(r.floorCanned.p50 - r.floor.p50).toFixed(3)} ms`,
    );
    const cpu = (k) => `${(cpuPerCall[k] * 1000).toFixed(0)} µs`;
    console.log(
      `  MCP side, direct (instant database − floor): p50 ${(r.instant.p50 - r.floor.p50).toFixed(3)} ms; server CPU per call: floor ${cpu('floor')}, replaying floor ${cpu('floorCanned')}, floor + raw driver ${cpu('floorRaw')}, instant-db ${cpu('instant')}, LegacyBridge ${cpu('legacyBridge')}${other ? `, compare ${cpu('compare')}` : ''}`,
    );
    if (other) {
      const otherOverhead = r.compare.p50 - (a + r.floor.p50);
      console.log(
        `  compare CLI overhead c − (a + b): p50 ${otherOverhead.toFixed(3)} ms; LegacyBridge − compare: p50 ${(r.legacyBridge.p50 - r.compare.p50).toFixed(3)} ms`,
      );
    }
    summary.push({ dialect, overhead, r });
  } finally {
    for (const fn of cleanup.reverse()) await fn().catch((e) => console.error(`cleanup: ${e.message}`));
    await db.drop();
  }
}

if (process.env.BENCH_CPU_PROF) {
  // Give the server a moment to write its profile after its stdin closed.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  summariseProfiles(process.env.BENCH_CPU_PROF);
}
