import type { ResultAsync } from 'neverthrow';
import type { DatabaseFailure } from '../errors.js';
import { schemaViewOf } from '../schema/default-schema-cache.js';
import { type MatchKind, searchSnapshot } from '../schema/schema-search.js';
import type { UseCaseDeps } from './deps.js';
import type { SearchSchemaInput } from './inputs.js';

export interface SchemaMatch {
  readonly type: 'table' | 'column';
  readonly schema?: string | undefined;
  readonly table: string;
  readonly column?: string | undefined;
  /** Higher is better; comparable within one answer only. */
  readonly score: number;
  /**
   * The strongest kind of evidence: exact, prefix, part, synonym, substring, typo, comment,
   * description or abbreviation.
   * Always set by searchSchema; optional so outputs built elsewhere (renderer tests) stay valid.
   */
  readonly matched?: MatchKind | undefined;
  /** Why it matched, word by word, e.g. `name starts with "cust"; "hdr" abbreviates "header"`. */
  readonly reason: string;
}

export interface SearchSchemaOutput {
  readonly matches: readonly SchemaMatch[];
}

const DEFAULT_LIMIT = 20;

/**
 * Ranked tables and columns whose names, comments or data dictionary text match the words of `query`:
 * exact name > prefix > word part (`ORD_HDR` has part `hdr`) > dictionary synonym > substring > one
 * typo > comment or description > abbreviation (`cust` ↔ customer, `CUSTMST` ↔ "customer master").
 * Served from the schema cache's snapshot (tables and columns, read once) seen through the data
 * dictionary (hidden tables and columns are never found), so a warm search costs no catalog query.
 */
export function searchSchema(
  deps: UseCaseDeps,
  input: SearchSchemaInput,
): ResultAsync<SearchSchemaOutput, DatabaseFailure> {
  const limit = input.limit ?? DEFAULT_LIMIT;
  return schemaViewOf(deps, { columns: true }).map((snapshot) => ({
    matches: searchSnapshot(snapshot, input.query, limit),
  }));
}
