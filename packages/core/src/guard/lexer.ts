import { err, ok, type Result } from 'neverthrow';

/**
 * A single-pass SQL lexer, parameterised by dialect. It exists to find the boundaries of strings,
 * quoted identifiers and comments exactly as the engine does, so that nothing inside them is ever
 * mistaken for code and nothing outside them is ever hidden. It does not parse: the guard reads
 * the token stream.
 *
 * Every loop advances the cursor, and each character is looked at a bounded number of times, so
 * lexing is linear in the input length (tested on 100 KB).
 */

/** How a dialect writes strings, identifiers, comments and parameters. One value per reading of the text. */
export interface LexOptions {
  /** `#` starts a comment to end of line (MySQL). */
  readonly hashComments: boolean;
  /**
   * A bare CR ends a line comment (PostgreSQL). MySQL, MariaDB and SQLite end it only at LF, so there
   * `-- x\r'\n; DROP …` hides the `'` in the comment, where a CR-ending reading would open a string.
   */
  readonly crEndsLineComment: boolean;
  /** `--` starts a comment only when followed by whitespace, a control character or the end (MySQL). */
  readonly dashCommentNeedsSpace: boolean;
  /** Block comments nest, so a comment opened inside a comment needs its own close (PostgreSQL, SQL Server). */
  readonly nestedBlockComments: boolean;
  /** Comments opened with `/*!` or `/*M!` are executed by the server, so they are refused outright (MySQL, MariaDB). */
  readonly executableComments: boolean;
  /** A backslash escapes the next character inside '…' strings (MySQL default; PostgreSQL with standard_conforming_strings off). */
  readonly backslashEscapes: boolean;
  /** `E'…'` strings take backslash escapes whatever the setting (PostgreSQL). */
  readonly escapeStringPrefix: boolean;
  /** `$$…$$` and `$tag$…$tag$` strings (PostgreSQL). */
  readonly dollarQuotes: boolean;
  /** `q'[…]'`, `q'{…}'`, `q'(…)'`, `q'<…>'`, `q'!…!'` strings, also with an `n` prefix (Oracle). */
  readonly qQuotes: boolean;
  /** What `"…"` is: an identifier (standard SQL) or a string (MySQL without ANSI_QUOTES). */
  readonly doubleQuote: 'identifier' | 'string';
  /** `` `…` `` quotes identifiers, with `` `` `` as an escaped backtick (MySQL, SQLite). */
  readonly backtickIdentifiers: boolean;
  /** `[…]` quotes identifiers: `plain` ends at the first `]` (SQLite), `doubled` takes `]]` as an escaped `]` (SQL Server). */
  readonly bracketIdentifiers: 'none' | 'plain' | 'doubled';
  /** ASCII characters besides letters and `_` that may start an unquoted identifier (SQL Server `@var`, `#temp`). */
  readonly identifierStart: string;
  /** ASCII characters besides letters, digits and `_` that may continue an unquoted identifier (`$`, `#`). */
  readonly identifierPart: string;
  /** Characters that, directly followed by a name or digits, form a bind parameter (`:name`, `@name`, `$1`, `?1`). */
  readonly parameterPrefixes: string;
  /**
   * SQLite builds with Tcl variables read `$a(…)` up to the next space or `)` as one parameter name,
   * quotes included, and builds without them do not; a named parameter directly followed by `(` is
   * refused so both readings cannot differ.
   */
  readonly tclParameterSuffix: boolean;
  /** `U&"d\0061ta"` identifiers with Unicode escapes (PostgreSQL): the name is compared decoded. */
  readonly unicodeEscapeIdentifiers: boolean;
}

/** The kinds of token the lexer produces. Whitespace is dropped; comments are kept so callers can see them. */
export type TokenKind =
  | 'word'
  | 'quoted'
  | 'string'
  | 'number'
  | 'parameter'
  | 'punctuation'
  | 'operator'
  | 'comment';

/** One token: its kind, its exact source text and where it starts. */
export interface Token {
  readonly kind: TokenKind;
  /** The exact source text, quotes included. */
  readonly text: string;
  /** Offset of the first character in the input, in UTF-16 code units from 0. */
  readonly position: number;
  /**
   * Words: the text upper-cased, for keyword comparison. Quoted identifiers: the name without its
   * quotes, escaped quotes collapsed. Everything else: the text.
   */
  readonly value: string;
}

/** Why the text could not be read as SQL at all. */
export type LexFailure =
  | {
      readonly kind: 'unterminated';
      readonly construct:
        | 'string literal'
        | 'quoted identifier'
        | 'block comment'
        | 'dollar-quoted string'
        | 'q-quoted string';
      readonly position: number;
    }
  | { readonly kind: 'executableComment'; readonly position: number }
  | { readonly kind: 'parameterSuffix'; readonly position: number }
  | { readonly kind: 'invisibleCharacter'; readonly position: number; readonly codePoint: number };

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const VT = 0x0b;
const FF = 0x0c;
const CR = 0x0d;
const BANG = 0x21;
const DQUOTE = 0x22;
const HASH = 0x23;
const DOLLAR = 0x24;
const QUOTE = 0x27;
const STAR = 0x2a;
const DASH = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const BACKTICK = 0x60;
const AMPERSAND = 0x26;
const LPAREN = 0x28;

const PUNCTUATION = '(),;.';

/**
 * Upper-cases ASCII letters only. Engines fold keyword case in ASCII alone, and full Unicode
 * folding would turn identifiers such as `ſelect` (long s) into keywords the engine never sees.
 */
export function asciiUpperCase(text: string): string {
  // Fast path: pure-ASCII text (nearly every SQL word) is safe to hand to toUpperCase.
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
  }
  return text.toUpperCase();
}

/** Lower-cases ASCII letters only; see asciiUpperCase. */
export function asciiLowerCase(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  }
  return text.toLowerCase();
}

/** ASCII whitespace, as every supported engine's tokenizer defines it. */
function isAsciiSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === VT || c === FF || c === CR;
}

/**
 * Non-ASCII spaces and invisible format characters. The engines disagree about them (SQLite,
 * PostgreSQL and MySQL read them as letters of an identifier), so guessing either way could let the
 * guard and the engine see different statements; outside strings and comments they are refused.
 */
function isInvisible(c: number): boolean {
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200d) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x2060 ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

const IDENT_START = 1;
const IDENT_PART = 2;
const PARAMETER_PREFIX = 4;
const PUNCT = 8;

/** Per-option table of ASCII character classes, built once per LexOptions object, so the loop does no string searches. */
const CLASS_TABLES = new WeakMap<LexOptions, Uint8Array>();

function classTable(options: LexOptions): Uint8Array {
  let table = CLASS_TABLES.get(options);
  if (table) return table;
  table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const char = String.fromCharCode(c);
    table[c] =
      (isLetter(c) || options.identifierStart.includes(char) ? IDENT_START : 0) |
      (isLetter(c) || isDigit(c) || options.identifierPart.includes(char) ? IDENT_PART : 0) |
      (options.parameterPrefixes.includes(char) ? PARAMETER_PREFIX : 0) |
      (PUNCTUATION.includes(char) ? PUNCT : 0);
  }
  CLASS_TABLES.set(options, table);
  return table;
}

/** Reads a whole SQL text into tokens. @returns err(LexFailure) when a string, identifier or comment is never closed, or the text holds an executable comment or an invisible character. */
export function lex(sql: string, options: LexOptions): Result<readonly Token[], LexFailure> {
  const tokens: Token[] = [];
  const n = sql.length;
  const classes = classTable(options);
  const identStart = (c: number): boolean =>
    c < 0x80 ? ((classes[c] as number) & IDENT_START) !== 0 : !isInvisible(c);
  const identPart = (c: number): boolean =>
    c < 0x80 ? ((classes[c] as number) & IDENT_PART) !== 0 : !isInvisible(c);
  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    const text = sql.slice(start, end);
    tokens.push({ kind, text, position: start, value: value ?? text });
  };

  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    const next = i + 1 < n ? sql.charCodeAt(i + 1) : -1;

    if (isAsciiSpace(c)) {
      i++;
      continue;
    }
    if (isInvisible(c)) return err({ kind: 'invisibleCharacter', position: i, codePoint: c });

    if (c === DASH && next === DASH) {
      const after = i + 2 < n ? sql.charCodeAt(i + 2) : -1;
      // MySQL reads `1--1` as 1 - -1; treating it as a comment would hide what follows from the guard.
      if (!options.dashCommentNeedsSpace || after === -1 || after <= SPACE) {
        const end = lineEnd(sql, i + 2, options.crEndsLineComment);
        push('comment', i, end);
        i = end;
        continue;
      }
    }
    if (c === HASH && options.hashComments) {
      const end = lineEnd(sql, i + 1, options.crEndsLineComment);
      push('comment', i, end);
      i = end;
      continue;
    }
    if (c === SLASH && next === STAR) {
      if (options.executableComments && isExecutableComment(sql, i + 2)) {
        return err({ kind: 'executableComment', position: i });
      }
      const end = options.nestedBlockComments ? nestedCommentEnd(sql, i) : flatCommentEnd(sql, i);
      if (end < 0) return err({ kind: 'unterminated', construct: 'block comment', position: i });
      push('comment', i, end);
      i = end;
      continue;
    }

    if (c === QUOTE) {
      const end = quotedEnd(sql, i, QUOTE, options.backslashEscapes);
      if (end < 0) return err({ kind: 'unterminated', construct: 'string literal', position: i });
      push('string', i, end);
      i = end;
      continue;
    }
    if (c === DQUOTE) {
      const asString = options.doubleQuote === 'string';
      const end = quotedEnd(sql, i, DQUOTE, asString && options.backslashEscapes);
      if (end < 0) {
        return err({
          kind: 'unterminated',
          construct: asString ? 'string literal' : 'quoted identifier',
          position: i,
        });
      }
      if (asString) push('string', i, end);
      else push('quoted', i, end, unquote(sql, i, end, '"'));
      i = end;
      continue;
    }
    if (c === BACKTICK && options.backtickIdentifiers) {
      const end = quotedEnd(sql, i, BACKTICK, false);
      if (end < 0) return err({ kind: 'unterminated', construct: 'quoted identifier', position: i });
      push('quoted', i, end, unquote(sql, i, end, '`'));
      i = end;
      continue;
    }
    if (c === LBRACKET && options.bracketIdentifiers !== 'none') {
      const end =
        options.bracketIdentifiers === 'doubled'
          ? quotedEnd(sql, i, RBRACKET, false)
          : plainBracketEnd(sql, i);
      if (end < 0) return err({ kind: 'unterminated', construct: 'quoted identifier', position: i });
      const inner = sql.slice(i + 1, end - 1);
      push('quoted', i, end, options.bracketIdentifiers === 'doubled' ? inner.replaceAll(']]', ']') : inner);
      i = end;
      continue;
    }
    if (c === DOLLAR && options.dollarQuotes) {
      const tagEnd = dollarTagEnd(sql, i);
      if (tagEnd > 0) {
        const close = sql.indexOf(sql.slice(i, tagEnd), tagEnd);
        if (close < 0) return err({ kind: 'unterminated', construct: 'dollar-quoted string', position: i });
        const end = close + (tagEnd - i);
        push('string', i, end);
        i = end;
        continue;
      }
    }

    if (isDigit(c) || (c === DOT && isDigit(next))) {
      const end = numberEnd(sql, i);
      push('number', i, end);
      i = end;
      continue;
    }

    if (identStart(c)) {
      // Note lower-case and non-ASCII letters while scanning, so most words need no second pass to upper-case.
      let lower = c >= 0x61 && c <= 0x7a;
      let ascii = c < 0x80;
      let end = i + 1;
      for (let d = sql.charCodeAt(end); end < n && identPart(d); d = sql.charCodeAt(++end)) {
        if (d >= 0x61 && d <= 0x7a) lower = true;
        else if (d >= 0x80) ascii = false;
      }
      const word = sql.slice(i, end);
      const upper = !lower ? word : ascii ? word.toUpperCase() : asciiUpperCase(word);
      if (
        options.unicodeEscapeIdentifiers &&
        upper === 'U' &&
        sql.charCodeAt(end) === AMPERSAND &&
        sql.charCodeAt(end + 1) === DQUOTE
      ) {
        const stop = quotedEnd(sql, end + 1, DQUOTE, false);
        if (stop < 0) return err({ kind: 'unterminated', construct: 'quoted identifier', position: i });
        push('quoted', i, stop, decodeUnicodeEscapes(unquote(sql, end + 1, stop, '"')));
        i = stop;
        continue;
      }
      if (end < n && sql.charCodeAt(end) === QUOTE) {
        // String prefixes change how the string that follows is delimited, so they are part of it.
        if (options.escapeStringPrefix && upper === 'E') {
          const stop = quotedEnd(sql, end, QUOTE, true);
          if (stop < 0) return err({ kind: 'unterminated', construct: 'string literal', position: i });
          push('string', i, stop);
          i = stop;
          continue;
        }
        if (options.qQuotes && (upper === 'Q' || upper === 'NQ')) {
          const stop = qQuoteEnd(sql, end);
          if (stop < 0) return err({ kind: 'unterminated', construct: 'q-quoted string', position: i });
          push('string', i, stop);
          i = stop;
          continue;
        }
      }
      tokens.push({ kind: 'word', text: word, position: i, value: upper });
      i = end;
      continue;
    }

    if (c < 0x80 && ((classes[c] as number) & PARAMETER_PREFIX) !== 0) {
      let end = i + 1;
      while (end < n && identPart(sql.charCodeAt(end))) end++;
      if (end > i + 1 || c === 0x3f /* a bare ? is a positional parameter */) {
        if (options.tclParameterSuffix && c !== 0x3f && sql.charCodeAt(end) === LPAREN) {
          return err({ kind: 'parameterSuffix', position: i });
        }
        push('parameter', i, end);
        i = end;
        continue;
      }
    }

    push(c < 0x80 && ((classes[c] as number) & PUNCT) !== 0 ? 'punctuation' : 'operator', i, i + 1);
    i++;
  }
  return ok(tokens);
}

/** End of a line comment: at LF, and also at a bare CR where the dialect says so. */
function lineEnd(sql: string, from: number, crEnds: boolean): number {
  const lf = sql.indexOf('\n', from);
  const end = lf < 0 ? sql.length : lf;
  if (!crEnds) return end;
  const cr = sql.indexOf('\r', from);
  return cr >= 0 && cr < end ? cr : end;
}

function isExecutableComment(sql: string, from: number): boolean {
  const c = sql.charCodeAt(from);
  return c === BANG || ((c === 0x4d || c === 0x6d) && sql.charCodeAt(from + 1) === BANG);
}

function flatCommentEnd(sql: string, start: number): number {
  const close = sql.indexOf('*/', start + 2);
  return close < 0 ? -1 : close + 2;
}

function nestedCommentEnd(sql: string, start: number): number {
  let depth = 1;
  let i = start + 2;
  while (i < sql.length - 1) {
    const c = sql.charCodeAt(i);
    const next = sql.charCodeAt(i + 1);
    if (c === SLASH && next === STAR) {
      depth++;
      i += 2;
    } else if (c === STAR && next === SLASH) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return -1;
}

/** End (exclusive) of a quoted run opened at `start`, where a doubled quote is an escaped quote. */
function quotedEnd(sql: string, start: number, quote: number, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (backslashEscapes && c === BACKSLASH) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql.charCodeAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return -1;
}

function plainBracketEnd(sql: string, start: number): number {
  const close = sql.indexOf(']', start + 1);
  return close < 0 ? -1 : close + 1;
}

/**
 * The name a PostgreSQL `U&"…"` identifier stands for: `\XXXX`, `\+XXXXXX` and `\\` decoded. A
 * malformed escape is left as written (the server refuses the statement). A `UESCAPE` clause that
 * changes the escape character is refused by the guard, not decoded here.
 */
export function decodeUnicodeEscapes(name: string): string {
  return name.replace(/\\(\\|[0-9A-Fa-f]{4}|\+[0-9A-Fa-f]{6})/g, (written, code: string) => {
    if (code === '\\') return '\\';
    const point = Number.parseInt(code.startsWith('+') ? code.slice(1) : code, 16);
    return point <= 0x10ffff ? String.fromCodePoint(point) : written;
  });
}

function unquote(sql: string, start: number, end: number, quote: string): string {
  return sql.slice(start + 1, end - 1).replaceAll(quote + quote, quote);
}

/** End of the opening `$tag$` at `start`, or -1 when the `$` does not open a dollar quote (PostgreSQL tag rules). */
function dollarTagEnd(sql: string, start: number): number {
  let i = start + 1;
  const first = sql.charCodeAt(i);
  if (first === DOLLAR) return i + 1;
  if (!(isLetter(first) || (first >= 0x80 && !isInvisible(first)))) return -1;
  i++;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (c === DOLLAR) return i + 1;
    if (!(isLetter(c) || isDigit(c) || (c >= 0x80 && !isInvisible(c)))) return -1;
    i++;
  }
  return -1;
}

const Q_CLOSERS: Readonly<Record<string, string>> = { '[': ']', '{': '}', '(': ')', '<': '>' };

/** End of an Oracle q-quoted string whose opening quote is at `quoteAt`. */
function qQuoteEnd(sql: string, quoteAt: number): number {
  const open = sql[quoteAt + 1];
  if (open === undefined || isAsciiSpace(open.charCodeAt(0))) return -1;
  const close = `${Q_CLOSERS[open] ?? open}'`;
  const at = sql.indexOf(close, quoteAt + 2);
  return at < 0 ? -1 : at + close.length;
}

function numberEnd(sql: string, start: number): number {
  const n = sql.length;
  let i = start;
  if (
    sql.charCodeAt(i) === 0x30 &&
    (sql.charCodeAt(i + 1) | 0x20) === 0x78 &&
    isHexDigit(sql.charCodeAt(i + 2))
  ) {
    i += 2;
    while (i < n && (isHexDigit(sql.charCodeAt(i)) || sql.charCodeAt(i) === 0x5f)) i++;
    return i;
  }
  while (i < n && (isDigit(sql.charCodeAt(i)) || sql.charCodeAt(i) === 0x5f)) i++;
  if (sql.charCodeAt(i) === DOT) {
    i++;
    while (i < n && (isDigit(sql.charCodeAt(i)) || sql.charCodeAt(i) === 0x5f)) i++;
  }
  if ((sql.charCodeAt(i) | 0x20) === 0x65) {
    const sign = sql.charCodeAt(i + 1);
    const digitAt = sign === 0x2b || sign === DASH ? i + 2 : i + 1;
    if (isDigit(sql.charCodeAt(digitAt))) {
      i = digitAt;
      while (i < n && isDigit(sql.charCodeAt(i))) i++;
    }
  }
  return i;
}
