#!/usr/bin/env node
// Startup of a stdio server: from spawning `node <cli>` to the answer of its first `initialize`
// request, which is what an MCP client waits for on every launch (an `auto` client may start two
// copies). Contenders, interleaved round by round: the MCP floor (bench/mcp-floor-server.mjs, the
// smallest SDK server), and LegacyBridge's built CLI on the embedded demo, on PostgreSQL and on
// MariaDB (the URLs are only parsed at startup: adapters connect on first use). Prints the median
// of BENCH_ROUNDS runs each.
//
//   node bench/startup.mjs
// Env: BENCH_ROUNDS (9), BENCH_CLI (default this checkout's build), BENCH_COMPARE_CLI (a second CLI,
// e.g. a build of an older commit, measured in the same run), LEGACYBRIDGE_TEST_POSTGRES_URL,
// LEGACYBRIDGE_TEST_MYSQL_URL.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH, MYSQL_URL, POSTGRES_URL, percentile, ROOT } from './lib/common.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const cache = mkdtempSync(join(tmpdir(), 'lb-startup-'));
const clis = { lb: process.env.BENCH_CLI ?? CLI_PATH };
if (process.env.BENCH_COMPARE_CLI) clis.compare = process.env.BENCH_COMPARE_CLI;

const contenders = { floor: [join(ROOT, 'bench', 'mcp-floor-server.mjs')] };
for (const [name, cli] of Object.entries(clis)) {
  contenders[`${name}-demo`] = [cli];
  contenders[`${name}-postgres`] = [cli, '--url', POSTGRES_URL];
  contenders[`${name}-mysql`] = [cli, '--url', MYSQL_URL];
}

const INITIALIZE = `${JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
})}\n`;

/** Milliseconds from spawn to the first byte of the initialize answer; the process is then closed. */
async function startOnce(args) {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ['pipe', 'pipe', 'ignore'],
    // Its own cache directory: the demo database is generated once (first warm-up), then reused.
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', XDG_CACHE_HOME: cache },
  });
  child.stdin.write(INITIALIZE);
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code} before answering`)));
  });
  const ms = performance.now() - started;
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  return ms;
}

try {
  for (const args of Object.values(contenders)) await startOnce(args); // warm-up (and the demo file)
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, args] of Object.entries(contenders)) samples[name].push(await startOnce(args));
  }
  console.log(`stdio startup to the initialize answer, median of ${ROUNDS} (interleaved):`);
  for (const [name, s] of Object.entries(samples)) {
    console.log(`  ${name.padEnd(18)} ${percentile(s, 50).toFixed(0).padStart(6)} ms`);
  }
} finally {
  rmSync(cache, { recursive: true, force: true });
}
