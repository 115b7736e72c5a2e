#!/usr/bin/env node
// Catalog cost at legacy scale (issue 3, item 10): on 5,000 tables × 15 columns with foreign keys,
//   listing every table, paged with list_tables (default page of 100, and pages of 1,000), through
//   the use case in-process and through MCP (the built server over stdio), against the raw catalog
//   query the adapter runs, run once through the raw driver — target ≤ 3×;
//   describe_table (a middle table, and a master table referenced by ~100 others) against the raw
//   catalog statement(s) — target ≤ 2×.
// All contenders interleaved in one run; medians.
//
//   node scripts/dev.mjs setup && node bench/catalog.mjs
// Env: BENCH_DIALECTS (postgres,mysql), BENCH_TABLES (5000), BENCH_ITERATIONS (15 per listing contender).

import { createBenchDatabase, tableName } from './generate-legacy-schema.mjs';
import { CLI_PATH, dialects, load, loadBuilt, measureInterleaved, ok } from './lib/common.mjs';

const TABLES = Number(process.env.BENCH_TABLES ?? 5000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 15);
const core = await loadBuilt('core');
const { Client } = await load('@modelcontextprotocol/client');
const { StdioClientTransport } = await load('@modelcontextprotocol/client/stdio');

async function postgresRaw(url, middle, master) {
  const { default: pg } = await load('pg');
  const sqlMod = await loadBuilt('adapter-postgres', 'postgres-catalog-sql.js');
  const c = new pg.Client(url);
  await c.connect();
  const version = Number((await c.query("SELECT current_setting('server_version_num') v")).rows[0].v);
  const f = sqlMod.catalogFeatures(version);
  const list = sqlMod.listTablesQuery(f);
  const describe = (name) => {
    const q = sqlMod.describeTableQuery(f, undefined, name);
    return () => c.query(q.text, q.values);
  };
  return {
    // The adapter's own statements, run raw: the ratio then isolates what the adapter and use case add.
    list: () => c.query(list.text, list.values),
    listInfoSchema: () =>
      c.query(
        "SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
      ),
    describeMiddle: describe(middle),
    describeMaster: describe(master),
    close: () => c.end(),
  };
}

async function mysqlRaw(url, database, middle, master) {
  const { createConnection } = await load('mysql2/promise');
  const u = new URL(url);
  const c = await createConnection({
    host: u.hostname,
    port: u.port === '' ? 3306 : Number(u.port),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database,
  });
  // The statements an experienced MySQL DBA would type: one information_schema read per question.
  const describe = (name) => async () => {
    await c.query(
      'SELECT TABLE_NAME, TABLE_TYPE, TABLE_ROWS, TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [database, name],
    );
    await c.query(
      'SELECT * FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [database, name],
    );
    await c.query(
      `SELECT * FROM information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_NAME IS NOT NULL
         AND ((TABLE_SCHEMA = ? AND TABLE_NAME = ?) OR (REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?))`,
      [database, name, database, name],
    );
    await c.query('SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [
      database,
      name,
    ]);
  };
  return {
    list: () =>
      c.query(
        'SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_ROWS, TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
        [database],
      ),
    describeMiddle: describe(middle),
    describeMaster: describe(master),
    close: () => c.end(),
  };
}

/** Walks every page of list_tables via `page(cursor)`; checks the total so a short listing can't look fast. */
async function walk(page, expected) {
  let cursor;
  let seen = 0;
  let pages = 0;
  do {
    const p = await page(cursor);
    seen += p.tables.length;
    cursor = p.nextCursor;
    pages++;
  } while (cursor !== undefined);
  if (seen !== expected) throw new Error(`listed ${seen} tables, expected ${expected}`);
  return pages;
}

const results = [];
for (const dialect of dialects()) {
  const db = await createBenchDatabase(dialect, { tables: TABLES, rows: 1000 });
  const cleanup = [];
  try {
    const expected = TABLES + 1; // the legacy tables and ORD_HIST
    const middle = db.middleTable;
    const master = tableName(1); // referenced by the next table and by every table i ≡ 1 (mod 50)
    const raw =
      dialect === 'postgres'
        ? await postgresRaw(db.url, middle, master)
        : await mysqlRaw(db.url, db.name, middle, master);
    cleanup.push(raw.close);
    const adapter =
      dialect === 'postgres'
        ? (await loadBuilt('adapter-postgres')).createPostgresAdapter({ url: db.url })
        : (await loadBuilt('adapter-mysql')).createMysqlAdapter({ url: db.url });
    cleanup.push(() => adapter.close());
    const deps = {
      db: adapter,
      metrics: core.noopMetrics,
      logger: core.noopLogger,
      policy: core.DEFAULT_QUERY_POLICY,
    };

    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI_PATH, '--url', db.url],
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'bench', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(transport);
    cleanup.push(() => client.close());
    const mcpPage = (limit) => async (cursor) => {
      const r = await client.callTool({
        name: 'list_tables',
        arguments: { ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) },
      });
      if (r.isError) throw new Error(`list_tables: ${JSON.stringify(r.content)}`);
      return r.structuredContent;
    };
    const useCasePage = (limit) => (cursor) =>
      ok(core.listTables(deps, { ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) }));
    const mcpDescribe = (table) => async () => {
      const r = await client.callTool({ name: 'describe_table', arguments: { table } });
      if (r.isError) throw new Error(`describe_table: ${JSON.stringify(r.content)}`);
      return r;
    };

    const pagesDefault = await walk(useCasePage(), expected);
    const pages1000 = await walk(useCasePage(1000), expected);
    await walk(mcpPage(), expected);
    const detail = await ok(core.describeTable(deps, { table: master }));
    console.log(
      `\n${dialect}: ${expected} tables; default page → ${pagesDefault} pages, limit 1000 → ${pages1000} pages; ${master} has ${detail.columns.length} columns with foreign keys ${detail.foreignKeys.length} out, ${detail.referencedBy.length} in`,
    );

    const listing = await measureInterleaved(
      {
        raw: () => raw.list(),
        ...(raw.listInfoSchema ? { rawInfoSchema: () => raw.listInfoSchema() } : {}),
        adapterAll: () => ok(adapter.listTables()),
        useCase100: () => walk(useCasePage(), expected),
        useCase1000: () => walk(useCasePage(1000), expected),
        mcp100: () => walk(mcpPage(), expected),
        mcp1000: () => walk(mcpPage(1000), expected),
      },
      { iterations: ITERATIONS, rounds: 5, warmup: 2 },
    );
    const describing = await measureInterleaved(
      {
        rawMiddle: () => raw.describeMiddle(),
        adapterMiddle: () => ok(adapter.describeTable({ name: middle })),
        useCaseMiddle: () => ok(core.describeTable(deps, { table: middle })),
        mcpMiddle: mcpDescribe(middle),
        rawMaster: () => raw.describeMaster(),
        useCaseMaster: () => ok(core.describeTable(deps, { table: master })),
        mcpMaster: mcpDescribe(master),
      },
      { iterations: ITERATIONS * 10, rounds: 5, warmup: 10 },
    );

    const row = (label, s, base, target) =>
      console.log(
        `  ${label.padEnd(50)} p50 ${s.p50.toFixed(2).padStart(9)} ms  p90 ${s.p90.toFixed(2).padStart(9)} ms${base ? `  ${(s.p50 / base.p50).toFixed(2).padStart(6)}× raw${target ? (s.p50 / base.p50 <= target ? ' (met)' : ` (MISSED ≤ ${target}×)`) : ''}` : ''}`,
      );
    console.log('  listing every table');
    row('raw catalog query (the adapter’s statement)', listing.raw);
    if (listing.rawInfoSchema) row('raw information_schema.tables', listing.rawInfoSchema, listing.raw);
    row('adapter.listTables() (all, one call)', listing.adapterAll, listing.raw);
    row(`use case list_tables, pages of 100 (${pagesDefault} calls)`, listing.useCase100, listing.raw, 3);
    row(`use case list_tables, pages of 1000 (${pages1000} calls)`, listing.useCase1000, listing.raw, 3);
    row('MCP list_tables over stdio, pages of 100', listing.mcp100, listing.raw, 3);
    row('MCP list_tables over stdio, pages of 1000', listing.mcp1000, listing.raw, 3);
    console.log(`  describe_table ${middle} (middle of the chain) and ${master} (a master)`);
    row(`raw describe statement(s), ${middle}`, describing.rawMiddle);
    row('adapter.describeTable', describing.adapterMiddle, describing.rawMiddle, 2);
    row('use case describe_table', describing.useCaseMiddle, describing.rawMiddle, 2);
    row('MCP describe_table over stdio', describing.mcpMiddle, describing.rawMiddle, 2);
    row(`raw describe statement(s), ${master}`, describing.rawMaster);
    row('use case describe_table', describing.useCaseMaster, describing.rawMaster, 2);
    row('MCP describe_table over stdio', describing.mcpMaster, describing.rawMaster, 2);
    results.push({ dialect, listing, describing });
  } finally {
    for (const fn of cleanup.reverse()) await fn().catch((e) => console.error(`cleanup: ${e.message}`));
    await db.drop();
  }
}
