#!/usr/bin/env node
// Enforces the one dependency rule (DESIGN.md §1): dependencies point inward. Core imports no
// driver, no HTTP and no MCP code; adapters import core and their driver only; the transport imports
// no adapter; only the server (the composition root) and examples may import everything.
// Checks source imports, not just package.json, because a stray `import pg from 'pg'` is the bug.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Per package: bare module names (or prefixes ending in '/') its src may import. */
export const RULES = {
  core: { allow: ['zod', 'neverthrow'] },
  'adapter-conformance': { allow: ['@legacybridge/core', 'neverthrow', 'vitest'] },
  'adapter-sqlite': { allow: ['@legacybridge/core', 'neverthrow', 'zod', 'better-sqlite3'] },
  'adapter-postgres': {
    allow: ['@legacybridge/core', 'neverthrow', 'zod', 'pg', 'drizzle-orm'],
  },
  'adapter-mysql': { allow: ['@legacybridge/core', 'neverthrow', 'zod', 'mysql2', 'drizzle-orm'] },
  'adapter-mssql': { allow: ['@legacybridge/core', 'neverthrow', 'zod', 'mssql', 'tedious'] },
  'adapter-oracle': { allow: ['@legacybridge/core', 'neverthrow', 'zod', 'oracledb'] },
  'transport-mcp': { allow: ['@legacybridge/core', 'neverthrow', 'zod', '@modelcontextprotocol/server'] },
  // A transport like transport-mcp: it serves the use cases over HTTP and imports no adapter.
  'transport-http': {
    allow: [
      '@legacybridge/core',
      '@legacybridge/transport-mcp',
      'neverthrow',
      'zod',
      'express',
      'ioredis',
      '@modelcontextprotocol/server',
    ],
  },
  // Driven adapters of MetricsPort and LoggerPort, plus tracing: no database driver, no transport.
  telemetry: {
    allow: [
      '@legacybridge/core',
      'neverthrow',
      '@opentelemetry/api',
      '@opentelemetry/sdk-node',
      '@opentelemetry/exporter-prometheus',
      'pino',
    ],
  },
  // The CachePort on Redis: core and the Redis client only.
  'cache-redis': { allow: ['@legacybridge/core', 'ioredis'] },
  server: { allow: ['*'] },
};

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every non-relative module specifier imported by the files under `dir`. */
export function importsOf(dir) {
  const found = [];
  const visit = (p) => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p)) visit(join(p, e));
      return;
    }
    if (!/\.(c|m)?(t|j)s$/.test(p)) return;
    const text = readFileSync(p, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec && !spec.startsWith('.') && !spec.startsWith('/')) found.push({ file: p, spec });
    }
  };
  visit(dir);
  return found;
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Violations of `rule` by the sources in `srcDir`: `{ file, spec }` entries. */
export function violations(srcDir, rule) {
  if (rule.allow.includes('*')) return [];
  const builtins = new Set(builtinModules);
  return importsOf(srcDir).filter(({ spec }) => {
    if (spec.startsWith('node:') || builtins.has(spec)) return false;
    return !rule.allow.includes(packageName(spec));
  });
}

function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const packagesDir = join(root, 'packages');
  let failures = 0;
  for (const name of readdirSync(packagesDir)) {
    const rule = RULES[name];
    if (!rule) {
      console.error(`✖ packages/${name} has no rule in scripts/check-deps.mjs: add one.`);
      failures++;
      continue;
    }
    for (const v of violations(join(packagesDir, name, 'src'), rule)) {
      console.error(
        `✖ ${v.file.slice(root.length + 1)} imports "${v.spec}", which packages/${name} may not depend on.`,
      );
      failures++;
    }
  }
  if (failures > 0) process.exit(1);
  console.log('dependency direction: ok');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
