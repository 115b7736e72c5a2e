#!/usr/bin/env node
// Catalog cost at legacy scale (issue 3 item 10, issue 6 items 1-3), on 5,000 tables × 15 columns:
//   listing every table paged with list_tables (pages of 100 and 1,000) against the raw catalog query
//   — target ≤ 3× — with the schema cache cold (invalidated before every walk: one snapshot build +
//   the pages) and warm, in-process and over MCP (the built server over stdio; its cache is warm
//   after the first walk, it has no invalidation hook);
//   the cold snapshot build (tables; tables + columns for search) — target < 2 s;
//   warm p50 of one page, of search_schema and of describe_table inside the process — target < 5 ms;
//   the catalog fingerprint statement the cache polls, against the raw listing;
//   describe_table against the raw catalog statement(s) — target ≤ 2×;
//   relationships (issue 6 item 4): the adapter's listKeys against its raw statement, the inference
//   build over the whole schema — target well under 1 s — and find_join_path from an order-detail
//   table to a customer table, cold and warm, with the path's SQL run to prove it joins.
// All contenders of a table interleaved in one run; medians.
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

// The fingerprint statements of postgres-catalog-sql.ts / mysql-catalog-sql.ts
// (`catalogFingerprintQuery`), copied because the adapters do not run them yet (their wiring is
// requested from the adapters' owner) and adapter-mysql's build does not expose its catalog module.
const PG_FINGERPRINT = `SELECT pg_catalog.concat_ws('/',
  (SELECT pg_catalog.count(*)::text || '.' || COALESCE(pg_catalog.sum(xmin::text::int8), 0)::text FROM pg_catalog.pg_class WHERE relpersistence <> 't'),
  (SELECT pg_catalog.count(*)::text || '.' || COALESCE(pg_catalog.sum(xmin::text::int8), 0)::text FROM pg_catalog.pg_namespace WHERE nspname !~ '^pg_(toast_)?temp_'),
  (SELECT pg_catalog.count(*)::text || '.' || COALESCE(pg_catalog.sum(xmin::text::int8), 0)::text FROM pg_catalog.pg_description),
  (SELECT pg_catalog.count(*)::text || '.' || COALESCE(pg_catalog.sum(xmin::text::int8), 0)::text FROM pg_catalog.pg_constraint),
  pg_catalog.pg_stat_get_tuples_updated('pg_catalog.pg_attribute'::pg_catalog.regclass)::text) AS fingerprint`;
const MYSQL_FINGERPRINT = `SELECT CONCAT_WS('/',
  (SELECT CONCAT(COUNT(*), '.', COALESCE(SUM(CRC32(CONCAT_WS('.', TABLE_SCHEMA, TABLE_NAME))), 0))
     FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?),
  (SELECT GROUP_CONCAT(VARIABLE_VALUE ORDER BY VARIABLE_NAME SEPARATOR '.')
     FROM information_schema.GLOBAL_STATUS WHERE UPPER(VARIABLE_NAME) IN ('COM_ALTER_TABLE', 'COM_CREATE_INDEX', 'COM_CREATE_VIEW', 'COM_DROP_INDEX'))) AS fingerprint`;

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
    keys: () => {
      const q = sqlMod.listKeysQuery(f);
      return c.query(q.text, q.values);
    },
    count: async (sql) => Number((await c.query(sql)).rows[0].n),
    fingerprint: async () => (await c.query(PG_FINGERPRINT)).rows[0].fingerprint,
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
    // The statement of mysql-catalog-sql.ts `listKeysQuery` (its module is not in the build output).
    keys: () =>
      c.query(
        `SELECT k.CONSTRAINT_SCHEMA, k.CONSTRAINT_NAME, k.TABLE_SCHEMA, k.TABLE_NAME, k.COLUMN_NAME,
           k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, k.ORDINAL_POSITION
         FROM information_schema.KEY_COLUMN_USAGE k
         WHERE k.TABLE_SCHEMA = ? AND (k.REFERENCED_TABLE_NAME IS NOT NULL OR k.CONSTRAINT_NAME = 'PRIMARY')
         ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
        [database],
      ),
    count: async (sql) => Number((await c.query(sql))[0][0].n),
    fingerprint: async () => (await c.query(MYSQL_FINGERPRINT, [database]))[0][0].fingerprint,
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

// The issue's questions (issue 6, "Checked by"), with the table that must come first.
// ORD_HDR_nnnn exists for every multiple of 15 (generate-legacy-schema's prefixes); take one mid-schema.
const ORDER_HEADER = String(Math.floor(TABLES / 2 / 15) * 15).padStart(4, '0');
const SEARCHES = [
  { query: 'customer master', expect: /^CUSTMST_\d{4}$/ },
  { query: `order header ${ORDER_HEADER}`, expect: new RegExp(`^ORD_HDR_${ORDER_HEADER}$`) },
  // One transposed letter in a full name.
  { query: 'CUSTMTS_0002', expect: /^CUSTMST_0002$/ },
];

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
    // The adapter as it will be once catalogFingerprint is wired: the same statement, on a raw client.
    // neverthrow is not among bench/lib's anchored modules: its ResultAsync class comes from an answer.
    const pinged = adapter.ping();
    const ResultAsync = pinged.constructor;
    await ok(pinged);
    const port = Object.create(adapter);
    port.catalogFingerprint = () =>
      ResultAsync.fromPromise(raw.fingerprint(), (e) =>
        core.dbFailure('DriverError', { message: String(e) }),
      );
    const builds = [];
    const metrics = {
      ...core.noopMetrics,
      observe: (name, value, labels) => {
        if (name === 'schema_snapshot_build_seconds') builds.push({ part: labels.part, ms: value * 1000 });
      },
    };
    const cache = core.createSchemaCache({ metrics });
    const deps = {
      db: port,
      metrics: core.noopMetrics,
      logger: core.noopLogger,
      policy: core.DEFAULT_QUERY_POLICY,
      schemaCache: cache,
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
    const mcpCall = async (name, args) => {
      const r = await client.callTool({ name, arguments: args });
      if (r.isError) throw new Error(`${name}: ${JSON.stringify(r.content)}`);
      return r.structuredContent;
    };
    const mcpPage = (limit) => (cursor) =>
      mcpCall('list_tables', { ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) });
    const useCasePage = (limit) => (cursor) =>
      ok(core.listTables(deps, { ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) }));
    const cold = (fn) => () => {
      cache.invalidate();
      return fn();
    };

    const pages100 = await walk(useCasePage(), expected);
    const pages1000 = await walk(useCasePage(1000), expected);
    await walk(mcpPage(), expected);
    const detail = await ok(core.describeTable(deps, { table: master }));
    console.log(
      `\n${dialect}: ${expected} tables; pages of 100 → ${pages100} pages, limit 1000 → ${pages1000} pages (token budget); ${master} has ${detail.columns.length} columns with foreign keys ${detail.foreignKeys.length} out, ${detail.referencedBy.length} in`,
    );
    console.log(`  fingerprint: ${await raw.fingerprint()}`);

    // Search must answer the issue's questions before its speed means anything.
    await ok(cache.snapshot(port, { columns: true }));
    for (const s of SEARCHES) {
      const { matches } = await ok(core.searchSchema(deps, { query: s.query, limit: 5 }));
      const top = matches[0];
      const label = top
        ? `${top.table}${top.column ? `.${top.column}` : ''} [${top.matched}] ${top.reason}`
        : '—';
      if (!top || !s.expect.test(top.table)) throw new Error(`search "${s.query}" found ${label}`);
      console.log(`  search "${s.query}" → ${label}`);
    }

    const row = (label, s, base, target) =>
      console.log(
        `  ${label.padEnd(58)} p50 ${s.p50.toFixed(2).padStart(9)} ms  p90 ${s.p90.toFixed(2).padStart(9)} ms${base ? `  ${(s.p50 / base.p50).toFixed(2).padStart(6)}× raw${target ? (s.p50 / base.p50 <= target ? ' (met)' : ` (MISSED ≤ ${target}×)`) : ''}` : ''}`,
      );
    const abs = (label, s, targetMs) =>
      console.log(
        `  ${label.padEnd(58)} p50 ${s.p50.toFixed(3).padStart(9)} ms  p90 ${s.p90.toFixed(3).padStart(9)} ms${targetMs ? (s.p50 < targetMs ? ` (met < ${targetMs} ms)` : ` (MISSED < ${targetMs} ms)`) : ''}`,
      );
    const listing = await measureInterleaved(
      {
        raw: () => raw.list(),
        adapterAll: () => ok(adapter.listTables()),
        cold100: cold(() => walk(useCasePage(), expected)),
        cold1000: cold(() => walk(useCasePage(1000), expected)),
        warm100: () => walk(useCasePage(), expected),
        warm1000: () => walk(useCasePage(1000), expected),
        mcp100: () => walk(mcpPage(), expected),
        mcp1000: () => walk(mcpPage(1000), expected),
        fingerprint: () => raw.fingerprint(),
      },
      { iterations: ITERATIONS, rounds: 5, warmup: 2 },
    );
    console.log('  listing every table');
    row('raw catalog query (the adapter’s statement)', listing.raw);
    row('adapter.listTables() (all, one call)', listing.adapterAll, listing.raw);
    row(`use case, cold cache, pages of 100 (${pages100} calls)`, listing.cold100, listing.raw, 3);
    row(`use case, cold cache, pages of 1000 (${pages1000} calls)`, listing.cold1000, listing.raw, 3);
    row('use case, warm cache, pages of 100', listing.warm100, listing.raw, 3);
    row('use case, warm cache, pages of 1000', listing.warm1000, listing.raw, 3);
    row('MCP over stdio, server cache warm, pages of 100', listing.mcp100, listing.raw, 3);
    row('MCP over stdio, server cache warm, pages of 1000', listing.mcp1000, listing.raw, 3);
    row('catalog fingerprint statement (raw)', listing.fingerprint, listing.raw);
    builds.length = 0;
    const building = await measureInterleaved(
      {
        coldTables: cold(() => ok(cache.snapshot(port))),
        coldFull: cold(() => ok(cache.snapshot(port, { columns: true }))),
      },
      { iterations: Math.max(5, Math.floor(ITERATIONS / 3)), rounds: 5, warmup: 1 },
    );
    const buildParts = (part) => {
      const ms = builds
        .filter((b) => b.part === part)
        .map((b) => b.ms)
        .sort((a, b) => a - b);
      return ms.length ? ms[Math.floor((ms.length - 1) / 2)] : Number.NaN;
    };

    console.log('  cold snapshot build (invalidate, then build)');
    abs('tables only (what list_tables needs)', building.coldTables, 2000);
    abs('tables + columns (what search_schema needs)', building.coldFull, 2000);
    console.log(
      `  ${'  of which listTables / listColumns (build metric, p50)'.padEnd(58)} ${buildParts('tables').toFixed(1)} / ${buildParts('columns').toFixed(1)} ms`,
    );

    // Warm answers: the cache holds tables and columns, as it does after the first search.
    await ok(cache.snapshot(port, { columns: true }));
    const secondPage = (await ok(core.listTables(deps, {}))).nextCursor;
    const searches = SEARCHES;
    const warm = await measureInterleaved(
      {
        firstPage: () => ok(core.listTables(deps, {})),
        nextPage: () => ok(core.listTables(deps, { cursor: secondPage })),
        patternPage: () => ok(core.listTables(deps, { pattern: 'ORD_HDR_*' })),
        search0: () => ok(core.searchSchema(deps, { query: searches[0].query })),
        search1: () => ok(core.searchSchema(deps, { query: searches[1].query })),
        search2: () => ok(core.searchSchema(deps, { query: searches[2].query })),
        describeCached: () => ok(core.describeTable(deps, { table: middle })),
        mcpPage: () => mcpCall('list_tables', {}),
        mcpSearch: () => mcpCall('search_schema', { query: searches[0].query }),
      },
      { iterations: ITERATIONS * 10, rounds: 5, warmup: 5 },
    );
    console.log('  warm answers inside the process');
    abs('list_tables first page (100)', warm.firstPage, 5);
    abs('list_tables second page (cursor)', warm.nextPage, 5);
    abs("list_tables pattern 'ORD_HDR_*'", warm.patternPage, 5);
    abs(`search_schema "${searches[0].query}"`, warm.search0, 5);
    abs(`search_schema "${searches[1].query}"`, warm.search1, 5);
    abs(`search_schema "${searches[2].query}"`, warm.search2, 5);
    abs('describe_table, detail kept with the snapshot', warm.describeCached, 5);
    abs('MCP list_tables first page', warm.mcpPage);
    abs(`MCP search_schema "${searches[0].query}"`, warm.mcpSearch);
    // The adapter with its own default cache: the first describe_table reads the catalog for inferred
    // relationships, so a snapshot exists and (the adapters having fingerprints) details are kept with it.
    const adapterDeps = { ...deps, db: adapter, schemaCache: undefined };
    const describing = await measureInterleaved(
      {
        rawMiddle: () => raw.describeMiddle(),
        adapterMiddle: () => ok(adapter.describeTable({ name: middle })),
        useCaseMiddle: () => ok(core.describeTable(adapterDeps, { table: middle })),
        mcpMiddle: () => mcpCall('describe_table', { table: middle }),
        rawMaster: () => raw.describeMaster(),
        useCaseMaster: () => ok(core.describeTable(adapterDeps, { table: master })),
        mcpMaster: () => mcpCall('describe_table', { table: master }),
      },
      { iterations: ITERATIONS * 2, rounds: 5, warmup: 3 },
    );

    console.log(`  describe_table ${middle} (middle of the chain) and ${master} (a master)`);
    row(`raw describe statement(s), ${middle}`, describing.rawMiddle);
    row('adapter.describeTable', describing.adapterMiddle, describing.rawMiddle, 2);
    row('use case describe_table (adapter, detail kept)', describing.useCaseMiddle, describing.rawMiddle, 2);
    row('MCP describe_table over stdio', describing.mcpMiddle, describing.rawMiddle, 2);
    row(`raw describe statement(s), ${master}`, describing.rawMaster);
    row('use case describe_table', describing.useCaseMaster, describing.rawMaster, 2);
    row('MCP describe_table over stdio', describing.mcpMaster, describing.rawMaster, 2);

    // Relationships: an order-detail table (ORD_DTL_*, i ≡ 1 mod 15) to a customer master (CUSTMST_0002).
    const detailIndex = Math.min(Math.floor(TABLES / 2 / 150) * 150 + 1, TABLES - 1);
    const joinArgs = { from: tableName(detailIndex), to: tableName(2), max_hops: 8 };
    const path = await ok(core.findJoinPath(deps, joinArgs));
    const joined = await raw.count(`SELECT count(*) AS n ${path.sql}`);
    const full = await ok(cache.snapshot(port, { columns: true, keys: true }));
    const relationships = core.buildRelationships({
      tables: full.tables,
      columns: full.columns,
      keys: full.keys,
    });
    console.log(
      `  find_join_path ${joinArgs.from} → ${joinArgs.to}: ${path.hops.length} hops (${path.hops.map((h) => h.kind).join(', ')}); its SQL runs: ${joined} rows; ${full.keys.primaryKeys.length} primary and ${full.keys.foreignKeys.length} foreign keys declared, ${relationships.inferred.length} relationships inferred`,
    );
    const relating = await measureInterleaved(
      {
        rawKeys: () => raw.keys(),
        adapterKeys: () => ok(adapter.listKeys()),
        infer: () => core.buildRelationships({ tables: full.tables, columns: full.columns, keys: full.keys }),
        coldPath: cold(() => ok(core.findJoinPath(deps, joinArgs))),
        coldDescribe: cold(() => ok(core.describeTable(deps, { table: middle }))),
        warmPath: () => ok(core.findJoinPath(deps, joinArgs)),
        mcpPath: () => mcpCall('find_join_path', joinArgs),
      },
      { iterations: Math.max(5, Math.floor(ITERATIONS / 3)), rounds: 5, warmup: 1 },
    );
    console.log('  relationships');
    row('raw key statement (every primary and foreign key)', relating.rawKeys);
    row('adapter.listKeys()', relating.adapterKeys, relating.rawKeys, 2);
    abs('inference over the whole schema (buildRelationships)', relating.infer, 1000);
    abs('find_join_path, cold cache (tables + columns + keys + inference)', relating.coldPath, 2000);
    abs('find_join_path, warm', relating.warmPath, 5);
    abs('describe_table, cold cache (detail + catalog for inference)', relating.coldDescribe, 2000);
    abs('MCP find_join_path over stdio (server cache warm)', relating.mcpPath);
    results.push({ dialect, listing, building, warm, describing, relating });
  } finally {
    for (const fn of cleanup.reverse()) await fn().catch((e) => console.error(`cleanup: ${e.message}`));
    await db.drop();
  }
}
