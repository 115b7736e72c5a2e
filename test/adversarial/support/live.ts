import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiveDialect } from '../corpus/index.js';
import { type AdminClient, mysqlAdmin, psqlAdmin, randomSuffix, sqliteAdmin } from './admin.js';
import { FIXTURE_TABLES, MARIADB_FIXTURE, POSTGRES_FIXTURE, SQLITE_FIXTURE } from './fixture.js';

/** The servers the live suites use: the same variables as the adapters' tests (CI sets them). */
export const POSTGRES_URL =
  process.env.LEGACYBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.LEGACYBRIDGE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** An inventory: named facts about the database that no read-only query may change. */
export type Inventory = Record<string, string>;

/** A scratch database with the fixture, its admin connection and its inventory. */
export interface LiveTarget {
  readonly dialect: LiveDialect;
  /** What the LegacyBridge server is started with (`--url`). */
  readonly url: string;
  readonly admin: AdminClient;
  /** Checksums, objects, roles, locks, sessions, large objects, files — through the admin connection. */
  inventory(): Promise<Inventory>;
  /**
   * Session state held on the server right now, read by the admin connection: advisory locks
   * (PostgreSQL), the named lock 'lb_adv' (MariaDB). Cheap, for a check right after one case.
   */
  heldLocks(): Promise<string>;
  /** Text of the statements of ours (containing `marker`) still running on the server; SQLite: busy runners. */
  running(marker: string): Promise<string[]>;
  drop(): Promise<void>;
}

/** Whether LEGACYBRIDGE_REQUIRE_DB lists `service` (or all): then an unreachable server fails the run. */
export function databaseRequired(service: 'postgres' | 'mysql'): boolean {
  const listed = (process.env.LEGACYBRIDGE_REQUIRE_DB ?? '').split(',').map((s) => s.trim().toLowerCase());
  return (
    listed.includes(service) || listed.includes('all') || (service === 'mysql' && listed.includes('mariadb'))
  );
}

/** Why the dialect's server cannot be used, or undefined when it answers. */
export async function unavailable(dialect: LiveDialect): Promise<string | undefined> {
  try {
    if (dialect === 'postgres') await psqlAdmin(POSTGRES_URL).rows('SELECT 1');
    else if (dialect === 'mysql') await mysqlAdmin(MYSQL_URL).rows('SELECT 1');
    else await sqliteAdmin(':memory:').rows('SELECT 1');
    return undefined;
  } catch (error) {
    const variable =
      dialect === 'postgres' ? 'LEGACYBRIDGE_TEST_POSTGRES_URL' : 'LEGACYBRIDGE_TEST_MYSQL_URL';
    return `${dialect} is unreachable (${(error as Error).message.split('\n')[0]}); set ${variable}`;
  }
}

/** Files an attack would leave in /tmp (COPY TO, lo_export, INTO OUTFILE, VACUUM INTO, ATTACH). */
function pwnedFiles(): string {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith('lb_adv_pwned') || name.startsWith('lb_adv.'))
    .sort()
    .join(',');
}

function joinRows(rows: readonly string[][]): string {
  return rows.map((row) => row.join('|')).join('\n');
}

/** A scratch database of `dialect` with the fixture loaded. */
export async function createTarget(dialect: LiveDialect): Promise<LiveTarget> {
  if (dialect === 'postgres') return createPostgres();
  if (dialect === 'mysql') return createMariadb();
  return createSqlite();
}

async function createPostgres(): Promise<LiveTarget> {
  const name = `lb_adv_${randomSuffix()}`;
  const server = psqlAdmin(POSTGRES_URL);
  await server.run(`CREATE DATABASE ${name};`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const admin = psqlAdmin(url.toString());
  await admin.run(POSTGRES_FIXTURE);
  // A victim: another session of this database, busy for the whole run. pg_terminate_backend /
  // pg_cancel_backend cases aim at every other session; the inventory shows it is still there.
  const victim = spawn(
    'psql',
    ['-X', '-q', '-d', url.toString(), '-c', 'SELECT pg_sleep(600) /* lb_adv_victim */'],
    {
      stdio: 'ignore',
    },
  );
  victim.on('error', () => {});
  for (let i = 0; i < 50; i++) {
    const seen = await admin.rows(
      "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%lb\\_adv\\_victim */' AND pid <> pg_backend_pid()",
    );
    if (seen.length > 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const q = async (sql: string) => joinRows(await admin.rows(sql));
  return {
    dialect: 'postgres',
    url: url.toString(),
    admin,
    async inventory() {
      const inv: Inventory = {};
      for (const table of FIXTURE_TABLES) {
        inv[`rows.${table}`] = await q(
          `SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM ${table} t`,
        );
      }
      inv['sequence.order_seq'] = await q("SELECT last_value || ',' || is_called FROM order_seq");
      // Objects: relations outside the system schemas (temporary schemas included), functions, schemas,
      // extensions, triggers, event triggers, publications.
      inv.relations = await q(
        `SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1`,
      );
      inv.functions = await q(
        `SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' || md5(p.prosrc)
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
      );
      inv.systemFunctions = await q(
        `SELECT count(*) || ':' || md5(string_agg(p.oid::text || p.proname || p.prosrc, ',' ORDER BY p.oid))
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'pg_catalog'`,
      );
      inv.schemas = await q('SELECT nspname FROM pg_namespace ORDER BY 1');
      inv.extensions = await q("SELECT extname || ' ' || extversion FROM pg_extension ORDER BY 1");
      inv.triggers = await q(
        'SELECT tgname || ' + "':'" + ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1',
      );
      inv.eventTriggers = await q('SELECT evtname FROM pg_event_trigger ORDER BY 1');
      inv.publications = await q('SELECT pubname FROM pg_publication ORDER BY 1');
      // Roles: built-in ones and ours; other suites create lb_* roles concurrently on this server.
      inv.roles = await q(
        `SELECT rolname || ':' || rolsuper || rolcreaterole || rolcreatedb || rolcanlogin || rolreplication || rolbypassrls
         FROM pg_roles WHERE rolname NOT LIKE 'lb\\_%' OR rolname LIKE 'lb\\_adv%' ORDER BY 1`,
      );
      inv.roleSettings = await q(
        `SELECT coalesce(r.rolname, '*') || '@' || coalesce(d.datname, '*') || ':' || array_to_string(s.setconfig, ',')
         FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole LEFT JOIN pg_database d ON d.oid = s.setdatabase
         WHERE (d.datname IS NULL OR d.datname = current_database()) AND (r.rolname IS NULL OR r.rolname NOT LIKE 'lb\\_%') ORDER BY 1`,
      );
      inv.autoConf = await q(
        "SELECT name || '=' || setting FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf' ORDER BY 1",
      );
      inv.replicationSlots = await q('SELECT slot_name FROM pg_replication_slots ORDER BY 1');
      // Locks held by any session of this database except the asking one; advisory locks anywhere in it.
      inv.locks = await q(
        `SELECT l.locktype || ':' || l.mode || ':' || coalesce(l.relation::regclass::text, '') || ':' || l.granted
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE a.datname = current_database() AND l.pid <> pg_backend_pid() AND l.locktype <> 'virtualxid' ORDER BY 1`,
      );
      inv.advisoryLocks = await q(
        `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      // Sessions: nothing of ours running, and none left inside a transaction.
      inv.busySessions = await q(
        `SELECT coalesce(state, '?') || ':' || left(query, 60) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
         AND (state IS DISTINCT FROM 'idle' OR backend_xid IS NOT NULL OR xact_start IS NOT NULL) ORDER BY 1`,
      );
      inv.largeObjects = await q(
        `SELECT (SELECT string_agg(oid::text, ',' ORDER BY oid) FROM pg_largeobject_metadata) || ':' ||
         (SELECT md5(string_agg(encode(data, 'hex'), '' ORDER BY loid, pageno)) FROM pg_largeobject)`,
      );
      inv.victim = await q(
        `SELECT state || ':' || wait_event FROM pg_stat_activity
         WHERE query LIKE '%lb\\_adv\\_victim */' AND pid <> pg_backend_pid()`,
      );
      inv.statsReset = await q(
        "SELECT coalesce(stats_reset::text, 'never') FROM pg_stat_database WHERE datname = current_database()",
      );
      inv.files = pwnedFiles();
      return inv;
    },
    heldLocks: () =>
      q(
        `SELECT coalesce(string_agg(objid::text || ':' || mode, ',' ORDER BY objid), '') FROM pg_locks
         WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      ),
    async running(marker) {
      return (
        await admin.rows(
          `SELECT state || ':' || left(query, 80) FROM pg_stat_activity WHERE datname = current_database()
           AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%${marker}%'`,
        )
      ).map((r) => r.join(''));
    },
    async drop() {
      victim.kill();
      await server.run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE);`);
    },
  };
}

async function createMariadb(): Promise<LiveTarget> {
  const name = `lb_adv_${randomSuffix()}`;
  const server = mysqlAdmin(MYSQL_URL);
  await server.run(`CREATE DATABASE ${name};`);
  const admin = mysqlAdmin(MYSQL_URL, name);
  await admin.run(MARIADB_FIXTURE);
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  const q = async (sql: string) => joinRows(await admin.rows(sql));
  const schema = `'${name}'`;
  return {
    dialect: 'mysql',
    url: url.toString(),
    admin,
    async inventory() {
      const inv: Inventory = {};
      inv.checksums = await q(`CHECKSUM TABLE ${FIXTURE_TABLES.join(', ')} EXTENDED`);
      for (const table of FIXTURE_TABLES) {
        inv[`rows.${table}`] = await q(`SELECT COUNT(*) FROM ${table}`);
      }
      inv['sequence.order_seq'] = await q('SELECT next_not_cached_value FROM order_seq');
      inv.tables = await q(
        `SELECT CONCAT(table_name, ':', table_type, ':', COALESCE(engine, '')) FROM information_schema.tables
         WHERE table_schema = ${schema} ORDER BY 1`,
      );
      inv.routines = await q(
        `SELECT CONCAT(routine_name, ':', routine_type, ':', MD5(routine_definition)) FROM information_schema.routines
         WHERE routine_schema = ${schema} ORDER BY 1`,
      );
      inv.triggers = await q(
        `SELECT CONCAT(trigger_name, ':', MD5(action_statement)) FROM information_schema.triggers
         WHERE trigger_schema = ${schema} ORDER BY 1`,
      );
      inv.events = await q(
        `SELECT event_name FROM information_schema.events WHERE event_schema = ${schema} ORDER BY 1`,
      );
      inv.views = await q(
        `SELECT CONCAT(table_name, ':', MD5(view_definition)) FROM information_schema.views
         WHERE table_schema = ${schema} ORDER BY 1`,
      );
      // Databases: all but those other suites create concurrently (lb_*), and ours.
      inv.schemas = await q(
        `SELECT schema_name FROM information_schema.schemata
         WHERE schema_name NOT LIKE 'lb\\_%' OR schema_name = ${schema} ORDER BY 1`,
      );
      inv.plugins = await q(
        "SELECT CONCAT(plugin_name, ':', plugin_status) FROM information_schema.plugins ORDER BY 1",
      );
      // Accounts: built-in ones and ours; other suites create lb_* accounts concurrently.
      inv.users = await q(
        `SELECT CONCAT(user, '@', host, ':', MD5(priv)) FROM mysql.global_priv
         WHERE user NOT LIKE 'lb\\_%' OR user LIKE 'lb\\_adv%' ORDER BY 1`,
      );
      inv.globals = await q(
        `SELECT CONCAT_WS(',', @@global.max_connections, @@global.read_only, @@global.sql_mode,
         @@global.max_statement_time, @@global.event_scheduler, @@global.general_log, @@global.autocommit)`,
      );
      // Locks and sessions: no statement of ours running, no open transaction, no named lock.
      inv.sessions = await q(
        `SELECT CONCAT(command, ':', COALESCE(state, ''), ':', LEFT(COALESCE(info, ''), 60)) FROM information_schema.processlist
         WHERE db = ${schema} AND id <> CONNECTION_ID() AND command <> 'Sleep' ORDER BY 1`,
      );
      inv.transactions = await q(
        `SELECT CONCAT(t.trx_state, ':', t.trx_rows_locked, ':', t.trx_tables_locked) FROM information_schema.innodb_trx t
         JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.db = ${schema}`,
      );
      inv.namedLocks = await q("SELECT CONCAT_WS(',', IS_USED_LOCK('lb_adv'), IS_FREE_LOCK('lb_adv'))");
      inv.files = pwnedFiles();
      return inv;
    },
    heldLocks: () => q("SELECT COALESCE(IS_USED_LOCK('lb_adv'), '')"),
    async running(marker) {
      return (
        await admin.rows(
          `SELECT CONCAT(command, ':', LEFT(COALESCE(info, ''), 80)) FROM information_schema.processlist
           WHERE db = ${schema} AND id <> CONNECTION_ID() AND command = 'Query' AND info LIKE '%${marker}%'`,
        )
      ).map((r) => r.join(''));
    },
    async drop() {
      await server.run(`DROP DATABASE IF EXISTS ${name};`);
    },
  };
}

async function createSqlite(): Promise<LiveTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'lb-adv-sqlite-'));
  const file = join(dir, 'legacy.db');
  const admin = sqliteAdmin(file);
  await admin.run(SQLITE_FIXTURE);
  const q = async (sql: string) => joinRows(await admin.rows(sql));
  return {
    dialect: 'sqlite',
    url: `sqlite://${file}`,
    admin,
    async inventory() {
      const inv: Inventory = {};
      // Rows, not the file hash: the same rows are what matters, whatever the journal mode.
      for (const table of FIXTURE_TABLES)
        inv[`rows.${table}`] = await q(`SELECT * FROM ${table} ORDER BY rowid`);
      inv.schema = await q('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name');
      inv.header = await q(
        'SELECT (SELECT user_version FROM pragma_user_version), (SELECT application_id FROM pragma_application_id), (SELECT schema_version FROM pragma_schema_version), (SELECT journal_mode FROM pragma_journal_mode), (SELECT page_count FROM pragma_page_count), (SELECT freelist_count FROM pragma_freelist_count)',
      );
      // Files next to the database: a -journal or -wal left behind means a write or a lock in progress.
      inv.dirFiles = readdirSync(dir)
        .sort()
        .map((f) => (f === 'legacy.db' ? `${f}:${statSync(join(dir, f)).size}` : f))
        .join(',');
      // Locks: an EXCLUSIVE lock is granted only when no connection holds any lock on the file.
      inv.exclusiveLock = await q("PRAGMA busy_timeout = 0; BEGIN EXCLUSIVE; ROLLBACK; SELECT 'free';").catch(
        (error: Error) => `busy: ${error.message.split('\n')[0]}`,
      );
      inv.files = pwnedFiles();
      return inv;
    },
    heldLocks: async () => '',
    async running() {
      // The runner is a child process of the server: ours are found by the server (see bombs.test.ts).
      return [];
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
