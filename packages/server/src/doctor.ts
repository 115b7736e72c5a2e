import type {
  AdapterDefinition,
  DatabaseFailure,
  DatabasePort,
  LoggerPort,
  PrivilegeReport,
} from '@legacybridge/core';
import { noopLogger } from '@legacybridge/core';
import { adaptersFor } from './adapters.js';
import { redactText } from './redact.js';
import { createRuntime } from './runtime.js';
import { formatConfigFailures, loadSettings } from './settings.js';

/** `legacybridge doctor` exit codes: read-only, can write, bad configuration, database unreachable. */
export const DOCTOR_EXIT = { readOnly: 0, canWrite: 1, config: 2, unreachable: 3 } as const;

/** Where the least-privilege scripts live, for messages that tell an operator what to run. */
export const READ_ONLY_SCRIPTS =
  'deploy/sql/ (postgres-readonly.sql, mysql-readonly.sql, mssql-readonly.sql, oracle-readonly.sql)';

/** Options of `runDoctor`; every field falls back to the CLI's defaults. */
export interface DoctorOptions {
  /** `--url`; overrides DATABASE_URL. */
  readonly url?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  readonly adapters?: readonly AdapterDefinition[] | undefined;
  readonly demoPath?: string | undefined;
  /** The report (default: stdout; `doctor` is a command, not the MCP channel). */
  readonly out?: ((text: string) => void) | undefined;
  /** Failures (default: stderr). */
  readonly errors?: ((text: string) => void) | undefined;
}

// Failures that mean "the server did not answer us", as opposed to "it answered no".
const UNREACHABLE: ReadonlySet<DatabaseFailure['kind']> = new Set([
  'ConnectionFailed',
  'AuthenticationFailed',
  'Timeout',
  'PoolExhausted',
]);

/**
 * Checks the configured database the way the server would use it: connectivity (ping latency),
 * server version, and the privilege audit, printed for an operator. Never prints a password.
 * @returns the exit code: 0 read-only, 1 the user can write or change schema (or the audit failed),
 * 2 configuration error, 3 database unreachable.
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<number> {
  const out = options.out ?? ((text: string) => process.stdout.write(text));
  const errors = options.errors ?? ((text: string) => process.stderr.write(text));
  const settings = await loadSettings(options.env ?? process.env, { url: options.url });
  if (settings.isErr()) {
    errors(`${formatConfigFailures(settings.error)}\n`);
    return DOCTOR_EXIT.config;
  }
  const adapters = await adaptersFor(options.adapters, settings.value.config.databaseUrl);
  if (adapters.isErr()) {
    errors(`${formatConfigFailures([adapters.error])}\n`);
    return DOCTOR_EXIT.config;
  }
  const runtime = createRuntime({
    settings: settings.value,
    adapters: adapters.value,
    logger: noopLogger,
    demoPath: options.demoPath,
  });
  if (runtime.isErr()) {
    errors(`${formatConfigFailures([runtime.error])}\n`);
    return DOCTOR_EXIT.config;
  }
  const rt = runtime.value;
  const db = rt.deps.db;
  try {
    out(`legacybridge doctor: ${rt.description}\n`);
    const started = performance.now();
    const ping = await db.ping();
    if (ping.isErr()) return unreachable(errors, rt.description, ping.error);
    out(`  connectivity   ok (ping ${(performance.now() - started).toFixed(1)} ms)\n`);
    const info = await db.serverInfo();
    if (info.isErr())
      return UNREACHABLE.has(info.error.kind)
        ? unreachable(errors, rt.description, info.error)
        : failed(errors, 'server version', info.error);
    out(`  server         ${info.value.dialect} ${info.value.version}\n`);
    if (info.value.user !== undefined) out(`  user           ${info.value.user}\n`);
    if (info.value.database !== undefined) out(`  database       ${info.value.database}\n`);
    if (db.auditPrivileges === undefined) {
      out(
        `  privileges     not audited: the ${db.dialect} adapter cannot check them; see ${READ_ONLY_SCRIPTS}\n`,
      );
      return DOCTOR_EXIT.readOnly;
    }
    const audit = await db.auditPrivileges();
    if (audit.isErr())
      return UNREACHABLE.has(audit.error.kind)
        ? unreachable(errors, rt.description, audit.error)
        : failed(errors, 'privilege audit', audit.error);
    out(formatPrivilegeReport(audit.value));
    return isReadOnly(audit.value) ? DOCTOR_EXIT.readOnly : DOCTOR_EXIT.canWrite;
  } finally {
    await rt.close().catch(() => {});
  }
}

/** True when the audit found no way to write data or change schema. */
export function isReadOnly(report: PrivilegeReport): boolean {
  return !report.canWrite && !report.canChangeSchema;
}

/** The audit as indented lines for a terminal; a writable user gets a banner and what to do. */
export function formatPrivilegeReport(report: PrivilegeReport): string {
  const lines = [
    `  read-only      ${isReadOnly(report) ? 'yes' : 'NO'} (can write data: ${report.canWrite ? 'yes' : 'no'}, can change schema: ${report.canChangeSchema ? 'yes' : 'no'})`,
  ];
  for (const f of report.findings) {
    const object = f.object === undefined ? '' : ` on ${f.object}`;
    const detail = f.detail === undefined ? '' : ` — ${f.detail}`;
    lines.push(
      `  ${f.severity === 'warning' ? 'WARNING' : 'info   '}        ${f.privilege}${object}${detail}`,
    );
  }
  if (!isReadOnly(report)) {
    lines.push(
      '',
      `  !! The database user "${report.user}" can ${writableWhat(report)}.`,
      '  !! LegacyBridge refuses writes itself (statement guard, read-only sessions), but least privilege is',
      '  !! the layer that holds when the others fail. Connect as a read-only user: the scripts in',
      `  !! ${READ_ONLY_SCRIPTS} create one. Set REQUIRE_READ_ONLY_USER=true to refuse to start otherwise.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** "write data", "change schema" or both, for messages. */
export function writableWhat(report: PrivilegeReport): string {
  if (report.canWrite && report.canChangeSchema) return 'write data and change schema';
  return report.canWrite ? 'write data' : 'change schema';
}

function unreachable(errors: (text: string) => void, description: string, failure: DatabaseFailure): number {
  errors(
    `legacybridge doctor: cannot reach the ${description}: ${failure.kind}: ${redactText(failure.message)}\n`,
  );
  return DOCTOR_EXIT.unreachable;
}

function failed(errors: (text: string) => void, step: string, failure: DatabaseFailure): number {
  errors(`legacybridge doctor: the ${step} failed: ${failure.kind}: ${redactText(failure.message)}\n`);
  return DOCTOR_EXIT.canWrite;
}

/** Why `REQUIRE_READ_ONLY_USER` refused to start, and whether the database was reachable at all. */
export interface ReadOnlyRefusal {
  readonly reason: 'writable' | 'unverifiable' | 'unreachable';
  readonly message: string;
}

/**
 * The eager check behind REQUIRE_READ_ONLY_USER: audits once, before the transport starts.
 * @returns a refusal when the user can write, when the adapter cannot audit, or when the database
 * does not answer; undefined when the user is read-only.
 */
export async function checkReadOnlyUser(db: DatabasePort): Promise<ReadOnlyRefusal | undefined> {
  if (db.auditPrivileges === undefined) {
    return {
      reason: 'unverifiable',
      message: `REQUIRE_READ_ONLY_USER is set, but the ${db.dialect} adapter cannot audit privileges; unset it to start.`,
    };
  }
  const audit = await db.auditPrivileges();
  if (audit.isErr()) {
    const reason = UNREACHABLE.has(audit.error.kind) ? 'unreachable' : 'unverifiable';
    return {
      reason,
      message: `REQUIRE_READ_ONLY_USER is set, and the privilege audit failed (${audit.error.kind}: ${redactText(audit.error.message)}).`,
    };
  }
  if (isReadOnly(audit.value)) return undefined;
  const warnings = audit.value.findings
    .filter((f) => f.severity === 'warning')
    .map((f) => f.privilege + (f.object === undefined ? '' : ` on ${f.object}`));
  return {
    reason: 'writable',
    message: `REQUIRE_READ_ONLY_USER is set, and the database user "${audit.value.user}" can ${writableWhat(audit.value)} (${warnings.slice(0, 5).join('; ')}). Connect as a read-only user (scripts in ${READ_ONLY_SCRIPTS}; check with legacybridge doctor).`,
  };
}

/**
 * The audit a running server does once, in the background: logs a prominent warning when the user
 * can write, an info line when it is read-only, and a warning when the audit itself fails. Never
 * throws and never fails a request.
 */
export function auditInBackground(db: DatabasePort, logger: LoggerPort): void {
  const audit = db.auditPrivileges?.();
  if (audit === undefined) return;
  void audit.match(
    (report) => {
      if (isReadOnly(report)) {
        logger.info('privilege audit: the database user is read-only', { user: report.user });
        return;
      }
      logger.warn(
        `!!! PRIVILEGE AUDIT: the database user "${report.user}" can ${writableWhat(report)}. Use a read-only user (${READ_ONLY_SCRIPTS}); run legacybridge doctor for details; REQUIRE_READ_ONLY_USER=true refuses to start instead.`,
        {
          user: report.user,
          canWrite: report.canWrite,
          canChangeSchema: report.canChangeSchema,
          findings: report.findings
            .filter((f) => f.severity === 'warning')
            .map((f) => f.privilege + (f.object === undefined ? '' : ` on ${f.object}`)),
        },
      );
    },
    (failure) =>
      logger.warn('privilege audit failed', { kind: failure.kind, error: redactText(failure.message) }),
  );
}

/**
 * `db` unchanged except that the first call of a database method (other than poolStats, close and
 * the audit itself) runs `hook` first, once. A Proxy rather than a copy so that methods added to
 * the port later are forwarded too.
 */
export function onFirstUse(db: DatabasePort, hook: () => void): DatabasePort {
  let fired = false;
  const passive = new Set<PropertyKey>(['poolStats', 'close', 'auditPrivileges']);
  return new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function' || passive.has(property)) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (...args: unknown[]) => {
        if (!fired) {
          fired = true;
          hook();
        }
        return value.apply(target, args);
      };
    },
  });
}
