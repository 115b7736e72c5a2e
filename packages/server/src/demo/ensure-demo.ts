import { existsSync, linkSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { fillDemoData } from './demo-data.js';
import { DEMO_SCHEMA_SQL } from './demo-schema.js';

// The native SQLite driver is loaded only when a demo file is generated: a server for another
// database never needs it (the CommonJS bundle gets import.meta.url from tsup's shim).
const requireHere = createRequire(import.meta.url);

/** What `ensureDemoDatabase` did. */
export interface EnsureDemoOutcome {
  readonly path: string;
  /** True when this call wrote the file; false when it already existed (or another process won the race). */
  readonly created: boolean;
  readonly durationMs: number;
}

/**
 * Makes sure the demo database exists at `path`, generating it if missing. Safe against concurrent
 * first starts (an MCP client in `auto` mode starts two copies at once): the file is built under a
 * unique temporary name in the same directory and only then published atomically, so no reader
 * ever sees a half-written database. Throws on I/O errors (unwritable directory): a startup bug.
 */
export function ensureDemoDatabase(path: string): EnsureDemoOutcome {
  const started = performance.now();
  if (existsSync(path)) return { path, created: false, durationMs: 0 };
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeDemo(tmp);
    const created = publish(tmp, path);
    return { path, created, durationMs: Math.round(performance.now() - started) };
  } finally {
    rmSync(tmp, { force: true });
  }
}

function writeDemo(file: string): void {
  const Database = requireHere('better-sqlite3') as typeof BetterSqlite3;
  const db = new Database(file);
  try {
    // Nothing to protect until the file is published, and the file stays out of WAL mode so the
    // published database is one self-contained file.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(DEMO_SCHEMA_SQL);
    fillDemoData(db);
    db.exec('ANALYZE');
  } finally {
    db.close();
  }
}

/** Publishes `tmp` as `path` without replacing a file another process published first. */
function publish(tmp: string, path: string): boolean {
  try {
    // link() fails when `path` exists, which rename() would silently replace under a reader.
    linkSync(tmp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Filesystems without hard links (FAT, some network shares): fall back to an atomic rename.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'ENOSYS') {
      if (existsSync(path)) return false;
      renameSync(tmp, path);
      return true;
    }
    throw error;
  }
}
