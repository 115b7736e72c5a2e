#!/usr/bin/env node
// Benchmark of the MySQL adapter against the raw mysql2 driver, measured in the same run (issue 3,
// item 10, adapter part; the MCP floor comparison belongs to the server's benchmark).
//
//   node scripts/dev.mjs setup && node bench/adapter-mysql.mjs
//
// Env: LEGACYBRIDGE_TEST_MYSQL_URL (default mysql://root@127.0.0.1:3306/test), BENCH_TABLES (5000),
// BENCH_ROWS (100000), BENCH_ITERATIONS (300). Creates lb_bench_<random> and drops it at the end.
// Not a test: it prints numbers and ratios, it asserts nothing.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { load, loadBuilt, measureInterleaved } from './lib/common.mjs';

const { checkReadOnlySql } = await loadBuilt('core');
const { createPool } = await load('mysql2/promise');
const { createMysqlAdapter } = await loadBuilt('adapter-mysql');

const URL_TEXT = process.env.LEGACYBRIDGE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const TABLES = Number(process.env.BENCH_TABLES ?? 5000);
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const LIMITS = { maxRows: 1000, maxBytes: 16 * 1024 * 1024, timeoutMs: 60_000 };

const url = new URL(URL_TEXT);
const database = `lb_bench_${randomBytes(4).toString('hex')}`;
const connection = {
  host: url.hostname,
  port: url.port === '' ? 3306 : Number(url.port),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
};

// The adapter's column listing, verbatim (schemaColumnsQuery, rows as arrays): the raw side runs the
// same statement. The adapter adds a CHECK_CONSTRAINTS read only when a LONGTEXT column exists (MariaDB
// JSON); this schema has none.
const COLUMNS_SQL = `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE,
  COLUMN_TYPE, COLUMN_COMMENT
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = ?`;

const log = (...args) => console.log(...args);
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
async function time(fn, iterations) {
  for (let i = 0; i < Math.min(20, iterations); i++) await fn(i); // warm up
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}
const ok = async (resultAsync) => {
  const result = await resultAsync;
  if (result.isErr()) throw new Error(`${result.error.kind}: ${result.error.message}`);
  return result.value;
};
const q = (sql) => {
  const checked = checkReadOnlySql(sql, 'mysql');
  if (checked.isErr()) throw new Error(checked.error.message);
  return checked.value;
};

/** The server's resident memory in MB, when it runs on this machine and /proc is readable. */
async function serverRssMb(admin) {
  try {
    const [[row]] = await admin.query('SELECT @@pid_file AS f');
    const pid = readFileSync(row.f, 'utf8').trim();
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const admin = await createPool({ ...connection, connectionLimit: 1, multipleStatements: true });
const raw = await createPool({
  ...connection,
  database,
  connectionLimit: 5,
  supportBigNumbers: true,
  bigNumberStrings: true,
  dateStrings: true,
});
let adapter;
try {
  log(`setup: ${database} with ${ROWS} rows and ${TABLES} tables × 15 columns …`);
  const setupStarted = performance.now();
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.query(`USE \`${database}\``);
  await admin.query(
    'CREATE TABLE points (id INT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(12,2), seen DATETIME) ENGINE=InnoDB',
  );
  const digits =
    '(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
  await admin.query(`INSERT INTO points SELECT n, CONCAT('name ', n), n / 100, '2020-01-01' + INTERVAL n SECOND FROM (
      SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d + 1 AS n
      FROM ${digits} a, ${digits} b, ${digits} c, ${digits} e, ${digits} f, ${digits} g) x WHERE n <= ${ROWS}`);
  const columns = Array.from({ length: 12 }, (_, i) => `c${i} VARCHAR(30) COMMENT 'column ${i}'`).join(', ');
  for (let start = 0; start < TABLES; start += 100) {
    const batch = [];
    for (let i = start; i < Math.min(TABLES, start + 100); i++) {
      const fk = i > 0 ? `, CONSTRAINT fk_t${i} FOREIGN KEY (parent_id) REFERENCES t${i - 1} (id)` : '';
      batch.push(
        `CREATE TABLE t${i} (id INT PRIMARY KEY, parent_id INT, ${columns}, KEY ix_t${i}_parent (parent_id)${fk}) COMMENT 'legacy table ${i}'`,
      );
    }
    await admin.query(batch.join(';\n'));
  }
  await admin.query('ANALYZE TABLE points');
  log(`setup took ${((performance.now() - setupStarted) / 1000).toFixed(1)} s\n`);

  adapter = createMysqlAdapter({
    url: `${URL_TEXT.replace(/\/[^/?]*(\?|$)/, `/${database}$1`)}`,
    pool: { size: 5 },
  });
  const rows = [];
  const compare = (name, a, r) =>
    rows.push({ name, adapterP50: a.p50, rawP50: r.p50, adapterP95: a.p95, rawP95: r.p95 });

  // 1. Point query: the same SQL text both ways (the adapter takes no parameters).
  const pointSql = (i) => `SELECT id, name, amount, seen FROM points WHERE id = ${(i % ROWS) + 1}`;
  const pointQueries = Array.from({ length: ITERATIONS + 20 }, (_, i) => q(pointSql(i)));
  // Interleaved round by round (bench/lib/common.mjs), so load on a shared machine hits both alike.
  const point = await measureInterleaved(
    {
      adapter: (i) => ok(adapter.executeReadOnly(pointQueries[i % pointQueries.length], LIMITS)),
      raw: (i) => raw.query({ sql: pointSql(i), rowsAsArray: true }),
    },
    { rounds: 12, iterations: ITERATIONS, warmup: 50 },
  );
  compare(
    'point query',
    { p50: point.adapter.p50, p95: point.adapter.p90 },
    { p50: point.raw.p50, p95: point.raw.p90 },
  );

  // 2. Listing every table: one catalog query both ways.
  const listSql = `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_ROWS, TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`;
  const few = Math.max(5, Math.floor(ITERATIONS / 30));
  compare(
    `listTables (${TABLES + 1})`,
    await time(() => ok(adapter.listTables()), few),
    await time(() => raw.query(listSql, [database]), few),
  );

  // 3. describeTable: the adapter's four catalog queries against the same four, raw.
  const middle = `t${Math.floor(TABLES / 2)}`;
  const describeRaw = async () => {
    await raw.query(
      'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [database, middle],
    );
    await raw.query(
      'SELECT * FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [database, middle],
    );
    await raw.query(
      `SELECT * FROM information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_NAME IS NOT NULL
         AND ((TABLE_SCHEMA = ? AND TABLE_NAME = ?) OR (REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?))`,
      [database, middle, database, middle],
    );
    await raw.query('SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [
      database,
      middle,
    ]);
  };
  compare(
    'describeTable',
    await time(() => ok(adapter.describeTable({ name: middle })), few),
    await time(describeRaw, few),
  );

  // 4. listColumns: every column of every table in one query.
  compare(
    `listColumns (${TABLES * 14 + 4})`,
    await time(() => ok(adapter.listColumns()), few),
    await time(() => raw.query({ sql: COLUMNS_SQL, rowsAsArray: true }, [database]), few),
  );

  log('operation                 adapter p50   raw p50   ratio   adapter p95   raw p95 (point query: p90)');
  for (const r of rows) {
    log(
      `${r.name.padEnd(24)} ${r.adapterP50.toFixed(3).padStart(9)} ms ${r.rawP50.toFixed(3).padStart(6)} ms ${(r.adapterP50 / r.rawP50).toFixed(2).padStart(6)}× ${r.adapterP95.toFixed(3).padStart(10)} ms ${r.rawP95.toFixed(3).padStart(6)} ms`,
    );
  }

  // 5. 1,000,000 rows generated on the server, capped at 1,000: time and server memory.
  const million = `SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d AS n, REPEAT('x', 100) AS pad
    FROM ${digits} a, ${digits} b, ${digits} c, ${digits} e, ${digits} f, ${digits} g`;
  const rssBefore = await serverRssMb(admin);
  const capped = await time(() => ok(adapter.executeReadOnly(q(million), LIMITS)), 10);
  const rssAfter = await serverRssMb(admin);
  log(
    `\n1,000,000-row result capped at 1,000: p50 ${capped.p50.toFixed(1)} ms, p95 ${capped.p95.toFixed(1)} ms`,
  );
  if (rssBefore !== undefined && rssAfter !== undefined) {
    log(
      `server resident memory: ${rssBefore.toFixed(0)} MB → ${rssAfter.toFixed(0)} MB (${(rssAfter - rssBefore).toFixed(1)} MB)`,
    );
  } else {
    log('server resident memory: not readable from here');
  }
} finally {
  await adapter?.close();
  await raw.end();
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
}
