import { describe, expect, it } from 'vitest';
import { createMemoryCache, createQueryCache } from '../src/cache/index.js';
import { dbFailure } from '../src/errors.js';
import type { QueryLimits } from '../src/model.js';
import { createFakeDatabase, fakeDeps } from '../src/testing/index.js';
import { explainQuery } from '../src/use-cases/explain-query.js';
import { QUERY_METRICS, runReadOnlyQuery, sqlFingerprint } from '../src/use-cases/run-read-only-query.js';

const policy = { defaultRows: 20, maxRows: 50, maxBytes: 4096, timeoutMs: 1234, maxSqlLength: 200 };
const setup = (options: Parameters<typeof createFakeDatabase>[0] = {}) => {
  const db = createFakeDatabase(options);
  return { db, deps: fakeDeps(db, policy) };
};
const limitsOf = (db: ReturnType<typeof createFakeDatabase>, i = 0) =>
  db.callsTo('executeReadOnly')[i]?.args[1] as QueryLimits;

describe('runReadOnlyQuery', () => {
  it('clamps max_rows to the policy ceiling and defaults it, passing bytes and timeout through', async () => {
    const { db, deps } = setup();
    await runReadOnlyQuery(deps, { sql: 'SELECT * FROM CUSTMST', max_rows: 10_000 });
    await runReadOnlyQuery(deps, { sql: 'SELECT * FROM CUSTMST' });
    await runReadOnlyQuery(deps, { sql: 'SELECT * FROM CUSTMST', max_rows: 5 });
    expect([0, 1, 2].map((i) => limitsOf(db, i).maxRows)).toEqual([50, 20, 5]);
    expect(limitsOf(db)).toEqual({ maxRows: 50, maxBytes: 4096, timeoutMs: 1234 });
  });

  it('returns the capped rows with truncated set', async () => {
    const { deps } = setup();
    const result = (
      await runReadOnlyQuery(deps, { sql: 'SELECT * FROM CUSTMST', max_rows: 2 })
    )._unsafeUnwrap();
    expect(result).toMatchObject({ rowCount: 2, truncated: true, truncatedBy: 'rows' });
  });

  it('leaves the SQL fingerprint uncomputed until a logger reads the line', async () => {
    const contexts: Record<string, unknown>[] = [];
    const { deps } = setup();
    const keeping = {
      ...deps.logger,
      info: (_m: string, c?: Record<string, unknown>) => contexts.push(c ?? {}),
    };
    const sql = 'SELECT * FROM CUSTMST';
    (await runReadOnlyQuery({ ...deps, logger: keeping }, { sql }))._unsafeUnwrap();
    await runReadOnlyQuery({ ...deps, logger: keeping }, { sql: 'DELETE FROM CUSTMST' });
    expect(contexts).toHaveLength(2);
    for (const context of contexts) {
      // A getter, so a line dropped by the level filter never pays for the SHA-256.
      expect(typeof Object.getOwnPropertyDescriptor(context, 'sqlHash')?.get).toBe('function');
    }
    // Serialised (as a logger writes it), the fingerprint is there.
    expect(JSON.parse(JSON.stringify(contexts[0]))).toMatchObject({ sqlHash: sqlFingerprint(sql) });
    expect({ ...contexts[1] }).toMatchObject({
      sqlHash: sqlFingerprint('DELETE FROM CUSTMST'),
      errorKind: 'ReadOnlyViolation',
    });
  });

  it('records a query counter, a duration and one log line without the SQL text', async () => {
    const secretSql = "SELECT * FROM CUSTMST WHERE CUSTNM = 'Jane Secret-Client'";
    const { deps } = setup({
      execute: () => ({ columns: [{ name: 'X', logicalType: 'integer' }], rows: [[1]] }),
    });
    (await runReadOnlyQuery(deps, { sql: secretSql }, { caller: 'stdio' }))._unsafeUnwrap();
    expect(
      deps.metrics.total(QUERY_METRICS.queries, { dialect: 'sqlite', operation: 'run_query', outcome: 'ok' }),
    ).toBe(1);
    const durations = deps.metrics.named(QUERY_METRICS.duration);
    expect(durations).toHaveLength(1);
    expect(durations[0]?.value).toBeGreaterThanOrEqual(0);
    expect(durations[0]?.value).toBeLessThan(5);
    expect(deps.logger.lines).toHaveLength(1);
    expect(deps.logger.lines[0]).toMatchObject({
      level: 'info',
      message: 'query',
      context: {
        operation: 'run_query',
        sqlHash: sqlFingerprint(secretSql),
        rows: 1,
        truncated: false,
        caller: 'stdio',
      },
    });
    expect(deps.logger.text()).not.toContain('Secret-Client');
    expect(deps.logger.text()).not.toContain('CUSTNM');
    // Labels stay low-cardinality: never SQL, never the caller.
    expect(JSON.stringify(deps.metrics.records)).not.toContain('CUSTMST');
  });

  it('records failures by kind, and logs the kind and code but not the driver message', async () => {
    const failure = dbFailure('DriverError', {
      message: 'ERROR at host db.internal user=admin password=hunter2',
      originalCode: 'XX000',
    });
    const { deps } = setup({ failWith: { executeReadOnly: failure } });
    expect((await runReadOnlyQuery(deps, { sql: 'SELECT * FROM CUSTMST' }))._unsafeUnwrapErr()).toBe(failure);
    expect(deps.metrics.total(QUERY_METRICS.errors, { kind: 'DriverError', operation: 'run_query' })).toBe(1);
    expect(deps.metrics.total(QUERY_METRICS.queries, { outcome: 'error' })).toBe(1);
    expect(deps.logger.lines[0]?.context).toMatchObject({ errorKind: 'DriverError', errorCode: 'XX000' });
    expect(deps.logger.text()).not.toContain('hunter2');
  });

  it('refuses before touching the database when the guard says no, and still records it', async () => {
    const { db, deps } = setup();
    const empty = (await runReadOnlyQuery(deps, { sql: '   ' }))._unsafeUnwrapErr();
    expect(empty).toMatchObject({ kind: 'InvalidInput', field: 'sql' });
    const long = (
      await runReadOnlyQuery(deps, { sql: `SELECT * FROM CUSTMST -- ${'x'.repeat(300)}` })
    )._unsafeUnwrapErr();
    expect(long).toMatchObject({ kind: 'LimitExceeded', limit: 'sqlLength', max: 200 });
    expect(db.callsTo('executeReadOnly')).toHaveLength(0);
    expect(deps.metrics.total(QUERY_METRICS.errors, { kind: 'InvalidInput' })).toBe(1);
    expect(deps.metrics.total(QUERY_METRICS.errors, { kind: 'LimitExceeded' })).toBe(1);
  });

  it('hands the caller’s AbortSignal to the adapter, so cancelling stops the query', async () => {
    const { db, deps } = setup({ latencyMs: { executeReadOnly: 10_000 } });
    const controller = new AbortController();
    const pending = runReadOnlyQuery(deps, { sql: 'SELECT * FROM CUSTMST' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    expect((await pending)._unsafeUnwrapErr().kind).toBe('Cancelled');
    expect(db.callsTo('executeReadOnly')[0]?.signal).toBe(controller.signal);
    expect(deps.metrics.total(QUERY_METRICS.errors, { kind: 'Cancelled' })).toBe(1);
  });
});

describe('explainQuery', () => {
  it('answers Unsupported without calling the adapter when it cannot explain', async () => {
    const { db, deps } = setup({ capabilities: { supportsExplain: false } });
    const failure = (await explainQuery(deps, { sql: 'SELECT * FROM CUSTMST' }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'Unsupported', feature: 'explain_query' });
    expect(db.callsTo('explain')).toHaveLength(0);
  });

  it('returns the plan and records it as explain_query', async () => {
    const { db, deps } = setup();
    const plan = (await explainQuery(deps, { sql: 'SELECT * FROM ORDHDR' }))._unsafeUnwrap();
    expect(plan).toMatchObject({ dialect: 'sqlite' });
    expect(plan.text).toContain('ORDHDR');
    expect(db.callsTo('executeReadOnly')).toHaveLength(0);
    expect(deps.metrics.total(QUERY_METRICS.queries, { operation: 'explain_query', outcome: 'ok' })).toBe(1);
  });

  it('refuses what the guard refuses before asking for a plan', async () => {
    const { db, deps } = setup();
    expect((await explainQuery(deps, { sql: '' }))._unsafeUnwrapErr().kind).toBe('InvalidInput');
    expect(db.callsTo('explain')).toHaveLength(0);
  });
});

describe('runReadOnlyQuery with a query cache', () => {
  it('answers a repeated query from the cache (marked cached), after the guard, with the same limits', async () => {
    const { db, deps } = setup();
    const cached = {
      ...deps,
      queryCache: createQueryCache({ cache: createMemoryCache(), ttlMs: 60_000, source: 'test' }),
    };
    const first = (
      await runReadOnlyQuery(cached, { sql: 'SELECT * FROM CUSTMST', max_rows: 5 })
    )._unsafeUnwrap();
    const second = (
      await runReadOnlyQuery(cached, { sql: 'SELECT * FROM CUSTMST', max_rows: 5 })
    )._unsafeUnwrap();
    expect(db.callsTo('executeReadOnly')).toHaveLength(1);
    expect(second).toEqual({ ...first, cached: true });
    // Other caps are another answer; a refused statement never reaches the cache or the database.
    await runReadOnlyQuery(cached, { sql: 'SELECT * FROM CUSTMST', max_rows: 6 });
    expect(db.callsTo('executeReadOnly')).toHaveLength(2);
    const refused = await runReadOnlyQuery(cached, { sql: 'DELETE FROM CUSTMST' });
    expect(refused._unsafeUnwrapErr().kind).toBe('ReadOnlyViolation');
    expect(db.callsTo('executeReadOnly')).toHaveLength(2);
  });
});
