import type {
  DatabaseFailure,
  DatabasePort,
  QueryLimits,
  QueryResult,
  TableDetail,
  TableInfo,
  TableRef,
} from '@legacybridge/core';
import { unsafeAssumeReadOnly } from '@legacybridge/core/testing';
import type { Result, ResultAsync } from 'neverthrow';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECT_EXPECTATIONS, type WriteAttempts } from './expectations.js';
import { CONFORMANCE_FIXTURES, FIXTURE_TABLES, FIXTURE_VIEW } from './fixtures.js';
import type { ConformanceHarness, HarnessContext, ScenarioId } from './harness.js';
import { skipOrFail } from './require-db.js';

/** Generous limits for scenarios that are not about limits. */
const LIMITS: QueryLimits = { maxRows: 10_000, maxBytes: 16 * 1024 * 1024, timeoutMs: 30_000 };
/** How late a timeout or cancel may take effect (DESIGN.md §6: within timeout + 1.5 s). */
const SLACK_MS = 1500;
const SLOW_TEST_MS = 30_000;

/**
 * Registers the conformance suite for one adapter: introspection, result shapes and types, row and
 * byte caps, timeout and cancel, read-only refusals with data unchanged, pooling, close. When the
 * harness cannot set up a database the suite is skipped with its reason printed — or fails, when
 * LEGACYBRIDGE_REQUIRE_DB lists the harness's service.
 */
export function describeAdapterConformance(harness: ConformanceHarness): void {
  describe(`${harness.name} conformance`, async () => {
    const prepared = await harness.setup(CONFORMANCE_FIXTURES[harness.dialect]);
    if ('skip' in prepared) {
      skipOrFail(harness.service ?? harness.dialect, prepared.skip);
      return;
    }
    registerScenarios(harness, prepared);
  });
}

function registerScenarios(harness: ConformanceHarness, ctx: HarnessContext): void {
  const { dialect } = harness;
  const x = DIALECT_EXPECTATIONS[dialect];
  const t = (name: string) => (ctx.schema !== undefined ? `${ctx.schema}.${name}` : name);
  const q = (sql: string) => unsafeAssumeReadOnly(sql, dialect);
  const filter = ctx.schema !== undefined ? { schema: ctx.schema } : undefined;
  const db = ctx.createAdapter();
  afterAll(async () => {
    await db.close();
    await ctx.teardown();
  });

  const scenario = (id: ScenarioId, title: string, fn: () => Promise<void>, timeout?: number) => {
    const gap = harness.knownGaps?.[id];
    if (gap !== undefined) it.fails(`${title} [known gap: ${gap}]`, fn, timeout);
    else it(title, fn, timeout);
  };

  // The catalog spells names its own way (Oracle upper-cases them): look them up, then ask exactly.
  let listing: readonly TableInfo[] | undefined;
  const refOf = async (name: string): Promise<TableRef> => {
    listing ??= await expectOk(db.listTables(filter));
    const found = listing.find((info) => info.name.toLowerCase() === name);
    return found ? { schema: found.schema, name: found.name } : { schema: ctx.schema, name };
  };
  const describeFixture = async (name: string): Promise<TableDetail> =>
    expectOk(db.describeTable(await refOf(name)));
  const run = (sql: string, limits: Partial<QueryLimits> = {}, signal?: AbortSignal) =>
    db.executeReadOnly(q(sql), { ...LIMITS, ...limits }, signal);
  const count = async (port: DatabasePort, table: string): Promise<number> => {
    const result = await expectOk(port.executeReadOnly(q(`SELECT COUNT(*) FROM ${t(table)}`), LIMITS));
    return Number(result.rows[0]?.[0]);
  };
  const samples = async () =>
    (
      await expectOk(
        run(
          `SELECT sample_id, big_value, exact_value, day_value, blob_value, text_value FROM ${t('type_samples')} ORDER BY sample_id`,
        ),
      )
    ).rows;

  describe('connection', () => {
    scenario('ping', 'ping answers', async () => {
      await expectOk(db.ping());
    });
    scenario('serverInfo', 'serverInfo names the dialect and a version', async () => {
      const info = await expectOk(db.serverInfo());
      expect(info.dialect).toBe(dialect);
      expect(typeof info.version).toBe('string');
      expect(info.version.length).toBeGreaterThan(0);
    });
    scenario('capabilities', 'capabilities are all declared', async () => {
      expect(db.dialect).toBe(dialect);
      for (const flag of [
        'supportsSchemas',
        'supportsCancel',
        'supportsExplain',
        'supportsRowEstimates',
        'supportsComments',
      ] as const) {
        expect(typeof db.capabilities[flag], flag).toBe('boolean');
      }
    });
  });

  describe('introspection', () => {
    scenario('introspection.listTables', 'lists every fixture table and the view, with kinds', async () => {
      const tables = await expectOk(db.listTables(filter));
      const kinds = new Map(tables.map((info) => [info.name.toLowerCase(), info.kind]));
      for (const name of Object.keys(FIXTURE_TABLES)) expect(kinds.get(name), name).toBe('table');
      expect(kinds.get(FIXTURE_VIEW)).toBe('view');
      for (const info of tables) {
        if (info.rowEstimate !== undefined) expect(info.rowEstimate).toBeGreaterThanOrEqual(0);
      }
    });

    scenario('introspection.listColumns', 'lists the columns of every table in one call', async () => {
      const columns = await expectOk(db.listColumns(filter));
      const byTable = new Map<string, string[]>();
      for (const c of columns) {
        const key = c.table.name.toLowerCase();
        byTable.set(key, [...(byTable.get(key) ?? []), c.name.toLowerCase()]);
      }
      expect(byTable.get('customers')).toEqual(
        expect.arrayContaining(['customer_id', 'name', 'email', 'credit_limit', 'created_on']),
      );
      for (const name of Object.keys(FIXTURE_TABLES)) expect(byTable.has(name), name).toBe(true);
      const name = columns.find(
        (c) => c.table.name.toLowerCase() === 'customers' && c.name.toLowerCase() === 'name',
      );
      expect(name?.nativeType).toMatch(x.nativeTypes.text);
      expect(name?.logicalType).toBe('text');
    });

    scenario(
      'introspection.columns',
      'describes columns in order with native and logical types and nullability',
      async () => {
        const customers = await describeFixture('customers');
        expect(customers.table.kind).toBe('table');
        expect(customers.columns.map((c) => c.name.toLowerCase())).toEqual([
          'customer_id',
          'name',
          'email',
          'credit_limit',
          'created_on',
        ]);
        expect(customers.columns.map((c) => c.ordinal)).toEqual([1, 2, 3, 4, 5]);
        const [id, name, email, credit, created] = customers.columns;
        expect(id?.nativeType).toMatch(x.nativeTypes.integer);
        expect(id?.logicalType).toBe(x.logicalTypes.integer);
        expect(name).toMatchObject({ logicalType: 'text', nullable: false });
        expect(name?.nativeType).toMatch(x.nativeTypes.text);
        expect(email?.nullable).toBe(true);
        expect(credit).toMatchObject({ logicalType: 'decimal', nullable: true });
        expect(credit?.nativeType).toMatch(x.nativeTypes.decimal);
        expect(created).toMatchObject({ logicalType: x.logicalTypes.date, nullable: false });
        expect(created?.nativeType).toMatch(x.nativeTypes.date);

        const samples = await describeFixture('type_samples');
        const col = (n: string) => samples.columns.find((c) => c.name.toLowerCase() === n);
        expect(col('big_value')?.logicalType).toBe(x.logicalTypes.bigint);
        expect(col('big_value')?.nativeType).toMatch(x.nativeTypes.bigint);
        expect(col('blob_value')?.logicalType).toBe('binary');
        expect(col('blob_value')?.nativeType).toMatch(x.nativeTypes.binary);
      },
    );

    scenario(
      'introspection.primaryKey',
      'reports single and composite primary keys in key order',
      async () => {
        const customers = await describeFixture('customers');
        expect(lower(customers.primaryKey)).toEqual(['customer_id']);
        expect(customers.columns[0]?.primaryKeyPosition).toBe(1);
        expect(customers.columns[1]?.primaryKeyPosition).toBeUndefined();
        const lines = await describeFixture('order_lines');
        expect(lower(lines.primaryKey)).toEqual(['order_id', 'line_no']);
        const pos = (n: string) => lines.columns.find((c) => c.name.toLowerCase() === n)?.primaryKeyPosition;
        expect([pos('order_id'), pos('line_no'), pos('product_id')]).toEqual([1, 2, undefined]);
      },
    );

    scenario('introspection.foreignKeys', 'reports foreign keys in both directions', async () => {
      const orders = await describeFixture('orders');
      expect(orders.foreignKeys.map(fkSummary)).toEqual(['orders(customer_id) → customers(customer_id)']);
      expect(orders.referencedBy.map(fkSummary)).toEqual(['order_lines(order_id) → orders(order_id)']);
      const lines = await describeFixture('order_lines');
      expect(lines.foreignKeys.map(fkSummary).sort()).toEqual([
        'order_lines(order_id) → orders(order_id)',
        'order_lines(product_id) → products(product_id)',
      ]);
      const customers = await describeFixture('customers');
      expect(customers.foreignKeys).toEqual([]);
      expect(customers.referencedBy.map(fkSummary)).toEqual(['orders(customer_id) → customers(customer_id)']);
    });

    scenario('introspection.indexes', 'reports secondary and unique indexes', async () => {
      const orders = await describeFixture('orders');
      expect(
        orders.indexes.some((i) => !i.primary && !i.unique && sameList(i.columns, ['customer_id'])),
        JSON.stringify(orders.indexes),
      ).toBe(true);
      const products = await describeFixture('products');
      expect(
        products.indexes.some((i) => i.unique && sameList(i.columns, ['sku'])),
        JSON.stringify(products.indexes),
      ).toBe(true);
    });

    scenario('introspection.view', 'describes a view with its columns', async () => {
      const view = await describeFixture(FIXTURE_VIEW);
      expect(view.table.kind).toBe('view');
      expect(view.columns.map((c) => c.name.toLowerCase())).toEqual([
        'customer_id',
        'name',
        'order_id',
        'ordered_on',
      ]);
    });

    scenario('introspection.notFound', 'answers ObjectNotFound for an unknown table', async () => {
      const failure = await expectErr(db.describeTable({ schema: ctx.schema, name: 'no_such_table' }));
      expect(failure).toMatchObject({ kind: 'ObjectNotFound', objectType: 'table' });
    });
  });

  describe('queries', () => {
    scenario('query.rows', 'returns rows as arrays in column order, with column descriptors', async () => {
      const result = await expectOk(
        run(`SELECT customer_id, name, email FROM ${t('customers')} ORDER BY customer_id`),
      );
      expect(result.columns.map((c) => c.name.toLowerCase())).toEqual(['customer_id', 'name', 'email']);
      expect(result.columns[1]?.logicalType).toBe('text');
      expect(result.rows).toEqual([
        [1, 'Ada Lovelace', 'ada@example.com'],
        [2, 'Grace Hopper', null],
        [3, 'Émile Zola', 'emile@example.fr'],
      ]);
      expect(result).toMatchObject({ rowCount: 3, truncated: false });
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
    });

    scenario('query.types.bigint', 'returns a 64-bit integer above 2^53 exactly, as a string', async () => {
      const rows = await samples();
      expect(rows[0]?.[1]).toBe('9007199254740993');
    });

    scenario('query.types.decimal', 'returns a decimal exactly', async () => {
      const value = (await samples())[0]?.[2];
      expect(String(value)).toBe(x.decimal.text);
      if (x.decimal.exact) expect(typeof value).toBe('string');
    });

    scenario('query.types.null', 'returns NULL as null and text unchanged', async () => {
      const rows = await samples();
      expect(rows[1]?.slice(1)).toEqual([null, null, null, null, null]);
      expect(rows[0]?.[5]).toBe('héllo wörld');
    });

    scenario('query.types.binary', 'returns binary as { $binary: base64, length }', async () => {
      const value = (await samples())[0]?.[4];
      expect(value).toMatchObject({ $binary: Buffer.from('deadbeef', 'hex').toString('base64'), length: 4 });
    });

    scenario('query.types.date', 'returns a date as ISO 8601 text', async () => {
      const value = (await samples())[0]?.[3];
      expect(typeof value).toBe('string');
      expect(String(value)).toMatch(/^2003-04-05/);
    });

    scenario('query.rowCap', 'stops at maxRows and marks the result truncated by rows', async () => {
      const sql = `SELECT event_id, message FROM ${t('event_log')} ORDER BY event_id`;
      const capped = await expectOk(run(sql, { maxRows: 10 }));
      expect(capped).toMatchObject({ rowCount: 10, truncated: true, truncatedBy: 'rows' });
      expect(capped.rows.map((r) => Number(r[0]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const whole = await expectOk(run(sql, { maxRows: FIXTURE_TABLES.event_log }));
      expect(whole.rowCount).toBe(FIXTURE_TABLES.event_log);
      expect(whole.rows).toHaveLength(FIXTURE_TABLES.event_log);
      expect(whole.truncated).toBe(false);
    });

    scenario('query.byteCap', 'stops near maxBytes and marks the result truncated by bytes', async () => {
      const maxBytes = 4096;
      const capped = await expectOk(
        run(`SELECT event_id, message FROM ${t('event_log')} ORDER BY event_id`, { maxBytes }),
      );
      expect(capped).toMatchObject({ truncated: true, truncatedBy: 'bytes' });
      expect(capped.rowCount).toBe(capped.rows.length);
      expect(capped.rowCount).toBeGreaterThan(0);
      expect(capped.rowCount).toBeLessThan(FIXTURE_TABLES.event_log);
      expect(JSON.stringify(capped.rows).length).toBeLessThanOrEqual(2 * maxBytes);
    });

    scenario(
      'query.capsStopEarly',
      'stops reading a 25-million-row result at the caps instead of reading it all',
      async () => {
        const huge = `SELECT a.event_id, b.event_id FROM ${t('event_log')} a CROSS JOIN ${t('event_log')} b`;
        for (const limits of [{ maxRows: 10 }, { maxBytes: 4096 }]) {
          const started = performance.now();
          const capped = await expectOk(run(huge, { ...limits, timeoutMs: 20_000 }));
          expect(capped.truncated).toBe(true);
          expect(capped.truncatedBy).toBe('maxRows' in limits ? 'rows' : 'bytes');
          expect(performance.now() - started, JSON.stringify(limits)).toBeLessThan(5000);
        }
      },
      SLOW_TEST_MS,
    );

    scenario('query.unknownTable', 'answers ObjectNotFound for a query on an unknown table', async () => {
      const failure = await expectErr(run(`SELECT * FROM ${t('no_such_table')}`));
      expect(failure.kind).toBe('ObjectNotFound');
    });

    scenario('query.syntaxError', 'answers SyntaxError for malformed SQL', async () => {
      const failure = await expectErr(run(`SELEC customer_id FROM ${t('customers')}`));
      expect(failure.kind).toBe('SyntaxError');
    });

    scenario(
      'query.timeout',
      'stops a slow query with Timeout within timeout + 1.5 s and stays usable',
      async () => {
        const timeoutMs = 1000;
        const started = performance.now();
        const failure = await expectErr(run(x.slowQuery(t), { timeoutMs }));
        const elapsed = performance.now() - started;
        expect(failure).toMatchObject({ kind: 'Timeout', timeoutMs });
        expect(elapsed).toBeLessThan(timeoutMs + SLACK_MS);
        expect(await count(db, 'customers')).toBe(FIXTURE_TABLES.customers);
      },
      SLOW_TEST_MS,
    );

    scenario(
      'query.cancel',
      'stops a running query with Cancelled when its signal aborts, and stays usable',
      async () => {
        const controller = new AbortController();
        const abortAfterMs = 300;
        setTimeout(() => controller.abort(), abortAfterMs);
        const started = performance.now();
        const failure = await expectErr(run(x.slowQuery(t), { timeoutMs: 20_000 }, controller.signal));
        const elapsed = performance.now() - started;
        expect(failure.kind).toBe('Cancelled');
        expect(elapsed).toBeLessThan(abortAfterMs + SLACK_MS);
        expect(await count(db, 'customers')).toBe(FIXTURE_TABLES.customers);
      },
      SLOW_TEST_MS,
    );

    scenario(
      'query.cancelBeforeStart',
      'answers Cancelled at once for an already-aborted signal',
      async () => {
        const controller = new AbortController();
        controller.abort();
        const started = performance.now();
        const failure = await expectErr(run(x.slowQuery(t), { timeoutMs: 20_000 }, controller.signal));
        expect(failure.kind).toBe('Cancelled');
        expect(performance.now() - started).toBeLessThan(SLACK_MS);
      },
    );

    scenario('explain', 'explains a query without running it, or says Unsupported', async () => {
      const query = q(`SELECT customer_id FROM ${t('customers')}`);
      if (!db.capabilities.supportsExplain) {
        expect((await expectErr(db.explain(query, LIMITS))).kind).toBe('Unsupported');
        return;
      }
      const plan = await expectOk(db.explain(query, LIMITS));
      expect(plan.dialect).toBe(dialect);
      expect(plan.text.trim().length).toBeGreaterThan(0);
    });
  });

  describe('read-only session (statement guard bypassed)', () => {
    const attempts: [ScenarioId, keyof WriteAttempts, string][] = [
      ['readOnly.insert', 'insert', 'refuses INSERT'],
      ['readOnly.update', 'update', 'refuses UPDATE'],
      ['readOnly.delete', 'delete', 'refuses DELETE'],
      ['readOnly.createTable', 'createTable', 'refuses CREATE TABLE'],
      ['readOnly.drop', 'drop', 'refuses DROP TABLE'],
      ['readOnly.stacked', 'stacked', 'never runs a write stacked after a SELECT'],
    ];
    for (const [id, key, title] of attempts) {
      scenario(id, `${title} and leaves the data unchanged`, async () => {
        const sql = x.writes(t)[key];
        const before = await ctx.fingerprint();
        const result = await run(sql);
        const after = await ctx.fingerprint();
        expect(after, 'the fixture changed').toBe(before);
        if (key === 'stacked') return; // refusing, or running the SELECT alone, are both safe
        if (result.isOk()) {
          expect(x.writesMayRollBack, `the write "${sql}" succeeded`).toBe(true);
        } else {
          expect(['ReadOnlyViolation', 'PermissionDenied']).toContain(result.error.kind);
        }
      });
    }
  });

  describe('pooling and lifecycle', () => {
    scenario(
      'pool.concurrency',
      'serves more parallel queries than the pool has connections',
      async () => {
        const small = ctx.createAdapter({ size: 2, maxOverflow: 0, acquireTimeoutMs: 20_000 });
        try {
          const names = Object.keys(FIXTURE_TABLES) as (keyof typeof FIXTURE_TABLES)[];
          const jobs = Array.from({ length: 8 }, (_, i) => names[i % names.length]!);
          const counts = await Promise.all(jobs.map((name) => count(small, name)));
          expect(counts).toEqual(jobs.map((name) => FIXTURE_TABLES[name]));
          const stats = small.poolStats();
          for (const gauge of ['size', 'max', 'active', 'idle', 'waiting'] as const) {
            expect(Number.isInteger(stats[gauge]), gauge).toBe(true);
          }
          expect(stats).toMatchObject({ active: 0, waiting: 0 });
          expect(stats.max).toBeLessThanOrEqual(2);
        } finally {
          await small.close();
        }
      },
      SLOW_TEST_MS,
    );

    scenario(
      'pool.exhaustion',
      'answers PoolExhausted when no connection frees up within the acquire timeout',
      async () => {
        const acquireTimeoutMs = 300;
        const tiny = ctx.createAdapter({ size: 1, maxOverflow: 0, acquireTimeoutMs });
        const controller = new AbortController();
        const busy = tiny.executeReadOnly(
          q(x.slowQuery(t)),
          { ...LIMITS, timeoutMs: 20_000 },
          controller.signal,
        );
        try {
          await waitFor(() => tiny.poolStats().active >= 1, 5000);
          const started = performance.now();
          const failure = await expectErr(
            tiny.executeReadOnly(q(`SELECT COUNT(*) FROM ${t('customers')}`), LIMITS),
          );
          const elapsed = performance.now() - started;
          expect(failure.kind).toBe('PoolExhausted');
          expect(elapsed).toBeGreaterThanOrEqual(acquireTimeoutMs * 0.8);
          expect(elapsed).toBeLessThan(acquireTimeoutMs + SLACK_MS);
        } finally {
          controller.abort();
          await busy;
          await tiny.close();
        }
      },
      SLOW_TEST_MS,
    );

    scenario('close', 'closes idempotently; later calls fail with ConnectionFailed', async () => {
      await ctx.createAdapter().close(); // never used: nothing was opened, nothing to fail
      const port = ctx.createAdapter();
      await expectOk(port.ping());
      await port.close();
      await port.close();
      expect((await expectErr(port.ping())).kind).toBe('ConnectionFailed');
      expect((await expectErr(port.listTables(filter))).kind).toBe('ConnectionFailed');
      expect((await expectErr(port.describeTable(await refOf('customers')))).kind).toBe('ConnectionFailed');
      expect(
        (await expectErr(port.executeReadOnly(q(`SELECT COUNT(*) FROM ${t('customers')}`), LIMITS))).kind,
      ).toBe('ConnectionFailed');
    });
  });
}

/** Unwraps an ok result, failing the test with the failure's kind and message otherwise. */
async function expectOk<T>(
  result: ResultAsync<T, DatabaseFailure> | Promise<Result<T, DatabaseFailure>>,
): Promise<T> {
  const settled = await result;
  if (settled.isErr()) {
    const f = settled.error;
    throw new Error(
      `expected success, got ${f.kind}: ${f.message}${f.originalCode ? ` (${f.originalCode})` : ''}`,
    );
  }
  return settled.value;
}

/** Unwraps a failure, failing the test when the call succeeded. */
async function expectErr<T>(
  result: ResultAsync<T, DatabaseFailure> | Promise<Result<T, DatabaseFailure>>,
): Promise<DatabaseFailure> {
  const settled = await result;
  if (settled.isOk()) {
    const value = settled.value as Partial<QueryResult> | undefined;
    const rows = value && Array.isArray(value.rows) ? ` with ${value.rows.length} rows` : '';
    throw new Error(`expected a failure, but the call succeeded${rows}`);
  }
  return settled.error;
}

function fkSummary(fk: TableDetail['foreignKeys'][number]): string {
  return `${fk.table.name.toLowerCase()}(${lower(fk.columns).join(', ')}) → ${fk.referencedTable.name.toLowerCase()}(${lower(fk.referencedColumns).join(', ')})`;
}

function lower(names: readonly string[]): string[] {
  return names.map((n) => n.toLowerCase());
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v.toLowerCase() === b[i]);
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  // The adapter may connect lazily: give the first query time to get its connection.
  while (!condition() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
