import { describe, expect, it } from 'vitest';
import { dbFailure } from '../src/errors.js';
import {
  createFakeDatabase,
  createRecordingLogger,
  createRecordingMetrics,
  fakeDeps,
  unsafeAssumeReadOnly,
} from '../src/testing/index.js';

const q = (sql: string) => unsafeAssumeReadOnly(sql, 'sqlite');
const limits = { maxRows: 100, maxBytes: 1_000_000, timeoutMs: 5_000 };

describe('createFakeDatabase', () => {
  it('lists the legacy schema with kinds and describes keys in both directions', async () => {
    const db = createFakeDatabase();
    const tables = (await db.listTables())._unsafeUnwrap();
    expect(tables.map((t) => `${t.name}:${t.kind}`)).toEqual([
      'CUSTMST:table',
      'ITMMST:table',
      'ORDHDR:table',
      'ORDDTL:table',
      'V_OPENORD:view',
    ]);
    const cust = (await db.describeTable({ name: 'CUSTMST' }))._unsafeUnwrap();
    expect(cust.primaryKey).toEqual(['CUSTNO']);
    expect(cust.referencedBy.map((fk) => fk.table.name)).toEqual(['ORDHDR']);
    const dtl = (await db.describeTable({ name: 'ORDDTL' }))._unsafeUnwrap();
    expect(dtl.primaryKey).toEqual(['ORDNO', 'LINENO']);
    const missing = await db.describeTable({ name: 'custmst' });
    expect(missing._unsafeUnwrapErr()).toMatchObject({ kind: 'ObjectNotFound', objectType: 'table' });
  });

  it('answers SELECT *, COUNT(*), column lists and ORDER BY', async () => {
    const db = createFakeDatabase();
    const all = (await db.executeReadOnly(q('SELECT * FROM custmst'), limits))._unsafeUnwrap();
    expect(all.columns.map((c) => c.name)).toEqual(['CUSTNO', 'CUSTNM', 'CUSTCITY', 'CREDLMT']);
    expect(all.rowCount).toBe(3);
    expect(all.truncated).toBe(false);
    const count = (await db.executeReadOnly(q('select count(*) from ORDHDR;'), limits))._unsafeUnwrap();
    expect(count.rows).toEqual([[3]]);
    const cols = (
      await db.executeReadOnly(q('SELECT ordno, "ORDDT" FROM ordhdr ORDER BY ORDDT DESC'), limits)
    )._unsafeUnwrap();
    expect(cols.rows).toEqual([
      [1003, '2004-01-15'],
      [1002, '2003-04-06'],
      [1001, '2003-04-05'],
    ]);
  });

  it('maps unknown tables, writes and other SQL to failures', async () => {
    const db = createFakeDatabase();
    const unknown = await db.executeReadOnly(q('SELECT * FROM CUSTMSTR'), limits);
    expect(unknown._unsafeUnwrapErr()).toMatchObject({
      kind: 'ObjectNotFound',
      suggestions: expect.arrayContaining(['CUSTMST']),
    });
    expect((await db.executeReadOnly(q('DELETE FROM CUSTMST'), limits))._unsafeUnwrapErr().kind).toBe(
      'ReadOnlyViolation',
    );
    expect((await db.executeReadOnly(q('SELECT 1 + 1'), limits))._unsafeUnwrapErr().kind).toBe('SyntaxError');
  });

  it('stops at maxRows and at maxBytes and says why', async () => {
    const db = createFakeDatabase();
    const byRows = (
      await db.executeReadOnly(q('SELECT * FROM CUSTMST'), { ...limits, maxRows: 2 })
    )._unsafeUnwrap();
    expect(byRows).toMatchObject({ rowCount: 2, truncated: true, truncatedBy: 'rows' });
    const byBytes = (
      await db.executeReadOnly(q('SELECT * FROM CUSTMST'), { ...limits, maxBytes: 60 })
    )._unsafeUnwrap();
    expect(byBytes).toMatchObject({ rowCount: 1, truncated: true, truncatedBy: 'bytes' });
    const exact = (
      await db.executeReadOnly(q('SELECT * FROM CUSTMST'), { ...limits, maxRows: 3 })
    )._unsafeUnwrap();
    expect(exact.truncated).toBe(false);
  });

  it('times out a hanging handler and aborts the signal the handler got', async () => {
    let seen: AbortSignal | undefined;
    const db = createFakeDatabase({
      execute: (_query, ctx) => {
        seen = ctx.signal;
        return new Promise(() => {});
      },
    });
    const started = performance.now();
    const r = await db.executeReadOnly(q('SELECT * FROM CUSTMST'), { ...limits, timeoutMs: 50 });
    expect(r._unsafeUnwrapErr()).toMatchObject({ kind: 'Timeout', timeoutMs: 50 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(seen?.aborted).toBe(true);
    expect(db.running).toBe(0);
  });

  it('cancels on AbortSignal, before and during the query', async () => {
    const db = createFakeDatabase({ latencyMs: { executeReadOnly: 10_000 } });
    const controller = new AbortController();
    const pending = db.executeReadOnly(q('SELECT * FROM CUSTMST'), limits, controller.signal);
    setTimeout(() => controller.abort(), 20);
    expect((await pending)._unsafeUnwrapErr().kind).toBe('Cancelled');
    expect(db.callsTo('executeReadOnly')[0]?.signal).toBe(controller.signal);
    const again = await db.executeReadOnly(q('SELECT * FROM CUSTMST'), limits, controller.signal);
    expect(again._unsafeUnwrapErr().kind).toBe('Cancelled');
  });

  it('queues beyond the pool and reports PoolExhausted after the acquire timeout', async () => {
    const db = createFakeDatabase({
      latencyMs: { executeReadOnly: 200 },
      pool: { size: 1, maxOverflow: 0, acquireTimeoutMs: 50 },
    });
    const first = db.executeReadOnly(q('SELECT * FROM CUSTMST'), limits);
    await new Promise((r) => setTimeout(r, 5));
    expect(db.poolStats()).toMatchObject({ size: 1, max: 1, active: 1 });
    const second = await db.executeReadOnly(q('SELECT * FROM CUSTMST'), limits);
    expect(second._unsafeUnwrapErr()).toMatchObject({ kind: 'PoolExhausted' });
    expect((await first).isOk()).toBe(true);
    expect(db.poolStats().active).toBe(0);

    const roomy = createFakeDatabase({ latencyMs: { executeReadOnly: 20 }, pool: { size: 2 } });
    const many = await Promise.all(
      Array.from({ length: 8 }, () => roomy.executeReadOnly(q('SELECT COUNT(*) FROM CUSTMST'), limits)),
    );
    expect(many.every((r) => r.isOk())).toBe(true);
  });

  it('injects failures per method and changes them at run time', async () => {
    const down = dbFailure('ConnectionFailed', { message: 'down' });
    const db = createFakeDatabase({ failWith: { ping: down } });
    expect((await db.ping())._unsafeUnwrapErr()).toBe(down);
    db.setFailure('ping', undefined);
    expect((await db.ping()).isOk()).toBe(true);
  });

  it('closes idempotently and fails every call afterwards with ConnectionFailed', async () => {
    const db = createFakeDatabase({ latencyMs: { executeReadOnly: 10_000 } });
    const running = db.executeReadOnly(q('SELECT * FROM CUSTMST'), limits);
    await new Promise((r) => setTimeout(r, 5));
    await db.close();
    await db.close();
    expect((await running)._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    expect((await db.ping())._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    expect((await db.listTables())._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    expect((await db.executeReadOnly(q('SELECT * FROM CUSTMST'), limits))._unsafeUnwrapErr().kind).toBe(
      'ConnectionFailed',
    );
  });

  it('explains, or says Unsupported when the capability is off', async () => {
    const db = createFakeDatabase();
    const plan = (await db.explain(q('SELECT * FROM ORDHDR'), limits))._unsafeUnwrap();
    expect(plan.text).toContain('ORDHDR');
    const noExplain = createFakeDatabase({ capabilities: { supportsExplain: false } });
    expect((await noExplain.explain(q('SELECT * FROM ORDHDR'), limits))._unsafeUnwrapErr().kind).toBe(
      'Unsupported',
    );
  });
});

describe('recording fakes', () => {
  it('record metrics and log lines with child context', () => {
    const metrics = createRecordingMetrics();
    metrics.increment('x_total', { a: '1' });
    metrics.increment('x_total', { a: '2' }, 3);
    expect(metrics.total('x_total')).toBe(4);
    expect(metrics.total('x_total', { a: '2' })).toBe(3);
    const logger = createRecordingLogger();
    logger.child({ req: 'r1' }).warn('slow', { ms: 5 });
    expect(logger.lines).toEqual([{ level: 'warn', message: 'slow', context: { req: 'r1', ms: 5 } }]);
  });

  it('fakeDeps merges the policy over the defaults', () => {
    const deps = fakeDeps(undefined, { maxRows: 10 });
    expect(deps.policy.maxRows).toBe(10);
    expect(deps.policy.defaultRows).toBe(100);
    expect(deps.db.dialect).toBe('sqlite');
  });
});
