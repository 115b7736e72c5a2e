import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { type DatabaseFailure, dbFailure } from '../errors.js';
import type { TableInfo } from '../model.js';
import type { UseCaseDeps } from './deps.js';
import type { ListTablesInput } from './inputs.js';
import { matchesNamePattern } from './name-matching.js';

export interface ListTablesOutput {
  readonly tables: readonly TableInfo[];
  /** How many tables match the filter in all pages. */
  readonly total: number;
  /** Pass as `cursor` to get the next page; absent on the last page. */
  readonly nextCursor?: string | undefined;
}

const DEFAULT_PAGE = 100;

/**
 * One page of the tables and views the user can see, filtered by schema and name pattern, sorted by
 * schema then name. @returns err(InvalidInput) for a cursor that does not belong to this filter.
 */
export function listTables(
  deps: UseCaseDeps,
  input: ListTablesInput,
): ResultAsync<ListTablesOutput, DatabaseFailure> {
  const limit = input.limit ?? DEFAULT_PAGE;
  const filterKey = `${input.schema ?? ''}\u0000${input.pattern ?? ''}`;
  let offset = 0;
  if (input.cursor !== undefined) {
    const decoded = decodeCursor(input.cursor, filterKey);
    if (decoded === undefined) {
      return errAsync(
        dbFailure('InvalidInput', {
          field: 'cursor',
          reason: 'it is not a cursor from a previous list_tables call with the same schema and pattern.',
          message: 'bad list_tables cursor',
        }),
      );
    }
    offset = decoded;
  }
  return deps.db
    .listTables(input.schema !== undefined ? { schema: input.schema } : undefined)
    .andThen((all) => {
      const matching = all
        .filter((t) => input.pattern === undefined || matchesNamePattern(t.name, input.pattern))
        .slice()
        .sort(compareTables);
      const page = matching.slice(offset, offset + limit);
      const next = offset + limit < matching.length ? encodeCursor(offset + limit, filterKey) : undefined;
      return okAsync({ tables: page, total: matching.length, nextCursor: next });
    });
}

function compareTables(a: TableInfo, b: TableInfo): number {
  return (a.schema ?? '').localeCompare(b.schema ?? '') || a.name.localeCompare(b.name);
}

// The cursor binds the offset to the filter it was made for, so a cursor reused with another
// pattern is refused instead of silently skipping tables.
function encodeCursor(offset: number, filterKey: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: hash(filterKey) })).toString('base64url');
}

function decodeCursor(cursor: string, filterKey: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      o?: unknown;
      f?: unknown;
    };
    if (
      typeof parsed.o === 'number' &&
      Number.isSafeInteger(parsed.o) &&
      parsed.o >= 0 &&
      parsed.f === hash(filterKey)
    ) {
      return parsed.o;
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
