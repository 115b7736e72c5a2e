// Soak of the scale-out setup (issue 8 item 6): three `legacybridge --transport http` replicas behind
// the round-robin proxy of the scale-out proof, sharing one PostgreSQL database and the local Redis,
// driven with a FIXED number of REST point queries over loopback. Reports throughput, p50/p99 and each
// replica's RSS (start, after warm-up, peaks of the first and last thirds, end) with a flatness verdict.
//
//   node bench/soak.mjs      (build first: node scripts/dev.mjs setup; ~1-2 min on 2 cores)
//
// Knobs: BENCH_REQUESTS (20000), BENCH_CONCURRENCY (16), BENCH_WARMUP (5000), BENCH_QUERY_CACHE_TTL
// (0: every request runs on PostgreSQL — the worst case for pools and memory), LEGACYBRIDGE_TEST_REDIS_URL.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { deleteKeys } from '../test/scale-out/redis-resp.mjs';
import { startRoundRobinProxy } from '../test/scale-out/round-robin-proxy.mjs';
import { CLI_PATH, load, POSTGRES_URL, percentile, rssMb, withDatabase } from './lib/common.mjs';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5_000);
const CACHE_TTL = process.env.BENCH_QUERY_CACHE_TTL ?? '0';
const REDIS_URL = process.env.LEGACYBRIDGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REPLICAS = 3;
const ROWS = 10_000;
// Flat = for each replica, the peak RSS over the last third of the measured requests is within this of
// the peak over the first third (after a warm-up that lets JIT, heap and pools reach their working
// size). Why 16 MB: V8 sizes its heap in steps (new-space semi-spaces up to 16 MB, old-space growth
// after each mark-compact), so peaks of a healthy process differ by ~10 MB depending on where the
// collector was; a leak grows with the request count, and over the ~4,400 requests per replica
// between the two thirds 16 MB catches anything keeping ≥ 3.7 KB per request.
const FLAT_MB = Number(process.env.BENCH_FLAT_MB ?? 16);

const pg = (await load('pg')).default;
const dbName = `lb_bench_${randomBytes(5).toString('hex')}`;
const rateLimitPrefix = `lbbench:soak:${randomBytes(6).toString('hex')}:`;

async function admin(sql) {
  const c = new pg.Client({ connectionString: POSTGRES_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function startReplica(env) {
  const child = spawn(process.execPath, [CLI_PATH, '--transport', 'http', '--port', '0'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, LOG_FORMAT: 'json' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in 20 s:\n${stderr}`)), 20_000);
    child.stderr.on('data', (d) => {
      // Keep only the start-up lines: a soak must not measure its own log buffer.
      if (stderr.length < 64 * 1024) stderr += d;
      for (const line of stderr.split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line);
        if (entry.message === 'listening' && entry.url) {
          clearTimeout(timer);
          resolve({ child, url: entry.url });
        }
      }
    });
    child.on('close', (code) => reject(new Error(`replica exited ${code}:\n${stderr}`)));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(url, body) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const payload = Buffer.from(JSON.stringify(body));
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** `total` point queries from `concurrency` workers, each checked for its row; returns latencies (ms). */
async function drive(proxyUrl, total, concurrency, offset, progress = { done: 0 }) {
  const latencies = new Array(total);
  let next = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const id = (((offset + i) * 7919) % ROWS) + 1;
        const started = performance.now();
        const res = await post(`${proxyUrl}/v1/query`, { sql: `SELECT id, amount FROM pt WHERE id = ${id}` });
        latencies[i] = performance.now() - started;
        progress.done++;
        // A wrong answer must not look fast: check the row, not only the status.
        if (res.status !== 200 || JSON.parse(res.text).rows?.[0]?.[0] !== id) {
          if (failures++ < 3) console.error(`request ${i}: ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
    }),
  );
  return { latencies, failures };
}

const fmt = (mb) => (mb === undefined ? 'n/a' : mb.toFixed(1));

await admin(`CREATE DATABASE ${dbName}`);
const replicas = [];
let proxy;
try {
  const url = withDatabase(POSTGRES_URL, dbName);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(
    `CREATE TABLE pt (id integer PRIMARY KEY, amount integer NOT NULL, label text NOT NULL);
     INSERT INTO pt SELECT g, g * 3, 'row ' || g FROM generate_series(1, ${ROWS}) g; ANALYZE pt`,
  );
  await c.end();

  const env = {
    DATABASE_URL: url,
    REDIS_URL,
    QUERY_CACHE_TTL: CACHE_TTL,
    // The limit is on, shared through Redis as in production, and high enough never to trigger:
    // every request pays for its Redis round trip.
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_REQUESTS: String((REQUESTS + WARMUP) * 2),
    RATE_LIMIT_WINDOW: '3600',
    RATE_LIMIT_KEY_PREFIX: rateLimitPrefix,
    DB_POOL_SIZE: '4',
    DB_MAX_OVERFLOW: '2',
  };
  for (let i = 0; i < REPLICAS; i++) replicas.push(await startReplica(env));
  proxy = await startRoundRobinProxy({ backends: replicas.map((r) => r.url) });
  const rss = () => replicas.map((r) => rssMb(r.child.pid));

  const atStart = rss();
  const warm = await drive(proxy.url, WARMUP, CONCURRENCY, 0);
  const afterWarmup = rss();
  // RSS on a timer during the measured run, tagged with the progress, so the verdict compares the
  // peaks of the first and last thirds: RSS is a saw-tooth under GC, and a single sample can land on a
  // tooth or between two; a leak lifts every tooth as the request count grows.
  const progress = { done: 0 };
  const samples = [];
  const sampler = setInterval(() => samples.push({ done: progress.done, rss: rss() }), 100);
  const started = performance.now();
  const measured = await drive(proxy.url, REQUESTS, CONCURRENCY, WARMUP, progress);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const atEnd = rss();
  const peak = (from, to, i) =>
    Math.max(...samples.filter((s) => s.done >= from && s.done < to).map((s) => s.rss[i] ?? Number.NaN));
  const third = REQUESTS / 3;

  const latencies = measured.latencies;
  const failures = warm.failures + measured.failures;
  console.log(
    `soak: ${REPLICAS} replicas behind a round-robin proxy, ${REQUESTS} REST point queries (+${WARMUP} warm-up) ` +
      `at concurrency ${CONCURRENCY}, QUERY_CACHE_TTL=${CACHE_TTL}, rate limit on (Redis), ${samples.length} RSS samples`,
  );
  console.log(
    `throughput ${(REQUESTS / seconds).toFixed(0)} req/s over ${seconds.toFixed(1)} s; ` +
      `latency p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, ` +
      `max ${Math.max(...latencies).toFixed(1)} ms; failures ${failures}; ` +
      `served per replica ${proxy.served.join('/')}, retried ${proxy.stats.retried}`,
  );
  console.log(
    'replica  RSS MB: start  after warm-up  peak 1st third  peak last third    end  last − 1st peak',
  );
  let flat = true;
  for (let i = 0; i < REPLICAS; i++) {
    const early = peak(0, third, i);
    const late = peak(2 * third, REQUESTS + 1, i);
    const growth = late - early;
    if (!(growth <= FLAT_MB)) flat = false;
    console.log(
      `${String(i).padEnd(8)} ${fmt(atStart[i]).padStart(13)} ${fmt(afterWarmup[i]).padStart(14)} ` +
        `${fmt(early).padStart(15)} ${fmt(late).padStart(16)} ${fmt(atEnd[i]).padStart(6)} ${fmt(growth).padStart(16)}`,
    );
  }
  console.log(
    `memory: ${flat ? 'FLAT' : 'NOT FLAT'} (threshold: peak RSS of the last third − peak of the first third ≤ ${FLAT_MB} MB ` +
      `per replica; V8 heap sizing steps move RSS by ~10 MB, a leak of ≥ ${((FLAT_MB * 1024) / ((REQUESTS * 2) / 3 / REPLICAS)).toFixed(1)} KB/request would exceed it)`,
  );
  if (failures > 0 || !flat) process.exitCode = 1;
} finally {
  await proxy?.close();
  agent.destroy();
  for (const r of replicas) r.child.kill('SIGTERM');
  await Promise.all(
    replicas.map((r) => (r.child.exitCode === null ? new Promise((res) => r.child.on('close', res)) : null)),
  );
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  // The rate-limit counters of this run (they would expire with the window anyway).
  await deleteKeys(REDIS_URL, `${rateLimitPrefix}*`).catch((error) => {
    console.error(`could not delete the rate-limit keys ${rateLimitPrefix}*: ${error.message}`);
  });
}
