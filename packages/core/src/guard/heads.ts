/**
 * Statement heads: what kind of statement a token stream starts with. An allow-list: SELECT, WITH,
 * VALUES and parenthesised queries everywhere, plus each dialect's EXPLAIN, PRAGMA, TABLE, SHOW and
 * DESCRIBE forms; every other head is refused, with the reason its keyword group gives.
 */
import { ok, type Result } from 'neverthrow';
import type { DialectRules } from './dialects.js';
import { asciiLowerCase, type Token } from './lexer.js';
import type { ReadOnlyStatementKind } from './read-only-query.js';
import { at, isPunct, isWord, type Refusal, violation } from './refusal.js';
import { COMMON_REFUSED_HEADS, type KeywordGroup } from './statement-rules.js';

// A Map, not an object: SQL words must never reach Object.prototype, and a Map needs no hasOwn check.
const QUERY_HEADS: ReadonlyMap<string, ReadOnlyStatementKind> = new Map([
  ['SELECT', 'select'],
  ['WITH', 'with'],
  ['VALUES', 'values'],
]);

function refusedHeadGroup(word: string, rules: DialectRules): KeywordGroup | undefined {
  return (
    rules.refusedHeads.find((group) => group.keywords.includes(word)) ??
    COMMON_REFUSED_HEADS.find((group) => group.keywords.includes(word))
  );
}

function acceptedHeads(rules: DialectRules): string {
  const heads = ['SELECT', 'WITH … SELECT', 'VALUES'];
  if (rules.explain) heads.push('EXPLAIN');
  heads.push(...Object.keys(rules.extraHeads));
  if (rules.pragmas) heads.push('read-only PRAGMA');
  return `${heads.slice(0, -1).join(', ')} or ${heads.at(-1)}`;
}

/**
 * Names what a token is without quoting literal values: refusal reasons reach logs, which must
 * not carry the data a query was filtering on.
 */
function describeToken(token: Token): string {
  switch (token.kind) {
    case 'string':
      return 'a string literal';
    case 'number':
      return 'a number';
    case 'quoted':
      return 'a quoted name';
    case 'parameter':
      return 'a parameter';
    default:
      return `"${token.text}"`;
  }
}

/** Record lookup that ignores inherited keys: SQL words must never reach Object.prototype. */
function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * What kind of statement starts at `start`: an allow-list, so an unknown head is refused. `nested`
 * is set for the statement after EXPLAIN or DESCRIBE, which must be a query.
 * @returns err(Refusal) when the head is refused, unknown, or not a query where one is required.
 */
export function classify(
  tokens: readonly Token[],
  start: number,
  rules: DialectRules,
  nested: boolean,
): Result<ReadOnlyStatementKind, Refusal> {
  let i = start;
  while (isPunct(tokens[i], '(')) i++;
  const parenthesised = i > start;
  const head = tokens[i];
  if (head === undefined) {
    return violation(`the statement has no SELECT; send one ${acceptedHeads(rules)} statement.`);
  }
  if (head.kind !== 'word') {
    return violation(
      `a statement must start with ${acceptedHeads(rules)}, not ${describeToken(head)} (${at(head.position)}).`,
    );
  }
  const word = head.value;
  const query = QUERY_HEADS.get(word) ?? (word === 'TABLE' ? own(rules.extraHeads, word) : undefined);
  if (query) return ok(query);
  const refused = refusedHeadGroup(word, rules);
  if (refused) return violation(`${word} ${refused.effect}.`);
  if (nested) return violation(`${word} is not a query (SELECT, WITH … SELECT or VALUES).`);
  if (!parenthesised) {
    if (word === 'EXPLAIN' && rules.explain) return classifyExplain(tokens, i + 1, rules);
    if (word === 'PRAGMA' && rules.pragmas) return classifyPragma(tokens, i + 1, rules.pragmas);
    const extra = own(rules.extraHeads, word);
    if (extra === 'describe') return classifyDescribe(tokens, i + 1, rules);
    if (extra) return ok(extra);
  }
  return violation(
    `${word} is not a statement LegacyBridge accepts; send one ${acceptedHeads(rules)} statement.`,
  );
}

function classifyExplain(
  tokens: readonly Token[],
  start: number,
  rules: DialectRules,
): Result<ReadOnlyStatementKind, Refusal> {
  const syntax = rules.explain!;
  const seen = new Set<string>();
  let i = start;
  for (;;) {
    const token = tokens[i];
    if (syntax.optionList && isPunct(token, '(') && isWord(tokens[i + 1]) && !isQueryHead(tokens[i + 1])) {
      i = afterClosingParen(tokens, i);
      continue;
    }
    if (isWord(token) && syntax.modifiers.includes(token.value) && !seen.has(token.value)) {
      seen.add(token.value);
      i++;
      continue;
    }
    if (syntax.formatAssignment && isWord(token, 'FORMAT') && tokens[i + 1]?.text === '=') {
      i += 3;
      continue;
    }
    break;
  }
  return classify(tokens, i, rules, true)
    .map((): ReadOnlyStatementKind => 'explain')
    .mapErr((refusal) => ({
      ...refusal,
      reason: `EXPLAIN is accepted only for a read-only query: ${refusal.reason}`,
    }));
}

function isQueryHead(token: Token | undefined): boolean {
  return isWord(token) && (QUERY_HEADS.has(token.value) || token.value === 'TABLE');
}

/** Index after the `)` matching the `(` at `open`, or the end when it never closes (the engine then reports it). */
export function afterClosingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    else if (isPunct(tokens[i], ')') && --depth === 0) return i + 1;
  }
  return tokens.length;
}

/** MySQL `DESCRIBE t [column]` describes a table; `DESCRIBE SELECT …` explains a query. */
function classifyDescribe(
  tokens: readonly Token[],
  start: number,
  rules: DialectRules,
): Result<ReadOnlyStatementKind, Refusal> {
  if (isQueryHead(tokens[start]) || isPunct(tokens[start], '(')) {
    return classify(tokens, start, rules, true).map((): ReadOnlyStatementKind => 'explain');
  }
  const rest = tokens.slice(start);
  const namesOnly =
    rest.length > 0 &&
    rest.every(
      (token) =>
        (token.kind === 'word' && !refusedHeadGroup(token.value, rules)) ||
        token.kind === 'quoted' ||
        token.kind === 'string' ||
        isPunct(token, '.'),
    );
  return namesOnly
    ? ok('describe')
    : violation('DESCRIBE takes a table name (and optionally a column) or a SELECT.');
}

function classifyPragma(
  tokens: readonly Token[],
  start: number,
  pragmas: NonNullable<DialectRules['pragmas']>,
): Result<ReadOnlyStatementKind, Refusal> {
  const isName = (token: Token | undefined): boolean =>
    token !== undefined && (token.kind === 'word' || token.kind === 'quoted');
  let i = start;
  if (isName(tokens[i]) && isPunct(tokens[i + 1], '.')) i += 2; // schema-qualified: PRAGMA main.table_info(t)
  const nameToken = tokens[i];
  if (nameToken === undefined || !isName(nameToken)) {
    return violation('PRAGMA must be followed by the name of a read-only PRAGMA.');
  }
  const name = asciiLowerCase(nameToken.value);
  const allowed = [...pragmas.bare].join(', ');
  const rest = tokens.slice(i + 1);
  if (rest.length === 0) {
    return pragmas.bare.has(name)
      ? ok('pragma')
      : violation(`PRAGMA ${name} is not on the read-only PRAGMA allow-list (${allowed}).`);
  }
  if (rest[0]?.text === '=') {
    return violation(
      `PRAGMA ${name} = … changes a setting; only reading PRAGMAs are accepted, such as PRAGMA table_info(t).`,
    );
  }
  if (isPunct(rest[0], '(') && pragmas.withArgument.has(name)) {
    const argument = rest[1];
    const oneName =
      rest.length === 3 &&
      argument !== undefined &&
      (isName(argument) || argument.kind === 'string') &&
      isPunct(rest[2], ')');
    return oneName ? ok('pragma') : violation(`PRAGMA ${name}(…) takes exactly one table or index name.`);
  }
  if (isPunct(rest[0], '(')) {
    return pragmas.bare.has(name)
      ? violation(
          `PRAGMA ${name}(…) with an argument changes a setting; send PRAGMA ${name} alone to read it.`,
        )
      : violation(`PRAGMA ${name} is not on the read-only PRAGMA allow-list (${allowed}).`);
  }
  return violation(`unexpected text after PRAGMA ${name}.`);
}
