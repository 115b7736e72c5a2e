import { describe, expect, it } from 'vitest';
import { DIALECT_RULES } from '../src/guard/dialects.js';
import { type LexOptions, lex, type Token } from '../src/guard/lexer.js';
import type { Dialect } from '../src/model.js';

function options(dialect: Dialect, overrides: Partial<LexOptions> = {}): LexOptions {
  return { ...DIALECT_RULES[dialect].lexModes[0], ...overrides };
}

function tokens(sql: string, dialect: Dialect = 'sqlite', overrides?: Partial<LexOptions>): readonly Token[] {
  return lex(sql, options(dialect, overrides))._unsafeUnwrap();
}

/** `kind:text` per token, compact enough to compare whole streams. */
function shape(sql: string, dialect: Dialect = 'sqlite', overrides?: Partial<LexOptions>): string[] {
  return tokens(sql, dialect, overrides).map((token) => `${token.kind}:${token.text}`);
}

describe('lex: tokens', () => {
  it('gives kind, exact text, position and a comparable value', () => {
    expect(tokens('select "A""b" from t1 -- x')).toEqual([
      { kind: 'word', text: 'select', position: 0, value: 'SELECT' },
      { kind: 'quoted', text: '"A""b"', position: 7, value: 'A"b' },
      { kind: 'word', text: 'from', position: 14, value: 'FROM' },
      { kind: 'word', text: 't1', position: 19, value: 'T1' },
      { kind: 'comment', text: '-- x', position: 22, value: '-- x' },
    ]);
  });

  it('splits punctuation and operators, keeps strings whole', () => {
    expect(shape("f(a, b.c);'x;y'<>1")).toEqual([
      'word:f',
      'punctuation:(',
      'word:a',
      'punctuation:,',
      'word:b',
      'punctuation:.',
      'word:c',
      'punctuation:)',
      'punctuation:;',
      "string:'x;y'",
      'operator:<',
      'operator:>',
      'number:1',
    ]);
  });

  it('reads numbers in their usual forms', () => {
    expect(shape('1 1.5 .5 1e10 1E-3 0x1F 1_000')).toEqual([
      'number:1',
      'number:1.5',
      'number:.5',
      'number:1e10',
      'number:1E-3',
      'number:0x1F',
      'number:1_000',
    ]);
  });

  it('treats non-ASCII letters as identifier characters', () => {
    expect(shape('SELECT naïve, 名前')).toEqual(['word:SELECT', 'word:naïve', 'punctuation:,', 'word:名前']);
  });

  it('refuses invisible characters outside strings but keeps them inside', () => {
    expect(lex('SELECT\u00a01', options('sqlite'))._unsafeUnwrapErr()).toEqual({
      kind: 'invisibleCharacter',
      position: 6,
      codePoint: 0xa0,
    });
    expect(shape("SELECT '\u00a0\u2028' /* \u3000 */")).toEqual([
      'word:SELECT',
      "string:'\u00a0\u2028'",
      'comment:/* \u3000 */',
    ]);
  });
});

describe('lex: comments', () => {
  it('ends a line comment at LF, and at a bare CR only where the dialect does', () => {
    expect(shape('a -- x\nb -- y\rc', 'postgres')).toEqual([
      'word:a',
      'comment:-- x',
      'word:b',
      'comment:-- y',
      'word:c',
    ]);
    // SQLite's tokenizer and MySQL/MariaDB (checked against 10.11) run a line comment on to the LF.
    expect(shape('a -- x\nb -- y\rc', 'sqlite')).toEqual([
      'word:a',
      'comment:-- x',
      'word:b',
      'comment:-- y\rc',
    ]);
    expect(shape("a # y\r'\nc", 'mysql')).toEqual(['word:a', "comment:# y\r'", 'word:c']);
  });

  it('does not nest block comments unless the dialect does', () => {
    expect(shape('/* a /* b */ c */', 'sqlite')).toEqual([
      'comment:/* a /* b */',
      'word:c',
      'operator:*',
      'operator:/',
    ]);
    expect(shape('/* a /* b */ c */ d', 'postgres')).toEqual(['comment:/* a /* b */ c */', 'word:d']);
    expect(shape('/* a /* b */ c */ d', 'mssql')).toEqual(['comment:/* a /* b */ c */', 'word:d']);
  });

  it('reports an unterminated block comment, nested or not', () => {
    expect(lex('a /* b', options('sqlite'))._unsafeUnwrapErr()).toEqual({
      kind: 'unterminated',
      construct: 'block comment',
      position: 2,
    });
    expect(lex('/* /* */', options('postgres'))._unsafeUnwrapErr()).toMatchObject({
      construct: 'block comment',
    });
  });

  it('reads # comments and MySQL’s `-- ` rule only where the dialect has them', () => {
    expect(shape('a # b\nc', 'mysql')).toEqual(['word:a', 'comment:# b', 'word:c']);
    expect(shape('a # b', 'sqlite')).toEqual(['word:a', 'operator:#', 'word:b']);
    expect(shape('1--1', 'mysql')).toEqual(['number:1', 'operator:-', 'operator:-', 'number:1']);
    expect(shape('1-- 1', 'mysql')).toEqual(['number:1', 'comment:-- 1']);
    expect(shape('1--1', 'sqlite')).toEqual(['number:1', 'comment:--1']);
  });

  it('refuses MySQL and MariaDB executable comments but not optimizer hints', () => {
    expect(lex('SELECT /*!50000 1 */', options('mysql'))._unsafeUnwrapErr()).toEqual({
      kind: 'executableComment',
      position: 7,
    });
    expect(lex('SELECT /*M! 1 */', options('mysql'))._unsafeUnwrapErr().kind).toBe('executableComment');
    expect(shape('SELECT /*+ NO_INDEX(t) */ 1', 'mysql')).toEqual([
      'word:SELECT',
      'comment:/*+ NO_INDEX(t) */',
      'number:1',
    ]);
    expect(shape('SELECT /*! 1 */', 'sqlite')).toEqual(['word:SELECT', 'comment:/*! 1 */']);
  });
});

describe('lex: strings and quoted identifiers', () => {
  it('reads doubled quotes as escapes and backslashes as ordinary in standard strings', () => {
    expect(shape("'it''s' 'C:\\'")).toEqual(["string:'it''s'", "string:'C:\\'"]);
  });

  it('reads backslash escapes where the dialect has them', () => {
    expect(shape("'a\\'b' c", 'mysql')).toEqual(["string:'a\\'b'", 'word:c']);
    expect(shape('"a\\"b" c', 'mysql')).toEqual(['string:"a\\"b"', 'word:c']);
    expect(lex("'a\\'b' c", options('sqlite'))._unsafeUnwrapErr()).toMatchObject({
      construct: 'string literal',
    });
  });

  it('reads PostgreSQL E-strings with escapes and plain strings without', () => {
    expect(shape("E'a\\'b' 'c\\'", 'postgres')).toEqual(["string:E'a\\'b'", "string:'c\\'"]);
    expect(shape("e'x'", 'postgres')).toEqual(["string:e'x'"]);
    expect(shape("E'a\\'", 'sqlite')).toEqual(['word:E', "string:'a\\'"]);
  });

  it('reads PostgreSQL dollar quotes, tagged and untagged, and positional parameters', () => {
    expect(shape("$$it's; $x$ $$ $tag$ $$ ; $tag$ $1", 'postgres')).toEqual([
      "string:$$it's; $x$ $$",
      'string:$tag$ $$ ; $tag$',
      'parameter:$1',
    ]);
    expect(shape('a$b$ c', 'postgres')).toEqual(['word:a$b$', 'word:c']);
    expect(lex('$q$ open', options('postgres'))._unsafeUnwrapErr()).toMatchObject({
      construct: 'dollar-quoted string',
    });
  });

  it('reads Oracle q-quotes with bracket pairs and any other delimiter', () => {
    expect(shape("q'[it's]' Q'{a}b}' nq'(x)' q'!a'b!' c", 'oracle')).toEqual([
      "string:q'[it's]'",
      "string:Q'{a}b}'",
      "string:nq'(x)'",
      "string:q'!a'b!'",
      'word:c',
    ]);
    expect(lex("q'[never closed'", options('oracle'))._unsafeUnwrapErr()).toMatchObject({
      construct: 'q-quoted string',
    });
  });

  it('reads backticks and brackets as identifiers where the dialect has them', () => {
    expect(tokens('`a``b` [c;d]', 'sqlite').map((token) => [token.kind, token.value])).toEqual([
      ['quoted', 'a`b'],
      ['quoted', 'c;d'],
    ]);
    expect(tokens('[a]]b]', 'mssql').map((token) => [token.kind, token.value])).toEqual([['quoted', 'a]b']]);
    expect(shape('arr[1]', 'postgres')).toEqual(['word:arr', 'operator:[', 'number:1', 'operator:]']);
  });

  it('reads "…" as a string in MySQL’s default mode and as an identifier elsewhere', () => {
    expect(shape('"x"', 'mysql')).toEqual(['string:"x"']);
    expect(shape('"x"', 'mysql', { doubleQuote: 'identifier' })).toEqual(['quoted:"x"']);
    expect(shape('"x"', 'oracle')).toEqual(['quoted:"x"']);
  });

  it('reports which construct is unterminated and where it starts', () => {
    expect(lex('SELECT "a', options('sqlite'))._unsafeUnwrapErr()).toEqual({
      kind: 'unterminated',
      construct: 'quoted identifier',
      position: 7,
    });
    expect(lex('SELECT [a', options('sqlite'))._unsafeUnwrapErr()).toMatchObject({
      construct: 'quoted identifier',
    });
    expect(lex("x 'a''", options('sqlite'))._unsafeUnwrapErr()).toMatchObject({
      construct: 'string literal',
      position: 2,
    });
  });
});

describe('lex: identifiers and parameters', () => {
  it('reads SQLite parameters of every form as parameters, not words', () => {
    expect(shape('? ?1 :a @b $c', 'sqlite')).toEqual([
      'parameter:?',
      'parameter:?1',
      'parameter::a',
      'parameter:@b',
      'parameter:$c',
    ]);
  });

  it('reads SQL Server variables and temp tables as words, Oracle binds as parameters', () => {
    expect(shape('@x @@ROWCOUNT #tmp', 'mssql')).toEqual(['word:@x', 'word:@@ROWCOUNT', 'word:#tmp']);
    expect(shape('a#b$c :1 :name', 'oracle')).toEqual(['word:a#b$c', 'parameter::1', 'parameter::name']);
  });
});
