#!/usr/bin/env node
// Packaging gate for every publishable package: publint (package.json exports/files sanity) and
// are-the-types-wrong (types resolve for ESM and CJS consumers under node16 and bundler resolution).
// Runs on the built packages, so `node scripts/dev.mjs setup` comes first.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = 0;

for (const name of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  console.log(`\n› ${pkg.name}`);
  const publint = spawnSync(bin('publint'), ['run', dir, '--strict', '--pack', 'npm'], { stdio: 'inherit' });
  // The CLI-only server has no types to check beyond its library entry; attw checks every entry.
  const attw = spawnSync(bin('attw'), ['--pack', dir, '--format', 'table-flipped', '--profile', 'node16'], {
    stdio: 'inherit',
  });
  if (publint.status !== 0 || attw.status !== 0) failed++;
}

if (failed > 0) {
  console.error(`\n✖ ${failed} package(s) failed the packaging checks.`);
  process.exit(1);
}
console.log('\npackaging: ok');
