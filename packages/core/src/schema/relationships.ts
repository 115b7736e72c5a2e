import type {
  ColumnSummary,
  InferredRelationship,
  JoinHop,
  LogicalType,
  SchemaKeys,
  TableInfo,
  TableRef,
} from '../model.js';
import type { SchemaSnapshot } from './schema-snapshot.js';

/**
 * Relationships of one catalog: the declared foreign keys plus the ones legacy schemas never declared,
 * guessed from column names and types. Built once per snapshot (see `relationshipsOf`) in time linear
 * in the number of columns: every lookup goes through an index by column name or name suffix, never a
 * scan of all tables per column.
 */
export interface Relationships {
  /** Every inferred relationship, strongest first per source column. */
  readonly inferred: readonly InferredRelationship[];
  /** Inferred relationships from `ref` to other tables. */
  inferredFrom(ref: TableRef): readonly InferredRelationship[];
  /** Inferred relationships from other tables to `ref`. */
  inferredTo(ref: TableRef): readonly InferredRelationship[];
  /** Every join from `ref`, declared and inferred, oriented so `from` is `ref`. */
  joinsOf(ref: TableRef): readonly JoinHop[];
  /** The catalog's spelling of a table, resolving letter case the way foreign keys may spell it. */
  resolve(ref: TableRef): TableRef | undefined;
}

/** What inference reads: the snapshot's tables, columns and declared keys. */
export interface RelationshipSource {
  readonly tables: readonly TableInfo[];
  readonly columns: readonly ColumnSummary[];
  readonly keys: SchemaKeys;
}

/** Relationships of a snapshot that holds columns and keys (ask the cache with `columns` and `keys`). */
export function relationshipsOf(snapshot: SchemaSnapshot): Relationships {
  return snapshot.derive('relationships', (s) =>
    buildRelationships({
      tables: s.tables,
      columns: s.columns ?? [],
      keys: s.keys ?? { primaryKeys: [], foreignKeys: [] },
    }),
  );
}

/** The identity of a table inside one catalog. */
export function tableKey(ref: TableRef): string {
  return `${ref.schema ?? ''}\u0000${ref.name}`;
}

// A name that ends like a key: CUSTNO, CUST_ID, ITEM_CODE, ACCT_NBR, ORD_KEY.
const KEY_SUFFIX = /^(.*?)[_-]?(id|no|num|nbr|cd|code|key)$/i;
// Column names that say "a row of this same table" (EMPMST.MGRNO → EMPMST.EMPNO).
const HIERARCHY_STEMS = new Set(['mgr', 'manager', 'parent', 'prnt', 'supv', 'supervisor', 'boss', 'head']);
// A name that is the key of more tables than this says nothing about which one a column points to (ID).
const MAX_SAME_NAME_KEYS = 3;
// At most this many guesses per source column, strongest first.
const MAX_TARGETS = 3;
const MIN_STEM = 3;

interface Target {
  readonly table: TableInfo;
  readonly column: ColumnSummary;
  /** The table's declared primary key, not a look-alike first column. */
  readonly declared: boolean;
}

/** Builds the relationship index; see `Relationships`. Exported for benchmarks and tests. */
export function buildRelationships(source: RelationshipSource): Relationships {
  const tablesByKey = new Map<string, TableInfo>();
  const tablesByLowerKey = new Map<string, TableInfo>();
  for (const t of source.tables) {
    tablesByKey.set(tableKey(t), t);
    tablesByLowerKey.set(tableKey(t).toLowerCase(), t);
  }
  const resolve = (ref: TableRef): TableInfo | undefined =>
    tablesByKey.get(tableKey(ref)) ?? tablesByLowerKey.get(tableKey(ref).toLowerCase());

  const columnsByTable = new Map<string, ColumnSummary[]>();
  for (const c of source.columns) {
    const t = resolve(c.table);
    if (t === undefined) continue;
    const key = tableKey(t);
    const list = columnsByTable.get(key);
    if (list) list.push(c);
    else columnsByTable.set(key, [c]);
  }

  const pkByTable = new Map<string, readonly string[]>();
  for (const pk of source.keys.primaryKeys) {
    const t = resolve(pk.table);
    if (t !== undefined && pk.columns.length > 0) pkByTable.set(tableKey(t), pk.columns);
  }

  // Declared edges, both for join paths and so inference never repeats one.
  const joins = new Map<string, JoinHop[]>();
  const addJoin = (key: string, hop: JoinHop) => {
    const list = joins.get(key);
    if (list) list.push(hop);
    else joins.set(key, [hop]);
  };
  const declaredPairs = new Set<string>();
  const declaringTables = new Set<string>();
  for (const fk of source.keys.foreignKeys) {
    const from = resolve(fk.table);
    const to = resolve(fk.referencedTable);
    if (from === undefined || to === undefined || fk.columns.length === 0) continue;
    declaringTables.add(tableKey(from));
    declaredPairs.add(pairKey(from, fk.columns));
    declaredPairs.add(`${pairKey(from, fk.columns)}>${tableKey(to)}`);
    const hop: JoinHop = {
      from: refOf(from),
      fromColumns: fk.columns,
      to: refOf(to),
      toColumns: fk.referencedColumns,
      kind: 'declared',
      confidence: 1,
    };
    addJoin(tableKey(from), hop);
    addJoin(tableKey(to), reverse(hop));
  }

  // Key columns of every table: the declared single-column primary key, or else — tables only, as a
  // legacy table's key is its first column by convention — a first column named like a key.
  const keyOf = new Map<string, Target>();
  const keysByName = new Map<string, Target[]>();
  const keysBySuffix = new Map<string, Target[]>();
  const compositeByFirst = new Map<string, { table: TableInfo; columns: readonly string[] }[]>();
  for (const t of source.tables) {
    const key = tableKey(t);
    const cols = columnsByTable.get(key) ?? [];
    const pk = pkByTable.get(key);
    let target: Target | undefined;
    if (pk !== undefined && pk.length === 1) {
      const column = cols.find((c) => c.name === pk[0]);
      if (column !== undefined) target = { table: t, column, declared: true };
    } else if (pk !== undefined && pk.length > 1) {
      const first = pk[0]!.toLowerCase();
      const list = compositeByFirst.get(first);
      if (list) list.push({ table: t, columns: pk });
      else compositeByFirst.set(first, [{ table: t, columns: pk }]);
    } else if (t.kind === 'table' && cols[0] !== undefined && KEY_SUFFIX.test(cols[0].name)) {
      target = { table: t, column: cols[0], declared: false };
    }
    if (target === undefined) continue;
    keyOf.set(key, target);
    push(keysByName, target.column.name.toLowerCase(), target);
    const suffix = KEY_SUFFIX.exec(target.column.name)?.[2]?.toLowerCase();
    if (suffix !== undefined) push(keysBySuffix, suffix, target);
  }
  // A declared key makes look-alikes of the same name noise (a backup table's copy of CUSTNO).
  for (const [name, list] of keysByName) {
    const declared = list.filter((t) => t.declared);
    if (declared.length > 0 && declared.length < list.length) keysByName.set(name, declared);
  }

  // Key tables by every three-letter run of their name, per key suffix: a stem's candidates are the
  // tables sharing its first run, so a lookup never scans every table (5,000 stems × 5,000 tables).
  const keysByTrigram = new Map<string, Target[]>();
  for (const [suffix, targets] of keysBySuffix) {
    for (const target of targets) {
      const name = normalise(target.table.name);
      const seen = new Set<string>();
      for (let i = 0; i + MIN_STEM <= name.length; i++) {
        const gram = name.slice(i, i + MIN_STEM);
        if (seen.has(gram)) continue;
        seen.add(gram);
        push(keysByTrigram, `${suffix}\u0000${gram}`, target);
      }
    }
  }
  const stemMemo = new Map<string, Map<string, { target: Target; rank: number }[]>>();
  const tablesNamedLike = (stem: string, suffix: string) => {
    let memo = stemMemo.get(suffix);
    if (memo === undefined) {
      memo = new Map();
      stemMemo.set(suffix, memo);
    }
    let found = memo.get(stem);
    if (found !== undefined) return found;
    found = [];
    for (const target of keysByTrigram.get(`${suffix}\u0000${stem.slice(0, MIN_STEM)}`) ?? []) {
      const name = normalise(target.table.name);
      const rank = name === stem ? 3 : name.startsWith(stem) ? 2 : name.includes(stem) ? 1 : 0;
      if (rank > 0) found.push({ target, rank });
    }
    // As for same-name keys: a declared key makes look-alikes noise.
    if (found.some((f) => f.target.declared)) found = found.filter((f) => f.target.declared);
    found.sort((a, b) => b.rank - a.rank || a.target.table.name.length - b.target.table.name.length);
    found = found.slice(0, MAX_TARGETS);
    memo.set(stem, found);
    return found;
  };

  const inferred: InferredRelationship[] = [];
  for (const t of source.tables) {
    const key = tableKey(t);
    const cols = columnsByTable.get(key) ?? [];
    const own = keyOf.get(key);
    const ownPk = pkByTable.get(key);
    const guesses = new Map<string, InferredRelationship>();
    const offer = (r: InferredRelationship) => {
      const id = `${r.columns.join(',')}>${tableKey(r.referencedTable)}`;
      const previous = guesses.get(id);
      if (previous === undefined || previous.confidence < r.confidence) guesses.set(id, r);
    };

    const declares = declaringTables.has(key);
    for (const c of cols) {
      if (declares && declaredPairs.has(pairKey(t, [c.name]))) continue;
      const isOwnKey = own?.column === c;
      // Rule 1: the same name as another table's key, with a compatible type.
      const sameName = keysByName.get(c.name.toLowerCase()) ?? [];
      if (sameName.length <= MAX_SAME_NAME_KEYS) {
        for (const target of sameName) {
          if (target.table === t || !compatible(c.logicalType, target.column.logicalType)) continue;
          // Two tables keyed by the same column are 1:1 extensions, not a reference; only a table
          // whose key is a look-alike points at a declared key (a copy or history of the master).
          if (isOwnKey && (own.declared || !target.declared)) continue;
          const exact = c.logicalType === target.column.logicalType;
          offer({
            table: refOf(t),
            columns: [c.name],
            referencedTable: refOf(target.table),
            referencedColumns: [target.column.name],
            confidence: target.declared ? (exact ? 0.9 : 0.8) : exact ? 0.6 : 0.5,
            evidence: target.declared
              ? `same name and ${exact ? '' : 'a compatible '}type as ${target.table.name}'s primary key`
              : `same name and ${exact ? '' : 'a compatible '}type as ${target.table.name}'s first column, which looks like its key (no primary key declared)`,
          });
        }
      }
      if (isOwnKey || (ownPk?.length === 1 && ownPk[0] === c.name)) continue;
      const parts = KEY_SUFFIX.exec(c.name);
      if (parts === null) continue;
      const suffix = parts[2]!.toLowerCase();
      // No table has a key ending this way (and the table's own key does not either): nothing to find.
      if (!keysBySuffix.has(suffix) && own === undefined) continue;
      const stem = normalise(parts[1]!);
      // Rule 2: a self-reference named by a hierarchy role (MGRNO, PARENT_ID) to the table's own key.
      if (
        HIERARCHY_STEMS.has(stem) &&
        own !== undefined &&
        compatible(c.logicalType, own.column.logicalType)
      ) {
        offer({
          table: refOf(t),
          columns: [c.name],
          referencedTable: refOf(t),
          referencedColumns: [own.column.name],
          confidence: 0.5,
          evidence: `${c.name} names a hierarchy role and has the type of ${t.name}'s own key ${own.column.name}`,
        });
        continue;
      }
      // Rule 3: the name's stem names a table whose key ends the same way (CUST_ID → CUSTOMER.ID).
      if (stem.length < MIN_STEM) continue;
      for (const { target, rank } of tablesNamedLike(stem, suffix)) {
        if (target.table === t || !compatible(c.logicalType, target.column.logicalType)) continue;
        const base = rank === 3 ? 0.8 : rank === 2 ? 0.7 : 0.6;
        const how =
          rank === 3 ? 'is the name of' : rank === 2 ? 'begins the name of' : 'is part of the name of';
        offer({
          table: refOf(t),
          columns: [c.name],
          referencedTable: refOf(target.table),
          referencedColumns: [target.column.name],
          confidence: round(target.declared ? base : base - 0.2),
          evidence: `"${parts[1]}" ${how} ${target.table.name}; the type matches its ${target.declared ? 'primary key' : 'key-like first column'} ${target.column.name}`,
        });
      }
    }

    // Rule 4: every column of another table's composite primary key, by name and type.
    if (compositeByFirst.size > 0) {
      const byLower = new Map(cols.map((c) => [c.name.toLowerCase(), c]));
      for (const c of cols) {
        for (const composite of compositeByFirst.get(c.name.toLowerCase()) ?? []) {
          if (composite.table === t) continue;
          const targetCols = columnsByTable.get(tableKey(composite.table)) ?? [];
          const mine = composite.columns.map((name) => byLower.get(name.toLowerCase()));
          const theirs = composite.columns.map((name) => targetCols.find((x) => x.name === name));
          const fits = mine.every(
            (m, i) =>
              m !== undefined && theirs[i] !== undefined && compatible(m.logicalType, theirs[i]!.logicalType),
          );
          const columns = mine.map((m) => m?.name ?? '');
          if (!fits || declaredPairs.has(pairKey(t, columns))) continue;
          if (ownPk !== undefined && sameNames(ownPk, composite.columns)) continue;
          offer({
            table: refOf(t),
            columns,
            referencedTable: refOf(composite.table),
            referencedColumns: composite.columns,
            confidence: 0.85,
            evidence: `same names and types as ${composite.table.name}'s composite primary key`,
          });
        }
      }
    }

    // Strongest guesses per source column set, never more than MAX_TARGETS of them.
    const bySource = new Map<string, InferredRelationship[]>();
    for (const r of guesses.values()) push(bySource, r.columns.join(','), r);
    for (const list of bySource.values()) {
      list.sort(
        (a, b) => b.confidence - a.confidence || a.referencedTable.name.localeCompare(b.referencedTable.name),
      );
      for (const r of list.slice(0, MAX_TARGETS)) {
        if (declaredPairs.has(`${pairKey(t, r.columns)}>${tableKey(r.referencedTable)}`)) continue;
        inferred.push(r);
      }
    }
  }

  const fromIndex = new Map<string, InferredRelationship[]>();
  const toIndex = new Map<string, InferredRelationship[]>();
  for (const r of inferred) {
    push(fromIndex, tableKey(r.table), r);
    push(toIndex, tableKey(r.referencedTable), r);
    const hop: JoinHop = {
      from: r.table,
      fromColumns: r.columns,
      to: r.referencedTable,
      toColumns: r.referencedColumns,
      kind: 'inferred',
      confidence: r.confidence,
      evidence: r.evidence,
    };
    addJoin(tableKey(r.table), hop);
    if (tableKey(r.table) !== tableKey(r.referencedTable)) addJoin(tableKey(r.referencedTable), reverse(hop));
  }

  const lookup = <T>(index: Map<string, T[]>, ref: TableRef): readonly T[] => {
    const t = resolve(ref);
    return t === undefined ? [] : (index.get(tableKey(t)) ?? []);
  };
  return {
    inferred,
    inferredFrom: (ref) => lookup(fromIndex, ref),
    inferredTo: (ref) => lookup(toIndex, ref),
    joinsOf: (ref) => lookup(joins, ref),
    resolve: (ref) => {
      const t = resolve(ref);
      return t === undefined ? undefined : refOf(t);
    },
  };
}

const NUMERIC = new Set<LogicalType>(['integer', 'bigint', 'decimal']);
const TEXT = new Set<LogicalType>(['text', 'enum']);

/** Values of these types can be equal: the same type, integers and decimals, text and enums. */
function compatible(a: LogicalType, b: LogicalType): boolean {
  return a === b || (NUMERIC.has(a) && NUMERIC.has(b)) || (TEXT.has(a) && TEXT.has(b));
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

function refOf(t: TableRef): TableRef {
  return t.schema === undefined ? { name: t.name } : { schema: t.schema, name: t.name };
}

function pairKey(t: TableRef, columns: readonly string[]): string {
  return `${tableKey(t)}\u0000${columns.map((c) => c.toLowerCase()).join(',')}`;
}

function reverse(hop: JoinHop): JoinHop {
  return { ...hop, from: hop.to, fromColumns: hop.toColumns, to: hop.from, toColumns: hop.fromColumns };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]!.toLowerCase());
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
