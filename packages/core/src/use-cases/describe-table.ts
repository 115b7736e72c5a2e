import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { type DatabaseFailure, dbFailure } from '../errors.js';
import type { InferredRelationship, TableDetail, TableInfo, TableRef } from '../model.js';
import { detailWithDictionary, isHiddenTable } from '../schema/data-dictionary.js';
import { schemaCacheOf, schemaViewOf } from '../schema/default-schema-cache.js';
import { relationshipsOf, tableKey } from '../schema/relationships.js';
import type { SchemaSnapshot } from '../schema/schema-snapshot.js';
import type { UseCaseDeps } from './deps.js';
import type { DescribeTableInput } from './inputs.js';
import { closestNames } from './name-matching.js';

/**
 * Columns, keys, relationships and indexes of one table. Accepts `schema.table`, and a name in the
 * wrong letter case when it is unambiguous (assistants write `custmst` for Oracle's `CUSTMST`).
 *
 * The detail comes from the adapter (one catalog round trip). Once the schema cache holds a snapshot
 * of the database (after a listing or a search) and the adapter has a catalog fingerprint, details
 * are kept with that snapshot, so they are dropped with it when the fingerprint or the TTL says the
 * catalog changed; without a fingerprint a cached detail could outlive a change, so none is kept. A
 * name the adapter does not know is resolved against the snapshot, which also supplies suggestions.
 *
 * With a data dictionary (`deps.dictionary`) a hidden table is answered exactly like one that does
 * not exist, hidden columns (and the keys and indexes naming them) are left out, and descriptions,
 * synonyms, units and pii flags are added.
 * @returns err(ObjectNotFound) with the closest existing names when no such table exists (or it is hidden).
 */
export function describeTable(
  deps: UseCaseDeps,
  input: DescribeTableInput,
): ResultAsync<TableDetail, DatabaseFailure> {
  const ref = toTableRef(input);
  // Before the adapter: nothing about a hidden table is read, and the answer is worded exactly like
  // the one for a table that does not exist.
  if (isHiddenTable(deps.dictionary, ref)) return hiddenAsAbsent(deps, ref);
  // Inferred relationships need the whole catalog's columns and keys (on 5,000 tables ~0.8 s to
  // read, against ~6 ms for one table's detail). So they are added only when the schema cache
  // already holds them; otherwise the declared detail answers at once and the catalog is read in
  // the background, for the next describe_table and find_join_path. A failure reads no catalog.
  return detailOf(deps, ref).andThen((declared) => {
    // The name resolved (case, schema) may land on a hidden table the input did not spell as such.
    const detail = detailWithDictionary(declared, deps.dictionary);
    if (detail === undefined) return hiddenAsAbsent(deps, ref);
    const cache = schemaCacheOf(deps);
    const warmInBackground = () => {
      void cache
        .snapshot(deps.db, { schema: ref.schema, columns: true, keys: true })
        .mapErr((failure) => deps.logger.warn('inferred relationships unavailable', { kind: failure.kind }));
    };
    if (!cache.has(deps.db, ref.schema)) {
      warmInBackground();
      return okAsync(detail);
    }
    return schemaViewOf(deps, { schema: ref.schema })
      .map((snapshot) => {
        if (snapshot.columns !== undefined && snapshot.keys !== undefined)
          return withInferred(detail, snapshot);
        warmInBackground();
        return detail;
      })
      .orElse(() => okAsync(detail));
  });
}

/**
 * `detail` plus the relationships inferred to and from its table (fields left out when there are
 * none, so a schema with declared keys everywhere answers exactly as before).
 */
function withInferred(detail: TableDetail, snapshot: SchemaSnapshot): TableDetail {
  const relationships = relationshipsOf(snapshot);
  // The detail's own declared keys win over a guess of the same columns (an adapter without
  // `listKeys` leaves inference blind to them).
  const declared = new Set(
    [...detail.foreignKeys, ...detail.referencedBy].map((fk) =>
      edgeKey(fk.table, fk.columns, fk.referencedTable),
    ),
  );
  const undeclared = (r: InferredRelationship) =>
    !declared.has(edgeKey(r.table, r.columns, r.referencedTable));
  const from = relationships.inferredFrom(detail.table).filter(undeclared);
  // A self-reference (EMPMST.MGRNO → EMPMST.EMPNO) is listed once, as a reference from the table.
  const allTo = relationships
    .inferredTo(detail.table)
    .filter((r) => undeclared(r) && tableKey(r.table) !== tableKey(r.referencedTable));
  if (from.length === 0 && allTo.length === 0) return detail;
  // The surest first, and a bounded number: every table with a CUSTNO column points at CUSTMST.
  const to =
    allTo.length <= MAX_INFERRED_REFERENCES
      ? allTo
      : [...allTo].sort((a, b) => b.confidence - a.confidence).slice(0, MAX_INFERRED_REFERENCES);
  return {
    ...detail,
    ...(from.length > 0 ? { inferredForeignKeys: from } : {}),
    ...(to.length > 0 ? { inferredReferencedBy: to } : {}),
    ...(allTo.length > to.length ? { inferredReferencedByOmitted: allTo.length - to.length } : {}),
  };
}

/** Inferred references to one table that describe_table lists; the rest are counted. */
export const MAX_INFERRED_REFERENCES = 25;

function edgeKey(from: TableRef, columns: readonly string[], to: TableRef): string {
  return `${from.name}\u0000${columns.join(',')}\u0000${to.name}`.toLowerCase();
}

function detailOf(deps: UseCaseDeps, ref: TableRef): ResultAsync<TableDetail, DatabaseFailure> {
  const cache = schemaCacheOf(deps);
  if (deps.db.catalogFingerprint !== undefined && cache.has(deps.db, ref.schema)) {
    return cache.snapshot(deps.db, { schema: ref.schema }).andThen((snapshot) => {
      const details = snapshot.derive('describe', () => new DetailMemo());
      const key = `${ref.schema ?? ''}\u0000${ref.name}`;
      const cached = details.get(key);
      if (cached !== undefined) return okAsync(cached);
      return fromAdapter(deps, ref).map((detail) => {
        details.set(key, detail);
        return detail;
      });
    });
  }
  return fromAdapter(deps, ref);
}

function fromAdapter(deps: UseCaseDeps, ref: TableRef): ResultAsync<TableDetail, DatabaseFailure> {
  // Fast path: one catalog round trip when the caller spelled the name exactly.
  return deps.db.describeTable(ref).orElse((failure) => {
    if (failure.kind !== 'ObjectNotFound' || failure.objectType !== 'table') return errAsync(failure);
    return schemaViewOf(deps, { schema: ref.schema }).andThen((snapshot) => {
      const candidates = snapshot.tablesNamed(ref.name, ref.schema);
      const only = candidates.length === 1 ? candidates[0] : undefined;
      if (only !== undefined && (only.name !== ref.name || only.schema !== ref.schema)) {
        return deps.db.describeTable({ schema: only.schema, name: only.name });
      }
      return errAsync(notFound(ref, snapshot.filter(ref.schema, undefined)));
    });
  });
}

function hiddenAsAbsent(deps: UseCaseDeps, ref: TableRef): ResultAsync<TableDetail, DatabaseFailure> {
  return schemaViewOf(deps, { schema: ref.schema })
    .orElse(() => okAsync(undefined))
    .andThen((view) => errAsync(notFound(ref, view?.filter(ref.schema, undefined) ?? [])));
}

/** The most recently described tables of one snapshot: a bounded LRU, as details vary in size. */
class DetailMemo {
  static readonly MAX = 128;
  readonly #map = new Map<string, TableDetail>();
  get(key: string): TableDetail | undefined {
    const found = this.#map.get(key);
    if (found !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, found);
    }
    return found;
  }
  set(key: string, detail: TableDetail): void {
    this.#map.set(key, detail);
    if (this.#map.size > DetailMemo.MAX) this.#map.delete(this.#map.keys().next().value!);
  }
}

/** Turns tool input into a reference: an explicit `schema` wins; else `a.b` means schema `a`, table `b`. */
export function toTableRef(input: { table: string; schema?: string | undefined }): TableRef {
  if (input.schema !== undefined) return { schema: input.schema, name: input.table };
  const dot = input.table.indexOf('.');
  if (dot > 0 && dot < input.table.length - 1) {
    return { schema: input.table.slice(0, dot), name: input.table.slice(dot + 1) };
  }
  return { name: input.table };
}

function notFound(ref: TableRef, tables: readonly TableInfo[]) {
  const display = ref.schema !== undefined ? `${ref.schema}.${ref.name}` : ref.name;
  // A name found in several schemas is only useful as a hint when qualified, and once each.
  const seen = new Map<string, number>();
  for (const t of tables) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  const names = [
    ...new Set(
      tables.map((t) => (t.schema !== undefined && seen.get(t.name)! > 1 ? `${t.schema}.${t.name}` : t.name)),
    ),
  ];
  return dbFailure('ObjectNotFound', {
    objectType: 'table',
    name: display,
    suggestions: closestNames(ref.name, names),
    message: `table ${display} not found`,
  });
}
