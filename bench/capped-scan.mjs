#!/usr/bin/env node
// The capped scan of issue 3 (item 10): `SELECT * FROM TXN_LOG` on a 1,000,000-row table with a cap
// of 1,000 rows must return in well under a second, and the LegacyBridge server's resident memory
// must grow by less than 50 MB, because the adapter reads through a cursor/stream and stops at the cap.
// Measured in one run, per engine:
//   raw driver  `SELECT * FROM TXN_LOG LIMIT 1000` (the ideal: the database stops early itself)
//   adapter     executeReadOnly in-process, maxRows 1000 (the user's SQL is never rewritten)
//   MCP         run_query over stdio on the built server, max_rows 1000, with the server's RSS
//               (VmRSS, and the VmHWM peak) before and after, from /proc
// and the database backends' resident memory before and after, where /proc shows them.
//
//   node scripts/dev.mjs setup && node bench/capped-scan.mjs
// Env: BENCH_DIALECTS (postgres,mysql), BENCH_BIG_ROWS (1000000), BENCH_ITERATIONS (15 per contender;
// raise it to see the steady state), BENCH_SERVER_NODE_OPTIONS (NODE_OPTIONS for the server only).
import { readFileSync } from 'node:fs';
import { createBenchDatabase } from './generate-legacy-schema.mjs';
import {
  CLI_PATH,
  dialects,
  load,
  loadBuilt,
  measureInterleaved,
  mysqlConnect,
  ok,
  rssMb,
} from './lib/common.mjs';

const BIG = Number(process.env.BENCH_BIG_ROWS ?? 1_000_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 15);
const CAP = 1000;
const TARGET_MB = 50;
const core = await loadBuilt('core');
const { Client } = await load('@modelcontextprotocol/client');
const { StdioClientTransport } = await load('@modelcontextprotocol/client/stdio');

function peakMb(pid) {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Raw client plus a way to find the database processes that serve this benchmark's database. */
async function rawFor(dialect, url, database) {
  if (dialect === 'postgres') {
    const { default: pg } = await load('pg');
    const c = new pg.Client(url);
    await c.connect();
    return {
      limited: () => c.query(`SELECT * FROM "TXN_LOG" LIMIT ${CAP}`),
      // Every backend connected to the database (the adapter's pool and the server's), minus ours.
      async backendPids() {
        const r = await c.query(
          'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [database],
        );
        return r.rows.map((row) => row.pid);
      },
      close: () => c.end(),
    };
  }
  const c = await mysqlConnect(url, { database });
  return {
    limited: () => c.query(`SELECT * FROM TXN_LOG LIMIT ${CAP}`),
    // MariaDB is one process with a thread per connection: its whole RSS is what we can see.
    async backendPids() {
      const [[row]] = await c.query('SELECT @@pid_file AS f');
      try {
        return [Number(readFileSync(row.f, 'utf8').trim())];
      } catch {
        return [];
      }
    },
    close: () => c.end(),
  };
}

const sumRss = (pids) => {
  const values = pids.map(rssMb).filter((v) => v !== undefined);
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) : undefined;
};
const mb = (v) => (v === undefined ? 'n/a' : `${v.toFixed(1)} MB`);

for (const dialect of dialects()) {
  const db = await createBenchDatabase(dialect, { tables: 0, rows: 1000, bigRows: BIG });
  const cleanup = [];
  try {
    const table = dialect === 'postgres' ? '"TXN_LOG"' : 'TXN_LOG';
    const sql = `SELECT * FROM ${table}`;
    const raw = await rawFor(dialect, db.url, db.name);
    cleanup.push(raw.close);
    const adapter =
      dialect === 'postgres'
        ? (await loadBuilt('adapter-postgres')).createPostgresAdapter({ url: db.url })
        : (await loadBuilt('adapter-mysql')).createMysqlAdapter({ url: db.url });
    cleanup.push(() => adapter.close());
    const checked = core.checkReadOnlySql(sql, dialect);
    if (checked.isErr()) throw new Error(checked.error.message);
    const limits = { maxRows: CAP, maxBytes: 16 * 1024 * 1024, timeoutMs: 60_000 };

    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI_PATH, '--url', db.url],
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'warn',
        QUERY_MAX_ROWS: String(CAP),
        // To tell V8 heap sizing from retained data, e.g. BENCH_SERVER_NODE_OPTIONS=--max-semi-space-size=1
        ...(process.env.BENCH_SERVER_NODE_OPTIONS
          ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS }
          : {}),
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'bench', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(transport);
    cleanup.push(() => client.close());
    const serverPid = transport.pid;
    const runQuery = async () => {
      const r = await client.callTool({ name: 'run_query', arguments: { sql, max_rows: CAP } });
      if (r.isError) throw new Error(`run_query: ${JSON.stringify(r.content).slice(0, 300)}`);
      return r.structuredContent;
    };

    // Open the server's pool with a trivial query first, so its RSS baseline is a running server,
    // not one that has not loaded its driver yet.
    await client.callTool({ name: 'run_query', arguments: { sql: 'SELECT 1' } });
    const first = await ok(adapter.executeReadOnly(checked.value, limits));
    const viaMcp = await runQuery();
    if (first.rowCount !== CAP || !first.truncated || viaMcp.rowCount !== CAP || !viaMcp.truncated) {
      throw new Error(
        `expected ${CAP} rows and truncated, got adapter ${first.rowCount}/${first.truncated}, MCP ${viaMcp.rowCount}/${viaMcp.truncated}`,
      );
    }
    const serverBefore = { rss: rssMb(serverPid), peak: peakMb(serverPid) };
    const pids = await raw.backendPids();
    const dbBefore = sumRss(pids);

    const r = await measureInterleaved(
      {
        raw: () => raw.limited(),
        adapter: () => ok(adapter.executeReadOnly(checked.value, limits)),
        mcp: runQuery,
      },
      { iterations: ITERATIONS, rounds: 5, warmup: 1 },
    );
    const serverAfter = { rss: rssMb(serverPid), peak: peakMb(serverPid) };
    const dbAfter = sumRss(pids);

    const line = (label, s) =>
      console.log(
        `  ${label.padEnd(52)} p50 ${s.p50.toFixed(1).padStart(7)} ms   p90 ${s.p90.toFixed(1).padStart(7)} ms   ${(s.p50 / r.raw.p50).toFixed(2)}× raw`,
      );
    console.log(`\n${dialect}: ${sql} (${BIG} rows), cap ${CAP}, ${r.raw.n} samples each, interleaved`);
    line(`raw driver, ... LIMIT ${CAP}`, r.raw);
    line('adapter.executeReadOnly, maxRows 1000', r.adapter);
    line('MCP run_query over stdio, max_rows 1000', r.mcp);
    const growth =
      serverAfter.peak !== undefined && serverBefore.rss !== undefined
        ? serverAfter.peak - serverBefore.rss
        : undefined;
    console.log(
      `  LegacyBridge server RSS: ${mb(serverBefore.rss)} before → ${mb(serverAfter.rss)} after, peak ${mb(serverAfter.peak)} (peak before ${mb(serverBefore.peak)}); growth to peak ${mb(growth)} (target < ${TARGET_MB} MB: ${growth === undefined ? 'not measurable' : growth < TARGET_MB ? 'met' : 'MISSED'})`,
    );
    console.log(
      `  database ${dialect === 'postgres' ? `backends (${pids.length} connected to ${db.name})` : 'server process'} RSS: ${mb(dbBefore)} → ${mb(dbAfter)}`,
    );
  } finally {
    for (const fn of cleanup.reverse()) await fn().catch((e) => console.error(`cleanup: ${e.message}`));
    await db.drop();
  }
}
