import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAPTER_MODULES, adaptersFor, defaultSchemes, loadAdaptersFor } from '../src/adapters.js';
import { DEFAULT_ADAPTERS } from '../src/default-adapters.js';
import { CLI_PATH, requireBuiltCli } from './support/cli-harness.js';

describe('default adapters, loaded by scheme', () => {
  it('lists the same dialects and schemes as the adapter packages themselves', () => {
    expect(ADAPTER_MODULES.map((m) => [m.dialect, [...m.schemes].sort()])).toEqual(
      DEFAULT_ADAPTERS.map((d) => [d.dialect, [...d.schemes].sort()]),
    );
    expect(defaultSchemes()).toEqual(DEFAULT_ADAPTERS.flatMap((d) => d.schemes).sort());
  });

  it('loads only the adapter of the URL scheme', async () => {
    const dialects = async (url: string | undefined) => (await loadAdaptersFor(url)).map((d) => d.dialect);
    expect(await dialects('postgresql://u@db/x')).toEqual(['postgres']);
    expect(await dialects('MariaDB://u@db/x')).toEqual(['mysql']);
    expect(await dialects('mssql+pyodbc://u@db/x')).toEqual(['mssql']);
    expect(await dialects('oracle://u@db/x')).toEqual(['oracle']);
    // A bare path and the embedded demo are SQLite.
    expect(await dialects('/data/legacy.db')).toEqual(['sqlite']);
    expect(await dialects(undefined)).toEqual(['sqlite']);
  });

  it('loads every adapter for an unknown scheme, so the refusal lists them all', async () => {
    const all = await loadAdaptersFor('db2://u@host/x');
    expect(all.map((d) => d.dialect).sort()).toEqual(['mssql', 'mysql', 'oracle', 'postgres', 'sqlite']);
  });

  it('returns the adapters it is given, unchanged', async () => {
    const given = [DEFAULT_ADAPTERS[0]!];
    expect((await adaptersFor(given, 'postgres://u@db/x'))._unsafeUnwrap()).toBe(given);
  });
});

describe('what the CLI loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lb-adapters-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Every package the process loads: a module-resolution hook records ESM imports (hooks run on
  // their own thread in Node 20, so it writes to a file), and a preload script adds every CommonJS
  // module in require.cache at exit (drivers are mostly CommonJS, and require() skips the hook).
  const record = join(dir, 'loaded.txt');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(record)}, resolved.url + '\\n');
  return resolved;
}
`,
  );
  const preload = join(dir, 'preload.cjs');
  writeFileSync(
    preload,
    `const { register } = require('node:module');
const { appendFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
register(${JSON.stringify(pathToFileURL(hooks).href)});
process.on('exit', () => appendFileSync(${JSON.stringify(record)}, Object.keys(require.cache).join('\\n') + '\\n'));
`,
  );

  /** The npm packages (and workspace packages) a CLI run loaded. */
  const loadedBy = (args: string[]): Set<string> => {
    rmSync(record, { force: true });
    // stdin closed at once: the server starts, sees the end of its MCP channel, and exits.
    const run = spawnSync(process.execPath, ['--require', preload, CLI_PATH, ...args], {
      input: '',
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', XDG_CACHE_HOME: dir },
      timeout: 30_000,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const names = new Set<string>();
    for (const line of readFileSync(record, 'utf8').split('\n')) {
      const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(line);
      if (inModules) names.add(inModules[1]!);
      const workspace = /\/packages\/([^/]+)\/(?:dist|src)\//.exec(line);
      if (workspace && !inModules) names.add(`@legacybridge/${workspace[1]}`);
    }
    return names;
  };
  const drivers = ['pg', 'mysql2', 'tedious', 'mssql', 'oracledb', 'better-sqlite3'];
  const adapters = ['postgres', 'mysql', 'mssql', 'oracle', 'sqlite'].map(
    (a) => `@legacybridge/adapter-${a}`,
  );
  // A stdio server without REDIS_URL or an OTLP endpoint needs none of these: it must not pay for
  // loading them (the HTTP stack, the Redis client, the OpenTelemetry SDK).
  const httpOnly = [
    'express',
    'ioredis',
    '@legacybridge/transport-http',
    '@opentelemetry/sdk-node',
    '@opentelemetry/exporter-prometheus',
  ];

  it('a PostgreSQL URL over stdio loads pg and its adapter, no other driver, nothing HTTP, no OpenTelemetry SDK', () => {
    requireBuiltCli();
    // Nothing listens on port 1: the adapter connects lazily, so startup does not need the server.
    const loaded = loadedBy(['--url', 'postgres://nobody@127.0.0.1:1/none']);
    expect(adapters.filter((a) => loaded.has(a))).toEqual(['@legacybridge/adapter-postgres']);
    expect(drivers.filter((d) => loaded.has(d))).toEqual(['pg']);
    expect(httpOnly.filter((m) => loaded.has(m))).toEqual([]);
  });

  it('the demo over stdio loads the SQLite adapter only', () => {
    requireBuiltCli();
    const loaded = loadedBy([]);
    expect(adapters.filter((a) => loaded.has(a))).toEqual(['@legacybridge/adapter-sqlite']);
    expect(drivers.filter((d) => loaded.has(d))).toEqual(['better-sqlite3']);
    expect(httpOnly.filter((m) => loaded.has(m))).toEqual([]);
  });
});
