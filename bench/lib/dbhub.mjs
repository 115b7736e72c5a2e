// @bytebase/dbhub as a contender: where it is installed, its dbhub.toml, and an MCP client on it over
// stdio (the transport catalog.mjs talks to LegacyBridge with). DBHub is installed OUTSIDE the
// workspace so the shared lockfile stays untouched; a missing install is reported, never skipped
// silently. Same configuration as http-dbhub.mjs: execute_sql read-only with max_rows, like
// LegacyBridge's guard and caps — plus search_objects, DBHub's schema tool, which a [[tools]] list
// must name or DBHub leaves it out.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from './common.mjs';

export const DBHUB = process.env.BENCH_DBHUB ?? '/tmp/dbhub/node_modules/.bin/dbhub';
const DBHUB_PIN = '1.4.0';

/** Why DBHub cannot run, with the command that fixes it; undefined when it is installed. */
export function dbhubMissing() {
  if (existsSync(DBHUB)) return undefined;
  return `DBHub not found at ${DBHUB} (BENCH_DBHUB). Install it outside the workspace, so the lockfile
stays untouched:
  mkdir -p /tmp/dbhub && cd /tmp/dbhub && npm init -y && npm install @bytebase/dbhub@${DBHUB_PIN}
or point BENCH_DBHUB at an installed dbhub executable.`;
}

/**
 * The DSN DBHub needs for the database at `url`: TLS off on loopback PostgreSQL (DBHub asks for it by
 * default), and DBHub's own MariaDB connector (the `mariadb` driver) when the server is MariaDB.
 */
export function dbhubDsn(url, { mariadb = false } = {}) {
  const dsn = new URL(url);
  if (dsn.protocol === 'postgres:' || dsn.protocol === 'postgresql:') {
    dsn.searchParams.set('sslmode', 'disable');
  } else if (mariadb) {
    return `mariadb:${dsn.toString().slice(dsn.protocol.length)}`;
  }
  return dsn.toString();
}

/** Writes `dir`/dbhub.toml for one source at `dsn`; returns its path. */
export function writeDbhubConfig(dir, dsn, { maxRows = 1000 } = {}) {
  const path = join(dir, 'dbhub.toml');
  // JSON string syntax is a valid TOML basic string for any DSN (quotes and backslashes escaped).
  writeFileSync(
    path,
    `[[sources]]\nid = "default"\ndsn = ${JSON.stringify(dsn)}\n\n` +
      `[[tools]]\nname = "execute_sql"\nsource = "default"\nreadonly = true\nmax_rows = ${maxRows}\n\n` +
      `[[tools]]\nname = "search_objects"\nsource = "default"\n`,
  );
  return path;
}

/**
 * An MCP client (the same class and negotiation as the one on LegacyBridge) connected to DBHub over
 * stdio with `config`, and the tail of DBHub's stderr; HOME points at `home` so DBHub writes nothing
 * into the real one.
 */
export async function connectDbhub(config, home) {
  const { Client } = await load('@modelcontextprotocol/client');
  const { StdioClientTransport } = await load('@modelcontextprotocol/client/stdio');
  const transport = new StdioClientTransport({
    command: DBHUB,
    args: [`--config=${config}`, '--transport=stdio'],
    env: { PATH: process.env.PATH ?? '', HOME: home },
    // DBHub prints its banner and connection log on stderr: piped so it does not mix with the report,
    // drained so a full pipe never stalls it, and its tail kept for an error message.
    stderr: 'pipe',
  });
  let log = '';
  transport.stderr?.on('data', (d) => {
    log = (log + d).slice(-4000);
  });
  const client = new Client({ name: 'bench', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
  try {
    await client.connect(transport);
  } catch (error) {
    // The exit can be seen before the last of stderr is read: give the pipe a moment to drain.
    await new Promise((resolve) => setTimeout(resolve, 200));
    throw new Error(`DBHub did not start: ${error.message}\n${log}`);
  }
  return { client, log: () => log };
}
