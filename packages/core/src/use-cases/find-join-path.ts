import { err, ok, type Result, type ResultAsync } from 'neverthrow';
import { type DatabaseFailure, dbFailure } from '../errors.js';
import type { Dialect, JoinHop, JoinPath, TableRef } from '../model.js';
import { schemaViewOf } from '../schema/default-schema-cache.js';
import { type Relationships, relationshipsOf, tableKey } from '../schema/relationships.js';
import type { SchemaSnapshot } from '../schema/schema-snapshot.js';
import type { UseCaseDeps } from './deps.js';
import { toTableRef } from './describe-table.js';
import type { FindJoinPathInput } from './inputs.js';
import { closestNames } from './name-matching.js';

/** Hops searched when the caller does not say. */
export const DEFAULT_MAX_HOPS = 4;

// A declared key costs 1; an inferred one more, and more the less sure it is, so among paths of the
// same length the declared one wins, and a declared detour of one extra hop beats a weak guess.
const DECLARED_WEIGHT = 1;
const inferredWeight = (confidence: number) => 1.5 + (1 - confidence);

/**
 * The shortest join path between two tables over declared foreign keys and inferred relationships,
 * with the SQL `FROM … JOIN … ON …` text. Reads the catalog's columns and keys once (schema cache).
 * @returns err(ObjectNotFound) with close names for an unknown table, err(InvalidInput) when a name is
 * ambiguous or no path exists within `max_hops`.
 */
export function findJoinPath(
  deps: UseCaseDeps,
  input: FindJoinPathInput,
): ResultAsync<JoinPath, DatabaseFailure> {
  const maxHops = input.max_hops ?? DEFAULT_MAX_HOPS;
  // Through the dictionary's view: a path never routes through a hidden table or column.
  return schemaViewOf(deps, { schema: input.schema, columns: true, keys: true }).andThen((snapshot) => {
    const from = resolveTable(snapshot, toTableRef({ table: input.from, schema: input.schema }), 'from');
    if (from.isErr()) return err(from.error);
    const to = resolveTable(snapshot, toTableRef({ table: input.to, schema: input.schema }), 'to');
    if (to.isErr()) return err(to.error);
    const hops = shortestJoinPath(relationshipsOf(snapshot), from.value, to.value, maxHops);
    if (hops === undefined) {
      const a = displayName(from.value);
      const b = displayName(to.value);
      return err(
        dbFailure('InvalidInput', {
          field: 'to',
          reason: `no join path from ${a} to ${b} within ${maxHops} hops over declared and inferred relationships. Raise max_hops, or describe_table both tables and join through columns you choose.`,
          message: `no join path from ${a} to ${b} within ${maxHops} hops`,
        }),
      );
    }
    return ok({ from: from.value, to: to.value, hops, sql: joinSql(deps.db.dialect, from.value, hops) });
  });
}

/**
 * The cheapest path of at most `maxHops` joins (see the weights above), or undefined. Dijkstra over
 * (table, joins so far) states, so the hop limit is exact; it stops when the goal comes off the queue,
 * having looked only at tables cheaper to reach than the answer (a handful of neighbourhoods on a
 * legacy schema, not the 5,000 tables). A state is dropped when the same table was reached as cheaply
 * in as few joins.
 */
export function shortestJoinPath(
  relationships: Relationships,
  from: TableRef,
  to: TableRef,
  maxHops: number,
): JoinHop[] | undefined {
  const goal = tableKey(to);
  if (tableKey(from) === goal) return [];
  interface State {
    readonly key: string;
    readonly ref: TableRef;
    readonly cost: number;
    readonly hops: number;
    readonly hop?: JoinHop;
    readonly previous?: State;
  }
  // Per table, the cheapest cost seen for each number of joins (index = joins).
  const seen = new Map<string, number[]>();
  const dominated = (key: string, hops: number, cost: number) => {
    const costs = seen.get(key);
    if (costs === undefined) return false;
    for (let h = 0; h <= hops; h++) if (costs[h] !== undefined && costs[h]! <= cost) return true;
    return false;
  };
  const record = (key: string, hops: number, cost: number) => {
    const costs = seen.get(key) ?? [];
    costs[hops] = cost;
    seen.set(key, costs);
  };
  const queue = new MinHeap<State>((a, b) => a.cost - b.cost || a.hops - b.hops);
  const start: State = { key: tableKey(from), ref: from, cost: 0, hops: 0 };
  record(start.key, 0, 0);
  queue.push(start);
  for (let state = queue.pop(); state !== undefined; state = queue.pop()) {
    if (state.key === goal) return pathOf(state);
    // Stale: the same table was reached more cheaply since this state was queued.
    const best = seen.get(state.key)?.[state.hops];
    if (best !== undefined && best < state.cost) continue;
    if (state.hops >= maxHops || dominated(state.key, state.hops - 1, state.cost)) continue;
    for (const hop of relationships.joinsOf(state.ref)) {
      const key = tableKey(hop.to);
      const cost = state.cost + (hop.kind === 'declared' ? DECLARED_WEIGHT : inferredWeight(hop.confidence));
      const hops = state.hops + 1;
      if (dominated(key, hops, cost)) continue;
      record(key, hops, cost);
      queue.push({ key, ref: hop.to, cost, hops, hop, previous: state });
    }
  }
  return undefined;

  function pathOf(state: State): JoinHop[] {
    const hops: JoinHop[] = [];
    for (let s: State | undefined = state; s?.hop !== undefined; s = s.previous) hops.push(s.hop);
    return hops.reverse();
  }
}

/** A binary min-heap: the queue of the path search. */
class MinHeap<T> {
  readonly #items: T[] = [];
  constructor(readonly compare: (a: T, b: T) => number) {}
  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }
  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.compare(items[l]!, items[m]!) < 0) m = l;
        if (r < items.length && this.compare(items[r]!, items[m]!) < 0) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** `FROM a JOIN b ON b.y = a.x …` in the order of `hops`, identifiers quoted where the dialect needs it. */
export function joinSql(dialect: Dialect, from: TableRef, hops: readonly JoinHop[]): string {
  const name = (ref: TableRef) => qualified(dialect, ref);
  let sql = `FROM ${name(from)}`;
  for (const hop of hops) {
    const on = hop.fromColumns.map(
      (column, i) =>
        `${name(hop.from)}.${quoteIdentifier(dialect, column)} = ${name(hop.to)}.${quoteIdentifier(dialect, hop.toColumns[i] ?? '')}`,
    );
    sql += ` JOIN ${name(hop.to)} ON ${on.join(' AND ')}`;
  }
  return sql;
}

function qualified(dialect: Dialect, ref: TableRef): string {
  const table = quoteIdentifier(dialect, ref.name);
  return ref.schema === undefined ? table : `${quoteIdentifier(dialect, ref.schema)}.${table}`;
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Words that are reserved in at least one dialect and show up as legacy table or column names.
const RESERVED = new Set(
  'all and as by case check column constraint create cross date default delete desc distinct drop else end exists from full grant group having in index inner insert into is join key left like limit not null number of on or order outer primary references right rows select session set size table then to union unique update user values view when where with'.split(
    ' ',
  ),
);

/**
 * `name` as the dialect reads it back unchanged: plain when that is safe, quoted otherwise. PostgreSQL
 * folds unquoted names to lower case and Oracle to upper case, so a name in the other case is quoted.
 */
export function quoteIdentifier(dialect: Dialect, name: string): string {
  const folds =
    (dialect === 'postgres' && name !== name.toLowerCase()) ||
    (dialect === 'oracle' && name !== name.toUpperCase());
  if (PLAIN.test(name) && !folds && !RESERVED.has(name.toLowerCase())) return name;
  switch (dialect) {
    case 'mysql':
      return `\`${name.replace(/`/g, '``')}\``;
    case 'mssql':
      return `[${name.replace(/]/g, ']]')}]`;
    default:
      return `"${name.replace(/"/g, '""')}"`;
  }
}

function resolveTable(
  snapshot: SchemaSnapshot,
  ref: TableRef,
  field: 'from' | 'to',
): Result<TableRef, DatabaseFailure> {
  const found = snapshot.tablesNamed(ref.name, ref.schema);
  const exact = found.filter((t) => t.name === ref.name);
  const only = found.length === 1 ? found[0] : exact.length === 1 ? exact[0] : undefined;
  if (only !== undefined)
    return ok(only.schema === undefined ? { name: only.name } : { schema: only.schema, name: only.name });
  if (found.length > 1) {
    const names = found.map(displayName).join(', ');
    return err(
      dbFailure('InvalidInput', {
        field,
        reason: `"${displayName(ref)}" names several tables (${names}); pass schema or schema.table.`,
        message: `ambiguous table name ${displayName(ref)}`,
      }),
    );
  }
  const display = displayName(ref);
  const names = [...new Set(snapshot.filter(ref.schema, undefined).map((t) => t.name))];
  return err(
    dbFailure('ObjectNotFound', {
      objectType: 'table',
      name: display,
      suggestions: closestNames(ref.name, names),
      message: `table ${display} not found`,
    }),
  );
}

function displayName(ref: TableRef): string {
  return ref.schema === undefined ? ref.name : `${ref.schema}.${ref.name}`;
}
