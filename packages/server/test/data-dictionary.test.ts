import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { searchSchema } from '@legacybridge/core';
import { createRecordingLogger } from '@legacybridge/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseDataDictionary, demoDictionaryPath, loadDataDictionary } from '../src/data-dictionary.js';
import { DEFAULT_ADAPTERS } from '../src/default-adapters.js';
import { DEMO_TABLES, DEMO_VIEWS } from '../src/demo/demo-schema.js';
import { createRuntime } from '../src/runtime.js';
import { loadSettings } from '../src/settings.js';
import { startServer } from '../src/start-server.js';
import { requireBuiltCli } from './support/cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'lb-dict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadDataDictionary', () => {
  it('reads YAML, and JSON by its extension', () => {
    const yaml = loadDataDictionary(
      write('d.yaml', 'tables:\n  CUSTMST: { hidden: true }\n'),
    )._unsafeUnwrap();
    expect([...yaml.hiddenTableNames]).toEqual(['custmst']);
    const json = loadDataDictionary(
      write('d.json', '{"tables":{"A":{"columns":{"B":{"unit":"kg"}}}}}'),
    )._unsafeUnwrap();
    expect(json.columnCount).toBe(1);
  });

  it('refuses a table listed twice in YAML instead of silently keeping the last', () => {
    const failure = loadDataDictionary(
      write('twice.yaml', 'tables:\n  A: {}\n  A: { hidden: true }\n'),
    )._unsafeUnwrapErr();
    expect(failure.variable).toBe('DATA_DICTIONARY_PATH');
    expect(failure.message).toMatch(/is not valid YAML: .*(unique|duplicate)/i);
  });

  it('refuses a key written twice in JSON too: JSON.parse would keep the last and unhide the table', () => {
    const failure = loadDataDictionary(
      write('twice.json', '{"tables":{"PAYROLL":{"hidden":true},"PAYROLL":{}}}'),
    )._unsafeUnwrapErr();
    expect(failure.message).toMatch(/is not valid JSON: the key "PAYROLL" appears twice/);
    const nested = loadDataDictionary(
      write('twice-col.yaml', 'tables:\n  A:\n    columns:\n      SSN: { hidden: true }\n      SSN: {}\n'),
    )._unsafeUnwrapErr();
    expect(nested.message).toContain('"SSN" appears twice');
  });

  it('reads a file that starts with a byte order mark, YAML or JSON', () => {
    for (const [name, text] of [
      ['bom.json', '\uFEFF{"tables":{"A":{"hidden":true}}}'],
      ['bom.yaml', '\uFEFFtables:\n  A: { hidden: true }\n'],
    ] as const) {
      expect([...loadDataDictionary(write(name, text))._unsafeUnwrap().hiddenTableNames], name).toEqual([
        'a',
      ]);
    }
  });

  it('refuses a device (or a FIFO: the same check) instead of blocking or growing without end on it', () => {
    // /dev/zero never ends: readFileSync would fill memory. A FIFO with no writer blocks it forever.
    expect(loadDataDictionary('/dev/zero')._unsafeUnwrapErr().message).toContain('is not a regular file');
    expect(loadDataDictionary('/dev/null')._unsafeUnwrapErr().message).toContain('is not a regular file');
  });

  it('reads a 50,000-table file in linear time (the yaml uniqueKeys check is quadratic: ~30 s here)', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `  T${i}: { description: "table ${i}" }`);
    const path = write('large.yaml', `tables:\n${lines.join('\n')}\n`);
    const started = performance.now();
    expect(loadDataDictionary(path)._unsafeUnwrap().tables).toHaveLength(50_000);
    expect(performance.now() - started).toBeLessThan(12_000);
  });

  it('bounds YAML aliases (billion laughs) with a clear error', () => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      levels.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const failure = loadDataDictionary(
      write('laughs.yaml', `${levels.join('\n')}\ntables: {}\n`),
    )._unsafeUnwrapErr();
    expect(failure.message).toMatch(/is not valid YAML: .*alias/i);
  });

  it('says what is wrong with JSON, naming the file', () => {
    const path = write('bad.json', '{"tables": ');
    const failure = loadDataDictionary(path)._unsafeUnwrapErr();
    expect(failure.message).toContain(`DATA_DICTIONARY_PATH: ${path}: is not valid JSON`);
  });

  it('shows at most five problems and counts the rest', () => {
    const tables = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`T${i}`, { hiden: true }]));
    const failure = loadDataDictionary(write('many.json', JSON.stringify({ tables })))._unsafeUnwrapErr();
    expect(failure.message.match(/Unrecognized key/g)).toHaveLength(5);
    expect(failure.message).toContain('(and 3 more)');
  });

  it('uses the shipped demo dictionary only when serving the demo without DATA_DICTIONARY_PATH', () => {
    expect(demoDictionaryPath()).toMatch(/demo-dictionary\.yaml$/);
    expect(chooseDataDictionary(undefined, false)._unsafeUnwrap()).toBeUndefined();
    expect(chooseDataDictionary(undefined, true)._unsafeUnwrap()?.demo).toBe(true);
    const own = write('own.yaml', 'tables: {}\n');
    expect(chooseDataDictionary(own, true)._unsafeUnwrap()).toMatchObject({ path: own, demo: false });
  });
});

describe('the shipped demo dictionary', () => {
  it('is found from the CommonJS bundle too (embedders that require() the package)', () => {
    requireBuiltCli();
    // A plain Node process, as an embedder runs it (vitest's own resolution would pick the sources).
    const script = `
      const lb = require(${JSON.stringify(fileURLToPath(new URL('../dist/index.cjs', import.meta.url)))});
      const quiet = { child() { return quiet; }, debug() {}, info() {}, warn() {}, error() {} };
      lb.loadSettings({}).then(async (settings) => {
        const runtime = lb.createRuntime({ settings: settings.value, adapters: lb.DEFAULT_ADAPTERS,
          logger: quiet, demoPath: ${JSON.stringify(join(dir, 'demo-cjs.db'))} })._unsafeUnwrap();
        process.stdout.write(String(runtime.dictionary && runtime.dictionary.path));
        await runtime.close();
      });`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/demo-dictionary\.yaml$/);
  });

  it('matches the demo schema: every table and column it names exists, one table is hidden', async () => {
    const settings = (await loadSettings({}))._unsafeUnwrap();
    const logger = createRecordingLogger();
    const runtime = createRuntime({
      settings,
      adapters: DEFAULT_ADAPTERS,
      logger,
      demoPath: join(dir, 'demo.db'),
    })._unsafeUnwrap();
    try {
      expect(runtime.dictionary?.demo).toBe(true);
      const dictionary = runtime.dictionary!.dictionary;
      const named = dictionary.tables.map((t) => t.name).sort();
      expect(named).toEqual([...DEMO_TABLES, ...DEMO_VIEWS].sort());
      expect([...dictionary.hiddenTableNames]).toEqual(['x_tmp_bak_custmst_0311']);
      // A search reads tables and columns: any entry naming something absent is logged as a warning.
      const found = (await searchSchema(runtime.deps, { query: 'customer master' }))._unsafeUnwrap();
      expect(found.matches[0]).toMatchObject({ table: 'CUSTMST', matched: 'synonym' });
      expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
    } finally {
      await runtime.close();
    }
  });
});

describe('REST /v1 over the demo and its dictionary', () => {
  it('leaves the hidden table out of /v1/tables, answers 404 for it and 403 for a query naming it', async () => {
    const started = await startServer({
      transport: 'http',
      port: 0,
      env: { XDG_CACHE_HOME: join(dir, 'cache'), HOME: dir },
      demoPath: join(dir, 'rest-demo.db'),
      logger: createRecordingLogger(),
    });
    const server = started._unsafeUnwrap();
    try {
      const tables = await fetch(`${server.url}/v1/tables?limit=100`);
      expect(tables.status).toBe(200);
      const names = ((await tables.json()) as { tables: { name: string }[] }).tables.map((t) => t.name);
      expect(names).toContain('CUSTMST');
      expect(names).not.toContain('X_TMP_BAK_CUSTMST_0311');
      const hidden = await fetch(`${server.url}/v1/tables/X_TMP_BAK_CUSTMST_0311`);
      expect(hidden.status).toBe(404);
      const query = await fetch(`${server.url}/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql: 'SELECT * FROM x_tmp_bak_custmst_0311' }),
      });
      expect(query.status).toBe(403);
      expect(await query.text()).toContain('data dictionary hides');
      const search = await fetch(`${server.url}/v1/search?q=${encodeURIComponent('customer master')}`);
      const matches = ((await search.json()) as { matches: { table: string; matched: string }[] }).matches;
      expect(matches[0]).toMatchObject({ table: 'CUSTMST', matched: 'synonym' });
    } finally {
      await server.close();
    }
  });
});
