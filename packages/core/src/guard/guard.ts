/**
 * The statement guard: layer 1 of the read-only defence (DESIGN.md §4). It decides whether one SQL
 * text is a single read-only statement, reading it with a dialect-aware lexer and a small set of
 * rules over the token stream.
 *
 * Why our own lexer rather than a real parser (pgsql-parser / libpg_query, node-sql-parser, …):
 * - A guard must fail closed on everything it does not understand. Full parsers for five dialects
 *   either cover one dialect (libpg_query, also a native/WASM dependency in a driver-free core) or
 *   approximate all of them (node-sql-parser), and an approximation that accepts valid SQL it
 *   misreads is the dangerous direction. Our rules are an allow-list of statement heads, so
 *   anything unknown is refused rather than misread.
 * - What must be exact is where strings, quoted identifiers and comments begin and end — that is
 *   where injection hides — and that is a lexer's job, small enough to review line by line and to
 *   test per dialect (including the server settings that change it: see `DialectRules.lexModes`).
 * - It is linear in the input and has no dependency, so it runs before anything else on every call.
 * The cost: we do not build a syntax tree, so the rules are conservative token patterns (a column
 * named `update` must be quoted), and syntax errors are left to the engine. Layers 2 (read-only
 * session) and 3 (least privilege) do not depend on this one being perfect.
 */
import { err, ok, type Result } from 'neverthrow';
import { type DatabaseFailure, dbFailure } from '../errors.js';
import type { DialectRules, LexMode } from './dialects.js';
import { classify } from './heads.js';
import { type LexFailure, lex, type Token } from './lexer.js';
import type { ReadOnlyStatementKind } from './read-only-query.js';
import { at, isPunct, isWord, type Refusal, violation } from './refusal.js';
import { findSideEffectGroup } from './side-effect-functions.js';
import { COMMON_REFUSED_SEQUENCES, DATA_CHANGE_ANYWHERE, type WordSequence } from './statement-rules.js';

/**
 * Checks that `sql` is exactly one read-only statement under every reading in `rules.lexModes`.
 * @returns err(InvalidInput) when the text is empty or cannot be read (unterminated string or
 * comment, invisible characters), err(ReadOnlyViolation) with an actionable reason otherwise.
 */
export function guardSql(sql: string, rules: DialectRules): Result<ReadOnlyStatementKind, DatabaseFailure> {
  let kind: ReadOnlyStatementKind | undefined;
  const checked: LexMode[] = [];
  for (const [index, mode] of rules.lexModes.entries()) {
    if (checked.some((earlier) => sameReading(earlier, mode, sql))) continue;
    checked.push(mode);
    const lexed = lex(sql, mode);
    if (lexed.isErr()) return err(toFailure(lexRefusal(lexed.error, index > 0 ? mode : undefined)));
    const tokens = lexed.value.filter((token) => token.kind !== 'comment');
    if (tokens.length === 0) {
      const reason = lexed.value.length === 0 ? 'it is empty.' : 'it contains only comments.';
      return err(toFailure({ kind: 'InvalidInput', reason }));
    }
    const analysed = analyse(tokens, rules);
    if (analysed.isErr()) return err(toFailure(withMode(analysed.error, index > 0 ? mode : undefined)));
    kind ??= analysed.value;
  }
  // lexModes is non-empty, so the loop ran and set kind.
  return ok(kind as ReadOnlyStatementKind);
}

/**
 * True when two readings cannot differ on this text: the modes of one dialect differ only in
 * backslash escapes and in what `"` means, so without those characters one lexing serves both.
 */
function sameReading(a: LexMode, b: LexMode, sql: string): boolean {
  const keys = Object.keys(a) as (keyof LexMode)[];
  return keys.every(
    (key) =>
      key === 'label' ||
      a[key] === b[key] ||
      (key === 'backslashEscapes' && !sql.includes('\\')) ||
      (key === 'doubleQuote' && !sql.includes('"')),
  );
}

function toFailure(refusal: Refusal): DatabaseFailure {
  const message = `statement guard: ${refusal.reason}`;
  return refusal.kind === 'InvalidInput'
    ? dbFailure('InvalidInput', { field: 'sql', reason: refusal.reason, message })
    : dbFailure('ReadOnlyViolation', { reason: refusal.reason, message });
}

function withMode(refusal: Refusal, mode: LexMode | undefined): Refusal {
  if (!mode?.label) return refusal;
  return {
    ...refusal,
    reason: `${refusal.reason} (Read as the server does under ${mode.label}.)`,
  };
}

function lexRefusal(failure: LexFailure, mode: LexMode | undefined): Refusal {
  switch (failure.kind) {
    case 'unterminated': {
      const under = mode?.label
        ? ` under ${mode.label}; avoid a backslash before a quote (write a quote inside a string as '') so the text reads the same under every server setting`
        : '';
      return {
        kind: 'InvalidInput',
        reason: `the ${failure.construct} starting at ${at(failure.position)} is never closed${under}.`,
      };
    }
    case 'executableComment':
      return {
        kind: 'ReadOnlyViolation',
        reason: `the /*! … */ comment at ${at(failure.position)} is executed by the server as SQL; remove it.`,
      };
    case 'invisibleCharacter': {
      const code = failure.codePoint.toString(16).toUpperCase().padStart(4, '0');
      return {
        kind: 'InvalidInput',
        reason: `it contains an invisible or non-ASCII space character (U+${code}) at ${at(failure.position)} outside any string or comment; replace it with an ordinary space.`,
      };
    }
  }
}

/** One statement, at most followed by semicolons, then the rules for its head and its body. */
function analyse(tokens: readonly Token[], rules: DialectRules): Result<ReadOnlyStatementKind, Refusal> {
  let end = tokens.length;
  while (end > 0 && isPunct(tokens[end - 1], ';')) end--;
  if (end === 0) return err({ kind: 'InvalidInput', reason: 'it contains no statement, only semicolons.' });
  for (let i = 0; i < end; i++) {
    const token = tokens[i] as Token;
    if (isPunct(token, ';')) {
      return err({
        kind: 'ReadOnlyViolation',
        reason: `only one statement per call is accepted, but another statement follows the ";" at ${at(token.position)}. Send each statement in its own call.`,
      });
    }
  }
  const statement = tokens.slice(0, end);
  return classify(statement, 0, rules, false).andThen((kind) => scanBody(statement, rules).map(() => kind));
}

/** Refused sequences, longest first so `INTO OUTFILE` wins over `INTO`. */
function sequencesOf(rules: DialectRules): readonly WordSequence[] {
  return [...rules.refusedSequences, ...COMMON_REFUSED_SEQUENCES].sort(
    (a, b) => b.words.length - a.words.length,
  );
}

function matchesSequence(tokens: readonly Token[], start: number, words: readonly string[]): boolean {
  return words.every((word, offset) => isWord(tokens[start + offset], word));
}

/** Rules that apply wherever a token stands: data-changing keywords, locking and INTO clauses, side-effect calls. */
function scanBody(tokens: readonly Token[], rules: DialectRules): Result<void, Refusal> {
  const sequences = sequencesOf(rules);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const previous = tokens[i - 1];
    const qualified = isPunct(previous, '.');
    if (token.kind === 'word' && !qualified && !isWord(previous, 'AS')) {
      const sequence = sequences.find((candidate) => matchesSequence(tokens, i, candidate.words));
      if (sequence) return violation(`${sequence.words.join(' ')} ${sequence.effect}.`);
      if (DATA_CHANGE_ANYWHERE.keywords.includes(token.value)) {
        return violation(
          `the statement contains ${token.value} at ${at(token.position)}, which ${DATA_CHANGE_ANYWHERE.effect}. If ${token.text} is a column or table name, quote it.`,
        );
      }
      const anywhere = rules.refusedAnywhere.find((group) => group.keywords.includes(token.value));
      if (anywhere) return violation(`${token.value} at ${at(token.position)} ${anywhere.effect}.`);
    }
    if ((token.kind === 'word' || token.kind === 'quoted') && !qualified) {
      const refusal = checkCall(tokens, i, rules);
      if (refusal) return err(refusal);
    }
  }
  return ok(undefined);
}

/** Checks the dotted name starting at `start` (`main.writefile`, `"load_extension"`) when it is called. */
function checkCall(tokens: readonly Token[], start: number, rules: DialectRules): Refusal | undefined {
  const parts = [tokens[start] as Token];
  let last = start;
  for (;;) {
    const part = tokens[last + 2];
    if (!isPunct(tokens[last + 1], '.') || part === undefined) break;
    if (part.kind !== 'word' && part.kind !== 'quoted') break;
    parts.push(part);
    last += 2;
  }
  const called = isPunct(tokens[last + 1], '(');
  // Bare, only a qualified name can be a call (Oracle `utl_inaddr.get_host_name`, `seq.nextval`);
  // a lone name is a column, and `utl_code` must stay usable.
  if (!called && !(rules.callsWithoutParentheses && parts.length > 1)) return undefined;
  for (const part of parts) {
    const group = findSideEffectGroup(rules.functions, part.value);
    if (group) {
      const name = part.kind === 'quoted' ? part.value : part.text;
      return {
        kind: 'ReadOnlyViolation',
        reason: `${name}() ${group.effect}; the statement guard refuses it.`,
      };
    }
  }
  return undefined;
}
