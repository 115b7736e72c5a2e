import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConformanceHarness, describeAdapterConformance } from '@legacybridge/adapter-conformance';
import Database from 'better-sqlite3';
import { createSqliteAdapter } from '../src/index.js';

describeAdapterConformance(sqliteHarness());

/**
 * Loads the fixture into a temporary file over a writable better-sqlite3 connection (kept for the
 * fingerprint); the adapter under test opens the same file read-only, as it would in production.
 */
function sqliteHarness(): ConformanceHarness {
  return {
    name: 'sqlite (better-sqlite3)',
    dialect: 'sqlite',
    async setup(fixture) {
      const dir = mkdtempSync(join(tmpdir(), 'legacybridge-conformance-'));
      const file = join(dir, 'fixture.db');
      const admin = new Database(file);
      for (const sql of fixture) admin.exec(sql);
      admin.defaultSafeIntegers(true);
      return {
        createAdapter: (pool) => createSqliteAdapter({ url: file, pool }),
        fingerprint: async () => fingerprint(admin),
        teardown: async () => {
          admin.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

// Every object's definition plus every table's rows: any write or DDL changes it.
function fingerprint(db: Database.Database): string {
  const hash = createHash('sha256');
  const objects = db
    .prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
    .all() as { type: string; name: string; sql: string | null }[];
  for (const o of objects) {
    hash.update(`${o.type}\u0000${o.name}\u0000${o.sql ?? ''}\n`);
    if (o.type !== 'table') continue;
    for (const row of db
      .prepare(`SELECT * FROM "${o.name.replaceAll('"', '""')}" ORDER BY rowid`)
      .raw()
      .all()) {
      hash.update(
        JSON.stringify(row, (_k, v: unknown) =>
          typeof v === 'bigint' ? `${v}n` : Buffer.isBuffer(v) ? `x${v.toString('hex')}` : v,
        ),
      );
    }
  }
  return hash.digest('hex');
}
