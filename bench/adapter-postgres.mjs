#!/usr/bin/env node
// Adapter vs raw pg, measured in the same run (DESIGN.md §9): a point query, listing and describing
// on a legacy-shaped schema (5,000 tables × 15 columns chained by foreign keys), and a 1,000,000-row
// SELECT * capped at 1,000 rows with the backend's resident memory before and after (read from
// /proc, so the database must run on this machine). Not a test: it prints numbers.
//
//   node scripts/dev.mjs setup && node bench/adapter-postgres.mjs
//
// LEGACYBRIDGE_TEST_POSTGRES_URL picks the server (default postgres://postgres@127.0.0.1:5432/test);
// BENCH_TABLES the schema size (0: point queries and the capped scan only), BENCH_ITERATIONS the
// point-query samples per contender (2400). It creates lb_pg_bench_<random> and drops it at the end.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { load, loadBuilt, measureInterleaved } from './lib/common.mjs';

const { default: pg } = await load('pg');
const { createPostgresAdapter } = await loadBuilt('adapter-postgres');
const { catalogFeatures, describeTableQuery, listTablesQuery } = await loadBuilt(
  'adapter-postgres',
  'postgres-catalog-sql.js',
);

const base = process.env.LEGACYBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tables = Number(process.env.BENCH_TABLES ?? 5000);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 2400);
const name = `lb_pg_bench_${randomBytes(4).toString('hex')}`;
const urlOf = (db) => Object.assign(new URL(base), { pathname: `/${db}` }).toString();

const server = new pg.Client(base);
await server.connect();
await server.query(`CREATE DATABASE ${name}`);
const url = urlOf(name);
const admin = new pg.Client(url);
await admin.connect();

async function time(label, fn, n = 30) {
  for (let i = 0; i < Math.min(n, 5); i++) await fn();
  const samples = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const p50 = samples[n >> 1];
  console.log(`${label.padEnd(48)} p50 ${p50.toFixed(3).padStart(9)} ms`);
  return p50;
}

try {
  const started = performance.now();
  const columns = Array.from({ length: 13 }, (_, i) => `c${i} varchar(40)`).join(', ');
  for (let from = 0; from < tables; from += 250) {
    const ddl = [];
    for (let i = from; i < Math.min(from + 250, tables); i++) {
      ddl.push(
        `CREATE TABLE t${i} (id int PRIMARY KEY, prev_id int${i > 0 ? ` REFERENCES t${i - 1} (id)` : ''}, ${columns})`,
      );
    }
    await admin.query(`BEGIN; ${ddl.join('; ')}; COMMIT`);
  }
  await admin.query(
    'CREATE TABLE big AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, 1000000) g',
  );
  await admin.query(
    "CREATE TABLE points AS SELECT g AS id, 'name ' || g AS name, (g / 100.0)::numeric(12, 2) AS amount, timestamptz '2020-01-01' + g * interval '1 second' AS seen FROM generate_series(1, 100000) g",
  );
  await admin.query('ALTER TABLE points ADD PRIMARY KEY (id)');
  await admin.query('ANALYZE');
  console.log(
    `setup: ${tables} tables + 100,000 + 1,000,000 rows in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );

  // The deployment guide's default pool (size 5): a connection's reset overlaps the next query.
  const adapter = createPostgresAdapter({ url });
  const raw = new pg.Client(url);
  await raw.connect();
  const select1 = { sql: 'SELECT 1', dialect: 'postgres', statementKind: 'select' };
  const limits = { maxRows: 100, maxBytes: 1 << 20, timeoutMs: 30_000 };

  // Point queries, interleaved round by round (bench/lib/common.mjs): the raw client runs the same
  // text through the simple protocol, the way a hand-written tool would.
  const pointSql = (n) => `SELECT * FROM points WHERE id = ${1 + ((n * 7919) % 100_000)}`;
  const expectRow = (rows, n) => {
    if (rows.length !== 1 || String(rows[0][0]) !== String(1 + ((n * 7919) % 100_000))) {
      throw new Error(`wrong answer for ${pointSql(n)}`);
    }
  };
  const point = await measureInterleaved(
    {
      'raw pg: SELECT 1': async () => {
        if ((await raw.query({ text: 'SELECT 1', rowMode: 'array' })).rows[0][0] !== 1)
          throw new Error('SELECT 1');
      },
      'adapter: SELECT 1': async () => {
        if ((await adapter.executeReadOnly(select1, limits))._unsafeUnwrap().rows[0][0] !== 1) {
          throw new Error('SELECT 1');
        }
      },
      'raw pg: point lookup (100k rows)': async (n) =>
        expectRow((await raw.query({ text: pointSql(n), rowMode: 'array' })).rows, n),
      'adapter: point lookup (100k rows)': async (n) =>
        expectRow(
          (await adapter.executeReadOnly({ ...select1, sql: pointSql(n) }, limits))._unsafeUnwrap().rows,
          n,
        ),
    },
    { rounds: 12, iterations, warmup: 100 },
  );
  for (const [label, s] of Object.entries(point)) {
    console.log(
      `${label.padEnd(48)} p50 ${s.p50.toFixed(3).padStart(9)} ms  p90 ${s.p90.toFixed(3).padStart(8)} ms`,
    );
  }
  const pointOverhead =
    point['adapter: point lookup (100k rows)'].p50 - point['raw pg: point lookup (100k rows)'].p50;
  const select1Overhead = point['adapter: SELECT 1'].p50 - point['raw pg: SELECT 1'].p50;
  console.log(
    `point query: adapter − raw = ${pointOverhead.toFixed(3)} ms (p50), SELECT 1: ${select1Overhead.toFixed(3)} ms\n`,
  );
  // The capped scan: the adapter must stop reading at the cap (no LIMIT added to the text), so it
  // should cost about what the database's own LIMIT costs, and the backend's memory must not move.
  const pid = (
    await adapter.executeReadOnly({ ...select1, sql: 'SELECT pg_backend_pid()' }, limits)
  )._unsafeUnwrap().rows[0][0];
  const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  const before = rssMb();
  const scan = await measureInterleaved(
    {
      'raw pg: SELECT * FROM big LIMIT 1000': async () => {
        if (
          (await raw.query({ text: 'SELECT * FROM big LIMIT 1000', rowMode: 'array' })).rows.length !== 1000
        ) {
          throw new Error('LIMIT 1000');
        }
      },
      'adapter: SELECT * FROM big, cap 1,000': async () => {
        const capped = (
          await adapter.executeReadOnly(
            { ...select1, sql: 'SELECT * FROM big' },
            { ...limits, maxRows: 1000 },
          )
        )._unsafeUnwrap();
        if (capped.rowCount !== 1000 || !capped.truncated) throw new Error('cap 1,000');
      },
    },
    { rounds: 5, iterations: 30, warmup: 2 },
  );
  for (const [label, s] of Object.entries(scan)) {
    console.log(
      `${label.padEnd(48)} p50 ${s.p50.toFixed(3).padStart(9)} ms  p90 ${s.p90.toFixed(3).padStart(8)} ms`,
    );
  }
  console.log(`backend ${pid} RSS ${before.toFixed(1)} → ${rssMb().toFixed(1)} MB\n`);

  if (tables > 0) {
    // The adapter's own catalog statements (a non-exported build entry), run raw for the ratio.
    const f = catalogFeatures(
      Number((await raw.query("SELECT current_setting('server_version_num') v")).rows[0].v),
    );
    const listQuery = listTablesQuery(f);
    const describeQuery = describeTableQuery(f, 'public', `t${tables >> 1}`);
    const rawList = await time(`raw pg: the catalog listing (${tables} tables)`, () =>
      raw.query(listQuery.text, listQuery.values),
    );
    const rawDescribe = await time(
      'raw pg: the describe statement',
      () => raw.query(describeQuery.text, describeQuery.values),
      100,
    );
    const rawInfoSchema = await time('raw pg: information_schema.tables listing', () =>
      raw.query(
        "SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
      ),
    );
    const list = await time(`adapter.listTables (${tables} tables)`, async () =>
      (await adapter.listTables())._unsafeUnwrap(),
    );
    const describe = await time(
      'adapter.describeTable',
      async () => {
        (await adapter.describeTable({ schema: 'public', name: `t${tables >> 1}` }))._unsafeUnwrap();
      },
      100,
    );

    console.log(`listTables / raw catalog listing = ${(list / rawList).toFixed(2)}`);
    console.log(`describeTable / raw describe = ${(describe / rawDescribe).toFixed(2)}`);
    console.log(`information_schema listing / adapter listTables = ${(rawInfoSchema / list).toFixed(2)}`);
  }
  await adapter.close();
  await raw.end();
} finally {
  await admin.end();
  await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await server.end();
}
