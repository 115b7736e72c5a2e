import type { DatabasePort, QueryLimits } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import sql from 'mssql';
import { afterEach, describe, expect, it } from 'vitest';
import { createMssqlAdapterFromResolved } from '../src/mssql-adapter.js';
import { type MssqlAdapterConfig, parseMssqlConfig } from '../src/mssql-config.js';
import {
  lockTimeoutFor,
  mayLeaveSessionState,
  readOnlyBatch,
  sessionPrefixSql,
} from '../src/mssql-session.js';
import { type FakeBehaviour, type FakeServer, fakeServer } from './fake-tedious.js';

const LIMITS: QueryLimits = { maxRows: 1000, maxBytes: 1024 * 1024, timeoutMs: 5_000 };
const PREFIX = 'SET LOCK_TIMEOUT 5000; SET XACT_ABORT ON; SET NOCOUNT ON; SET IMPLICIT_TRANSACTIONS ON; ';
const READ_COMMITTED = sql.ISOLATION_LEVEL.READ_COMMITTED;

const q = (text: string) => unsafeAssumeReadOnly(text, 'mssql');
const open: DatabasePort[] = [];

function adapterOn(server: FakeServer, options: Partial<MssqlAdapterConfig> = {}): DatabasePort {
  const config = parseMssqlConfig({
    url: 'mssql://reader:hunter2@sql.invalid/Legacy',
    cancelGraceMs: 200,
    ...options,
  })._unsafeUnwrap();
  const port = createMssqlAdapterFromResolved(config, {
    createDriverPool: (c) => server.createDriverPool(c),
  })._unsafeUnwrap();
  open.push(port);
  return port;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

const customers: FakeBehaviour = {
  sets: [
    {
      columns: [
        { name: 'customer_id', type: 'Int' },
        { name: 'name', type: 'NVarChar' },
        { name: 'big', type: 'BigInt' },
        { name: 'blob', type: 'VarBinary' },
      ],
      rows: [
        [1, 'Ada Lovelace', '9007199254740993', Buffer.from('deadbeef', 'hex')],
        [2, 'Grace Hopper', null, null],
      ],
    },
  ],
};

const manyRows = (n: number, chunk = 50): FakeBehaviour => ({
  chunk,
  sets: [
    {
      columns: [
        { name: 'event_id', type: 'Int' },
        { name: 'message', type: 'NVarChar' },
      ],
      rows: Array.from({ length: n }, (_, i) => [i + 1, `event ${i + 1}`]),
    },
  ],
});

describe('session statements', () => {
  it('prefixes the caller batch on its first line, so server line numbers stay the caller’s', () => {
    expect(sessionPrefixSql(5000)).toBe(PREFIX);
    expect(sessionPrefixSql(-3)).toMatch(/^SET LOCK_TIMEOUT 0;/);
    expect(readOnlyBatch('SELECT 1\nFROM t', 5000)).toBe(`${PREFIX}SELECT 1\nFROM t`);
    expect(readOnlyBatch('SELECT 1', 5000).split('\n')).toHaveLength(1);
    expect(lockTimeoutFor(5000, 1000)).toBe(1000);
    expect(lockTimeoutFor(5000, 60_000)).toBe(5000);
  });
});

describe('executeReadOnly on a fake tedious connection', () => {
  it('runs BEGIN (READ COMMITTED), the prefixed batch and ROLLBACK, and returns normalised rows', async () => {
    const server = fakeServer(() => customers);
    const db = adapterOn(server);
    const result = (await db.executeReadOnly(q('SELECT * FROM customers'), LIMITS))._unsafeUnwrap();
    expect(server.log).toEqual([
      `BEGIN ${READ_COMMITTED}`,
      `BATCH ${PREFIX}SELECT * FROM customers`,
      'ROLLBACK',
    ]);
    expect(result.columns).toEqual([
      { name: 'customer_id', nativeType: 'int', logicalType: 'integer' },
      { name: 'name', nativeType: 'nvarchar', logicalType: 'text' },
      { name: 'big', nativeType: 'bigint', logicalType: 'bigint' },
      { name: 'blob', nativeType: 'varbinary', logicalType: 'binary' },
    ]);
    expect(result.rows).toEqual([
      [1, 'Ada Lovelace', '9007199254740993', { $binary: '3q2+7w==', length: 4 }],
      [2, 'Grace Hopper', null, null],
    ]);
    expect(result).toMatchObject({ rowCount: 2, truncated: false });
  });

  it('caps the lock timeout at the query timeout', async () => {
    const server = fakeServer(() => customers);
    const db = adapterOn(server);
    await db.executeReadOnly(q('SELECT 1'), { ...LIMITS, timeoutMs: 1200 });
    expect(server.log[1]).toMatch(/^BATCH SET LOCK_TIMEOUT 1200;/);
  });

  it('reuses one connection for consecutive queries (the rollback leaves it clean)', async () => {
    const server = fakeServer(() => customers);
    const db = adapterOn(server);
    for (let i = 0; i < 3; i++) (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrap();
    expect(server.connections).toHaveLength(1);
    expect(server.log.filter((l) => l === 'ROLLBACK')).toHaveLength(3);
  });

  it('stops at maxRows: cancels the request, rolls back, and reads far fewer rows than exist', async () => {
    const server = fakeServer(() => manyRows(5000));
    const db = adapterOn(server);
    const result = (
      await db.executeReadOnly(q('SELECT * FROM event_log'), { ...LIMITS, maxRows: 10 })
    )._unsafeUnwrap();
    expect(result).toMatchObject({ rowCount: 10, truncated: true, truncatedBy: 'rows' });
    expect(result.rows.map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(server.log.slice(-2)).toEqual(['CANCEL', 'ROLLBACK']);
    expect(server.emitted[0]).toBeLessThan(200);
    // The connection survives the cancel and serves the next query.
    (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrap();
    expect(server.connections).toHaveLength(1);
  });

  it('a result of exactly maxRows rows is not truncated', async () => {
    const server = fakeServer(() => manyRows(10));
    const db = adapterOn(server);
    const result = (await db.executeReadOnly(q('SELECT 1'), { ...LIMITS, maxRows: 10 }))._unsafeUnwrap();
    expect(result).toMatchObject({ rowCount: 10, truncated: false });
    expect(server.log).not.toContain('CANCEL');
  });

  it('stops near maxBytes', async () => {
    const server = fakeServer(() => manyRows(5000));
    const db = adapterOn(server);
    const result = (await db.executeReadOnly(q('SELECT 1'), { ...LIMITS, maxBytes: 4096 }))._unsafeUnwrap();
    expect(result).toMatchObject({ truncated: true, truncatedBy: 'bytes' });
    expect(result.rowCount).toBeGreaterThan(0);
    expect(JSON.stringify(result.rows).length).toBeLessThanOrEqual(4096);
    expect(server.log).toContain('CANCEL');
  });

  it('returns only the first result set of a batch', async () => {
    const server = fakeServer(() => ({ sets: [...customers.sets!, ...manyRows(3).sets!] }));
    const db = adapterOn(server);
    const result = (await db.executeReadOnly(q('SELECT 1; SELECT 2'), LIMITS))._unsafeUnwrap();
    expect(result.rowCount).toBe(2);
    expect(result.columns[0]?.name).toBe('customer_id');
  });

  it('maps a server error, still rolls back, and keeps the connection', async () => {
    const server = fakeServer((text) =>
      text.includes('nope') ? { error: { number: 208, message: "Invalid object name 'nope'." } } : customers,
    );
    const db = adapterOn(server);
    const failure = (await db.executeReadOnly(q('SELECT * FROM nope'), LIMITS))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'ObjectNotFound', objectType: 'table', name: 'nope' });
    expect(server.log.at(-1)).toBe('ROLLBACK');
    (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrap();
    expect(server.connections).toHaveLength(1);
  });

  it('after the server ended the transaction itself, ends any transaction the batch opened later', async () => {
    const server = fakeServer((text) =>
      text.startsWith('IF @@TRANCOUNT')
        ? {}
        : { serverRollback: true, error: { number: 8134, message: 'Divide by zero error encountered.' } },
    );
    const db = adapterOn(server);
    const failure = (await db.executeReadOnly(q('SELECT 1/0'), LIMITS))._unsafeUnwrapErr();
    expect(failure.kind).toBe('DriverError');
    expect(server.log.at(-1)).toBe('BATCH IF @@TRANCOUNT > 0 ROLLBACK');
    expect(server.log).not.toContain('ROLLBACK');
    server.script = () => customers;
    (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrap();
    expect(server.connections).toHaveLength(1);
  });

  it('times out: cancels the running request and answers Timeout on time', async () => {
    const server = fakeServer(() => ({ ...manyRows(2), hang: true }));
    const db = adapterOn(server);
    const started = performance.now();
    const failure = (
      await db.executeReadOnly(q('SELECT slow'), { ...LIMITS, timeoutMs: 150 })
    )._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'Timeout', timeoutMs: 150 });
    expect(performance.now() - started).toBeLessThan(150 + 1000);
    expect(server.log).toContain('CANCEL');
    expect(server.log.at(-1)).toBe('ROLLBACK');
  });

  it('cancels when the signal aborts, and answers Cancelled', async () => {
    const server = fakeServer(() => ({ hang: true }));
    const db = adapterOn(server);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const failure = (
      await db.executeReadOnly(q('SELECT slow'), { ...LIMITS, timeoutMs: 20_000 }, controller.signal)
    )._unsafeUnwrapErr();
    expect(failure.kind).toBe('Cancelled');
    expect(server.log).toContain('CANCEL');
  });

  it('answers Cancelled at once for an aborted signal, without connecting', async () => {
    const server = fakeServer();
    const db = adapterOn(server);
    const controller = new AbortController();
    controller.abort();
    const failure = (await db.executeReadOnly(q('SELECT 1'), LIMITS, controller.signal))._unsafeUnwrapErr();
    expect(failure.kind).toBe('Cancelled');
    expect(server.connections).toHaveLength(0);
  });

  it('closes a connection whose server never acknowledges the cancel', async () => {
    const server = fakeServer(() => ({ hang: true, ignoreCancel: true }));
    const db = adapterOn(server, { cancelGraceMs: 100 });
    const started = performance.now();
    const failure = (
      await db.executeReadOnly(q('SELECT slow'), { ...LIMITS, timeoutMs: 100 })
    )._unsafeUnwrapErr();
    expect(failure.kind).toBe('Timeout');
    expect(performance.now() - started).toBeLessThan(1500);
    expect(server.log).toContain('CLOSE');
    await new Promise((r) => setTimeout(r, 50));
    expect(db.poolStats()).toMatchObject({ active: 0 });
    // Never reused: the next query opens a new connection.
    server.script = () => customers;
    (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrap();
    expect(server.connections).toHaveLength(2);
  });

  it('resets the session after SQL that may leave SET options, cursors or session context behind', async () => {
    const server = fakeServer(() => customers);
    const db = adapterOn(server);
    (await db.executeReadOnly(q('SELECT * FROM customers'), LIMITS))._unsafeUnwrap();
    expect(server.log).not.toContain('RESET');
    (await db.executeReadOnly(q('SET ROWCOUNT 1; SELECT * FROM customers'), LIMITS))._unsafeUnwrap();
    expect(server.log.slice(-2)).toEqual(['ROLLBACK', 'RESET']);
    expect(server.connections).toHaveLength(1);
    server.resetError = new Error('reset failed');
    (await db.executeReadOnly(q("EXEC sp_set_session_context 'k', 1"), LIMITS))._unsafeUnwrap();
    await new Promise((r) => setTimeout(r, 50));
    expect(server.log.at(-1)).toBe('CLOSE');
  });

  it('decides coarsely which SQL needs a reset', () => {
    for (const text of [
      'SET ANSI_NULLS OFF',
      'DECLARE c CURSOR GLOBAL FOR SELECT 1',
      'EXEC sp_getapplock',
      'SET CONTEXT_INFO 0x1',
    ]) {
      expect(mayLeaveSessionState(text), text).toBe(true);
    }
    for (const text of [
      'SELECT * FROM dbo.customers',
      'WITH x AS (SELECT 1 AS a) SELECT a FROM x',
      'SELECT offset FROM t',
    ]) {
      expect(mayLeaveSessionState(text), text).toBe(false);
    }
  });

  it('closes the connection when the rollback fails', async () => {
    const server = fakeServer(() => customers);
    server.rollbackError = Object.assign(new Error('rollback failed'), { code: 'EREQUEST' });
    const db = adapterOn(server);
    (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrap();
    await new Promise((r) => setTimeout(r, 50));
    expect(server.log).toContain('CLOSE');
    server.rollbackError = undefined;
    (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrap();
    expect(server.connections).toHaveLength(2);
  });

  it('answers AuthenticationFailed for a refused login, without the password', async () => {
    const server = fakeServer();
    server.connectError = Object.assign(new Error("Login failed for user 'reader' (password hunter2)."), {
      name: 'ConnectionError',
      code: 'ELOGIN',
    });
    const db = adapterOn(server);
    const failure = (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrapErr();
    expect(failure.kind).toBe('AuthenticationFailed');
    expect(failure.message).not.toContain('hunter2');
  });
});

describe('pooling on the fake connection', () => {
  it('answers PoolExhausted when the only connection stays busy past the acquire timeout', async () => {
    const server = fakeServer((text) => (text.includes('slow') ? { hang: true } : customers));
    const db = adapterOn(server, { pool: { size: 1, maxOverflow: 0, acquireTimeoutMs: 100 } });
    const controller = new AbortController();
    const busy = db.executeReadOnly(q('SELECT slow'), { ...LIMITS, timeoutMs: 20_000 }, controller.signal);
    await new Promise((r) => setTimeout(r, 30));
    expect(db.poolStats()).toMatchObject({ size: 1, max: 1, active: 1 });
    const failure = (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'PoolExhausted' });
    controller.abort();
    expect((await busy)._unsafeUnwrapErr().kind).toBe('Cancelled');
    (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrap();
  });

  it('serves more parallel queries than connections, within size + overflow', async () => {
    const server = fakeServer(() => customers);
    const db = adapterOn(server, { pool: { size: 1, maxOverflow: 1, acquireTimeoutMs: 5000 } });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => db.executeReadOnly(q('SELECT 1'), LIMITS)),
    );
    expect(results.every((r) => r.isOk())).toBe(true);
    expect(server.connections.length).toBeLessThanOrEqual(2);
    expect(db.poolStats()).toMatchObject({ active: 0, waiting: 0, max: 2 });
  });

  it('recycles a connection older than recycleMs', async () => {
    const server = fakeServer(() => customers);
    const db = adapterOn(server, { pool: { size: 1, recycleMs: 20 } });
    (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrap();
    await new Promise((r) => setTimeout(r, 40));
    (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrap();
    expect(server.connections).toHaveLength(2);
    expect(server.log).toContain('CLOSE');
  });

  it('pre-pings an idle connection with SELECT 1', async () => {
    const server = fakeServer(() => customers);
    const db = adapterOn(server, { prePingIdleMs: 0 });
    (await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrap();
    await new Promise((r) => setTimeout(r, 5));
    (await db.executeReadOnly(q('SELECT 2'), LIMITS))._unsafeUnwrap();
    expect(server.log).toContain('BATCH SELECT 1');
  });

  it('replaces a connection whose pre-ping fails', async () => {
    const server = fakeServer(() => customers);
    const db = adapterOn(server, { prePingIdleMs: 0 });
    (await db.executeReadOnly(q('SELECT 2'), LIMITS))._unsafeUnwrap();
    server.script = (text) =>
      text === 'SELECT 1'
        ? { error: { number: 10054, message: 'transport-level error', class: 20 } }
        : customers;
    await new Promise((r) => setTimeout(r, 5));
    (await db.executeReadOnly(q('SELECT 2'), LIMITS))._unsafeUnwrap();
    expect(server.connections).toHaveLength(2);
    expect(server.log).toContain('CLOSE');
    // ping() itself reports the server's failure as it is.
    expect((await db.ping())._unsafeUnwrapErr()).toMatchObject({
      kind: 'ConnectionFailed',
      originalCode: '10054',
    });
  });

  it('close() stops a running query with ConnectionFailed and refuses later calls', async () => {
    const server = fakeServer(() => ({ hang: true }));
    const db = adapterOn(server);
    const running = db.executeReadOnly(q('SELECT slow'), { ...LIMITS, timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 30));
    await db.close();
    expect((await running)._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    expect((await db.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrapErr().kind).toBe(
      'ConnectionFailed',
    );
  });
});

describe('ping and explain', () => {
  it('ping sends SELECT 1 outside any transaction', async () => {
    const server = fakeServer(() => ({ sets: [{ columns: [{ name: 'x', type: 'Int' }], rows: [[1]] }] }));
    const db = adapterOn(server);
    (await db.ping())._unsafeUnwrap();
    expect(server.log).toEqual(['BATCH SELECT 1']);
  });

  it('ping answers Timeout when SELECT 1 gets no answer, and drops that connection', async () => {
    const server = fakeServer(() => ({ hang: true }));
    const db = adapterOn(server, { connectTimeoutMs: 150 });
    const failure = (await db.ping())._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'Timeout', timeoutMs: 150 });
    expect(server.log).toContain('CANCEL');
    await new Promise((r) => setTimeout(r, 50));
    expect(db.poolStats()).toMatchObject({ size: 0 });
  });

  it('explain turns SHOWPLAN_XML on and off around the statement, inside a rolled-back transaction', async () => {
    const xml = `<ShowPlanXML><BatchSequence><Batch><Statements><StmtSimple StatementSubTreeCost="0.0032831">
      <QueryPlan><RelOp NodeId="0" PhysicalOp="Clustered Index Scan" LogicalOp="Clustered Index Scan" EstimateRows="3" EstimatedTotalSubtreeCost="0.0032831">
      <IndexScan/></RelOp></QueryPlan></StmtSimple></Statements></Batch></BatchSequence></ShowPlanXML>`;
    const server = fakeServer((text) =>
      text.startsWith('SELECT')
        ? { sets: [{ columns: [{ name: 'plan', type: 'NVarChar' }], rows: [[xml]] }] }
        : {},
    );
    const db = adapterOn(server);
    const plan = (await db.explain(q('SELECT customer_id FROM customers'), LIMITS))._unsafeUnwrap();
    expect(server.log).toEqual([
      `BEGIN ${READ_COMMITTED}`,
      'BATCH SET SHOWPLAN_XML ON',
      'BATCH SELECT customer_id FROM customers',
      'BATCH SET SHOWPLAN_XML OFF',
      'ROLLBACK',
    ]);
    expect(plan).toMatchObject({ dialect: 'mssql', estimatedCost: 0.0032831 });
    expect(plan.text).toBe('Clustered Index Scan  (cost=0.0032831 rows=3)');
  });
});
