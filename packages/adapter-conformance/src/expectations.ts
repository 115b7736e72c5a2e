import type { Dialect, LogicalType } from '@legacybridge/core';

/** The statements the read-only scenarios try; each must leave the fixture unchanged. */
export interface WriteAttempts {
  readonly insert: string;
  readonly update: string;
  readonly delete: string;
  readonly createTable: string;
  readonly drop: string;
  /** A read followed by a write in one string: the second statement must never run. */
  readonly stacked: string;
}

/** What the suite expects of one dialect where engines legitimately differ. */
export interface DialectExpectations {
  /**
   * A read-only statement that runs for well over 10 s unless stopped. `table` qualifies a fixture
   * table name with the harness's schema, when it has one.
   */
  slowQuery(table: (name: string) => string): string;
  writes(table: (name: string) => string): WriteAttempts;
  /**
   * True where the read-only session is a transaction that is always rolled back (SQL Server): a write
   * may then "succeed" inside it, and only the unchanged fingerprint proves safety.
   */
  readonly writesMayRollBack: boolean;
  /** Native type names as the catalog reports them, per fixture column type. */
  readonly nativeTypes: {
    readonly integer: RegExp;
    readonly text: RegExp;
    readonly decimal: RegExp;
    readonly date: RegExp;
    readonly bigint: RegExp;
    readonly binary: RegExp;
  };
  /** Logical types of the fixture's columns where a dialect has a say. */
  readonly logicalTypes: {
    readonly integer: LogicalType;
    readonly date: LogicalType;
    readonly bigint: LogicalType;
  };
  /** `type_samples.exact_value` of row 1, as text, and whether it must arrive as a string (exact). */
  readonly decimal: { readonly text: string; readonly exact: boolean };
}

const writes =
  (dateLiteral: string, intType: string) =>
  (t: (name: string) => string): WriteAttempts => ({
    insert: `INSERT INTO ${t('customers')} (customer_id, name, created_on) VALUES (99, 'Intruder', ${dateLiteral})`,
    update: `UPDATE ${t('customers')} SET name = 'Changed'`,
    delete: `DELETE FROM ${t('order_lines')}`,
    createTable: `CREATE TABLE ${t('lb_intruder')} (id ${intType})`,
    drop: `DROP TABLE ${t('event_log')}`,
    stacked: `SELECT customer_id FROM ${t('customers')}; DELETE FROM ${t('order_lines')}`,
  });

// A triple self-join of event_log: 1.25e11 row combinations, far beyond any test timeout on every
// engine, with no sleep function (which some engines end quietly when interrupted, returning 1).
const CROSS_JOIN_COUNT = (t: (name: string) => string) =>
  `SELECT COUNT(*) FROM ${t('event_log')} a CROSS JOIN ${t('event_log')} b CROSS JOIN ${t('event_log')} c` +
  ' WHERE a.event_id + b.event_id + c.event_id > 0';

/**
 * Per-dialect expectations. `Record<Dialect, …>`: a new dialect fails to compile until written.
 */
export const DIALECT_EXPECTATIONS: Record<Dialect, DialectExpectations> = {
  postgres: {
    slowQuery: () => 'SELECT pg_sleep(60)',
    writes: writes(`DATE '2020-01-01'`, 'INTEGER'),
    writesMayRollBack: false,
    nativeTypes: {
      integer: /^(integer|int4)$/i,
      text: /^(character varying|varchar)/i,
      decimal: /^numeric/i,
      date: /^date$/i,
      bigint: /^(bigint|int8)$/i,
      binary: /^bytea$/i,
    },
    logicalTypes: { integer: 'integer', date: 'date', bigint: 'bigint' },
    decimal: { text: '12345678901234567.89', exact: true },
  },
  mysql: {
    slowQuery: CROSS_JOIN_COUNT,
    writes: writes(`'2020-01-01'`, 'INT'),
    writesMayRollBack: false,
    nativeTypes: {
      integer: /^int/i,
      text: /^varchar/i,
      decimal: /^decimal/i,
      date: /^date$/i,
      bigint: /^bigint/i,
      binary: /blob/i,
    },
    logicalTypes: { integer: 'integer', date: 'date', bigint: 'bigint' },
    decimal: { text: '12345678901234567.89', exact: true },
  },
  mssql: {
    slowQuery: CROSS_JOIN_COUNT,
    writes: writes(`'2020-01-01'`, 'INT'),
    writesMayRollBack: true,
    nativeTypes: {
      integer: /^int$/i,
      text: /^nvarchar/i,
      decimal: /^decimal/i,
      date: /^date$/i,
      bigint: /^bigint$/i,
      binary: /^varbinary/i,
    },
    logicalTypes: { integer: 'integer', date: 'date', bigint: 'bigint' },
    decimal: { text: '12345678901234567.89', exact: true },
  },
  oracle: {
    slowQuery: CROSS_JOIN_COUNT,
    writes: writes(`DATE '2020-01-01'`, 'NUMBER(10)'),
    writesMayRollBack: false,
    nativeTypes: {
      integer: /^number/i,
      text: /^n?varchar2/i,
      decimal: /^number/i,
      date: /^date$/i,
      bigint: /^number/i,
      binary: /^blob$/i,
    },
    // Oracle DATE carries a time of day: it is a timestamp to anyone reading it.
    logicalTypes: { integer: 'integer', date: 'timestamp', bigint: 'bigint' },
    decimal: { text: '12345678901234567.89', exact: true },
  },
  sqlite: {
    // 2e8 steps: about 80 s on the CI machines (1e7 took 4 s), far beyond any timeout tested, yet
    // bounded, so an adapter that cannot interrupt SQLite still finishes eventually.
    slowQuery: () =>
      'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000000) SELECT COUNT(*) FROM n',
    writes: writes(`'2020-01-01'`, 'INTEGER'),
    writesMayRollBack: false,
    nativeTypes: {
      integer: /^integer$/i,
      text: /^varchar/i,
      decimal: /^decimal/i,
      date: /^date$/i,
      bigint: /^bigint$/i,
      binary: /^blob$/i,
    },
    logicalTypes: { integer: 'integer', date: 'date', bigint: 'bigint' },
    // NUMERIC affinity stores a REAL: exact only for values a double prints back unchanged.
    decimal: { text: '1234567.89', exact: false },
  },
};
