#!/usr/bin/env node
// Catalog cost at legacy scale (issue 3 item 10, issue 6 items 1-4 and 6), on 5,000 tables × 15 columns:
//   listing every table paged with list_tables (pages of 100 and 1,000) against the raw catalog query
//   — target ≤ 3× — with the schema cache cold (invalidated before every walk: one snapshot build +
//   the pages) and warm, in-process and over MCP (the built server over stdio; its cache is warm
//   after the first walk, it has no invalidation hook);
//   the cold snapshot build (tables; + columns for search; + keys for relationships) — target < 2 s;
//   warm p50 of one page, of search_schema and of describe_table inside the server (the use case
//   in-process, as the server runs it per call) — target < 5 ms;
//   the catalog fingerprint statement the cache polls, against the raw listing;
//   describe_table against the raw catalog statement(s) — target ≤ 2×;
//   relationships (issue 6 item 4): the adapter's listKeys against its raw statement, the inference
//   build over the whole schema — target well under 1 s — and find_join_path from an order-detail
//   table to a customer table, cold and warm, with the path's SQL run to prove it joins;
//   answer sizes (issue 6 item 6): the same questions asked of LegacyBridge and of DBHub 1.4.0 over
//   MCP stdio, the text a model reads counted in o200k_base tokens, structuredContent bytes beside.
// All contenders of a table interleaved in one run; medians. Exit 1 when a target is missed, 2 when
// the run is incomplete (DBHub not installed), like http-dbhub.mjs.
//
//   node scripts/dev.mjs setup && node bench/catalog.mjs
//   (DBHub and the tokenizer outside the workspace, see bench/README.md:
//    /tmp/dbhub: npm install @bytebase/dbhub@1.4.0; /tmp/tok: npm install gpt-tokenizer@4.0.0)
// Env: BENCH_DIALECTS (postgres,mysql), BENCH_TABLES (5000), BENCH_ITERATIONS (15 per listing contender),
// BENCH_PARTS (timing,sizes: `sizes` alone asks the questions and counts tokens, ~1 min after the
// schema is built), BENCH_DBHUB, BENCH_TOKENIZER_DIR.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchDatabase, tableName } from './generate-legacy-schema.mjs';
import { CLI_PATH, dialects, load, loadBuilt, measureInterleaved, mysqlConnect, ok } from './lib/common.mjs';
import { connectDbhub, dbhubDsn, dbhubMissing, writeDbhubConfig } from './lib/dbhub.mjs';
import { answerSize, loadTokenizer } from './lib/tokens.mjs';

const TABLES = Number(process.env.BENCH_TABLES ?? 5000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 15);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'timing,sizes').split(',').map((p) => p.trim()));
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
    keys: () => {
      const q = sqlMod.listKeysQuery(f);
      return c.query(q.text, q.values);
    },
    count: async (sql) => Number((await c.query(sql)).rows[0].n),
    version: (await c.query('SELECT version() AS v')).rows[0].v.split(' on ')[0],
    describeMiddle: describe(middle),
    describeMaster: describe(master),
    close: () => c.end(),
  };
}

async function mysqlRaw(url, database, middle, master) {
  const c = await mysqlConnect(url, { database });
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
    version: String((await c.query('SELECT VERSION() AS v'))[0][0].v),
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

/** Every target missed, as "dialect: what (target)", for the verdict at the end and the exit code. */
const missed = [];

/** The two line formats of the timing tables, recording each missed target for `dialect`. */
function printers(dialect) {
  const judge = (label, met, target) => {
    if (!met) missed.push(`${dialect}: ${label.trim()} (target ${target})`);
    return met ? ` (met ${target})` : ` (MISSED ${target})`;
  };
  /** A contender against a baseline `base` measured in the same run; `target` is the largest ratio allowed. */
  const row = (label, s, base, target) =>
    console.log(
      `  ${label.padEnd(58)} p50 ${s.p50.toFixed(2).padStart(9)} ms  p90 ${s.p90.toFixed(2).padStart(9)} ms${base ? `  ${(s.p50 / base.p50).toFixed(2).padStart(6)}× raw${target ? judge(label, s.p50 / base.p50 <= target, `≤ ${target}×`) : ''}` : ''}`,
    );
  /** A contender on its own; `targetMs` is the p50 it must stay under. */
  const abs = (label, s, targetMs) =>
    console.log(
      `  ${label.padEnd(58)} p50 ${s.p50.toFixed(3).padStart(9)} ms  p90 ${s.p90.toFixed(3).padStart(9)} ms${targetMs ? judge(label, s.p50 < targetMs, `< ${targetMs} ms`) : ''}`,
    );
  return { row, abs };
}

/** The timing tables of one engine; returns the p50s issue 6 sets targets for, for the summary. */
async function timings(ctx) {
  const { dialect, raw, adapter, port, cache, deps, builds, mcpCall, mcpPage, useCasePage, cold } = ctx;
  const { expected, pages100, pages1000, middle, master, joinArgs } = ctx;
  const { row, abs } = printers(dialect);
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
      fingerprint: () => ok(adapter.catalogFingerprint()),
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
  row('adapter.catalogFingerprint() (what the cache polls)', listing.fingerprint, listing.raw);

  builds.length = 0;
  const building = await measureInterleaved(
    {
      coldTables: cold(() => ok(cache.snapshot(port))),
      coldColumns: cold(() => ok(cache.snapshot(port, { columns: true }))),
      coldKeys: cold(() => ok(cache.snapshot(port, { columns: true, keys: true }))),
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
  abs('tables + columns (what search_schema needs)', building.coldColumns, 2000);
  abs('tables + columns + keys (find_join_path, describe)', building.coldKeys, 2000);
  console.log(
    `  ${'  of which listTables / listColumns / listKeys (build metric, p50)'.padEnd(58)} ${['tables', 'columns', 'keys'].map((p) => buildParts(p).toFixed(1)).join(' / ')} ms`,
  );

  // Warm answers: the cache holds tables and columns, as it does after the first search.
  await ok(cache.snapshot(port, { columns: true }));
  const secondPage = (await ok(core.listTables(deps, {}))).nextCursor;
  const warm = await measureInterleaved(
    {
      firstPage: () => ok(core.listTables(deps, {})),
      nextPage: () => ok(core.listTables(deps, { cursor: secondPage })),
      patternPage: () => ok(core.listTables(deps, { pattern: 'ORD_HDR_*' })),
      search0: () => ok(core.searchSchema(deps, { query: SEARCHES[0].query })),
      search1: () => ok(core.searchSchema(deps, { query: SEARCHES[1].query })),
      search2: () => ok(core.searchSchema(deps, { query: SEARCHES[2].query })),
      describeCached: () => ok(core.describeTable(deps, { table: middle })),
      mcpPage: () => mcpCall('list_tables', {}),
      mcpSearch: () => mcpCall('search_schema', { query: SEARCHES[0].query }),
      mcpDescribe: () => mcpCall('describe_table', { table: middle }),
    },
    { iterations: ITERATIONS * 10, rounds: 5, warmup: 5 },
  );
  console.log('  warm answers inside the server (the use case in-process, as the server runs it per call)');
  abs('list_tables first page (100)', warm.firstPage, 5);
  abs('list_tables second page (cursor)', warm.nextPage, 5);
  abs("list_tables pattern 'ORD_HDR_*'", warm.patternPage, 5);
  abs(`search_schema "${SEARCHES[0].query}"`, warm.search0, 5);
  abs(`search_schema "${SEARCHES[1].query}"`, warm.search1, 5);
  abs(`search_schema "${SEARCHES[2].query}"`, warm.search2, 5);
  abs('describe_table, detail kept with the snapshot', warm.describeCached, 5);
  console.log('  the same over MCP stdio (client round trip included, for scale; no target)');
  abs('MCP list_tables first page', warm.mcpPage);
  abs(`MCP search_schema "${SEARCHES[0].query}"`, warm.mcpSearch);
  abs(`MCP describe_table ${middle}`, warm.mcpDescribe);

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

  const full = await ok(cache.snapshot(port, { columns: true, keys: true }));
  const relating = await measureInterleaved(
    {
      rawKeys: () => raw.keys(),
      adapterKeys: () => ok(adapter.listKeys()),
      infer: () => core.buildRelationships({ tables: full.tables, columns: full.columns, keys: full.keys }),
      coldPath: cold(() => ok(core.findJoinPath(deps, joinArgs))),
      // Right after coldPath, which left everything cached: a contender that invalidates must not run
      // between the two, or "warm" measures a rebuild.
      warmPath: () => ok(core.findJoinPath(deps, joinArgs)),
      mcpPath: () => mcpCall('find_join_path', joinArgs),
    },
    { iterations: Math.max(5, Math.floor(ITERATIONS / 3)), rounds: 5, warmup: 1 },
  );
  // Alone: a cold describe_table answers at once and reads the catalog for inference in the background,
  // which would otherwise run under the next contender's timing.
  const coldDescribe = await measureInterleaved(
    { coldDescribe: cold(() => ok(core.describeTable(deps, { table: middle }))) },
    { iterations: Math.max(5, Math.floor(ITERATIONS / 3)), rounds: 5, warmup: 1 },
  );
  console.log('  relationships');
  row('raw key statement (every primary and foreign key)', relating.rawKeys);
  row('adapter.listKeys()', relating.adapterKeys, relating.rawKeys, 2);
  abs('inference over the whole schema (buildRelationships)', relating.infer, 1000);
  abs('find_join_path, cold cache (tables + columns + keys + inference)', relating.coldPath, 2000);
  abs('find_join_path, warm', relating.warmPath, 5);
  abs('describe_table, cold cache (detail; catalog read in the background)', coldDescribe.coldDescribe, 2000);
  abs('MCP find_join_path over stdio (server cache warm)', relating.mcpPath);

  const slowest = [warm.search0, warm.search1, warm.search2].reduce((a, b) => (b.p50 > a.p50 ? b : a));
  return {
    coldSnapshot: building.coldKeys.p50,
    coldSnapshotSearch: building.coldColumns.p50,
    firstPage: warm.firstPage.p50,
    search: slowest.p50,
    describe: warm.describeCached.p50,
  };
}

/**
 * Issue 6's "answer sizes in tokens beside DBHub's for the same questions": each question asked of
 * LegacyBridge (its tool) and of DBHub (the closest call it has), both over MCP stdio; the text a
 * model reads counted in tokens, structuredContent bytes beside. What each answer holds is checked and
 * said, so a small answer that misses the table cannot look good.
 */
async function answerSizes({ dialect, lb, dbhub, tokenizer, schema, expected, middle, master, joinArgs }) {
  const rows = [];
  const add = (id, question, server, call, size, holds) =>
    rows.push({ id, question, server, call, ...size, holds });
  const call = async (client, server, name, args) => {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError) {
      throw new Error(
        `${server} ${name} ${JSON.stringify(args)}: ${JSON.stringify(result.content).slice(0, 300)}`,
      );
    }
    return result;
  };
  const lbCall = async (name, args) => {
    const r = await call(lb, 'LegacyBridge', name, args);
    return { size: answerSize(r, tokenizer), sc: r.structuredContent };
  };
  // DBHub answers pretty-printed JSON text ({ success, data }) and no structuredContent.
  const dbhubCall = async (args) => {
    const r = await call(dbhub, 'DBHub', 'search_objects', args);
    const body = JSON.parse(r.content[0].text);
    if (!body.success)
      throw new Error(`DBHub search_objects ${JSON.stringify(args)}: ${r.content[0].text.slice(0, 300)}`);
    return { size: answerSize(r, tokenizer), data: body.data };
  };
  const sum = (sizes) => ({
    tokens: sizes.reduce((t, s) => t + s.tokens, 0),
    textBytes: sizes.reduce((t, s) => t + s.textBytes, 0),
    structuredBytes: sizes.reduce((t, s) => t + s.structuredBytes, 0),
    structuredTokens: sizes.reduce((t, s) => t + s.structuredTokens, 0),
  });
  const definitions = (tools) => {
    const text = JSON.stringify(tools);
    return { tokens: tokenizer.count(text), textBytes: Buffer.byteLength(text) };
  };

  // Untimed warm-up: the first describe_table answers with declared keys and reads the catalog for
  // inference in the background; find_join_path waits for that read, so later answers are complete.
  await lbCall('describe_table', { table: middle });
  await lbCall('find_join_path', joinArgs);

  const toolQuestion = 'tool definitions (tools/list as compact JSON, sent with every turn)';
  const lbTools = (await lb.listTools()).tools;
  add(
    'tools',
    toolQuestion,
    'LegacyBridge',
    `${lbTools.length} tools`,
    definitions(lbTools),
    lbTools.map((t) => t.name).join(', '),
  );
  if (dbhub) {
    const tools = (await dbhub.listTools()).tools;
    add(
      'tools',
      toolQuestion,
      'DBHub',
      `${tools.length} tools`,
      definitions(tools),
      tools.map((t) => t.name).join(', '),
    );
  }

  const listQuestion = `list all tables (${expected})`;
  const first = await lbCall('list_tables', {});
  add(
    'list-first',
    listQuestion,
    'LegacyBridge',
    'list_tables, first page',
    first.size,
    `${first.sc.tables.length} of ${first.sc.total} tables, next_cursor`,
  );
  for (const limit of [undefined, 1000]) {
    const pages = [];
    let cursor;
    do {
      const page = await lbCall('list_tables', {
        ...(limit ? { limit } : {}),
        ...(cursor ? { cursor } : {}),
      });
      pages.push(page);
      cursor = page.sc.nextCursor;
    } while (cursor !== undefined);
    const seen = pages.reduce((n, p) => n + p.sc.tables.length, 0);
    if (seen !== expected) throw new Error(`list_tables pages listed ${seen} tables, expected ${expected}`);
    const largest = Math.max(...pages.map((p) => p.size.tokens));
    // Issue 6 item 2: every page fits the default budget of about 8k tokens (real tokens only).
    if (tokenizer.exact && largest > 8192)
      missed.push(
        `${dialect}: list_tables${limit ? ` limit ${limit}` : ''} page of ${largest} tokens (target ≤ 8k)`,
      );
    add(
      `list-all-${limit ?? 'default'}`,
      listQuestion,
      'LegacyBridge',
      `list_tables, every page${limit ? ` (limit ${limit})` : ''}`,
      sum(pages.map((p) => p.size)),
      `${pages.length} call${pages.length === 1 ? '' : 's'}, all ${seen} tables; largest page ${largest.toLocaleString('en-US')} tokens`,
    );
  }
  if (dbhub) {
    for (const limit of [undefined, 1000]) {
      const { size, data } = await dbhubCall({ object_type: 'table', ...(limit ? { limit } : {}) });
      add(
        `list-dbhub-${limit ?? 'default'}`,
        listQuestion,
        'DBHub',
        `search_objects table${limit ? ` limit ${limit} (its maximum)` : ' (default limit 100)'}`,
        size,
        `${data.count} of ${expected} tables, truncated: ${data.truncated}${data.count < expected ? `; no cursor or offset to reach the other ${expected - data.count}` : ''}`,
      );
    }
  }

  // The right answer: a CUSTMST_ table first; CUSTMST_0002, the master find_join_path goes to, named.
  const findQuestion = `find the customer master table (${joinArgs.to})`;
  const isCustomerMaster = (name) => /^CUSTMST_\d{4}$/.test(name);
  const found = await lbCall('search_schema', { query: SEARCHES[0].query });
  const matches = found.sc.matches;
  const rankOf = (names, name) => names.indexOf(name) + 1;
  add(
    'find',
    findQuestion,
    'LegacyBridge',
    `search_schema "${SEARCHES[0].query}"`,
    found.size,
    `${matches.length} ranked matches with reasons; #1 ${matches[0]?.table} (${matches[0]?.matched}); ${isCustomerMaster(matches[0]?.table ?? '') ? 'a customer master first' : 'NOT a customer master first'}; ${joinArgs.to} ${
      rankOf(
        matches.map((m) => m.table),
        joinArgs.to,
      )
        ? `#${rankOf(
            matches.map((m) => m.table),
            joinArgs.to,
          )}`
        : 'absent'
    }`,
  );
  if (dbhub) {
    for (const pattern of ['%customer%', '%cust%']) {
      const { size, data } = await dbhubCall({ object_type: 'table', pattern });
      const names = data.results.map((r) => r.name);
      const rank = rankOf(names, joinArgs.to);
      add(
        `find-dbhub-${pattern}`,
        findQuestion,
        'DBHub',
        `search_objects table pattern '${pattern}'`,
        size,
        `${data.count} tables${data.truncated ? ' (truncated)' : ''} by name, no ranking; ${names.filter(isCustomerMaster).length} CUSTMST_*; ${joinArgs.to} ${rank ? `#${rank}` : 'absent'}`,
      );
    }
  }

  for (const [id, table] of [
    ['describe', middle],
    ['describe-master', master],
  ]) {
    const question = `describe ${table} (15 columns${table === master ? ', a master referenced by many' : ''})`;
    const d = await lbCall('describe_table', { table });
    if (d.sc.columns.length !== 15)
      throw new Error(`describe_table ${table}: ${d.sc.columns.length} columns`);
    const inferred = (d.sc.inferredForeignKeys?.length ?? 0) + (d.sc.inferredReferencedBy?.length ?? 0);
    add(
      id,
      question,
      'LegacyBridge',
      'describe_table',
      d.size,
      `15 columns, primary key, ${d.sc.foreignKeys.length} foreign keys out / ${d.sc.referencedBy.length} in, ${inferred} inferred${d.sc.inferredReferencedByOmitted ? ` (+${d.sc.inferredReferencedByOmitted} counted)` : ''}, ${d.sc.indexes.length} indexes`,
    );
    if (!dbhub) continue;
    const columns = await dbhubCall({ object_type: 'column', schema, table, detail_level: 'full' });
    if (columns.data.count !== 15) throw new Error(`DBHub columns of ${table}: ${columns.data.count}`);
    add(
      `${id}-dbhub-columns`,
      question,
      'DBHub',
      'search_objects column, table filter, full',
      columns.size,
      '15 columns (type, nullable, default); no keys',
    );
    const detail = await dbhubCall({ object_type: 'table', pattern: table, detail_level: 'full' });
    const t = detail.data.results.find((r) => r.name === table);
    if (t?.column_count !== 15)
      throw new Error(`DBHub table detail of ${table}: ${JSON.stringify(detail.data).slice(0, 300)}`);
    add(
      `${id}-dbhub-table`,
      question,
      'DBHub',
      'search_objects table, exact name, full',
      detail.size,
      `15 columns + ${t.indexes.length} indexes, row count; no foreign keys either way`,
    );
  }

  const joinQuestion = `join path ${joinArgs.from} → ${joinArgs.to}`;
  const path = await lbCall('find_join_path', joinArgs);
  add(
    'join',
    joinQuestion,
    'LegacyBridge',
    'find_join_path',
    path.size,
    `${path.sc.hops.length} hops (${path.sc.hops.map((h) => h.kind).join(', ')}) and the FROM … JOIN … ON … text`,
  );
  if (dbhub) {
    add(
      'join-dbhub',
      joinQuestion,
      'DBHub',
      'no such tool',
      {},
      'no foreign keys in any search_objects answer: the model guesses joins from column names',
    );
  }
  return rows;
}

const fmt = (n) => (n === undefined ? '—' : n.toLocaleString('en-US'));

function printAnswerSizes(rows, tokenizer) {
  console.log(
    `  answer sizes: ${tokenizer.label} of the text content a model reads; structuredContent (compact JSON) beside, for a client that passes it on instead`,
  );
  console.log(
    `    ${'server        call'.padEnd(62)} ${'tokens'.padStart(8)} ${'text B'.padStart(8)} ${'struct tok'.padStart(10)} ${'struct B'.padStart(9)}  what the answer holds`,
  );
  let question;
  for (const r of rows) {
    if (r.question !== question) {
      question = r.question;
      console.log(`   ${question}`);
    }
    console.log(
      `    ${r.server.padEnd(13)} ${r.call.padEnd(48)} ${fmt(r.tokens).padStart(8)} ${fmt(r.textBytes).padStart(8)} ${fmt(r.structuredTokens).padStart(10)} ${fmt(r.structuredBytes).padStart(9)}  ${r.holds}`,
    );
  }
}

const tokenizer = PARTS.has('sizes') ? await loadTokenizer() : undefined;
const dbhubProblem = PARTS.has('sizes') ? dbhubMissing() : undefined;
if (dbhubProblem)
  console.error(`bench: ${dbhubProblem}\nThe DBHub columns of the answer sizes will be missing (exit 2).`);
/** Engines DBHub failed to start on, with why. */
const dbhubFailures = [];
const summaries = [];
const sizes = [];
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
    await ok(adapter.ping());
    // The adapter itself is the port, catalog fingerprint included: the cache polls what a server polls.
    const port = adapter;
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
      `\n${dialect} (${raw.version}): ${expected} tables; pages of 100 → ${pages100} pages, limit 1000 → ${pages1000} pages (token budget); ${master} has ${detail.columns.length} columns with foreign keys ${detail.foreignKeys.length} out, ${detail.referencedBy.length} in`,
    );
    console.log(`  catalog fingerprint: ${await ok(adapter.catalogFingerprint())}`);

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

    if (PARTS.has('sizes')) {
      let dbhub;
      if (!dbhubProblem) {
        const home = mkdtempSync(join(tmpdir(), 'lb-bench-dbhub-'));
        cleanup.push(async () => rmSync(home, { recursive: true, force: true }));
        const dsn = dbhubDsn(db.url, { mariadb: /mariadb/i.test(raw.version) });
        // DBHub not starting on one engine is a finding to print, not a reason to lose the other rows.
        const started = await connectDbhub(writeDbhubConfig(home, dsn), home).catch((error) => {
          dbhubFailures.push(`${dialect}: ${error.message.split('\n')[0]}`);
          console.log(
            `  DBHub does NOT run on ${dialect} (${dsn.split(':')[0]} connector): ${error.message}`,
          );
          return undefined;
        });
        if (started) {
          cleanup.push(() => started.client.close());
          dbhub = started.client;
          const { name, version } = started.client.getServerVersion() ?? {};
          console.log(`  DBHub: ${name} ${version} over stdio, its ${dsn.split(':')[0]} connector works`);
        }
      }
      const rows = await answerSizes({
        dialect,
        lb: client,
        dbhub,
        tokenizer,
        schema: dialect === 'postgres' ? 'public' : db.name,
        expected,
        middle,
        master,
        joinArgs,
      });
      printAnswerSizes(rows, tokenizer);
      sizes.push({ dialect, rows });
    }

    if (PARTS.has('timing')) {
      const summary = await timings({
        dialect,
        raw,
        adapter,
        port,
        cache,
        deps,
        builds,
        mcpCall,
        mcpPage,
        useCasePage,
        cold,
        expected,
        pages100,
        pages1000,
        middle,
        master,
        joinArgs,
      });
      summaries.push({ dialect, ...summary });
    }
  } finally {
    for (const fn of cleanup.reverse()) await fn().catch((e) => console.error(`cleanup: ${e.message}`));
    await db.drop();
  }
}

if (summaries.length > 0) {
  console.log('\nissue 6 targets, p50 (inside the server: the use case in-process)');
  const line = (label, key, target) =>
    console.log(
      `  ${label.padEnd(52)} ${summaries.map((s) => `${s.dialect} ${s[key].toFixed(s[key] < 10 ? 3 : 0).padStart(8)} ms ${s[key] < target ? 'met' : 'MISSED'}`.padEnd(30)).join(' ')} (target < ${target} ms)`,
    );
  line('cold snapshot, tables + columns + keys', 'coldSnapshot', 2000);
  line('cold snapshot, tables + columns (search)', 'coldSnapshotSearch', 2000);
  line('warm list_tables page', 'firstPage', 5);
  line('warm search_schema (slowest of the three questions)', 'search', 5);
  line('warm describe_table', 'describe', 5);
}
if (sizes.length > 0) {
  console.log(`\nanswer sizes, ${tokenizer.label} of the text content a model reads`);
  console.log(`  ${'server        call'.padEnd(62)} ${sizes.map((s) => s.dialect.padStart(9)).join(' ')}`);
  // Rows by question and call (ids are the same in every engine's run); the first run sets the order.
  let question;
  for (const { id, question: q, server, call } of sizes[0].rows) {
    if (q !== question) {
      question = q;
      console.log(` ${q}`);
    }
    const of = (s) => s.rows.find((r) => r.id === id && r.server === server)?.tokens;
    console.log(
      `  ${server.padEnd(13)} ${call.padEnd(48)} ${sizes.map((s) => fmt(of(s)).padStart(9)).join(' ')}`,
    );
  }
}
if (missed.length > 0) {
  console.log(`\nMISSED targets:\n${missed.map((m) => `  ${m}`).join('\n')}`);
  process.exit(1);
}
if (dbhubFailures.length > 0) {
  console.log(`\nincomplete: DBHub did not run on\n${dbhubFailures.map((f) => `  ${f}`).join('\n')}`);
  process.exit(2);
}
if (dbhubProblem) {
  console.log('\nincomplete: DBHub was not run (see the install command at the top)');
  process.exit(2);
}
