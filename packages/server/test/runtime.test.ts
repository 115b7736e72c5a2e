import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdapterCreateInput, type AdapterDefinition, loadConfig, noopLogger } from '@legacybridge/core';
import { createFakeDatabase } from '@legacybridge/core/testing';
import { ok } from 'neverthrow';
import { afterAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../src/runtime.js';
import { formatConfigFailures, loadSettings, SECRET_VARIABLES } from '../src/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'lb-runtime-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A SQLite-scheme adapter backed by core's fake, recording what the runtime asked it for. */
function fakeSqlite() {
  const created: AdapterCreateInput[] = [];
  const definition: AdapterDefinition = {
    dialect: 'sqlite',
    schemes: ['sqlite'],
    create(input) {
      created.push(input);
      return ok(createFakeDatabase());
    },
  };
  return { definition, created };
}

function settingsFor(env: Record<string, string>, urlSource = 'DATABASE_URL') {
  return { config: loadConfig(env)._unsafeUnwrap(), urlSource };
}

describe('createRuntime', () => {
  it('serves the demo when nothing is configured, with pool and policy from config', () => {
    const { definition, created } = fakeSqlite();
    const demoPath = join(dir, 'cache', 'demo.db');
    const runtime = createRuntime({
      settings: settingsFor({
        DB_POOL_SIZE: '3',
        DB_TIMEOUT: '7',
        QUERY_MAX_ROWS: '50',
        QUERY_DEFAULT_ROWS: '10',
      }),
      adapters: [definition],
      logger: noopLogger,
      demoPath,
    })._unsafeUnwrap();
    expect(existsSync(demoPath)).toBe(true);
    expect(runtime.source).toEqual({ kind: 'demo', path: demoPath, generated: true });
    expect(runtime.description).toBe(`demo database at ${demoPath} (generated)`);
    expect(created[0]).toMatchObject({
      url: demoPath,
      pool: { size: 3, maxOverflow: 6, acquireTimeoutMs: 7000, recycleMs: 3_600_000, prePing: true },
    });
    expect(runtime.deps.policy).toMatchObject({ timeoutMs: 7000, maxRows: 50, defaultRows: 10 });
  });

  it('gives SQLite a pool of 2 + 2 runner processes unless the operator sized it', () => {
    const { definition, created } = fakeSqlite();
    createRuntime({
      settings: settingsFor({}),
      adapters: [definition],
      logger: noopLogger,
      demoPath: join(dir, 'cache', 'demo-default-pool.db'),
    })._unsafeUnwrap();
    expect(created[0]?.pool).toMatchObject({ size: 2, maxOverflow: 2 });
    createRuntime({
      settings: settingsFor({ DB_MAX_OVERFLOW: '1' }),
      adapters: [definition],
      logger: noopLogger,
      demoPath: join(dir, 'cache', 'demo-default-pool.db'),
    })._unsafeUnwrap();
    expect(created[1]?.pool).toMatchObject({ size: 5, maxOverflow: 1 });
  });

  it('opens no connection while composing', () => {
    const db = createFakeDatabase();
    const definition: AdapterDefinition = { dialect: 'sqlite', schemes: ['sqlite'], create: () => ok(db) };
    createRuntime({
      settings: settingsFor({ DATABASE_URL: 'sqlite::memory:' }),
      adapters: [definition],
      logger: noopLogger,
    })._unsafeUnwrap();
    expect(db.calls).toHaveLength(0);
  });

  it('generates the demo at a missing SQLITE_PATH', () => {
    const { definition } = fakeSqlite();
    const path = join(dir, 'nested', 'erp.db');
    const runtime = createRuntime({
      settings: settingsFor({ SQLITE_PATH: path }),
      adapters: [definition],
      logger: noopLogger,
    })._unsafeUnwrap();
    expect(existsSync(path)).toBe(true);
    expect(runtime.source).toMatchObject({ kind: 'sqlite-path', path, generatedDemo: true });
  });

  it('reports an unwritable demo location under the variable to change, with the errno', () => {
    const { definition } = fakeSqlite();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    const demo = createRuntime({
      settings: settingsFor({}),
      adapters: [definition],
      logger: noopLogger,
      demoPath: join(file, 'demo.db'),
    })._unsafeUnwrapErr();
    expect(demo.variable).toBe('XDG_CACHE_HOME');
    expect(demo.message).toMatch(/^XDG_CACHE_HOME .*(ENOTDIR|EEXIST).*SQLITE_PATH/);
    const sqlitePath = createRuntime({
      settings: settingsFor({ SQLITE_PATH: join(file, 'x.db') }),
      adapters: [definition],
      logger: noopLogger,
    })._unsafeUnwrapErr();
    expect(formatConfigFailures([sqlitePath])).toMatch(
      /^legacybridge: SQLITE_PATH points to .*(ENOTDIR|EEXIST)/,
    );
  });

  it('refuses an unsupported scheme naming the flag and listing supported schemes, without the password', () => {
    const { definition } = fakeSqlite();
    const failure = createRuntime({
      settings: settingsFor({ DATABASE_URL: 'postgres://u:hunter2@h/db' }, '--url'),
      adapters: [definition],
      logger: noopLogger,
    })._unsafeUnwrapErr();
    const text = formatConfigFailures([failure]);
    expect(text).toBe(
      'legacybridge: --url uses the unsupported scheme "postgres:". Supported schemes: sqlite://.',
    );
  });

  it('refuses a SQLite URL whose file does not exist', () => {
    const { definition, created } = fakeSqlite();
    const failure = createRuntime({
      settings: settingsFor({ DATABASE_URL: `sqlite://${join(dir, 'missing.db')}` }),
      adapters: [definition],
      logger: noopLogger,
    })._unsafeUnwrapErr();
    expect(failure.variable).toBe('DATABASE_URL');
    expect(failure.message).toContain('missing.db');
    expect(created).toHaveLength(0);
  });

  it('describes a URL source with the password redacted', () => {
    const definition: AdapterDefinition = {
      dialect: 'postgres',
      schemes: ['postgres'],
      create: () => ok(createFakeDatabase({ dialect: 'postgres' })),
    };
    const runtime = createRuntime({
      settings: settingsFor({ DATABASE_URL: 'postgres://u:hunter2@db:5432/erp' }),
      adapters: [definition],
      logger: noopLogger,
    })._unsafeUnwrap();
    expect(runtime.description).toBe('postgres database at postgres://u:***@db:5432/erp');
  });
});

describe('database password', () => {
  it('passes DB_PASSWORD (or DB_PASSWORD_FILE) to the adapter, never into the description', async () => {
    const secretFile = join(dir, 'db-password');
    writeFileSync(secretFile, 's3cret-from-file\n');
    const settings = (
      await loadSettings({ DATABASE_URL: 'sqlite:///x.db', DB_PASSWORD_FILE: secretFile })
    )._unsafeUnwrap();
    expect(settings.config.databasePassword).toBe('s3cret-from-file');
    const created: AdapterCreateInput[] = [];
    const definition: AdapterDefinition = {
      dialect: 'postgres',
      schemes: ['postgres'],
      create(input) {
        created.push(input);
        return ok(createFakeDatabase({ dialect: 'postgres' }));
      },
    };
    const runtime = createRuntime({
      settings: {
        config: { ...settings.config, databaseUrl: 'postgres://app@db:5432/erp' },
        urlSource: 'DATABASE_URL',
      },
      adapters: [definition],
      logger: noopLogger,
    })._unsafeUnwrap();
    expect(created[0]?.password).toBe('s3cret-from-file');
    expect(runtime.description).not.toContain('s3cret');
  });
});

describe('loadSettings', () => {
  it('flags override the environment', async () => {
    const settings = (
      await loadSettings(
        { DATABASE_URL: 'a.db', APP_PORT: '1', APP_HOST: 'x' },
        { url: 'b.db', port: 2, host: 'y' },
      )
    )._unsafeUnwrap();
    expect(settings).toMatchObject({
      urlSource: '--url',
      config: { databaseUrl: 'b.db', port: 2, host: 'y' },
    });
  });

  it('collects every bad variable at once', async () => {
    const failures = (await loadSettings({ DB_POOL_SIZE: 'abc', APP_PORT: '99999' }))._unsafeUnwrapErr();
    expect(failures.map((f) => f.variable).sort()).toEqual(['APP_PORT', 'DB_POOL_SIZE']);
  });

  it('reports every unreadable secret file at once, each under its NAME_FILE', async () => {
    const failures = (
      await loadSettings({ DATABASE_URL_FILE: join(dir, 'none'), REDIS_URL_FILE: join(dir, 'none2') })
    )._unsafeUnwrapErr();
    expect(failures.map((f) => f.variable).sort()).toEqual(['DATABASE_URL_FILE', 'REDIS_URL_FILE']);
  });

  it('reads every secret variable from NAME_FILE; --url makes DATABASE_URL_FILE irrelevant', async () => {
    const secret = join(dir, 'redis-url');
    writeFileSync(secret, 'redis://:pw@cache:6379\n');
    const settings = (
      await loadSettings({ REDIS_URL_FILE: secret, DATABASE_URL_FILE: join(dir, 'none') }, { url: 'x.db' })
    )._unsafeUnwrap();
    expect(settings.config).toMatchObject({ redisUrl: 'redis://:pw@cache:6379', databaseUrl: 'x.db' });
    expect(SECRET_VARIABLES).toContain('DATABASE_URL');
  });
});
