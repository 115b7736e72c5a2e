/**
 * The fake database's whole SQL dialect: enough for use case and conformance tests, nothing more.
 * `SELECT * | COUNT(*) | col [, col …] FROM [schema.]table [ORDER BY col [ASC|DESC]] [;]`
 */

/** A statement the fake understands. */
export interface FakeSelect {
  readonly schema?: string | undefined;
  readonly table: string;
  /** `*`, `count` for COUNT(*), else the listed column names. */
  readonly projection: '*' | 'count' | readonly string[];
  readonly orderBy?: { readonly column: string; readonly descending: boolean } | undefined;
}

const IDENT = String.raw`(?:"[^"]+"|\[[^\]]+\]|\`[^\`]+\`|[A-Za-z_][A-Za-z0-9_$#]*)`;
const SELECT_RE = new RegExp(
  String.raw`^\s*select\s+(\*|count\s*\(\s*\*\s*\)|${IDENT}(?:\s*,\s*${IDENT})*)\s+from\s+(${IDENT})(?:\s*\.\s*(${IDENT}))?` +
    String.raw`(?:\s+order\s+by\s+(${IDENT})(?:\s+(asc|desc))?)?\s*;?\s*$`,
  'is',
);

/** Statements a read-only session refuses: the fake answers them with ReadOnlyViolation. */
export const FAKE_WRITE_RE =
  /^\s*(insert|update|delete|merge|upsert|replace|create|drop|alter|truncate|grant|revoke|rename|comment|vacuum|attach|detach)\b/i;

/** Parses the fake's SELECT forms; undefined for anything else. */
export function parseFakeSelect(sql: string): FakeSelect | undefined {
  const m = SELECT_RE.exec(sql);
  if (!m) return undefined;
  const [, projection, first, second, orderColumn, direction] = m;
  const table = second !== undefined ? unquote(second) : unquote(first!);
  const schema = second !== undefined ? unquote(first!) : undefined;
  const proj: FakeSelect['projection'] =
    projection === '*'
      ? '*'
      : /^count/i.test(projection!)
        ? 'count'
        : projection!.split(',').map((c) => unquote(c.trim()));
  return {
    schema,
    table,
    projection: proj,
    orderBy:
      orderColumn !== undefined
        ? { column: unquote(orderColumn), descending: direction?.toLowerCase() === 'desc' }
        : undefined,
  };
}

function unquote(ident: string): string {
  const first = ident[0];
  if (first === '"' || first === '[' || first === '`') return ident.slice(1, -1);
  return ident;
}
