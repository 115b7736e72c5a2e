import { ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import type { AdapterCreateInput, AdapterDefinition, Dialect } from '../src/index.js';
import { createAdapterRegistry, noopLogger, urlScheme } from '../src/index.js';
import { createFakeDatabase } from '../src/testing/index.js';

const definition = (
  dialect: Dialect,
  schemes: string[],
): AdapterDefinition & { inputs: AdapterCreateInput[] } => {
  const inputs: AdapterCreateInput[] = [];
  return {
    dialect,
    schemes,
    inputs,
    create(input) {
      inputs.push(input);
      return ok(createFakeDatabase({ dialect }));
    },
  };
};
const pool = { size: 5, maxOverflow: 10, acquireTimeoutMs: 30_000, recycleMs: 3_600_000, prePing: true };
const registry = () =>
  createAdapterRegistry([
    definition('postgres', ['postgres', 'postgresql']),
    definition('mysql', ['mysql', 'mariadb']),
    definition('sqlite', ['sqlite']),
  ]);

describe('createAdapterRegistry', () => {
  it('resolves each scheme, case-insensitively', () => {
    const r = registry();
    expect(r.resolve('postgresql://u@db:5432/app')._unsafeUnwrap().dialect).toBe('postgres');
    expect(r.resolve('POSTGRES://u@db/app')._unsafeUnwrap().dialect).toBe('postgres');
    expect(r.resolve('mariadb://root@127.0.0.1/test')._unsafeUnwrap().dialect).toBe('mysql');
    expect(r.resolve('sqlite:///var/data/app.db')._unsafeUnwrap().dialect).toBe('sqlite');
  });

  it('names the variable and lists the supported schemes for an unknown one, without the URL', () => {
    const failure = registry().resolve('db2://admin:hunter2@mainframe:50000/PROD')._unsafeUnwrapErr();
    expect(failure.kind).toBe('InvalidConfig');
    expect(failure.variable).toBe('DATABASE_URL');
    expect(failure.message).toContain('"db2:"');
    expect(failure.message).toContain('mariadb://, mysql://, postgres://, postgresql://, sqlite://');
    expect(failure.message).not.toContain('hunter2');
    expect(registry().resolve('db2://x', 'LEGACY_DB_URL')._unsafeUnwrapErr().variable).toBe('LEGACY_DB_URL');
  });

  it('sends a bare file path to sqlite, including a Windows drive letter', () => {
    const r = registry();
    for (const path of ['/var/data/app.db', './app.db', 'app.sqlite', 'C:\\data\\app.db', 'd:/data/app.db']) {
      expect(r.resolve(path)._unsafeUnwrap().dialect, path).toBe('sqlite');
    }
  });

  it('refuses a bare path when sqlite is not registered, and an empty URL always', () => {
    const noSqlite = createAdapterRegistry([definition('postgres', ['postgres'])]);
    const failure = noSqlite.resolve('/var/data/app.db')._unsafeUnwrapErr();
    expect(failure.message).toContain('postgres://');
    expect(registry().resolve('')._unsafeUnwrapErr().variable).toBe('DATABASE_URL');
    expect(registry().resolve('   ').isErr()).toBe(true);
  });

  it('lists schemes sorted; a later registration of a scheme replaces the earlier one', () => {
    const r = registry();
    expect(r.schemes()).toEqual(['mariadb', 'mysql', 'postgres', 'postgresql', 'sqlite']);
    r.register(definition('mssql', ['mssql', 'sqlserver'])).register(definition('oracle', ['mysql']));
    expect(r.resolve('mysql://x')._unsafeUnwrap().dialect).toBe('oracle');
    expect(r.resolve('sqlserver://x')._unsafeUnwrap().dialect).toBe('mssql');
  });

  it('create resolves then hands the whole input to the adapter', () => {
    const pg = definition('postgres', ['postgres']);
    const r = createAdapterRegistry([pg]);
    const input = { url: 'postgres://u@h/db', pool, logger: noopLogger, password: 'pw' };
    expect(r.create(input)._unsafeUnwrap().dialect).toBe('postgres');
    expect(pg.inputs).toEqual([input]);
    expect(r.create({ ...input, url: 'oracle://h/x' }).isErr()).toBe(true);
  });
});

describe('urlScheme', () => {
  it('reads the scheme, lower-cased, and treats drive letters and bare paths as no scheme', () => {
    expect(urlScheme('mssql+pyodbc://h/db')).toBe('mssql+pyodbc');
    expect(urlScheme('  SQLite:///x.db')).toBe('sqlite');
    expect(urlScheme('C:\\x.db')).toBeUndefined();
    expect(urlScheme('/x.db')).toBeUndefined();
    expect(urlScheme('x.db')).toBeUndefined();
    expect(urlScheme('1abc://x')).toBeUndefined();
  });
});
