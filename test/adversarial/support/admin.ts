import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * The SEPARATE admin connection of the adversarial suites: the databases' own command-line clients
 * (psql, mysql, sqlite3), as the deploy-script and doctor tests use them. Nothing here shares code,
 * driver or pool with the LegacyBridge server under test, so an inventory cannot be fooled by the
 * state of the connections it checks. Each call is one short-lived client session.
 */
export interface AdminClient {
  /** Rows of `sql` (one statement, or a script whose last statement returns the rows), as text cells. */
  rows(sql: string): Promise<string[][]>;
  /** Runs a script; rejects on the first error. */
  run(sql: string): Promise<void>;
}

/** Cell separator: a control character no fixture value contains. */
const SEP = '\u001f';

function exec(command: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      [...args],
      { encoding: 'utf8', timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} failed: ${stderr || error.message}`));
        else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

function parseRows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split(SEP));
}

/** psql against `url` (a server URL with user and database). */
export function psqlAdmin(url: string): AdminClient {
  const base = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url];
  return {
    rows: async (sql) => parseRows(await exec('psql', [...base, '-A', '-t', '-F', SEP, '-c', sql])),
    run: async (sql) => {
      await exec('psql', [...base, '-f', '-'], sql);
    },
  };
}

/** The mysql client against `url`'s server, database `database` (or none). */
export function mysqlAdmin(url: string, database?: string): AdminClient {
  const u = new URL(url);
  const base = [
    '--protocol=TCP',
    '-h',
    u.hostname,
    '-P',
    u.port === '' ? '3306' : u.port,
    '-u',
    decodeURIComponent(u.username),
    ...(u.password === '' ? [] : [`-p${decodeURIComponent(u.password)}`]),
    ...(database === undefined ? [] : [database]),
  ];
  return {
    // --raw: no escaping of tabs/newlines; cells are joined with SEP by the query itself when needed.
    rows: async (sql) =>
      (await exec('mysql', [...base, '--batch', '--raw', '--skip-column-names', '-e', sql]))
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => line.split('\t')),
    run: async (sql) => {
      await exec('mysql', [...base, '--batch'], sql);
    },
  };
}

/** sqlite3 on `file`. Its reads take only shared locks, released when the process ends. */
export function sqliteAdmin(file: string): AdminClient {
  return {
    rows: async (sql) =>
      parseRows(await exec('sqlite3', ['-batch', '-noheader', '-separator', SEP, file, sql])),
    run: async (sql) => {
      await exec('sqlite3', ['-batch', '-bail', file], sql);
    },
  };
}

/** A random lower-case suffix for the names this run creates. */
export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}
