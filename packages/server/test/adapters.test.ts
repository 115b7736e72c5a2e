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

  it('uses the adapters it is given without loading any', async () => {
    const given = [DEFAULT_ADAPTERS[0]!];
    expect((await adaptersFor(given, 'postgres://u@db/x'))._unsafeUnwrap()).toBe(given);
  });
});

describe('the CLI imports one adapter package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lb-adapters-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A module-resolution hook that records every @legacybridge/adapter-* package the process imports
  // (hooks run on their own thread in Node 20, so they write to a file).
  const record = join(dir, 'imported.txt');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@legacybridge/adapter-')) appendFileSync(${JSON.stringify(record)}, specifier + '\\n');
  return next(specifier, context);
}
`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );

  const importedBy = (url: string): string[] => {
    rmSync(record, { force: true });
    // stdin closed at once: the server starts, sees the end of its MCP channel, and exits.
    const run = spawnSync(process.execPath, ['--import', register, CLI_PATH, '--url', url], {
      input: '',
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', XDG_CACHE_HOME: dir },
      timeout: 30_000,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    return [...new Set(readFileSync(record, 'utf8').trim().split('\n'))];
  };

  it('a PostgreSQL URL loads the PostgreSQL adapter and no other driver', () => {
    requireBuiltCli();
    // Nothing listens on port 1: the adapter connects lazily, so startup does not need the server.
    expect(importedBy('postgres://nobody@127.0.0.1:1/none')).toEqual(['@legacybridge/adapter-postgres']);
  });

  it('a SQLite path loads the SQLite adapter only', () => {
    requireBuiltCli();
    const db = join(dir, 'x.db');
    writeFileSync(db, '');
    expect(importedBy(db)).toEqual(['@legacybridge/adapter-sqlite']);
  });
});
