// Shared plumbing of the benchmarks: module resolution, timing, percentiles, database URLs.
// Not a test and not part of any package: plain ESM that imports the BUILT packages.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// bench/ is not a workspace package (adding one would touch the shared lockfile), so drivers and SDK
// packages are loaded from the packages that already depend on them: pnpm links each dependency into
// its dependent's node_modules, and that link is the exact version the product runs with.
const ANCHORS = {
  pg: 'adapter-postgres',
  'mysql2/promise': 'adapter-mysql',
  '@modelcontextprotocol/client': 'server',
  '@modelcontextprotocol/client/stdio': 'server',
  '@modelcontextprotocol/server': 'server',
  '@modelcontextprotocol/server/stdio': 'server',
  zod: 'server',
};

/** Imports a third-party module the way the package that depends on it would (ESM entry first). */
export async function load(specifier) {
  const anchor = ANCHORS[specifier];
  if (anchor === undefined) throw new Error(`bench: no anchor package for ${specifier}`);
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  const subpath = `.${specifier.slice(name.length)}`;
  const dir = realpathSync(join(ROOT, 'packages', anchor, 'node_modules', name));
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entry = manifest.exports?.[subpath];
  const target =
    typeof entry === 'string'
      ? entry
      : (entry?.import?.default ?? entry?.import ?? entry?.default ?? entry?.require?.default);
  if (typeof target === 'string') return import(pathToFileURL(join(dir, target)).href);
  return createRequire(join(dir, 'package.json'))(specifier);
}

/** Imports a built LegacyBridge package, refusing to run on a missing build. */
export async function loadBuilt(pkg, file = 'index.js') {
  const path = join(ROOT, 'packages', pkg, 'dist', file);
  if (!existsSync(path)) {
    throw new Error(`bench: ${path} is missing: build first (node scripts/dev.mjs setup)`);
  }
  return import(pathToFileURL(path).href);
}

export const CLI_PATH = join(ROOT, 'packages', 'server', 'dist', 'cli.js');

export const POSTGRES_URL =
  process.env.LEGACYBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.LEGACYBRIDGE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/**
 * A mysql2/promise connection from a `mysql://` URL: host, port, user, password and the database of
 * its path; `options` adds or overrides (`database`, `multipleStatements`).
 */
export async function mysqlConnect(url, options = {}) {
  const { createConnection } = await load('mysql2/promise');
  const u = new URL(url);
  return createConnection({
    host: u.hostname,
    port: u.port === '' ? 3306 : Number(u.port),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1) || undefined,
    ...options,
  });
}

/** The same server URL pointing at another database. */
export function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Which engines to run, from BENCH_DIALECTS (default both). */
export function dialects() {
  return (process.env.BENCH_DIALECTS ?? 'postgres,mysql').split(',').map((d) => d.trim());
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Interleaves several measurements round by round, so drift on a shared, noisy machine (another
 * process waking up, CPU frequency) hits every contender alike instead of whichever ran last.
 */
export async function measureInterleaved(contenders, { rounds = 10, iterations = 500, warmup = 50 } = {}) {
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (const fn of Object.values(contenders)) for (let i = 0; i < warmup; i++) await fn(i);
  const perRound = Math.max(1, Math.floor(iterations / rounds));
  let n = warmup;
  for (let r = 0; r < rounds; r++) {
    for (const [key, fn] of Object.entries(contenders)) {
      for (let i = 0; i < perRound; i++) {
        const started = performance.now();
        await fn(n++);
        samples[key].push(performance.now() - started);
      }
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([k, s]) => [
      k,
      { p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), n: s.length },
    ]),
  );
}

/** Unwraps a neverthrow Result(Async), throwing on a failure (a benchmark has no error path). */
export async function ok(resultAsync) {
  const result = await resultAsync;
  if (result.isErr()) throw new Error(`${result.error.kind}: ${result.error.message}`);
  return result.value;
}

/** Resident set size of a local process in MB, from /proc; undefined when not readable. */
export function rssMb(pid) {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
