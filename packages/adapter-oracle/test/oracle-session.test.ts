import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import oracledb from 'oracledb';
import { describe, expect, it } from 'vitest';
import { createOracleAdapter } from '../src/index.js';
import {
  fetchTypeHandler,
  READ_ONLY_SQL,
  SESSION_SETUP_SQL,
  statementKindOf,
} from '../src/oracle-session.js';
import { blob, clob, FakeDriver, meta, oraError } from './fake-oracle.js';

const URL = 'oracle://reader:s3cret-pw@db.example:1521/FREEPDB1';
const LIMITS = { maxRows: 1_000, maxBytes: 1_000_000, timeoutMs: 5_000 };
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'oracle');

const events = (n: number) => ({
  metaData: [meta('EVENT_ID', 'NUMBER', 10, 0), meta('MESSAGE', 'VARCHAR2')],
  rows: Array.from({ length: n }, (_, i) => [String(i + 1), `event ${i + 1}`]),
});

function setup(rules: FakeDriver['rules'] = [], pool = {}) {
  const driver = new FakeDriver(rules);
  const db = createOracleAdapter({ url: URL, pool: { size: 1, maxOverflow: 0, ...pool } }, driver);
  return { driver, db };
}

describe('session statements', () => {
  it('opens each connection with the ISO formats and a UTC session time zone', async () => {
    const { driver, db } = setup([{ match: /event_log/, resultSet: events(1) }]);
    await db.executeReadOnly(q('SELECT * FROM event_log'), LIMITS);
    expect(driver.calls[0]).toMatchObject({ method: 'execute', sql: SESSION_SETUP_SQL });
    expect(SESSION_SETUP_SQL).toContain(`NLS_DATE_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS'`);
    expect(SESSION_SETUP_SQL).toContain(`TIME_ZONE = '+00:00'`);
    expect(SESSION_SETUP_SQL).toContain(`NLS_NUMERIC_CHARACTERS = '.,'`);
    await db.close();
  });

  it('runs SET TRANSACTION READ ONLY, the query through a ResultSet, and always a ROLLBACK', async () => {
    const { driver, db } = setup([{ match: /event_log/, resultSet: events(3) }]);
    const result = await db.executeReadOnly(q('SELECT * FROM event_log'), LIMITS);
    expect(result._unsafeUnwrap().rows).toEqual([
      [1, 'event 1'],
      [2, 'event 2'],
      [3, 'event 3'],
    ]);
    expect(driver.trace()).toEqual([
      `execute ${READ_ONLY_SQL.split(' ').slice(0, 3).join(' ')}`,
      'execute SELECT * FROM',
      'getRows',
      'closeResultSet',
      'rollback',
    ]);
    const query = driver.calls.find((c) => c.sql === 'SELECT * FROM event_log')!;
    expect(query.options).toMatchObject({
      resultSet: true,
      outFormat: oracledb.OUT_FORMAT_ARRAY,
      fetchArraySize: 500,
      fetchTypeHandler,
    });
    // callTimeout bounds every round trip, a little after the query's own deadline.
    expect(query.callTimeout).toBe(LIMITS.timeoutMs + 250);
    await db.close();
  });

  it('rolls back after a failed statement and keeps the connection', async () => {
    const { driver, db } = setup([
      {
        match: /no_such/,
        error: oraError('ORA-00942', 'ORA-00942: table or view "READER"."NO_SUCH" does not exist'),
      },
      { match: /event_log/, resultSet: events(1) },
    ]);
    const failure = (await db.executeReadOnly(q('SELECT * FROM no_such'), LIMITS))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'ObjectNotFound', objectType: 'table', name: 'READER.NO_SUCH' });
    expect(driver.trace().slice(-1)).toEqual(['rollback']);
    await db.executeReadOnly(q('SELECT * FROM event_log'), LIMITS);
    expect(driver.connections).toHaveLength(1);
    await db.close();
  });

  it.each([
    ['CREATE TABLE x (id NUMBER)'],
    ['DROP TABLE event_log'],
    ['  /* hint */ TRUNCATE TABLE event_log'],
    ['BEGIN NULL; END;'],
    ['DELETE FROM event_log'],
    ['ALTER SESSION SET CURRENT_SCHEMA = SYS'],
  ])('never sends %s (DDL commits outside the read-only transaction)', async (sql) => {
    const { driver, db } = setup();
    const failure = (await db.executeReadOnly(q(sql), LIMITS))._unsafeUnwrapErr();
    expect(failure.kind).toBe('ReadOnlyViolation');
    expect(driver.statements()).toEqual([]);
    await db.close();
  });

  it('classifies statements by their first keyword after comments and parentheses', () => {
    expect(statementKindOf('-- note\n(SELECT 1 FROM dual)')).toBe('query');
    expect(statementKindOf('/* a */ /* b */ WITH t AS (SELECT 1 FROM dual) SELECT * FROM t')).toBe('query');
    expect(statementKindOf('MERGE INTO t USING s ON (1=1) WHEN MATCHED THEN UPDATE SET a = 1')).toBe('dml');
    expect(statementKindOf('GRANT SELECT ON t TO x')).toBe('ddl');
    expect(statementKindOf('DECLARE x NUMBER; BEGIN NULL; END;')).toBe('plsql');
    expect(statementKindOf('EXPLAIN PLAN FOR SELECT 1 FROM dual')).toBe('other');
  });

  it('maps a write the read-only transaction refused (ORA-01456) to ReadOnlyViolation', async () => {
    const { db } = setup([
      {
        match: /my_writing_view/,
        error: oraError(
          'ORA-01456',
          'ORA-01456: may not perform insert, delete, update operation inside a READ ONLY transaction',
        ),
      },
    ]);
    const failure = (await db.executeReadOnly(q('SELECT * FROM my_writing_view'), LIMITS))._unsafeUnwrapErr();
    expect(failure.kind).toBe('ReadOnlyViolation');
    await db.close();
  });
});

describe('caps', () => {
  it('stops at maxRows, fetching one row past the cap and no more', async () => {
    const { driver, db } = setup([{ match: /event_log/, resultSet: events(5_000) }]);
    const result = (
      await db.executeReadOnly(q('SELECT * FROM event_log'), { ...LIMITS, maxRows: 10 })
    )._unsafeUnwrap();
    expect(result).toMatchObject({ rowCount: 10, truncated: true, truncatedBy: 'rows' });
    expect(driver.resultSets[0]!.fetched).toBe(11);
    expect(driver.resultSets[0]!.closed).toBe(true);
    await db.close();
  });

  it('reads everything when the result fits, in fetchArraySize batches', async () => {
    const { driver, db } = setup([{ match: /event_log/, resultSet: events(1_200) }]);
    const result = (
      await db.executeReadOnly(q('SELECT * FROM event_log'), { ...LIMITS, maxRows: 5_000 })
    )._unsafeUnwrap();
    expect(result).toMatchObject({ rowCount: 1_200, truncated: false });
    expect(driver.calls.filter((c) => c.method === 'getRows').map((c) => c.options?.count)).toEqual([
      500, 500, 500,
    ]);
    await db.close();
  });

  it('stops at maxBytes after the first batch of a wide result', async () => {
    const { driver, db } = setup([{ match: /event_log/, resultSet: events(5_000) }]);
    const result = (
      await db.executeReadOnly(q('SELECT * FROM event_log'), { ...LIMITS, maxRows: 5_000, maxBytes: 2_000 })
    )._unsafeUnwrap();
    expect(result).toMatchObject({ truncated: true, truncatedBy: 'bytes' });
    expect(result.rowCount).toBeGreaterThan(0);
    expect(JSON.stringify(result.rows).length).toBeLessThanOrEqual(2_000);
    expect(driver.resultSets[0]!.fetched).toBe(500);
    await db.close();
  });

  it('reads only the capped part of CLOBs and BLOBs, keeping their full length', async () => {
    const big = clob('x'.repeat(100_000));
    const small = clob('short');
    const bytes = blob(Buffer.alloc(10_000, 7));
    const driver = new FakeDriver([
      {
        match: /docs/,
        resultSet: {
          metaData: [meta('BODY', 'CLOB'), meta('NOTE', 'CLOB'), meta('IMAGE', 'BLOB')],
          rows: [[big, small, bytes]],
        },
      },
    ]);
    const driverDb = createOracleAdapter({ url: URL, maxLobChars: 10, maxBinaryBytes: 4 }, driver);
    const [row] = (await driverDb.executeReadOnly(q('SELECT * FROM docs'), LIMITS))._unsafeUnwrap().rows;
    expect(row).toEqual([
      { text: 'xxxxxxxxxx', length: 100_000, truncated: true },
      'short',
      { $binary: Buffer.alloc(4, 7).toString('base64'), length: 10_000, truncated: true },
    ]);
    expect(big.reads).toEqual([[1, 10]]);
    expect(bytes.reads).toEqual([[1, 4]]);
    await driverDb.close();
  });
});

describe('timeout and cancel', () => {
  it('sends connection.break() at the deadline and answers Timeout; the connection is retired', async () => {
    const { driver, db } = setup([{ match: /slow/, hang: true }]);
    const started = performance.now();
    const failure = (
      await db.executeReadOnly(q('SELECT * FROM slow'), { ...LIMITS, timeoutMs: 100 })
    )._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'Timeout', timeoutMs: 100 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(driver.trace()).toContain('break');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(driver.connections[0]!.closed).toBe(true);
    await db.close();
  });

  it('sends connection.break() when the caller aborts and answers Cancelled', async () => {
    const { driver, db } = setup([{ match: /slow/, hang: true }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const failure = (
      await db.executeReadOnly(q('SELECT * FROM slow'), LIMITS, controller.signal)
    )._unsafeUnwrapErr();
    expect(failure.kind).toBe('Cancelled');
    expect(driver.trace()).toContain('break');
    await db.close();
  });

  it('answers at once, without touching the server, when already aborted', async () => {
    const { driver, db } = setup();
    const controller = new AbortController();
    controller.abort();
    const failure = (
      await db.executeReadOnly(q('SELECT 1 FROM dual'), LIMITS, controller.signal)
    )._unsafeUnwrapErr();
    expect(failure.kind).toBe('Cancelled');
    expect(driver.calls).toEqual([]);
    await db.close();
  });

  it('abandons a connection whose break is never acknowledged, within the grace period', async () => {
    const driver = new FakeDriver([{ match: /slow/, hang: true, ignoreBreak: true }]);
    driver.breakHangs = true;
    const db = createOracleAdapter(
      { url: URL, cancelGraceMs: 100, pool: { size: 1, maxOverflow: 0 } },
      driver,
    );
    const started = performance.now();
    const failure = (
      await db.executeReadOnly(q('SELECT * FROM slow'), { ...LIMITS, timeoutMs: 100 })
    )._unsafeUnwrapErr();
    expect(failure.kind).toBe('Timeout');
    expect(performance.now() - started).toBeLessThan(1_000);
    // The slot is free again: the next query gets a new connection.
    driver.rules = [{ match: /event_log/, resultSet: events(1) }];
    expect((await db.executeReadOnly(q('SELECT * FROM event_log'), LIMITS)).isOk()).toBe(true);
    expect(driver.connections).toHaveLength(2);
    await db.close();
  });

  it('maps the driver call timeout (NJS-123) to Timeout', async () => {
    const { db } = setup([
      { match: /slow/, error: oraError('NJS-123', 'NJS-123: call timeout of 5250 ms exceeded') },
    ]);
    const failure = (await db.executeReadOnly(q('SELECT * FROM slow'), LIMITS))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'Timeout', timeoutMs: LIMITS.timeoutMs });
    await db.close();
  });

  it('close() interrupts a running query and later calls fail with ConnectionFailed', async () => {
    const { db } = setup([{ match: /slow/, hang: true }]);
    const running = db.executeReadOnly(q('SELECT * FROM slow'), LIMITS);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = db.close();
    expect((await running)._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
    await closed;
    expect((await db.ping())._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
  });
});

describe('pool', () => {
  it('answers PoolExhausted after acquireTimeoutMs when every connection is busy', async () => {
    const { db } = setup([{ match: /slow/, hang: true }], { size: 1, maxOverflow: 0, acquireTimeoutMs: 100 });
    const busy = db.executeReadOnly(q('SELECT * FROM slow'), { ...LIMITS, timeoutMs: 2_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(db.poolStats()).toMatchObject({ size: 1, max: 1, active: 1, idle: 0 });
    const started = performance.now();
    const failure = (await db.ping())._unsafeUnwrapErr();
    expect(failure.kind).toBe('PoolExhausted');
    expect(performance.now() - started).toBeGreaterThanOrEqual(80);
    await db.close();
    await busy;
  });

  it('pre-pings an idle connection and replaces it silently when the ping fails', async () => {
    const driver = new FakeDriver();
    const adapter = createOracleAdapter(
      { url: URL, prePingIdleMs: 0, pool: { size: 1, maxOverflow: 0 } },
      driver,
    );
    expect((await adapter.ping()).isOk()).toBe(true);
    driver.connections[0]!.healthy = false;
    expect((await adapter.ping()).isOk()).toBe(true);
    expect(driver.connections).toHaveLength(2);
    await adapter.close();
  });

  it('passes the connect string, config directory, wallet and timeouts to getConnection', async () => {
    const driver = new FakeDriver();
    const db = createOracleAdapter(
      {
        url: 'oracle://reader@prod_ro?configDir=/etc/tns&walletLocation=/etc/wallet&sslServerDNMatch=true',
        password: 'from-secret-port',
        walletPassword: 'wallet-pw',
        connectTimeoutMs: 3_000,
      },
      driver,
    );
    await db.ping();
    expect(driver.attributes[0]).toMatchObject({
      user: 'reader',
      password: 'from-secret-port',
      connectString: 'prod_ro',
      configDir: '/etc/tns',
      walletLocation: '/etc/wallet',
      walletPassword: 'wallet-pw',
      sslServerDNMatch: true,
      connectTimeout: 3,
      transportConnectTimeout: 3,
    });
    await db.close();
  });

  it('redacts the password from a connection failure', async () => {
    const driver = new FakeDriver();
    driver.connectError = oraError(
      'ORA-01017',
      'ORA-01017: invalid credential or not authorized; logon denied (s3cret-pw)',
    );
    const db = createOracleAdapter({ url: URL }, driver);
    const failure = (await db.ping())._unsafeUnwrapErr();
    expect(failure.kind).toBe('AuthenticationFailed');
    expect(failure.message).not.toContain('s3cret-pw');
    await db.close();
  });
});
