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
import { compiled, type Reading, type WordRule } from './compiled-rules.js';
import type { DialectRules, LexMode } from './dialects.js';
import { classify } from './heads.js';
import { findCatalogName, findHiddenTableName } from './hidden-tables.js';
import { asciiUpperCase, type LexFailure, lex, type Token } from './lexer.js';
import type { ReadOnlyStatementKind } from './read-only-query.js';
import { at, isPunct, isWord, type Refusal } from './refusal.js';
import { findSideEffectGroup } from './side-effect-functions.js';
import { DATA_CHANGE_ANYWHERE } from './statement-rules.js';
import { findUnseparatedStatement } from './unseparated-statements.js';

/**
 * Checks that `sql` is exactly one read-only statement under every reading in `rules.lexModes`.
 * With `hidden` (lower-case table names the data dictionary hides), a statement naming one is refused
 * under any reading (see hidden-tables.ts).
 * @returns err(InvalidInput) when the text is empty or cannot be read (unterminated string or
 * comment, invisible characters), err(PermissionDenied) when it names a hidden table,
 * err(ReadOnlyViolation) with an actionable reason otherwise.
 */
export function guardSql(
  sql: string,
  rules: DialectRules,
  hidden?: ReadonlySet<string> | undefined,
): Result<ReadOnlyStatementKind, DatabaseFailure> {
  const { readings, words } = compiled(rules);
  let kind: ReadOnlyStatementKind | undefined;
  // Bit i set: reading i was lexed. Dialects have at most four readings.
  let checked = 0;
  for (let index = 0; index < readings.length; index++) {
    const { mode, differsFrom } = readings[index] as Reading;
    if (coveredByEarlier(checked, differsFrom, sql)) continue;
    checked |= 1 << index;
    const lexed = lex(sql, mode);
    if (lexed.isErr()) return err(toFailure(lexRefusal(lexed.error, index > 0 ? mode : undefined)));
    const hint = rules.refusedHintWords && refusedHint(lexed.value, rules.refusedHintWords);
    if (hint) return err(toFailure(hint));
    const tokens = lexed.value.some((token) => token.kind === 'comment')
      ? lexed.value.filter((token) => token.kind !== 'comment')
      : lexed.value;
    if (tokens.length === 0) {
      const reason = lexed.value.length === 0 ? 'it is empty.' : 'it contains only comments.';
      return err(toFailure({ kind: 'InvalidInput', reason }));
    }
    const analysed = analyse(tokens, rules, words);
    if (analysed.isErr()) return err(toFailure(withMode(analysed.error, index > 0 ? mode : undefined)));
    // Every reading: what is a string under one sql_mode is a quoted name under another.
    const found = hidden !== undefined && hidden.size > 0 ? findHiddenTableName(tokens, hidden) : undefined;
    if (found !== undefined) {
      return err(
        dbFailure('PermissionDenied', {
          by: 'policy',
          publicDetail: `The statement names ${found.name} at ${at(found.position)}, which this server's data dictionary hides from assistants.`,
          message: `statement guard: hidden table ${found.name} named at ${at(found.position)}`,
        }),
      );
    }
    const catalog = hidden !== undefined && hidden.size > 0 ? findCatalogName(tokens) : undefined;
    if (catalog !== undefined) {
      return err(
        dbFailure('PermissionDenied', {
          by: 'policy',
          publicDetail: `The statement reads the database catalog (${catalog.name} at ${at(catalog.position)}), which would show tables this server's data dictionary hides from assistants. Use list_tables, search_schema and describe_table to explore the schema.`,
          message: `statement guard: catalog ${catalog.name} read at ${at(catalog.position)} while the dictionary hides tables`,
        }),
      );
    }
    kind ??= analysed.value;
  }
  // The first reading is always lexed, so kind is set.
  return ok(kind as ReadOnlyStatementKind);
}

/**
 * True when an earlier reading stands for this one on this text: the readings of one dialect differ
 * only in backslash escapes, what `"` means and whether a bare CR ends a line comment, so without
 * those characters one lexing serves both.
 */
function coveredByEarlier(checked: number, differsFrom: Reading['differsFrom'], sql: string): boolean {
  for (let earlier = 0; earlier < differsFrom.length; earlier++) {
    const triggers = differsFrom[earlier];
    if ((checked & (1 << earlier)) === 0 || triggers == null) continue;
    if (triggers.every((trigger) => !sql.includes(trigger))) return true;
  }
  return false;
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
    case 'parameterSuffix':
      return {
        kind: 'InvalidInput',
        reason: `the parameter at ${at(failure.position)} is directly followed by "(", which some SQLite builds read as part of the parameter's name; a parameter cannot be called, so remove the "(" or put an operator between them.`,
      };
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
function analyse(
  tokens: readonly Token[],
  rules: DialectRules,
  words: ReadonlyMap<string, WordRule>,
): Result<ReadOnlyStatementKind, Refusal> {
  let end = tokens.length;
  while (end > 0 && isPunct(tokens[end - 1], ';')) end--;
  if (end === 0) return err({ kind: 'InvalidInput', reason: 'it contains no statement, only semicolons.' });
  let start = 0;
  if (rules.leadingSemicolons) while (isPunct(tokens[start], ';')) start++;
  for (let i = start; i < end; i++) {
    const token = tokens[i] as Token;
    if (isPunct(token, ';')) {
      return err({
        kind: 'ReadOnlyViolation',
        reason: `only one statement per call is accepted, but another statement follows the ";" at ${at(token.position)}. Send each statement in its own call.`,
      });
    }
  }
  const statement = tokens.slice(start, end);
  return classify(statement, 0, rules, false).andThen((kind) => {
    const refusal = scanBody(statement, rules, words) ?? unseparated(statement, rules);
    return refusal ? err(refusal) : ok(kind);
  });
}

function unseparated(tokens: readonly Token[], rules: DialectRules): Refusal | undefined {
  return rules.statementsWithoutSemicolons ? findUnseparatedStatement(tokens) : undefined;
}

/** A `/*+ … *\/` optimizer hint naming one of `words` (MySQL `MAX_EXECUTION_TIME`, `SET_VAR`). */
function refusedHint(tokens: readonly Token[], words: readonly string[]): Refusal | undefined {
  for (const token of tokens) {
    if (token.kind !== 'comment' || !token.text.startsWith('/*+')) continue;
    const text = asciiUpperCase(token.text);
    const word = words.find((candidate) => text.includes(candidate));
    if (word) {
      return {
        kind: 'ReadOnlyViolation',
        reason: `the optimizer hint at ${at(token.position)} uses ${word}, which overrides the session's limits or settings for this query; remove it.`,
      };
    }
  }
  return undefined;
}

function matchesSequence(tokens: readonly Token[], start: number, words: readonly string[]): boolean {
  return words.every((word, offset) => isWord(tokens[start + offset], word));
}

/** Rules that apply wherever a token stands: data-changing keywords, locking and INTO clauses, side-effect calls. */
function scanBody(
  tokens: readonly Token[],
  rules: DialectRules,
  words: ReadonlyMap<string, WordRule>,
): Refusal | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind === 'word' || token.kind === 'quoted') {
      const previous = tokens[i - 1];
      // A name after `.` qualifies only a name (`t.x`, `"s".f`, `(rec).x`): after `1 .` or T-SQL's
      // money literal `$.` the word stands on its own and is checked like any other.
      const before = tokens[i - 2];
      const qualified =
        isPunct(previous, '.') &&
        (before?.kind === 'word' || before?.kind === 'quoted' || isPunct(before, ')'));
      const rule = token.kind === 'word' ? words.get(token.value) : undefined;
      // After `.` or AS a word is a name (`t.update`, `AS delete`), unless the dialect reserves it.
      if (rule && !((qualified || isWord(previous, 'AS')) && !rules.reservedWords?.has(token.value))) {
        const refusal = wordRefusal(tokens, i, rule);
        if (refusal) return refusal;
      }
      // Only a name followed by `(` or `.` can be (part of) a call.
      const next = tokens[i + 1];
      if (!qualified && next?.kind === 'punctuation' && (next.text === '(' || next.text === '.')) {
        const refusal = checkCall(tokens, i, rules);
        if (refusal) return refusal;
      }
      if (rules.databaseLinks && next?.text === '@' && callsThroughLink(tokens, i + 1)) {
        return {
          kind: 'ReadOnlyViolation',
          reason: `${token.text}@… at ${at(token.position)} calls a function on another database through a database link, outside this read-only session; read the remote table instead.`,
        };
      }
      if (token.kind === 'quoted' && isWord(next, 'UESCAPE') && /^u&/i.test(token.text)) {
        return {
          kind: 'ReadOnlyViolation',
          reason: `the Unicode-escaped name at ${at(token.position)} uses UESCAPE, which the statement guard does not decode; write the name without escapes.`,
        };
      }
    } else if (token.kind === 'string' && rules.refusedLiterals) {
      const found = rules.refusedLiterals.find((literal) => literal.pattern.test(token.text));
      if (found) {
        return {
          kind: 'ReadOnlyViolation',
          reason: `the string literal at ${at(token.position)} ${found.effect}.`,
        };
      }
    } else if (rules.refusesVariableAssignment && token.text === ':' && tokens[i + 1]?.text === '=') {
      return {
        kind: 'ReadOnlyViolation',
        reason: `":=" at ${at(token.position)} assigns a user variable, which outlives the query on a pooled connection; use a window function or a derived table instead.`,
      };
    }
  }
  return undefined;
}

/** True when the `@` at index `sign` names a database link (`link` or `link.example.com`) followed by `(`. */
function callsThroughLink(tokens: readonly Token[], sign: number): boolean {
  let i = sign + 1;
  if (!isWord(tokens[i]) && tokens[i]?.kind !== 'quoted') return false;
  while (isPunct(tokens[i + 1], '.') && (isWord(tokens[i + 2]) || tokens[i + 2]?.kind === 'quoted')) i += 2;
  return isPunct(tokens[i + 1], '(');
}

function wordRefusal(tokens: readonly Token[], i: number, rule: WordRule): Refusal | undefined {
  const token = tokens[i] as Token;
  const sequence = rule.sequences.find((candidate) => matchesSequence(tokens, i, candidate.words));
  if (sequence)
    return { kind: 'ReadOnlyViolation', reason: `${sequence.words.join(' ')} ${sequence.effect}.` };
  if (rule.changesData) {
    return {
      kind: 'ReadOnlyViolation',
      reason: `the statement contains ${token.value} at ${at(token.position)}, which ${DATA_CHANGE_ANYWHERE.effect}. If ${token.text} is a column or table name, quote it.`,
    };
  }
  if (rule.anywhere) {
    return {
      kind: 'ReadOnlyViolation',
      reason: `${token.value} at ${at(token.position)} ${rule.anywhere.effect}.`,
    };
  }
  return undefined;
}

/** Checks the dotted name starting at `start` (`main.writefile`, `"load_extension"`) when it is called. */
function checkCall(tokens: readonly Token[], start: number, rules: DialectRules): Refusal | undefined {
  const parts = [tokens[start] as Token];
  let last = start;
  for (;;) {
    if (!isPunct(tokens[last + 1], '.')) break;
    // T-SQL `master..xp_x`: an empty schema between two dots.
    const gap = isPunct(tokens[last + 2], '.') ? 1 : 0;
    const part = tokens[last + 2 + gap];
    if (part === undefined || (part.kind !== 'word' && part.kind !== 'quoted')) break;
    parts.push(part);
    last += 2 + gap;
  }
  const called = isPunct(tokens[last + 1], '(');
  // Bare, only a qualified name can be a call (Oracle `utl_inaddr.get_host_name`, `seq.nextval`, and
  // MariaDB's `seq.nextval` under sql_mode ORACLE); a lone name is a column, and `utl_code` must stay usable.
  if (!called && parts.length === 1) return undefined;
  for (const [index, part] of parts.entries()) {
    // Where functions need parentheses, a bare dotted name can only act through a pseudo-column.
    if (!called && !rules.callsWithoutParentheses && index < parts.length - 1) continue;
    // Bare, the last part is a package's function or a column (`t.dbms_flag`, `t.httpuritype`): only
    // pseudo-columns (`seq.NEXTVAL`) act there, while packages (`dbms_lock.sleep`) come before it.
    const bareLastPart = !called && index === parts.length - 1;
    // Oracle folds unquoted names to upper case, so a quoted lower-case "nextval" is just a column.
    const folded = rules.callsWithoutParentheses && part.kind === 'quoted';
    if (bareLastPart && folded && part.value !== asciiUpperCase(part.value)) continue;
    const group = findSideEffectGroup(rules.functions, part.value, bareLastPart);
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
