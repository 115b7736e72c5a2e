import { skipOrFail } from '@legacybridge/adapter-conformance';
import { checkReadOnlySql, type DatabasePort, type QueryLimits } from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createMysqlAdapter, type MysqlAdapterConfig } from '../src/index.js';
import {
  connectAdmin,
  MILLION_ROWS_SQL,
  randomSuffix,
  runningWith,
  slowSql,
  urlFor,
  waitFor,
} from './mysql-test-db.js';

/**
 * The adapter against the real server (LEGACYBRIDGE_TEST_MYSQL_URL, default the local MariaDB), in a
 * database of its own: types, streaming caps, read-only session, session reset, cancel and timeout
 * on the server, errors end to end, catalog query counts.
 */

const LIMITS: QueryLimits = { maxRows: 1000, maxBytes: 1_048_576, timeoutMs: 10_000 };
const q = (sql: string) => unsafeAssumeReadOnly(sql, 'mysql');

const admin = await connectAdmin();
if ('skip' in admin) {
  skipOrFail('mysql', admin.skip);
} else {
  const suffix = randomSuffix();
  const database = `lb_my_${suffix}`;
  const roUser = `lb_ro_${suffix}`;
  const roPassword = `pw-${randomSuffix()}`;
  const limitedUser = `lb_one_${suffix}`;

  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  await admin.query(`USE \`${database}\``);
  await admin.query(`CREATE TABLE kinds (
      id INT PRIMARY KEY COMMENT 'the key',
      big BIGINT, ubig BIGINT UNSIGNED, dec1 DECIMAL(30,10), flt DOUBLE,
      dt DATETIME(6), ts TIMESTAMP(3) NULL, d DATE, tm TIME(2), yr YEAR,
      flag TINYINT(1), b1 BIT(1), b8 BIT(8),
      doc JSON, e ENUM('red','green'), s SET('a','b'), u UUID,
      bin VARBINARY(16), blb LONGBLOB, txt TEXT DEFAULT 'none') COMMENT 'every kind of value'`);
  await admin.query(`INSERT INTO kinds VALUES (1, -9223372036854775808, 18446744073709551615,
      12345678901234567890.0123456789, 1.5, '2003-04-05 06:07:08.123456', '2003-04-05 06:07:08.250', '1999-12-31',
      '-838:59:59.00', 2024, 1, b'1', b'10100101', '{"a": [1, 2.5, "x"], "n": null}', 'green', 'a,b',
      '123e4567-e89b-12d3-a456-426614174000', X'00FF', REPEAT(X'AB', 10000), 'héllo')`);
  await admin.query(`INSERT INTO kinds (id) VALUES (2)`);
  await admin.query('CREATE TABLE guarded (id INT PRIMARY KEY, v VARCHAR(10))');
  await admin.query("INSERT INTO guarded VALUES (1, 'one'), (2, 'two')");
  await admin.query('CREATE TABLE secret (id INT PRIMARY KEY)');
  for (let i = 0; i < 30; i++) await admin.query(`CREATE TABLE filler_${i} (id INT PRIMARY KEY, ref INT)`);
  await admin.query(`CREATE USER '${roUser}'@'%' IDENTIFIED BY '${roPassword}'`);
  await admin.query(`GRANT SELECT ON \`${database}\`.guarded TO '${roUser}'@'%'`);
  await admin.query(
    `CREATE USER '${limitedUser}'@'%' IDENTIFIED BY '${roPassword}' WITH MAX_USER_CONNECTIONS 1`,
  );
  await admin.query(`GRANT SELECT ON \`${database}\`.* TO '${limitedUser}'@'%'`);

  const adapters: DatabasePort[] = [];
  const adapter = (options: Partial<MysqlAdapterConfig> = {}) => {
    const port = createMysqlAdapter({ url: urlFor(database), ...options });
    adapters.push(port);
    return port;
  };
  const db = adapter();

  afterAll(async () => {
    await Promise.all(adapters.map((a) => a.close()));
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query(`DROP USER IF EXISTS '${roUser}'@'%'`);
    await admin.query(`DROP USER IF EXISTS '${limitedUser}'@'%'`);
    await admin.end();
  });

  const guardedRows = async () => {
    const [rows] = await admin.query(`SELECT id, v FROM \`${database}\`.guarded ORDER BY id`);
    return rows;
  };
  const tablesNow = async () => {
    const [rows] = await admin.query(
      'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1',
      [database],
    );
    return rows;
  };

  describe('types without loss (real server)', () => {
    it('returns every kind of value exactly, JSON-safe', async () => {
      const result = (await db.executeReadOnly(q('SELECT * FROM kinds ORDER BY id'), LIMITS))._unsafeUnwrap();
      const row = Object.fromEntries(result.columns.map((c, i) => [c.name, result.rows[0]?.[i]]));
      expect(row).toMatchObject({
        id: 1,
        big: '-9223372036854775808',
        ubig: '18446744073709551615',
        dec1: '12345678901234567890.0123456789',
        flt: 1.5,
        dt: '2003-04-05T06:07:08.123456',
        ts: '2003-04-05T06:07:08.250Z',
        d: '1999-12-31',
        tm: '-838:59:59.00',
        yr: 2024,
        flag: 1,
        b1: true,
        b8: { $binary: Buffer.from([0xa5]).toString('base64'), length: 1 },
        doc: { a: [1, 2.5, 'x'], n: null },
        e: 'green',
        s: 'a,b',
        u: '123e4567-e89b-12d3-a456-426614174000',
        bin: { $binary: Buffer.from([0, 255]).toString('base64'), length: 2 },
        txt: 'héllo',
      });
      expect(row.blb).toMatchObject({ length: 10_000, truncated: true });
      expect(Buffer.from((row.blb as { $binary: string }).$binary, 'base64')).toHaveLength(4096);
      expect(result.rows[1]?.slice(1, 19).every((v) => v === null)).toBe(true);
      const logical = Object.fromEntries(result.columns.map((c) => [c.name, c.logicalType]));
      expect(logical).toMatchObject({
        big: 'bigint',
        dec1: 'decimal',
        dt: 'timestamp',
        ts: 'timestamptz',
        d: 'date',
        tm: 'time',
        flag: 'boolean',
        b1: 'boolean',
        doc: 'json',
        e: 'enum',
        u: 'uuid',
        bin: 'binary',
        txt: 'text',
      });
      // The whole result survives a JSON round trip unchanged.
      expect(JSON.parse(JSON.stringify(result.rows))).toEqual(result.rows);
    });

    it('describes native and logical types, comments, defaults and MariaDB JSON', async () => {
      const detail = (await db.describeTable({ name: 'kinds' }))._unsafeUnwrap();
      expect(detail.table).toMatchObject({
        schema: database,
        name: 'kinds',
        kind: 'table',
        comment: 'every kind of value',
      });
      const col = (name: string) => detail.columns.find((c) => c.name === name);
      expect(col('id')).toMatchObject({
        nativeType: 'int(11)',
        logicalType: 'integer',
        primaryKeyPosition: 1,
        comment: 'the key',
        nullable: false,
      });
      expect(col('ubig')).toMatchObject({ nativeType: 'bigint(20) unsigned', logicalType: 'bigint' });
      expect(col('doc')?.logicalType).toBe('json');
      expect(col('e')).toMatchObject({ nativeType: "enum('red','green')", logicalType: 'enum' });
      expect(col('txt')?.default).toMatch(/none/);
      expect(col('ts')?.logicalType).toBe('timestamptz');
    });
  });

  describe('streaming with early stop', () => {
    it('stops a 1,000,000-row result at 1,000 rows in well under 2 s, without LIMIT', async () => {
      const marker = `lb-million-${suffix}`;
      const started = performance.now();
      const result = (
        await db.executeReadOnly(q(`${MILLION_ROWS_SQL} /* ${marker} */`), { ...LIMITS, maxRows: 1000 })
      )._unsafeUnwrap();
      const elapsed = performance.now() - started;
      expect(result).toMatchObject({ rowCount: 1000, truncated: true, truncatedBy: 'rows' });
      expect(elapsed).toBeLessThan(2000);
      // The server stops sending too: nothing keeps running with that text.
      expect(await waitFor(async () => (await runningWith(admin, marker)) === 0, 2000)).toBe(true);
    });

    it('stops at the byte cap and reports it', async () => {
      const result = (
        await db.executeReadOnly(q(MILLION_ROWS_SQL), { ...LIMITS, maxRows: 100_000, maxBytes: 10_000 })
      )._unsafeUnwrap();
      expect(result.truncatedBy).toBe('bytes');
      expect(result.rowCount).toBeGreaterThan(0);
      expect(JSON.stringify(result.rows).length).toBeLessThanOrEqual(10_000);
    });

    it('reads exactly maxRows without calling it truncated when no more rows exist', async () => {
      const result = (
        await db.executeReadOnly(q('SELECT id FROM guarded ORDER BY id'), { ...LIMITS, maxRows: 2 })
      )._unsafeUnwrap();
      expect(result).toMatchObject({ rowCount: 2, truncated: false });
    });
  });

  describe('read-only session (layer 2, guard bypassed)', () => {
    it.each([
      "INSERT INTO guarded VALUES (3, 'three')",
      "UPDATE guarded SET v = 'x'",
      'DELETE FROM guarded',
      'CREATE TABLE intruder (id INT)',
      'DROP TABLE guarded',
    ])('the database refuses %s and nothing changes', async (sql) => {
      const before = [await guardedRows(), await tablesNow()];
      const result = await db.executeReadOnly(q(sql), LIMITS);
      expect(result.isErr()).toBe(true);
      expect(['ReadOnlyViolation', 'PermissionDenied']).toContain(result._unsafeUnwrapErr().kind);
      expect([await guardedRows(), await tablesNow()]).toEqual(before);
    });

    it('a COMMIT, a stacked COMMIT; INSERT, or a READ WRITE transaction cannot end the read-only session', async () => {
      const one = adapter({ pool: { size: 1, maxOverflow: 0 } });
      const before = await guardedRows();
      expect(
        (
          await one.executeReadOnly(q("COMMIT; INSERT INTO guarded VALUES (9, 'x')"), LIMITS)
        )._unsafeUnwrapErr().kind,
      ).toBe('SyntaxError');
      expect((await one.executeReadOnly(q('COMMIT'), LIMITS)).isOk()).toBe(true);
      expect(
        (await one.executeReadOnly(q("INSERT INTO guarded VALUES (9, 'x')"), LIMITS))._unsafeUnwrapErr().kind,
      ).toBe('ReadOnlyViolation');
      // Each of these leaves state in the session; the reset afterwards must undo it.
      for (const sql of [
        'START TRANSACTION READ WRITE',
        'SET SESSION TRANSACTION READ WRITE',
        'SET SESSION tx_read_only = 0',
      ]) {
        await one.executeReadOnly(q(sql), LIMITS);
        const write = await one.executeReadOnly(q("INSERT INTO guarded VALUES (9, 'x')"), LIMITS);
        expect(write.isErr(), sql).toBe(true);
      }
      expect(await guardedRows()).toEqual(before);
    });

    it('user variables and GET_LOCK do not outlive the query on the pooled connection', async () => {
      const one = adapter({ pool: { size: 1, maxOverflow: 0 } });
      const id = async () =>
        (await one.executeReadOnly(q('SELECT CONNECTION_ID()'), LIMITS))._unsafeUnwrap().rows[0]?.[0];
      const first = await id();
      await one.executeReadOnly(q('SELECT @lb_leak := 42'), LIMITS);
      expect(
        (await one.executeReadOnly(q('SELECT @lb_leak'), LIMITS))._unsafeUnwrap().rows[0]?.[0],
      ).toBeNull();
      const lock = `lb_lock_${suffix}`;
      expect(
        (await one.executeReadOnly(q(`SELECT GET_LOCK('${lock}', 0)`), LIMITS))._unsafeUnwrap().rows[0]?.[0],
      ).toBe(1);
      // The reset runs right after the answer, before the session can be leased again.
      const isFree = async () => {
        const [free] = await admin.query('SELECT IS_FREE_LOCK(?) AS free', [lock]);
        return Number((free as { free: number }[])[0]?.free) === 1;
      };
      expect(await waitFor(isFree, 2_000)).toBe(true);
      expect(
        (await one.executeReadOnly(q(`SELECT IS_USED_LOCK('${lock}')`), LIMITS))._unsafeUnwrap().rows[0]?.[0],
      ).toBeNull();
      // Reset, not reconnect: the same server session served all of it.
      expect(await id()).toBe(first);
    });
    // The text proves nothing: `SELECT * FROM leaky` names no variable and no lock, yet the view's
    // stored function sets one and takes the other. Neither may reach the next lease (pool of 1).
    it('a fresh session and a reset one parse alike (same sql_mode)', async () => {
      const one = adapter({ pool: { size: 1, maxOverflow: 0 } });
      const mode = async () =>
        (await one.executeReadOnly(q('SELECT @@SESSION.sql_mode, CONNECTION_ID()'), LIMITS))._unsafeUnwrap()
          .rows[0];
      const fresh = await mode();
      const reset = await mode();
      expect(reset).toEqual(fresh);
      expect(String(fresh?.[0])).not.toContain('IGNORE_SPACE');
    });

    it('a view whose stored function sets a variable and takes GET_LOCK leaves neither behind', async () => {
      const lock = `lb_view_lock_${suffix}`;
      await admin.query(`CREATE FUNCTION leak_fn() RETURNS INT NOT DETERMINISTIC
        BEGIN SET @lb_view_leak = 42; RETURN GET_LOCK('${lock}', 0); END`);
      await admin.query('CREATE VIEW leaky AS SELECT leak_fn() AS locked, CONNECTION_ID() AS id');
      const one = adapter({ pool: { size: 1, maxOverflow: 0 } });
      const sql = 'SELECT * FROM leaky';
      const checked = checkReadOnlySql(sql, 'mysql');
      expect(checked.isOk()).toBe(true);
      const first = (await one.executeReadOnly(checked._unsafeUnwrap(), LIMITS))._unsafeUnwrap().rows[0];
      expect(first?.[0]).toBe(1);
      const next = (
        await one.executeReadOnly(q(`SELECT @lb_view_leak, IS_USED_LOCK('${lock}'), CONNECTION_ID()`), LIMITS)
      )._unsafeUnwrap().rows[0];
      // Reset, not reconnect: the same server session.
      expect(next).toEqual([null, null, first?.[1]]);
      await admin.query('DROP VIEW leaky');
      await admin.query('DROP FUNCTION leak_fn');
    });

    it('a failed statement that took a lock first leaves it behind neither', async () => {
      const lock = `lb_fail_lock_${suffix}`;
      const one = adapter({ pool: { size: 1, maxOverflow: 0 } });
      const id = (await one.executeReadOnly(q('SELECT CONNECTION_ID()'), LIMITS))._unsafeUnwrap()
        .rows[0]?.[0];
      await admin.query(`CREATE FUNCTION lock_fn() RETURNS INT NOT DETERMINISTIC
        BEGIN SET @lb_fail_leak = 7; RETURN GET_LOCK('${lock}', 0); END`);
      const failed = await one.executeReadOnly(q('SELECT lock_fn(), no_such_column FROM guarded'), LIMITS);
      expect(failed.isErr()).toBe(true);
      const failedAfter = await one.executeReadOnly(
        q('SELECT lock_fn() + (SELECT 1 UNION SELECT 2)'),
        LIMITS,
      );
      expect(failedAfter.isErr()).toBe(true);
      const next = (
        await one.executeReadOnly(q(`SELECT @lb_fail_leak, IS_USED_LOCK('${lock}'), CONNECTION_ID()`), LIMITS)
      )._unsafeUnwrap().rows[0];
      expect(next).toEqual([null, null, id]);
      await admin.query('DROP FUNCTION lock_fn');
    });
  });

  describe('timeouts and cancellation on the server', () => {
    it('a server-side timeout stops the statement, and each query runs under its own timeout', async () => {
      const one = adapter({ pool: { size: 1, maxOverflow: 0 } });
      // max_statement_time (s) on MariaDB, max_execution_time (ms) on MySQL: compared with each other.
      const timeoutSetting = async (timeoutMs: number) =>
        Number(
          (
            await one.executeReadOnly(
              q("SHOW SESSION VARIABLES WHERE Variable_name IN ('max_statement_time', 'max_execution_time')"),
              { ...LIMITS, timeoutMs },
            )
          )._unsafeUnwrap().rows[0]?.[1],
        );
      const marker = `lb-timeout-${suffix}`;
      const started = performance.now();
      const failure = (
        await one.executeReadOnly(q(slowSql(marker)), { ...LIMITS, timeoutMs: 700 })
      )._unsafeUnwrapErr();
      expect(failure).toMatchObject({ kind: 'Timeout', timeoutMs: 700 });
      expect(performance.now() - started).toBeLessThan(1700);
      // Under load the server may need a moment to tear the statement down after the error.
      expect(await waitFor(async () => (await runningWith(admin, marker)) === 0, 1000)).toBe(true);
      // The reset after each statement re-applies the session settings with the timeout in use.
      const five = await timeoutSetting(5_000);
      expect(five).toBeGreaterThan(0);
      expect(await timeoutSetting(10_000)).toBe(five * 2);
      expect(await timeoutSetting(5_000)).toBe(five);
    });

    it('an aborted signal kills the statement on the server (KILL QUERY) and answers Cancelled', async () => {
      const marker = `lb-cancel-${suffix}`;
      const controller = new AbortController();
      const running = db.executeReadOnly(
        q(slowSql(marker)),
        { ...LIMITS, timeoutMs: 60_000 },
        controller.signal,
      );
      expect(await waitFor(async () => (await runningWith(admin, marker)) === 1, 5000)).toBe(true);
      const started = performance.now();
      controller.abort();
      expect((await running)._unsafeUnwrapErr().kind).toBe('Cancelled');
      expect(performance.now() - started).toBeLessThan(1500);
      expect(await waitFor(async () => (await runningWith(admin, marker)) === 0, 1000)).toBe(true);
      expect((await db.executeReadOnly(q('SELECT 1'), LIMITS)).isOk()).toBe(true);
    });
  });

  describe('errors end to end', () => {
    it('unknown table → ObjectNotFound, bad SQL → SyntaxError with position, unknown column → ObjectNotFound', async () => {
      expect((await db.executeReadOnly(q('SELECT * FROM nope'), LIMITS))._unsafeUnwrapErr()).toMatchObject({
        kind: 'ObjectNotFound',
        objectType: 'table',
        name: 'nope',
      });
      const sql = 'SELECT id,\n  FROM guarded';
      const syntax = (await db.executeReadOnly(q(sql), LIMITS))._unsafeUnwrapErr();
      expect(syntax).toMatchObject({ kind: 'SyntaxError', position: sql.indexOf('FROM') + 1 });
      expect(syntax.publicDetail).toContain("near 'FROM guarded' at line 2");
      expect(
        (await db.executeReadOnly(q('SELECT qty FROM guarded'), LIMITS))._unsafeUnwrapErr(),
      ).toMatchObject({
        kind: 'ObjectNotFound',
        objectType: 'column',
      });
    });

    it('describeTable of an unknown table → ObjectNotFound (table)', async () => {
      expect((await db.describeTable({ name: 'nope' }))._unsafeUnwrapErr()).toMatchObject({
        kind: 'ObjectNotFound',
        objectType: 'table',
        name: 'nope',
      });
      expect(
        (await db.describeTable({ schema: 'no_such_db', name: 'guarded' }))._unsafeUnwrapErr().kind,
      ).toBe('ObjectNotFound');
    });

    it('wrong password → AuthenticationFailed, and the password appears in no message', async () => {
      const wrong = adapter({ url: urlFor(database, { user: roUser, password: 'not-the-password' }) });
      const failure = (await wrong.ping())._unsafeUnwrapErr();
      expect(failure.kind).toBe('AuthenticationFailed');
      expect(`${failure.message} ${failure.publicDetail ?? ''}`).not.toContain('not-the-password');
    });

    it('a password from the SecretPort replaces the URL one', async () => {
      const port = adapter({
        url: urlFor(database, { user: roUser, password: 'wrong' }),
        password: roPassword,
      });
      expect((await port.ping()).isOk()).toBe(true);
    });

    it('a denied table → PermissionDenied without user and host in publicDetail', async () => {
      const ro = adapter({ url: urlFor(database, { user: roUser, password: roPassword }) });
      expect((await ro.executeReadOnly(q('SELECT * FROM guarded'), LIMITS)).isOk()).toBe(true);
      const failure = (await ro.executeReadOnly(q('SELECT * FROM secret'), LIMITS))._unsafeUnwrapErr();
      expect(failure.kind).toBe('PermissionDenied');
      expect(failure.publicDetail).not.toContain(roUser);
    });

    it('closed port and unknown host → ConnectionFailed within a few seconds', async () => {
      for (const hostPort of ['127.0.0.1:1', 'no-such-host.invalid:3306']) {
        const port = adapter({ url: urlFor(database, { hostPort }), connectTimeoutMs: 3000 });
        const started = performance.now();
        expect((await port.ping())._unsafeUnwrapErr().kind, hostPort).toBe('ConnectionFailed');
        expect(performance.now() - started).toBeLessThan(4000);
      }
    });

    it('too many connections for the user → ConnectionFailed saying so', async () => {
      const port = adapter({
        url: urlFor(database, { user: limitedUser, password: roPassword }),
        pool: { size: 2, maxOverflow: 0 },
      });
      const controller = new AbortController();
      const busy = port.executeReadOnly(
        q(slowSql(`lb-busy-${suffix}`)),
        { ...LIMITS, timeoutMs: 30_000 },
        controller.signal,
      );
      await waitFor(() => port.poolStats().active === 1 && port.poolStats().size === 1, 5000);
      await new Promise((r) => setTimeout(r, 100));
      const failure = (await port.executeReadOnly(q('SELECT 1'), LIMITS))._unsafeUnwrapErr();
      controller.abort();
      await busy;
      // MariaDB answers 1226 (resource limit), MySQL 1203 (too many user connections).
      expect(failure.kind).toBe('ConnectionFailed');
      expect(['1203', '1226']).toContain(failure.originalCode);
      expect(failure.publicDetail).toMatch(/too many connections/);
    });
  });

  describe('introspection with a fixed number of catalog queries', () => {
    // Com_select counts the SELECTs of one server session: a one-connection pool makes it ours.
    const one = () => adapter({ pool: { size: 1, maxOverflow: 0 } });
    const selects = async (port: DatabasePort) =>
      Number(
        (await port.executeReadOnly(q("SHOW SESSION STATUS LIKE 'Com_select'"), LIMITS))._unsafeUnwrap()
          .rows[0]?.[1],
      );

    it('listTables: 1 query for 33 tables, with comments, and no system schema', async () => {
      const port = one();
      const before = await selects(port);
      const tables = (await port.listTables())._unsafeUnwrap();
      expect((await selects(port)) - before).toBe(1);
      expect(tables).toHaveLength(33);
      expect(tables.find((t) => t.name === 'kinds')).toMatchObject({
        schema: database,
        comment: 'every kind of value',
        kind: 'table',
      });
      expect(tables.every((t) => t.rowEstimate === undefined || t.rowEstimate >= 0)).toBe(true);
    });

    it('listColumns: 1 query for every column, 2 when a LONGTEXT column may be MariaDB JSON', async () => {
      const port = one();
      // Caller SQL, not serverInfo(): the reset after it zeroes the session's Com_select again.
      const mariadb = /mariadb/i.test(
        String((await port.executeReadOnly(q('SELECT VERSION()'), LIMITS))._unsafeUnwrap().rows[0]?.[0]),
      );
      const before = await selects(port);
      const columns = (await port.listColumns())._unsafeUnwrap();
      expect((await selects(port)) - before).toBe(mariadb ? 2 : 1);
      expect(columns.filter((c) => c.table.name.startsWith('filler_'))).toHaveLength(60);
      expect(columns.find((c) => c.table.name === 'kinds' && c.name === 'doc')?.logicalType).toBe('json');
      // Grouped by table in name order, each table's columns in ordinal order (the query has no ORDER BY).
      const tables = [...new Set(columns.map((c) => c.table.name))];
      expect(tables).toEqual([...tables].sort());
      expect(columns.filter((c) => c.table.name === 'kinds').map((c) => c.name)).toEqual([
        'id',
        'big',
        'ubig',
        'dec1',
        'flt',
        'dt',
        'ts',
        'd',
        'tm',
        'yr',
        'flag',
        'b1',
        'b8',
        'doc',
        'e',
        's',
        'u',
        'bin',
        'blb',
        'txt',
      ]);
      expect(columns.find((c) => c.table.name === 'kinds' && c.name === 'id')?.comment).toBe('the key');
      expect(columns.find((c) => c.table.name === 'kinds' && c.name === 'blb')?.logicalType).toBe('binary');

      // A schema without LONGTEXT columns: no CHECK_CONSTRAINTS read.
      const plain = `${database}_plain`;
      await admin.query(`CREATE DATABASE \`${plain}\``);
      try {
        await admin.query(`CREATE TABLE \`${plain}\`.t (id INT PRIMARY KEY, note TEXT)`);
        const start = await selects(port);
        const plainColumns = (await port.listColumns({ schema: plain }))._unsafeUnwrap();
        expect((await selects(port)) - start).toBe(1);
        expect(plainColumns.map((c) => [c.table.schema, c.table.name, c.name, c.logicalType])).toEqual([
          [plain, 't', 'id', 'integer'],
          [plain, 't', 'note', 'text'],
        ]);
      } finally {
        await admin.query(`DROP DATABASE \`${plain}\``);
      }
    });

    it('describeTable: 4 queries whatever the schema size', async () => {
      const port = one();
      const before = await selects(port);
      (await port.describeTable({ name: 'kinds' }))._unsafeUnwrap();
      expect((await selects(port)) - before).toBe(4);
    });

    it('without a database in the URL, lists every non-system database, ours included', async () => {
      const port = adapter({ url: urlFor('') });
      const tables = (await port.listTables())._unsafeUnwrap();
      expect(tables.some((t) => t.schema === database && t.name === 'kinds')).toBe(true);
      expect(
        tables.some((t) =>
          ['mysql', 'information_schema', 'performance_schema', 'sys'].includes(t.schema ?? ''),
        ),
      ).toBe(false);
      expect(
        (await port.describeTable({ schema: database, name: 'guarded' }))._unsafeUnwrap().primaryKey,
      ).toEqual(['id']);
      expect((await port.describeTable({ name: 'guarded' }))._unsafeUnwrapErr().kind).toBe('ObjectNotFound');
    });
  });

  describe('explain and server info', () => {
    it('explains without executing, with a readable plan and the raw JSON', async () => {
      const started = performance.now();
      const plan = (await db.explain(q('SELECT SLEEP(5) FROM guarded WHERE id = 1'), LIMITS))._unsafeUnwrap();
      expect(performance.now() - started).toBeLessThan(2000);
      expect(plan.dialect).toBe('mysql');
      expect(plan.text).toMatch(/guarded/);
      expect(plan.raw).toHaveProperty('query_block');
    });

    it('answers a catalog fingerprint that stays put until a table is added', async () => {
      const fingerprint = async () => (await db.catalogFingerprint!())._unsafeUnwrap();
      const before = await fingerprint();
      expect(before).not.toBe('');
      expect(await fingerprint()).toBe(before);
      await admin.query(`CREATE TABLE \`${database}\`.fingerprint_probe (id INT)`);
      try {
        expect(await fingerprint()).not.toBe(before);
      } finally {
        await admin.query(`DROP TABLE \`${database}\`.fingerprint_probe`);
      }
    });

    it('reports version, user and database', async () => {
      const info = (await db.serverInfo())._unsafeUnwrap();
      expect(info).toMatchObject({ dialect: 'mysql', database });
      expect(info.version).toMatch(/^\d+\.\d+/);
    });
  });
}
