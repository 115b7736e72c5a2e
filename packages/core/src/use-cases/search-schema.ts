import { ResultAsync as RA, type ResultAsync } from 'neverthrow';
import type { DatabaseFailure } from '../errors.js';
import type { ColumnSummary, TableInfo } from '../model.js';
import type { UseCaseDeps } from './deps.js';
import type { SearchSchemaInput } from './inputs.js';
import { editDistance, nameParts } from './name-matching.js';

export interface SchemaMatch {
  readonly type: 'table' | 'column';
  readonly schema?: string | undefined;
  readonly table: string;
  readonly column?: string | undefined;
  /** Higher is better; comparable within one answer only. */
  readonly score: number;
  /** Why it matched, e.g. `name prefix "cust"`. */
  readonly reason: string;
}

export interface SearchSchemaOutput {
  readonly matches: readonly SchemaMatch[];
}

const DEFAULT_LIMIT = 20;

// Rank of each kind of hit; a table outranks a column with the same hit.
const SCORE = {
  exact: 100,
  prefix: 70,
  part: 55,
  substring: 40,
  fuzzy: 25,
  comment: 20,
  abbreviation: 10,
} as const;

/**
 * Ranked tables and columns whose names or comments match the words of `query`:
 * exact name > prefix > word part (`ORD_HDR` has part `hdr`) > substring > one-typo fuzzy > comment.
 */
export function searchSchema(
  deps: UseCaseDeps,
  input: SearchSchemaInput,
): ResultAsync<SearchSchemaOutput, DatabaseFailure> {
  const words = input.query
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((w) => w.length > 0);
  const limit = input.limit ?? DEFAULT_LIMIT;
  return RA.combine([deps.db.listTables(), deps.db.listColumns()]).map(([tables, columns]) => {
    const matches: SchemaMatch[] = [];
    for (const t of tables as readonly TableInfo[]) {
      const hit = scoreName(t.name, t.comment, words);
      if (hit)
        matches.push({
          type: 'table',
          schema: t.schema,
          table: t.name,
          score: hit.score + 1,
          reason: hit.reason,
        });
    }
    for (const c of columns as readonly ColumnSummary[]) {
      const hit = scoreName(c.name, c.comment, words);
      if (hit) {
        matches.push({
          type: 'column',
          schema: c.table.schema,
          table: c.table.name,
          column: c.name,
          score: hit.score,
          reason: hit.reason,
        });
      }
    }
    matches.sort(
      (a, b) =>
        b.score - a.score || a.table.localeCompare(b.table) || (a.column ?? '').localeCompare(b.column ?? ''),
    );
    return { matches: matches.slice(0, limit) };
  });
}

interface Hit {
  score: number;
  reason: string;
}

// Each query word scores its best hit against the name; the words' scores add up, so a name
// matching "order" and "header" beats one matching only "order".
function scoreName(name: string, comment: string | undefined, words: readonly string[]): Hit | undefined {
  const lower = name.toLowerCase();
  const parts = nameParts(name);
  const commentLower = comment?.toLowerCase();
  let total = 0;
  const reasons: string[] = [];
  for (const w of words) {
    const hit = scoreWord(lower, parts, commentLower, w);
    if (hit) {
      total += hit.score;
      reasons.push(hit.reason);
    }
  }
  return total > 0 ? { score: total, reason: reasons.join('; ') } : undefined;
}

function scoreWord(
  lower: string,
  parts: readonly string[],
  comment: string | undefined,
  w: string,
): Hit | undefined {
  if (lower === w) return { score: SCORE.exact, reason: `name is "${w}"` };
  if (lower.startsWith(w)) return { score: SCORE.prefix, reason: `name starts with "${w}"` };
  if (parts.includes(w)) return { score: SCORE.part, reason: `name part "${w}"` };
  if (w.length >= 3 && lower.includes(w)) return { score: SCORE.substring, reason: `name contains "${w}"` };
  if (w.length >= 4 && (editDistance(lower, w, 1) <= 1 || parts.some((p) => editDistance(p, w, 1) <= 1))) {
    return { score: SCORE.fuzzy, reason: `name is close to "${w}"` };
  }
  if (comment !== undefined && w.length >= 3 && comment.includes(w)) {
    return { score: SCORE.comment, reason: `comment mentions "${w}"` };
  }
  // Legacy names abbreviate by truncation (CUSTMST for customer master, ORDHDR for order header):
  // a shared start of three or more letters is weak evidence, ranked below everything else and
  // by how much is shared.
  if (w.length >= 4) {
    const shared = Math.max(commonPrefixLength(lower, w), ...parts.map((p) => commonPrefixLength(p, w)));
    if (shared >= 3) return { score: SCORE.abbreviation + shared, reason: `name may abbreviate "${w}"` };
  }
  return undefined;
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
