import { createAdapterRegistry, noopLogger } from '@legacybridge/core';
import { describe, expect, it } from 'vitest';
import { parseSqliteConfig, parseSqliteUrl, SQLITE_POOL_DEFAULTS, sqliteAdapter } from '../src/index.js';

const cwd = '/srv/app';
const target = (url: string) => parseSqliteUrl(url, cwd)._unsafeUnwrap();

describe('parseSqliteUrl', () => {
  it.each([
    ['sqlite:///abs/path/data.db', '/abs/path/data.db'],
    ['sqlite:////abs/data.db', '/abs/data.db'],
    ['sqlite://./rel/data.db', '/srv/app/rel/data.db'],
    ['sqlite://rel.db', '/srv/app/rel.db'],
    ['sqlite:rel.db', '/srv/app/rel.db'],
    ['sqlite:./rel.db', '/srv/app/rel.db'],
    ['SQLite:///abs/x.db', '/abs/x.db'],
    ['sqlite:///abs/with%20space.db', '/abs/with space.db'],
    ['/x/y.db', '/x/y.db'],
    ['./y.db', '/srv/app/y.db'],
    ['y.sqlite', '/srv/app/y.sqlite'],
    ['../up/z.db', '/srv/up/z.db'],
    ['  /trimmed.db  ', '/trimmed.db'],
  ])('%s → %s', (url, path) => {
    expect(target(url)).toEqual({ kind: 'file', path });
  });

  it.each(['sqlite::memory:', 'sqlite://:memory:', ':memory:'])(
    '%s is a private in-memory database',
    (url) => {
      expect(target(url)).toEqual({ kind: 'memory' });
    },
  );

  it.each([
    ['postgres://u@h/db', /must be a sqlite: URL/],
    ['sqlite:', /names no SQLite file/],
    ['sqlite://', /names no SQLite file/],
    ['sqlite:///bad%zz.db', /%-escape/],
    ['   ', /empty/],
  ])('refuses %s naming the variable', (url, message) => {
    const failure = parseSqliteUrl(url, cwd, 'SQLITE_PATH')._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'InvalidConfig', variable: 'SQLITE_PATH' });
    expect(failure.message).toMatch(message);
  });
});

describe('parseSqliteConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseSqliteConfig({ url: 'data.db', cwd })._unsafeUnwrap();
    expect(config).toMatchObject({
      target: { kind: 'file', path: '/srv/app/data.db' },
      pool: SQLITE_POOL_DEFAULTS,
      busyTimeoutMs: 5_000,
      catalogTimeoutMs: 30_000,
      maxBinaryBytes: 4_096,
      overflowIdleMs: 10_000,
      prePingIdleMs: 30_000,
    });
  });

  it('merges a partial pool over the defaults, ignoring undefined fields', () => {
    const config = parseSqliteConfig({
      url: 'data.db',
      pool: { size: 4, maxOverflow: undefined },
    })._unsafeUnwrap();
    expect(config.pool).toEqual({ ...SQLITE_POOL_DEFAULTS, size: 4 });
  });

  it('refuses invalid options with a message naming them', () => {
    const failure = parseSqliteConfig({ url: 'data.db', pool: { size: 0 } })._unsafeUnwrapErr();
    expect(failure.variable).toBe('sqlite pool.size');
    expect(parseSqliteConfig({ url: '' })._unsafeUnwrapErr().variable).toBe('DATABASE_URL');
  });
});

describe('sqliteAdapter registry entry', () => {
  const pool = { size: 1, maxOverflow: 0, acquireTimeoutMs: 1_000, recycleMs: 0, prePing: false };

  it('serves the sqlite scheme and bare file paths without opening anything', async () => {
    const registry = createAdapterRegistry([sqliteAdapter]);
    for (const url of ['sqlite:///nowhere/x.db', '/nowhere/x.db', 'x.sqlite']) {
      const db = registry.create({ url, pool, logger: noopLogger })._unsafeUnwrap();
      expect(db.dialect).toBe('sqlite');
      expect(db.poolStats()).toMatchObject({ size: 0, max: 1 });
      await db.close();
    }
  });

  it('reports a malformed URL as InvalidConfig naming DATABASE_URL', () => {
    const failure = sqliteAdapter.create({ url: 'sqlite:', pool, logger: noopLogger })._unsafeUnwrapErr();
    expect(failure.variable).toBe('DATABASE_URL');
  });
});
