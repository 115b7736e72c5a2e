import { createSchemaCache } from '@legacybridge/core';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteAdapter } from '../src/index.js';
import { createFixture, type Fixture } from './sqlite-fixture.js';

let fixture: Fixture;

beforeAll(() => {
  fixture = createFixture();
});

afterAll(() => {
  fixture.remove();
});

describe('catalogFingerprint (PRAGMA schema_version)', () => {
  it('stays the same while nothing changes and changes with DDL from another connection', async () => {
    const db = createSqliteAdapter({ url: fixture.path });
    const writer = new Database(fixture.path);
    try {
      const first = (await db.catalogFingerprint!())._unsafeUnwrap();
      expect(first).toMatch(/^schema_version:\d+$/);
      expect((await db.catalogFingerprint!())._unsafeUnwrap()).toBe(first);
      // Rows are not schema.
      writer.exec("INSERT INTO customers (name) VALUES ('fingerprint row')");
      expect((await db.catalogFingerprint!())._unsafeUnwrap()).toBe(first);
      writer.exec('CREATE TABLE fp_new (id INTEGER)');
      const created = (await db.catalogFingerprint!())._unsafeUnwrap();
      expect(created).not.toBe(first);
      writer.exec('ALTER TABLE fp_new ADD COLUMN note TEXT');
      const altered = (await db.catalogFingerprint!())._unsafeUnwrap();
      expect(altered).not.toBe(created);
      writer.exec('DROP TABLE fp_new');
      expect((await db.catalogFingerprint!())._unsafeUnwrap()).not.toBe(altered);
    } finally {
      writer.close();
      await db.close();
    }
  });

  it('lets the schema cache see a table created after the snapshot, at the next check', async () => {
    const db = createSqliteAdapter({ url: fixture.path });
    const writer = new Database(fixture.path);
    const cache = createSchemaCache({ checkIntervalMs: 0 });
    try {
      const before = (await cache.snapshot(db))._unsafeUnwrap();
      expect(before.tablesNamed('fp_late')).toEqual([]);
      expect((await cache.snapshot(db))._unsafeUnwrap()).toBe(before);
      writer.exec('CREATE TABLE fp_late (id INTEGER)');
      const after = (await cache.snapshot(db))._unsafeUnwrap();
      expect(after.version).not.toBe(before.version);
      expect(after.tablesNamed('FP_LATE').map((t) => t.name)).toEqual(['fp_late']);
      expect(cache.stats()).toMatchObject({ misses: 1, refreshes: 1 });
    } finally {
      writer.exec('DROP TABLE IF EXISTS fp_late');
      writer.close();
      await db.close();
    }
  });
});
