import type { Token } from './lexer.js';

/**
 * The data dictionary's hidden tables, enforced on SQL text: a statement is refused when it names one.
 *
 * Without a parser the guard cannot tell which names in a statement are tables, so the rule is
 * conservative: any identifier token — unquoted or quoted in any style the dialect's lexer knows,
 * alone or as any part of a qualified name (`s.t`, `"s"."t"`, `[db].[s].[t]`) — equal to a hidden
 * table's name ignoring letter case is refused, wherever it stands (FROM, JOIN, a subquery, a CTE, a
 * column qualifier). Comments are already gone, so `FROM/*x*\/HIDDEN` is the same as `FROM HIDDEN`.
 * String literals are refused when they contain the name as a whole word: SQLite reads a 'string'
 * as a table name where one is expected, MySQL reads "x" as a string or a name depending on
 * sql_mode, and PostgreSQL turns 'name'::regclass into a table for functions such as table_to_xml.
 *
 * This keeps an honest assistant away from a table, not an adversary: a name assembled at run time
 * (concatenated strings cast to regclass, dynamic SQL, a view over the table) is beyond any lexer.
 * The boundary that holds is the database user's privileges (docs/security.md).
 * @returns the first hidden name found (as written in the statement) and where, or undefined.
 */
export function findHiddenTableName(
  tokens: readonly Token[],
  hidden: ReadonlySet<string>,
): { readonly name: string; readonly position: number } | undefined {
  for (const token of tokens) {
    if (token.kind === 'word' || token.kind === 'quoted') {
      // Words carry their text upper-cased in ASCII only; compare the source text lower-cased.
      const name = token.kind === 'word' ? token.text : token.value;
      if (hidden.has(name.toLowerCase())) return { name, position: token.position };
    } else if (token.kind === 'string') {
      const found = hiddenWordIn(token.text, hidden);
      if (found !== undefined) return { name: found, position: token.position };
    }
  }
  return undefined;
}

// A name inside a longer word is not it. Letters, digits and _ only: `$` and `#` also continue names
// in some dialects, but they delimit strings too (`$$…$$`), and erring towards a refusal is the safe side.
const IDENTIFIER_CHAR = /[\p{L}\p{N}_]/u;

function hiddenWordIn(text: string, hidden: ReadonlySet<string>): string | undefined {
  const lower = text.toLowerCase();
  for (const name of hidden) {
    for (let at = lower.indexOf(name); at >= 0; at = lower.indexOf(name, at + 1)) {
      const before = at > 0 ? lower[at - 1]! : '';
      const after = lower[at + name.length] ?? '';
      if (!IDENTIFIER_CHAR.test(before) && !IDENTIFIER_CHAR.test(after)) {
        return text.slice(at, at + name.length);
      }
    }
  }
  return undefined;
}
