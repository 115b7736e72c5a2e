#!/usr/bin/env node
// The two README commands in one place, so they work on a fresh clone with only Node 20 + npm:
//   npm start  → install, build, start the server (HTTP, demo database unless DATABASE_URL is set)
//   npm test   → install, build, run every test and print "N passed, N failed"
// pnpm is run through npx at the pinned version (corepack cannot verify signatures on some machines).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = ['--yes', 'pnpm@12.4.2'];

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(status, what) {
  if (status !== 0) {
    console.error(`\n✖ ${what} failed (exit ${status}).`);
    process.exit(status || 1);
  }
}

// better-sqlite3 falls back to compiling when its prebuilt binary can't be downloaded; node-gyp then
// wants Node's headers. Most Node installs ship them next to the binary (Debian: /usr/include/node),
// so point node-gyp there instead of letting it download them (TOOLCHAIN.md trap 1).
function installEnv() {
  const env = { ...process.env };
  if (!env.npm_config_nodedir) {
    const prefix = resolve(dirname(process.execPath), '..');
    if (existsSync(join(prefix, 'include', 'node', 'node.h'))) env.npm_config_nodedir = prefix;
  }
  return env;
}

function install() {
  must(run('npx', [...PNPM, 'install', '--frozen-lockfile'], installEnv()), 'Installing dependencies');
}

const BUILD_ORDER = [
  'core',
  'adapter-conformance',
  'adapter-sqlite',
  'adapter-postgres',
  'adapter-mysql',
  'adapter-mssql',
  'adapter-oracle',
  'transport-mcp',
  'transport-http',
  'telemetry',
  'cache-redis',
  'server',
];

// Rebuild only packages whose sources (or whose dependencies' builds) are newer than their dist,
// so a second `npm test` does not pay for six tsup runs.
function build() {
  // A package missing from BUILD_ORDER would silently stay unbuilt (and the server would fail to
  // import it from a fresh clone): refuse to go on instead.
  const missing = readdirSync(join(root, 'packages')).filter(
    (name) => existsSync(join(root, 'packages', name, 'package.json')) && !BUILD_ORDER.includes(name),
  );
  if (missing.length > 0) {
    console.error(`scripts/dev.mjs: add ${missing.join(', ')} to BUILD_ORDER (dependencies first).`);
    process.exit(1);
  }
  let upstreamChanged = false;
  for (const name of BUILD_ORDER) {
    const dir = join(root, 'packages', name);
    const stamp = join(dir, 'dist', '.build-stamp');
    const stale =
      upstreamChanged ||
      !existsSync(stamp) ||
      newestMtime(dir, ['src', 'package.json', 'tsup.config.ts']) > statSync(stamp).mtimeMs;
    if (!stale) continue;
    console.error(`› building @legacybridge/${name}`);
    must(run('npx', [...PNPM, '--filter', `./packages/${name}`, 'run', 'build']), `Building ${name}`);
    writeFileSync(stamp, new Date().toISOString());
    upstreamChanged = true;
  }
  // The examples are plain TypeScript programs: tsc --build emits them (and type-checks what they use).
  const example = join(root, 'examples', 'mcp-server');
  const exampleOut = join(example, '.tsbuild', 'src', 'server.js');
  if (
    upstreamChanged ||
    !existsSync(exampleOut) ||
    newestMtime(example, ['src', 'test']) > statSync(exampleOut).mtimeMs
  ) {
    console.error('› building examples/mcp-server');
    must(run('npx', ['tsc', '--build', 'examples/mcp-server']), 'Building examples/mcp-server');
  }
}

function newestMtime(dir, entries) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const e of entries) visit(join(dir, e));
  return newest;
}

function test(extraArgs) {
  const report = join(root, '.vitest-report.json');
  const status = run('npx', [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...extraArgs,
  ]);
  // CI needs a count it can read; vitest's own summary line is not in a recognised format.
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  }
  return status;
}

const [command = 'test', ...rest] = process.argv.slice(2);
switch (command) {
  case 'setup':
    install();
    build();
    break;
  case 'start': {
    install();
    build();
    const args = rest.length > 0 ? rest : ['--transport', 'http'];
    process.exit(run(process.execPath, [join(root, 'packages/server/dist/cli.js'), ...args]));
    break;
  }
  case 'test':
    install();
    build();
    process.exit(test(rest));
    break;
  default:
    console.error(`usage: node scripts/dev.mjs setup|start|test [args…]`);
    process.exit(2);
}
