import type { DatabasePort, Dialect, PoolOptions } from '@legacybridge/core';

/**
 * Every scenario of the suite, by id. A harness names these in `knownGaps`; an id is stable so a gap
 * entry keeps pointing at the same behaviour when titles are reworded.
 */
export const SCENARIO_IDS = [
  'ping',
  'serverInfo',
  'capabilities',
  'introspection.listTables',
  'introspection.listColumns',
  'introspection.columns',
  'introspection.primaryKey',
  'introspection.foreignKeys',
  'introspection.indexes',
  'introspection.view',
  'introspection.notFound',
  'query.rows',
  'query.types.bigint',
  'query.types.decimal',
  'query.types.null',
  'query.types.binary',
  'query.types.date',
  'query.rowCap',
  'query.byteCap',
  'query.capsStopEarly',
  'query.unknownTable',
  'query.syntaxError',
  'query.timeout',
  'query.cancel',
  'query.cancelBeforeStart',
  'explain',
  'readOnly.insert',
  'readOnly.update',
  'readOnly.delete',
  'readOnly.createTable',
  'readOnly.drop',
  'readOnly.stacked',
  'pool.concurrency',
  'pool.exhaustion',
  'close',
] as const;

/** One scenario of the conformance suite. */
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** A prepared database the suite may connect to, loaded with the fixture. */
export interface HarnessContext {
  /**
   * A new, unconnected adapter on the fixture database. `pool` overrides the harness's pool options
   * (the pool scenarios ask for 1- and 2-connection pools with short acquire timeouts).
   */
  createAdapter(pool?: Partial<PoolOptions>): DatabasePort;
  /**
   * A checksum of all fixture data and the object inventory, read over the harness's own (writable)
   * connection: equal before and after the read-only refusals proves they changed nothing.
   */
  fingerprint(): Promise<string>;
  /** Drops what `setup` created and closes the harness's own connections. */
  teardown(): Promise<void>;
  /** The schema the fixture lives in, when the adapter must be told (PostgreSQL, SQL Server, Oracle user). */
  readonly schema?: string | undefined;
}

/** What an adapter package gives the suite: who it is and how to get a database loaded with the fixture. */
export interface ConformanceHarness {
  /** Shown in test titles, e.g. `sqlite (better-sqlite3)`. */
  readonly name: string;
  readonly dialect: Dialect;
  /**
   * The name LEGACYBRIDGE_REQUIRE_DB lists to make this harness mandatory (default: the dialect).
   * `mariadb` for a MariaDB harness of the mysql dialect, for example.
   */
  readonly service?: string | undefined;
  /**
   * Prepares a database loaded with `fixture` (the statements of `CONFORMANCE_FIXTURES[dialect]`,
   * run in order), or says why it cannot — e.g. `set LEGACYBRIDGE_TEST_POSTGRES_URL or start Docker`.
   */
  setup(fixture: readonly string[]): Promise<HarnessContext | { readonly skip: string }>;
  /**
   * Scenarios this adapter is known to fail, each with the reason. They run as expected failures, so
   * fixing the gap turns the test red until the entry is removed (DESIGN.md §6).
   */
  readonly knownGaps?: Partial<Record<ScenarioId, string>> | undefined;
}
