#!/usr/bin/env node
// Builds the benchmark databases of issue 3 (item 10) on PostgreSQL and MySQL/MariaDB: a legacy-shaped
// schema of BENCH_TABLES (5,000) tables × 15 columns with cryptic upper-case names (ORD_HDR_0001,
// CUSTMST_0042 …), each with a primary key and foreign keys (a chain to the previous table and one to
// one of 50 "master" tables, so some tables are referenced a hundred times, as in real ERPs); a
// 100,000-row table ORD_HIST for point queries; and, on request, a 1,000,000-row table TXN_LOG.
//
// Imported by the other scripts; run alone it times the generation and drops what it made:
//   node bench/generate-legacy-schema.mjs [postgres|mysql] [--big] [--keep]
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { load, MYSQL_URL, mysqlConnect, POSTGRES_URL, withDatabase } from './lib/common.mjs';

const PREFIXES = [
  'ORD_HDR',
  'ORD_DTL',
  'CUSTMST',
  'INVMST',
  'GL_JRNL',
  'AP_VEND',
  'AR_INV',
  'PO_HDR',
  'PO_LINE',
  'SHP_MFST',
  'EMP_MST',
  'PRC_LST',
  'WHS_LOC',
  'TAX_CD',
  'CRD_MEMO',
];
const MASTERS = 50;

/** The cryptic name of legacy table `i`. */
export const tableName = (i) => `${PREFIXES[i % PREFIXES.length]}_${String(i).padStart(4, '0')}`;

/** The 12 payload columns every legacy table has besides ID, PRNT_ID and MST_ID (15 in all). */
function payloadColumns(dialect) {
  const ts = dialect === 'postgres' ? 'timestamp' : 'datetime';
  return [
    'STAT_CD char(2)',
    'CUST_NO varchar(10)',
    'DESC_TX varchar(60)',
    'AMT_01 numeric(12,2)',
    'AMT_02 numeric(12,2)',
    'QTY_01 integer',
    `UPD_DT ${ts}`,
    'UPD_USR varchar(8)',
    'FLG_01 char(1)',
    'REF_NO varchar(20)',
    'CRT_DT date',
    'RMK_TX varchar(200)',
  ];
}

function legacyTableDdl(dialect, i) {
  const q = dialect === 'postgres' ? (n) => `"${n}"` : (n) => `\`${n}\``;
  const cols = payloadColumns(dialect).map((c) => {
    const [n, ...type] = c.split(' ');
    return `${q(n)} ${type.join(' ')}`;
  });
  const fks = [];
  if (i > 0)
    fks.push(
      `CONSTRAINT ${q(`FK_${i}_PRNT`)} FOREIGN KEY (${q('PRNT_ID')}) REFERENCES ${q(tableName(i - 1))} (${q('ID')})`,
    );
  if (i >= MASTERS) {
    fks.push(
      `CONSTRAINT ${q(`FK_${i}_MST`)} FOREIGN KEY (${q('MST_ID')}) REFERENCES ${q(tableName(i % MASTERS))} (${q('ID')})`,
    );
  }
  const comment = dialect === 'mysql' ? ` COMMENT 'legacy table ${i}'` : '';
  return `CREATE TABLE ${q(tableName(i))} (${q('ID')} integer PRIMARY KEY, ${q('PRNT_ID')} integer, ${q('MST_ID')} integer, ${cols.join(', ')}${fks.map((f) => `, ${f}`).join('')})${comment}`;
}

/**
 * Creates `lb_bench_<random>` with the legacy schema, ORD_HIST (`rows` rows) and optionally TXN_LOG
 * (`bigRows` rows); returns its URL, a `drop()` that removes it and a `release()` that keeps it.
 */
export async function createBenchDatabase(
  dialect,
  { tables = 5000, rows = 100_000, bigRows = 0, log = console.error } = {},
) {
  const name = `lb_bench_${randomBytes(4).toString('hex')}`;
  const started = performance.now();
  const db =
    dialect === 'postgres'
      ? await postgres(name, { tables, rows, bigRows })
      : await mysql(name, { tables, rows, bigRows });
  log(
    `[${dialect}] ${name}: ${tables} tables × 15 columns, ORD_HIST ${rows} rows${bigRows ? `, TXN_LOG ${bigRows} rows` : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { dialect, name, ...db, tables, middleTable: tableName(Math.floor(tables / 2) + 1) };
}

async function postgres(name, { tables, rows, bigRows }) {
  const { default: pg } = await load('pg');
  const server = new pg.Client(POSTGRES_URL);
  await server.connect();
  await server.query(`CREATE DATABASE ${name}`);
  const url = withDatabase(POSTGRES_URL, name);
  const admin = new pg.Client(url);
  await admin.connect();
  try {
    // 250 tables per transaction: one round trip each, and well inside the shared lock table
    // (max_locks_per_transaction × max_connections), which one 5,000-table transaction would overflow.
    for (let from = 0; from < tables; from += 250) {
      const ddl = [];
      for (let i = from; i < Math.min(from + 250, tables); i++) {
        ddl.push(legacyTableDdl('postgres', i));
        ddl.push(`COMMENT ON TABLE "${tableName(i)}" IS 'legacy table ${i}'`);
      }
      await admin.query(`BEGIN; ${ddl.join(';\n')}; COMMIT`);
    }
    await admin.query(`CREATE TABLE "ORD_HIST" ("ORD_ID" integer PRIMARY KEY, "CUST_NO" varchar(10), "STAT_CD" char(2),
      "AMT" numeric(12,2), "UPD_DT" timestamp);
      INSERT INTO "ORD_HIST" SELECT g, 'C' || (g % 9973), 'OK', g / 100.0, timestamp '2020-01-01' + g * interval '1 minute'
      FROM generate_series(1, ${rows}) g`);
    if (bigRows > 0) {
      await admin.query(`CREATE TABLE "TXN_LOG" AS SELECT g AS "TXN_ID", 'A' || (g % 100003) AS "ACCT_NO",
        (g % 100000) / 100.0 AS "AMT", md5(g::text) || md5((g + 1)::text) AS "MEMO_TX" FROM generate_series(1, ${bigRows}) g`);
    }
    await admin.query('ANALYZE');
  } finally {
    await admin.end();
  }
  return {
    url,
    async drop() {
      await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await server.end();
    },
    release: () => server.end(),
  };
}

async function mysql(name, { tables, rows, bigRows }) {
  const connect = () => mysqlConnect(MYSQL_URL, { database: undefined, multipleStatements: true });
  const admin = await connect();
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.query(`USE \`${name}\``);
  // InnoDB writes a file per table, so DDL waits on the disk more than on the CPU: three connections
  // in parallel, 100 CREATE TABLEs per round trip. foreign_key_checks=0 lets a table name a parent
  // another connection has not created yet (the keys are still declared and show in the catalog).
  const workers = await Promise.all([0, 1, 2].map(() => connect()));
  const batches = [];
  for (let from = 0; from < tables; from += 100) batches.push(from);
  await Promise.all(
    workers.map(async (w, k) => {
      await w.query(`USE \`${name}\`; SET SESSION foreign_key_checks = 0`);
      for (let b = k; b < batches.length; b += workers.length) {
        const ddl = [];
        for (let i = batches[b]; i < Math.min(batches[b] + 100, tables); i++)
          ddl.push(legacyTableDdl('mysql', i));
        await w.query(ddl.join(';\n'));
      }
      await w.end();
    }),
  );
  const digits =
    '(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
  const numbers = (
    limit,
  ) => `(SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d + 1 AS n
      FROM ${digits} a, ${digits} b, ${digits} c, ${digits} e, ${digits} f, ${digits} g) x WHERE n <= ${limit}`;
  await admin.query(`CREATE TABLE ORD_HIST (ORD_ID integer PRIMARY KEY, CUST_NO varchar(10), STAT_CD char(2),
    AMT numeric(12,2), UPD_DT datetime) ENGINE=InnoDB;
    INSERT INTO ORD_HIST SELECT n, CONCAT('C', n % 9973), 'OK', n / 100, '2020-01-01' + INTERVAL n MINUTE FROM ${numbers(rows)};
    ANALYZE TABLE ORD_HIST`);
  if (bigRows > 0) {
    await admin.query(`CREATE TABLE TXN_LOG (TXN_ID integer PRIMARY KEY, ACCT_NO varchar(10), AMT numeric(12,2), MEMO_TX char(64)) ENGINE=InnoDB;
      INSERT INTO TXN_LOG SELECT n, CONCAT('A', n % 100003), (n % 100000) / 100, CONCAT(MD5(n), MD5(n + 1)) FROM ${numbers(bigRows)};
      ANALYZE TABLE TXN_LOG`);
  }
  return {
    url: withDatabase(MYSQL_URL, name),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
    release: () => admin.end(),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const which = args.filter((a) => !a.startsWith('--'));
  for (const dialect of which.length > 0 ? which : ['postgres', 'mysql']) {
    const db = await createBenchDatabase(dialect, {
      tables: Number(process.env.BENCH_TABLES ?? 5000),
      bigRows: args.includes('--big') ? 1_000_000 : 0,
    });
    if (args.includes('--keep')) {
      console.log(`${dialect}: ${db.url} (kept; drop it yourself)`);
      await db.release();
    } else {
      await db.drop();
    }
  }
}
