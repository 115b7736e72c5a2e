import type { Dialect } from '../model.js';
import { asciiLowerCase } from './lexer.js';

/**
 * Functions with side effects, per dialect, as data. A call is refused when any part of its
 * (possibly schema- or package-qualified, possibly quoted) name matches, compared
 * case-insensitively: `"load_extension"(…)`, `main.writefile(…)` and `SYS.DBMS_LOCK.SLEEP(…)`
 * are all caught. Matching quoted names case-insensitively over-refuses a little on purpose.
 *
 * These lists are defence in depth: the read-only session (layer 2) and the database user's
 * privileges (layer 3) stop writes regardless. What only this layer stops is the harm a read-only
 * session still allows: sleeping on a pooled connection, taking locks, touching files, killing
 * other sessions, reaching other servers.
 */

/** Functions refused for one reason. Names and prefixes are lower-case. */
export interface FunctionDenyGroup {
  /** Completes "pg_sleep() …": what calling it does. */
  readonly effect: string;
  readonly names?: readonly string[];
  readonly prefixes?: readonly string[];
  /** Names matched by a prefix that are known to be harmless (e.g. Oracle `dbms_lob` read functions). */
  readonly except?: readonly string[];
  /** The names act even bare, as the last part of a dotted name (Oracle `seq.NEXTVAL`). */
  readonly bareLastPart?: boolean;
}

const SQLITE: readonly FunctionDenyGroup[] = [
  // Native code: an extension runs with the server's privileges and can do anything.
  { effect: 'loads native code into the database engine', names: ['load_extension'] },
  // fileio extension and the sqlite3 shell: read and write files on the host.
  {
    effect: 'reads or writes files on the database host',
    names: ['writefile', 'readfile', 'edit', 'fsdir', 'lsdir', 'zipfile'],
  },
  // fts3_tokenizer(name, pointer) registers a tokenizer from a raw pointer: memory corruption.
  { effect: 'registers a full-text tokenizer from a raw pointer', names: ['fts3_tokenizer'] },
];

const POSTGRES: readonly FunctionDenyGroup[] = [
  // Sleeping holds a pooled connection and its snapshot for as long as the caller likes.
  { effect: 'pauses the session', prefixes: ['pg_sleep'] },
  // pg_background runs SQL text in a background worker: its own transaction, outside this one.
  { effect: 'runs SQL in a background worker the guard cannot inspect', prefixes: ['pg_background_'] },
  // dblink opens connections to any server, with its own credentials and no read-only session.
  { effect: 'connects to another database server', prefixes: ['dblink'] },
  // Large objects live outside tables; lo_import/lo_export touch server files.
  {
    effect: 'creates, changes, imports or exports large objects',
    prefixes: ['lo_'],
    names: ['loread', 'lowrite'],
  },
  // Server files: reading them discloses configuration and data outside the granted tables.
  {
    effect: 'reads or writes files on the database server',
    // pg_file_* is adminpack's writer family (write, rename, unlink, sync); the view pg_file_settings
    // is never called, so the prefix does not touch it.
    names: ['pg_read_file', 'pg_read_binary_file', 'pg_stat_file'],
    prefixes: ['pg_ls_', 'pg_file_'],
  },
  // Session control: ends or interrupts other people's work.
  {
    effect: 'cancels or terminates database sessions',
    names: ['pg_terminate_backend', 'pg_cancel_backend', 'pg_log_backend_memory_contexts'],
  },
  // Settings and server state.
  {
    effect: 'changes settings or server state',
    names: [
      'set_config',
      'pg_reload_conf',
      'pg_rotate_logfile',
      'pg_switch_wal',
      // Their names before PostgreSQL 10, still found on legacy servers.
      'pg_switch_xlog',
      'pg_xlog_replay_pause',
      'pg_xlog_replay_resume',
      'pg_create_restore_point',
      'pg_promote',
      'pg_backup_start',
      'pg_backup_stop',
      'pg_start_backup',
      'pg_stop_backup',
      'pg_wal_replay_pause',
      'pg_wal_replay_resume',
      'pg_import_system_collations',
      'pg_logical_emit_message',
      // Consuming a logical slot's changes removes them for the real subscriber.
      'pg_logical_slot_get_changes',
      'pg_logical_slot_get_binary_changes',
      'pg_replication_slot_advance',
      'pg_stat_statements_reset',
    ],
    prefixes: [
      'pg_stat_reset',
      'pg_replication_origin_',
      'pg_create_logical_replication_slot',
      'pg_create_physical_replication_slot',
      'pg_drop_replication_slot',
      'pg_copy_',
    ],
  },
  // Advisory locks outlive the query on a pooled connection.
  { effect: 'takes or releases advisory locks', prefixes: ['pg_advisory_', 'pg_try_advisory_'] },
  // Index and heap maintenance that a READ ONLY transaction does not stop (checked on 15:
  // gin_clean_pending_list and brin_*summarize* run there) and a rollback does not undo; plus the
  // pg_visibility and pg_surgery extensions' page writers.
  {
    effect: 'rewrites index or table pages directly, which a rollback does not undo',
    names: [
      'brin_summarize_new_values',
      'brin_summarize_range',
      'brin_desummarize_range',
      'gin_clean_pending_list',
      'pg_truncate_visibility_map',
      'heap_force_kill',
      'heap_force_freeze',
    ],
  },
  // Assigning a transaction ID works in a READ ONLY transaction (checked on 15) and advances the
  // server's transaction counter for good; txid_current_if_assigned() only reads.
  { effect: 'assigns a transaction ID', names: ['txid_current', 'pg_current_xact_id'] },
  // Sequence changes are never rolled back.
  { effect: 'advances or sets a sequence', names: ['nextval', 'setval'] },
  // These run SQL text given as a string, which the guard cannot see.
  {
    effect: 'runs SQL text the guard cannot inspect',
    names: ['query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema', 'ts_stat', 'ts_rewrite'],
  },
  // Notifications reach other sessions' listeners: an effect outside this query.
  { effect: 'sends a notification to other sessions', names: ['pg_notify'] },
];

const MYSQL: readonly FunctionDenyGroup[] = [
  // Deliberate delays hold a pooled connection (and are the classic blind-injection probe).
  { effect: 'pauses the session or burns CPU on purpose', names: ['sleep', 'benchmark'] },
  // User-level locks outlive the query on a pooled connection.
  {
    effect: 'takes or releases named locks',
    names: ['get_lock', 'release_lock', 'release_all_locks'],
    // The locking service's UDFs (service_get_read_locks, service_get_write_locks, service_release_locks).
    prefixes: ['service_get_', 'service_release_'],
  },
  // Plugin and Enterprise UDFs that change server state: audit filters, keyring keys, version
  // tokens, the firewall's mode and lists.
  {
    effect: 'changes server security state (audit log, keyring, version tokens or firewall)',
    prefixes: ['audit_log_', 'keyring_key_', 'version_tokens_', 'set_firewall_', 'mysql_firewall_'],
  },
  // Server files: FILE privilege turns a SELECT into a file reader.
  { effect: 'reads files on the database server', names: ['load_file'] },
  // These block until replication catches up: an unbounded wait on a pooled connection.
  {
    effect: 'waits on replication',
    names: [
      'master_pos_wait',
      'source_pos_wait',
      'wait_for_executed_gtid_set',
      'wait_until_sql_thread_after_gtids',
      'master_gtid_wait',
    ],
  },
  // MariaDB sequences: never rolled back. Under sql_mode ORACLE, `seq.nextval` works bare too.
  { effect: 'advances a sequence', names: ['nextval'], bareLastPart: true },
  { effect: 'sets a sequence', names: ['setval'] },
  // lib_mysqludf_sys, a common attack payload: runs shell commands.
  { effect: 'runs operating-system commands', names: ['sys_exec', 'sys_eval'] },
];

const MSSQL: readonly FunctionDenyGroup[] = [
  // Extended and system stored procedures: shell access, registry, mail, configuration.
  { effect: 'runs a system or extended stored procedure', prefixes: ['xp_', 'sp_'] },
  // Ad hoc distributed queries: other servers and files through OLE DB.
  {
    effect: 'reads from another server or from files',
    names: ['openrowset', 'opendatasource', 'openquery'],
  },
  // Server files read through trace and audit readers.
  {
    effect: 'reads files on the database server',
    names: [
      'fn_xe_file_target_read_file',
      'fn_get_audit_file',
      'fn_trace_gettable',
      // List and probe the server's file system (adversarial corpus ADV-G2).
      'dm_os_enumerate_filesystem',
      'dm_os_file_exists',
      'dm_os_enumerate_fixed_drives',
    ],
  },
];

const ORACLE: readonly FunctionDenyGroup[] = [
  // Supplied packages: locks, sleeps, jobs, dynamic SQL, files, network.
  {
    effect: 'calls a supplied package with side effects (locks, jobs, dynamic SQL, files or network)',
    prefixes: ['dbms_', 'utl_'],
    // Read-only helpers common in reporting SQL: LOB readers, random numbers, plan display, input
    // checks and DDL extraction (their procedures, which write, cannot be called from a query).
    except: ['dbms_lob', 'dbms_random', 'dbms_xplan', 'dbms_assert', 'dbms_metadata'],
  },
  // Internal packages with published privilege-escalation calls that run SQL or PL/SQL given as text
  // (ctxsys.drithsx.sn, sys.kupp$proc.create_master_process).
  {
    effect: 'runs SQL or PL/SQL given as text in an internal package',
    // ctxsys.drithsx.sn, ordsys.ord_dicom.getmappingxpath, sys.lt.findricset, sys.sqljutl.*:
    // published injection-to-PL/SQL vectors (patched, but legacy servers are not).
    names: ['drithsx', 'ord_dicom', 'findricset', 'sqljutl'],
    prefixes: ['kupp$', 'kupw$', 'kupc$', 'kupf$'],
  },
  // URI types fetch URLs, repository files or whole tables from the server: network and file access
  // from inside a SELECT (adversarial corpus ADV-G1).
  {
    effect: 'fetches a URL, an XML DB repository file or a table by URI from the database server',
    names: ['httpuritype', 'urifactory', 'xdburitype', 'dburitype'],
  },
  // Sequences are not rolled back.
  { effect: 'advances a sequence', names: ['nextval'], bareLastPart: true },
];

/** Side-effect functions per dialect; a new dialect fails to compile until it has a list. */
export const SIDE_EFFECT_FUNCTIONS: Record<Dialect, readonly FunctionDenyGroup[]> = {
  sqlite: SQLITE,
  postgres: POSTGRES,
  mysql: MYSQL,
  mssql: MSSQL,
  oracle: ORACLE,
};

/**
 * The group a function name (one part of a qualified name) belongs to, if any. `bareLastPart`: the
 * name ends a dotted name without parentheses, where only `bareLastPart` groups' whole names act.
 */
export function findSideEffectGroup(
  groups: readonly FunctionDenyGroup[],
  name: string,
  bareLastPart = false,
): FunctionDenyGroup | undefined {
  const lower = asciiLowerCase(name);
  if (bareLastPart) return groups.find((group) => group.bareLastPart && group.names?.includes(lower));
  return groups.find(
    (group) =>
      !group.except?.includes(lower) &&
      (group.names?.includes(lower) || group.prefixes?.some((prefix) => lower.startsWith(prefix))),
  );
}
