#!/usr/bin/env node
// What each read-only safety layer costs per point query, on PostgreSQL and MariaDB, measured
// against the raw driver in the same run with the contenders interleaved round by round
// (bench/README.md). Not a test: it prints p50/p90 and each form's cost over the raw query; it only
// checks that every contender returns the row, so a broken path cannot look fast.
//
//   (cd packages/core && npx tsup) && node bench/safety-layers.mjs      # also needs built adapters
//
// Contenders, each on its own connection (loopback; across a network every extra round trip adds
// one network RTT, which these numbers do not show):
//   raw                  the driver's point query on a fresh connection with no settings
//   + guard              checkReadOnlySql in front of it (also timed alone, in µs, tight loop)
//   read-only once       PostgreSQL startup options default_transaction_read_only + statement_timeout,
//                        MariaDB SET SESSION tx_read_only = 1, max_statement_time once per connection
//   BEGIN RO … ROLLBACK  a read-only transaction per query: three round trips
//   … one round trip     PostgreSQL: the same three statements in one simple-protocol message
//   SET timeout/query    an extra round trip per query setting statement_timeout / max_statement_time
//   SET STATEMENT … FOR  MariaDB's per-statement timeout, in the query's own round trip
//   + reset              DISCARD ALL (PostgreSQL) / COM_RESET_CONNECTION (MariaDB) after each query;
//                        MariaDB also + reset + SET: the reset and the settings again, each a round
//                        trip (the MySQL adapter's reset until it wrote both behind the statement)
//   adapter              the whole adapter path: adapter.executeReadOnly of a guard-checked query;
//                        MariaDB also with a pool of 1, where each query waits for the last reset
//
// LEGACYBRIDGE_TEST_POSTGRES_URL / LEGACYBRIDGE_TEST_MYSQL_URL pick the servers, BENCH_DIALECTS one
// of them, BENCH_ITERATIONS the samples per contender (2000). Creates lb_bench_<random> on each
// server and drops it at the end, also on failure.
import { randomBytes } from 'node:crypto';
import {
  dialects,
  load,
  loadBuilt,
  MYSQL_URL,
  measureInterleaved,
  ok,
  POSTGRES_URL,
  withDatabase,
} from './lib/common.mjs';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);
const ROWS = 10_000;
const TIMEOUT_MS = 30_000;
const core = await loadBuilt('core');
const limits = core.limitsFor({ policy: { ...core.DEFAULT_QUERY_POLICY, timeoutMs: TIMEOUT_MS } });

const idOf = (i) => ((i * 7919) % ROWS) + 1;

/** µs per checkReadOnlySql call on the point query, p50/p90 over 200 batches of 1,000 calls. */
function guardMicros(sqlOf, dialect) {
  for (let i = 0; i < 20_000; i++) core.checkReadOnlySql(sqlOf(i), dialect);
  const batches = [];
  for (let b = 0; b < 200; b++) {
    const started = performance.now();
    for (let i = 0; i < 1_000; i++) core.checkReadOnlySql(sqlOf(i), dialect);
    batches.push(performance.now() - started);
  }
  batches.sort((x, y) => x - y);
  return { p50: batches[100], p90: batches[180] };
}

function checked(sql, dialect) {
  const result = core.checkReadOnlySql(sql, dialect);
  if (result.isErr()) throw new Error(`guard refused the benchmark query: ${result.error.message}`);
  return result.value;
}

/** Throws unless `rows` is the one row with `id`: a contender that skips the work must not look fast. */
function expectRow(rows, id) {
  if (rows.length !== 1 || Number(rows[0].id ?? rows[0][0]) !== id) {
    throw new Error(`expected row ${id}, got ${JSON.stringify(rows).slice(0, 200)}`);
  }
}

async function postgresContenders(url, cleanup) {
  const { default: pg } = await load('pg');
  const connect = async (options) => {
    const client = new pg.Client({ connectionString: url, options });
    await client.connect();
    cleanup.push(() => client.end());
    return client;
  };
  const sqlOf = (i) => `SELECT id, name, amount FROM pt WHERE id = ${idOf(i)}`;
  const plain = await connect();
  const once = await connect(`-c default_transaction_read_only=on -c statement_timeout=${TIMEOUT_MS}`);
  const perQuery = await connect();
  const oneTrip = await connect();
  const setTimeout_ = await connect();
  const reset = await connect();
  const guarded = await connect();
  const adapter = (await loadBuilt('adapter-postgres')).createPostgresAdapter({
    url,
    statementTimeoutMs: TIMEOUT_MS,
  });
  cleanup.push(() => adapter.close());
  const point = (client, i) => client.query(sqlOf(i)).then((r) => expectRow(r.rows, idOf(i)));
  return {
    sqlOf,
    contenders: {
      raw: (i) => point(plain, i),
      '+ guard': (i) => {
        checked(sqlOf(i), 'postgres');
        return point(guarded, i);
      },
      'read-only + timeout once (startup options)': (i) => point(once, i),
      'BEGIN READ ONLY … ROLLBACK (3 round trips)': async (i) => {
        await perQuery.query('BEGIN READ ONLY');
        await point(perQuery, i);
        await perQuery.query('ROLLBACK');
      },
      'BEGIN READ ONLY; q; ROLLBACK (1 round trip)': (i) =>
        oneTrip
          .query(`BEGIN READ ONLY; ${sqlOf(i)}; ROLLBACK`)
          .then((results) => expectRow(results[1].rows, idOf(i))),
      'SET statement_timeout per query (+1 trip)': async (i) => {
        await setTimeout_.query(`SET statement_timeout = ${TIMEOUT_MS}`);
        await point(setTimeout_, i);
      },
      '+ DISCARD ALL after each query (+1 trip)': async (i) => {
        await point(reset, i);
        await reset.query('DISCARD ALL');
      },
      'adapter.executeReadOnly (whole path)': async (i) => {
        const result = await ok(adapter.executeReadOnly(checked(sqlOf(i), 'postgres'), limits));
        expectRow(result.rows, idOf(i));
      },
    },
  };
}

async function mysqlContenders(url, cleanup) {
  const connect = async () => {
    const conn = await mysqlConnect(url);
    cleanup.push(() => conn.end());
    return conn;
  };
  const sqlOf = (i) => `SELECT id, name, amount FROM pt WHERE id = ${idOf(i)}`;
  const seconds = (TIMEOUT_MS / 1000).toFixed(3);
  const plain = await connect();
  const once = await connect();
  await once.query(`SET SESSION tx_read_only = 1, max_statement_time = ${seconds}`);
  const perQuery = await connect();
  const setTimeout_ = await connect();
  const setStatement = await connect();
  const reset = await connect();
  const resetSet = await connect();
  const guarded = await connect();
  const { createMysqlAdapter } = await loadBuilt('adapter-mysql');
  const adapter = createMysqlAdapter({ url });
  cleanup.push(() => adapter.close());
  // One connection: every query waits until the previous one's reset is done, so the reset's cost
  // shows in the latency instead of hiding behind the answer on another pooled connection.
  const adapterOne = createMysqlAdapter({ url, pool: { size: 1, maxOverflow: 0 } });
  cleanup.push(() => adapterOne.close());
  const settings = `SET SESSION tx_read_only = 1, autocommit = 1, time_zone = '+00:00', max_statement_time = ${seconds}`;
  const point = (conn, sql, i) => conn.query(sql).then(([rows]) => expectRow(rows, idOf(i)));
  return {
    sqlOf,
    contenders: {
      raw: (i) => point(plain, sqlOf(i), i),
      '+ guard': (i) => {
        checked(sqlOf(i), 'mysql');
        return point(guarded, sqlOf(i), i);
      },
      'read-only + timeout once (SET SESSION)': (i) => point(once, sqlOf(i), i),
      'START TRANSACTION READ ONLY … ROLLBACK (3 trips)': async (i) => {
        await perQuery.query('START TRANSACTION READ ONLY');
        await point(perQuery, sqlOf(i), i);
        await perQuery.query('ROLLBACK');
      },
      'SET max_statement_time per query (+1 trip)': async (i) => {
        await setTimeout_.query(`SET SESSION max_statement_time = ${seconds}`);
        await point(setTimeout_, sqlOf(i), i);
      },
      'SET STATEMENT max_statement_time=… FOR q': (i) =>
        point(setStatement, `SET STATEMENT max_statement_time = ${seconds} FOR ${sqlOf(i)}`, i),
      '+ COM_RESET_CONNECTION after each query': async (i) => {
        await point(reset, sqlOf(i), i);
        await reset.reset();
      },
      // What the adapter did until 2026-11-27 after every statement: reset, then the settings again,
      // each its own round trip (it now writes both behind the statement, in the statement's write).
      '+ reset + SET settings, each a round trip (3 trips)': async (i) => {
        await point(resetSet, sqlOf(i), i);
        await resetSet.reset();
        await resetSet.query(settings);
      },
      'adapter.executeReadOnly (whole path)': async (i) => {
        const result = await ok(adapter.executeReadOnly(checked(sqlOf(i), 'mysql'), limits));
        expectRow(result.rows, idOf(i));
      },
      'adapter, pool of 1 (waits for the last reset)': async (i) => {
        const result = await ok(adapterOne.executeReadOnly(checked(sqlOf(i), 'mysql'), limits));
        expectRow(result.rows, idOf(i));
      },
    },
  };
}

/** Creates lb_bench_<random> with `pt` (ROWS rows, integer primary key) and returns its URL and a dropper. */
async function createDatabase(dialect) {
  const name = `lb_bench_${randomBytes(4).toString('hex')}`;
  if (dialect === 'postgres') {
    const { default: pg } = await load('pg');
    const admin = new pg.Client(POSTGRES_URL);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const drop = async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    };
    const url = withDatabase(POSTGRES_URL, name);
    const db = new pg.Client(url);
    try {
      await db.connect();
      await db.query(
        `CREATE TABLE pt (id int PRIMARY KEY, name text, amount numeric(12,2));
         INSERT INTO pt SELECT g, 'name ' || g, g * 1.5 FROM generate_series(1, ${ROWS}) g; ANALYZE pt`,
      );
      await db.end();
    } catch (error) {
      await db.end().catch(() => undefined);
      await drop();
      throw error;
    }
    return { url, drop };
  }
  const admin = await mysqlConnect(MYSQL_URL, { database: undefined, multipleStatements: true });
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  };
  await admin
    .query(
      `SET SESSION max_recursive_iterations = ${ROWS * 2};
     CREATE DATABASE ${name}; CREATE TABLE ${name}.pt (id int PRIMARY KEY, name varchar(40), amount decimal(12,2));
     INSERT INTO ${name}.pt WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${ROWS})
       SELECT n, CONCAT('name ', n), n * 1.5 FROM g`,
    )
    .catch(async (error) => {
      await drop();
      throw error;
    });
  return { url: withDatabase(MYSQL_URL, name), drop };
}

const ms = (value) => value.toFixed(3).padStart(7);

for (const dialect of dialects()) {
  const engine = dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB/MySQL';
  const database = await createDatabase(dialect);
  const cleanup = [];
  try {
    const { sqlOf, contenders } =
      dialect === 'postgres'
        ? await postgresContenders(database.url, cleanup)
        : await mysqlContenders(database.url, cleanup);
    const guard = guardMicros(sqlOf, dialect);
    const results = await measureInterleaved(contenders, {
      rounds: 40,
      iterations: ITERATIONS,
      warmup: 100,
    });
    const raw = results.raw;
    console.log(`\n${engine}: point query by primary key, ${ITERATIONS} samples per contender, interleaved`);
    console.log(
      `  guard alone (checkReadOnlySql, in-process): p50 ${(guard.p50).toFixed(2)} µs, p90 ${(guard.p90).toFixed(2)} µs per check`,
    );
    console.log(`  ${'contender'.padEnd(50)}   p50 ms   p90 ms   p50 − raw`);
    for (const [label, r] of Object.entries(results)) {
      const delta =
        label === 'raw' ? '' : `${r.p50 - raw.p50 >= 0 ? '+' : ''}${(r.p50 - raw.p50).toFixed(3)}`;
      console.log(`  ${label.padEnd(50)} ${ms(r.p50)}  ${ms(r.p90)}  ${delta.padStart(9)}`);
    }
  } finally {
    for (const close of cleanup.reverse()) await close().catch(() => undefined);
    await database.drop();
  }
}
