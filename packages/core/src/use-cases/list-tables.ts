import { errAsync, type ResultAsync } from 'neverthrow';
import { type DatabaseFailure, dbFailure } from '../errors.js';
import type { TableInfo, TableRef } from '../model.js';
import { schemaViewOf } from '../schema/default-schema-cache.js';
import { indexAfter } from '../schema/schema-snapshot.js';
import type { UseCaseDeps } from './deps.js';
import type { ListTablesInput } from './inputs.js';

export interface ListTablesOutput {
  readonly tables: readonly TableInfo[];
  /** How many tables match the filter in all pages. */
  readonly total: number;
  /** Pass as `cursor` to get the next page; absent on the last page. */
  readonly nextCursor?: string | undefined;
  /** True when the page stopped short of `limit` to stay within the token budget. */
  readonly budgetLimited?: boolean | undefined;
}

const DEFAULT_PAGE = 100;

/**
 * About 8k tokens: what one page may cost a model's context, whatever `limit` says. Estimated from the
 * compact text rendering (one `|`-separated line per table) by {@link estimateTextTokens}.
 */
export const LIST_TABLES_PAGE_TOKENS = 8000;
// The count line, the header and the cursor line.
const PAGE_OVERHEAD_TOKENS = 60;

/**
 * One page of the tables and views the user can see, filtered by schema and name pattern (glob with
 * `*` and `?`, else substring, case-insensitive), sorted by schema then name (case-insensitive,
 * numbers in numeric order). Served from the schema cache's snapshot: the catalog is read once for all
 * pages, not once per page.
 *
 * The cursor carries the last table's key (keyset paging), the filter and the snapshot version. A
 * cursor from an older snapshot is still honoured — paging resumes after its last key in the new
 * snapshot, so tables that exist in both are neither skipped nor repeated — because a TTL refresh in
 * the middle of a long listing must not force an assistant to start over; the total then reflects
 * the new catalog. A cursor made for another schema or pattern is refused.
 * @returns err(InvalidInput) for a malformed cursor or one made for another filter.
 */
export function listTables(
  deps: UseCaseDeps,
  input: ListTablesInput,
): ResultAsync<ListTablesOutput, DatabaseFailure> {
  const limit = input.limit ?? DEFAULT_PAGE;
  const filterKey = `${input.schema ?? ''}\u0000${input.pattern ?? ''}`;
  let after: TableRef | undefined;
  if (input.cursor !== undefined) {
    after = decodeCursor(input.cursor, filterKey);
    if (after === undefined) {
      return errAsync(
        dbFailure('InvalidInput', {
          field: 'cursor',
          reason: 'it is not a cursor from a previous list_tables call with the same schema and pattern.',
          message: 'bad list_tables cursor',
        }),
      );
    }
  }
  return schemaViewOf(deps, { schema: input.schema }).map((snapshot) => {
    const matching = snapshot.filter(input.schema, input.pattern);
    const start = after === undefined ? 0 : indexAfter(matching, after);
    const end = pageEnd(matching, start, limit);
    const page = matching.slice(start, end);
    const last = page[page.length - 1];
    const nextCursor =
      end < matching.length && last !== undefined
        ? encodeCursor(last, filterKey, snapshot.version)
        : undefined;
    const budgetLimited = end < Math.min(matching.length, start + limit) ? true : undefined;
    return { tables: page, total: matching.length, nextCursor, budgetLimited };
  });
}

/** Where the page starting at `start` ends: at `limit` tables or the token budget, at least one table. */
function pageEnd(tables: readonly TableInfo[], start: number, limit: number): number {
  const stop = Math.min(tables.length, start + limit);
  let budget = LIST_TABLES_PAGE_TOKENS - PAGE_OVERHEAD_TOKENS;
  let i = start;
  let schema: string | undefined;
  while (i < stop) {
    const table = tables[i]!;
    // The text names each schema once, on a `schema <name>:` line before its tables.
    if (i === start || table.schema !== schema) {
      schema = table.schema;
      budget -= estimateTextTokens(schema ?? '') + 3;
    }
    budget -= estimateTokens(table);
    if (budget < 0 && i > start) break;
    i++;
  }
  return i;
}

/** Tokens of one rendered line: name|kind|rows~|comment (or description); the schema is a page header. */
export function estimateTokens(t: TableInfo): number {
  return (
    estimateTextTokens(t.name) +
    estimateTextTokens(t.kind) +
    (t.rowEstimate === undefined ? 0 : estimateTextTokens(String(t.rowEstimate))) +
    // The text shows the dictionary's description instead of the comment when there is one.
    estimateTextTokens(t.description ?? t.comment ?? '') +
    4 // three separators and the line break
  );
}

/**
 * A cheap, slightly pessimistic token count for BPE tokenizers (o200k, cl100k): a run of ASCII
 * letters costs one token per 5 letters, a run of digits one per 3, every other visible character one.
 * Characters per token is no constant: cryptic names split at every `_` and digit group
 * (`ORD_HDR_0015` is 6 tokens for 12 characters) while prose packs a word a token, so a flat
 * 3 characters a token let a page of legacy names run to 9.4k real tokens.
 */
export function estimateTextTokens(text: string): number {
  let tokens = 0;
  let run = 0;
  let runKind = 0; // 0 none, 1 letters, 2 digits
  const close = () => {
    if (run > 0) tokens += Math.ceil(run / (runKind === 1 ? 5 : 3));
    run = 0;
    runKind = 0;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Non-ASCII counts a token a character (right for CJK, pessimistic for accented Latin).
    const kind = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : c >= 48 && c <= 57 ? 2 : 0;
    if (kind !== 0) {
      if (kind !== runKind) close();
      runKind = kind;
      run++;
      continue;
    }
    close();
    if (c !== 32) tokens++;
  }
  close();
  return tokens;
}

// The cursor binds the last key to the filter it was made for (a hash), so a cursor reused with
// another pattern is refused instead of silently skipping tables. `v` is the snapshot version, kept
// for diagnostics: it tells a support engineer whether the catalog changed during a listing.
function encodeCursor(last: TableRef, filterKey: string, version: string): string {
  const body: { s?: string; n: string; f: number; v: string } = {
    n: last.name,
    f: hash(filterKey),
    v: version,
  };
  if (last.schema !== undefined) body.s = last.schema;
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decodeCursor(cursor: string, filterKey: string): TableRef | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      s?: unknown;
      n?: unknown;
      f?: unknown;
    };
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof parsed.n === 'string' &&
      (parsed.s === undefined || typeof parsed.s === 'string') &&
      parsed.f === hash(filterKey)
    ) {
      return parsed.s === undefined ? { name: parsed.n } : { schema: parsed.s, name: parsed.n };
    }
  } catch {
    // fall through: malformed cursor
  }
  return undefined;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
