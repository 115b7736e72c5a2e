import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** A temp directory holding one fixture database; `remove()` deletes both. */
export interface Fixture {
  readonly dir: string;
  readonly path: string;
  remove(): void;
}

/**
 * A small legacy-shaped schema: keys in both directions, a composite key, a view, an AUTOINCREMENT
 * table (so sqlite_sequence exists and must stay hidden), 10,000 rows, and odd values.
 */
export function createFixture(options: { analyze?: boolean } = {}): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'lb-sqlite-'));
  const path = join(dir, 'legacy.db');
  const db = new Database(path);
  db.exec(`
    CREATE TABLE customers (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name VARCHAR(40) NOT NULL,
      status TEXT DEFAULT 'active',
      created DATETIME
    );
    CREATE UNIQUE INDEX customers_name_uq ON customers(name);
    CREATE TABLE orders (
      order_no INTEGER NOT NULL,
      line_no INTEGER NOT NULL,
      customer_id INTEGER NOT NULL REFERENCES customers(id),
      amount DECIMAL(10,2),
      PRIMARY KEY (order_no, line_no)
    );
    CREATE INDEX orders_customer_ix ON orders(customer_id, order_no);
    CREATE TABLE shipments (
      id INTEGER PRIMARY KEY,
      order_no INTEGER, line_no INTEGER,
      FOREIGN KEY (order_no, line_no) REFERENCES orders
    );
    CREATE TABLE numbers (n INTEGER PRIMARY KEY, label TEXT);
    CREATE TABLE oddities (id INTEGER PRIMARY KEY, big BIGINT, real_value REAL, payload BLOB, note TEXT);
    CREATE VIEW active_customers AS SELECT id, name FROM customers WHERE status = 'active';
    INSERT INTO customers (name, status) VALUES ('Ada', 'active'), ('Brian', 'closed'), ('Chen', 'active');
    INSERT INTO orders VALUES (100, 1, 1, 9.5), (100, 2, 1, 3.25), (101, 1, 3, 12);
    INSERT INTO shipments VALUES (1, 100, 1);
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000)
      INSERT INTO numbers SELECT x, 'row ' || x FROM c;
    INSERT INTO oddities VALUES
      (1, 9007199254740993, 1.5, zeroblob(100), NULL),
      (2, -9223372036854775808, 9e999, x'DEADBEEF', 'ünïcode'),
      (3, 42, NULL, NULL, '');
  `);
  if (options.analyze) db.exec('ANALYZE');
  db.close();
  return { dir, path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** sha256 of a file, to prove it was not written. */
export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Live child processes of this process (Linux /proc), to prove runners are gone. */
export function childPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command: state, ppid, …
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === process.pid && state !== 'Z') pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Resolves once `predicate` holds, polling; rejects after `timeoutMs`. */
export async function eventually(predicate: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
