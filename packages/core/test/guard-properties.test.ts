import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIALECT_RULES } from '../src/guard/dialects.js';
import { checkReadOnlySql } from '../src/guard/index.js';
import { SIDE_EFFECT_FUNCTIONS } from '../src/guard/side-effect-functions.js';
import {
  COMMON_REFUSED_HEADS,
  COMMON_REFUSED_SEQUENCES,
  DATA_CHANGE_ANYWHERE,
} from '../src/guard/statement-rules.js';
import { DIALECTS, type Dialect } from '../src/model.js';

/**
 * Properties of the statement guard, checked on generated input with fixed seeds (a failure prints
 * its seed and path, and reruns identically):
 * (i) nothing makes it throw or take long; (ii) names, literals and comments that merely contain
 * keywords are never refused; (iii) comments and whitespace cannot talk a refused statement through.
 */

const SEED = 20_261_127;

/** Every word the guard reacts to, per dialect: statement heads, anywhere-words, sequences, functions. */
function keywordsOf(dialect: Dialect): readonly string[] {
  const rules = DIALECT_RULES[dialect];
  const words = new Set<string>([
    ...COMMON_REFUSED_HEADS.flatMap((group) => group.keywords),
    ...DATA_CHANGE_ANYWHERE.keywords,
    ...COMMON_REFUSED_SEQUENCES.flatMap((sequence) => sequence.words),
    ...rules.refusedHeads.flatMap((group) => group.keywords),
    ...rules.refusedAnywhere.flatMap((group) => group.keywords),
    ...rules.refusedSequences.flatMap((sequence) => sequence.words),
    ...SIDE_EFFECT_FUNCTIONS[dialect].flatMap((group) => [...(group.names ?? []), ...(group.prefixes ?? [])]),
  ]);
  return [...words].map((word) => word.toLowerCase().replace(/_+$/, ''));
}

/** What a check may return: a result, never an exception. */
function outcome(sql: string, dialect: Dialect): string {
  const result = checkReadOnlySql(sql, dialect);
  return result.isOk() ? 'ok' : result.error.kind;
}

const OUTCOMES = new Set(['ok', 'ReadOnlyViolation', 'InvalidInput', 'LimitExceeded']);

/**
 * Generous time allowed for one check, from its length: the guard takes microseconds on short SQL
 * and a few milliseconds on 100 KB, but this runs beside other suites on 2 shared cores, so the
 * bound only catches super-linear work, not a slow machine.
 */
function allowedMs(length: number): number {
  return 25 + length / 250;
}

/** Times every check and enforces the per-input and total bounds. */
class Timer {
  total = 0;
  count = 0;
  time(sql: string, dialect: Dialect): string {
    let verdict = '';
    let ms = Number.POSITIVE_INFINITY;
    // A preempted or garbage-collecting run is re-timed (best of three): super-linear work is slow
    // every time, a busy machine only now and then.
    for (let attempt = 0; attempt < 3 && ms >= allowedMs(sql.length); attempt++) {
      const started = performance.now();
      verdict = outcome(sql, dialect);
      ms = Math.min(ms, performance.now() - started);
    }
    this.total += ms;
    this.count++;
    expect(ms, `${dialect}, ${sql.length} characters`).toBeLessThan(allowedMs(sql.length));
    return verdict;
  }
}

const SAMPLE_SQL: readonly string[] = [
  "SELECT a.id, b.name FROM orders a JOIN customers b ON a.cust_id = b.id WHERE a.status = 'open'",
  'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n',
  'SELECT count(*) OVER (PARTITION BY a ORDER BY b) FROM t WHERE x IN (SELECT y FROM u) -- note',
  "SELECT 'it''s', \"quoted name\", 1.5e3 FROM t /* comment */ ORDER BY 1 DESC",
  'SELECT * FROM t WHERE a = ? AND b = :b AND c = $1 AND d = @d',
  'DELETE FROM t WHERE id = 1; DROP TABLE t',
  "SELECT $$dollar ' quoted$$, E'\\n', q'[oracle ' quote]', `tick`, [bracket] FROM t",
];

/** Pieces that change how everything after them is read. */
const HAZARDS: readonly string[] = [
  "'",
  '"',
  '`',
  '[',
  ']',
  '$$',
  '$a$',
  '/*',
  '*/',
  '/*!',
  '/*+',
  '--',
  '-- ',
  '#',
  ';',
  '\\',
  '\r',
  '\n',
  '\u00a0',
  '\u2028',
  '\u3000',
  '\ufeff',
  '\u200b',
  '\0',
  '\ud800',
  "E'",
  "q'[",
  'U&"',
  '$a(',
  ':=',
  '(',
  ')',
  ' SELECT ',
  ' DELETE ',
  '.',
];

const dialectArb = fc.constantFrom(...DIALECTS);

/** A sample statement with up to eight hazards inserted at random places. */
const mutatedSql = fc
  .tuple(
    fc.constantFrom(...SAMPLE_SQL),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...HAZARDS)), { maxLength: 8 }),
  )
  .map(([sql, insertions]) =>
    insertions.reduce((text, [at, piece]) => {
      const cut = at % (text.length + 1);
      return text.slice(0, cut) + piece + text.slice(cut);
    }, sql),
  );

/** Long texts up to the default 100,000-character limit and a little beyond, built from repeated hazards. */
const longSql = fc
  .tuple(
    fc.constantFrom(...SAMPLE_SQL, ...HAZARDS, "'' /* -- ", '(', 'a.', 'FOR '),
    fc.integer({ min: 1_000, max: 101_000 }),
  )
  .map(([piece, length]) => `SELECT ${piece.repeat(Math.ceil(length / piece.length))}`.slice(0, length));

describe('guard property (i): it never throws and never takes long', () => {
  // Warm the JIT first, so the per-input bound measures the guard, not the compiler.
  for (let i = 0; i < 200; i++)
    for (const dialect of DIALECTS) outcome(SAMPLE_SQL[i % SAMPLE_SQL.length] as string, dialect);

  it('returns a result for arbitrary Unicode text', () => {
    const timer = new Timer();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), dialectArb, (sql, dialect) => {
        expect(OUTCOMES).toContain(timer.time(sql, dialect));
      }),
      { seed: SEED, numRuns: 3_000 },
    );
    expect(timer.total).toBeLessThan(3_000);
  });

  it('returns a result for SQL with quotes, comment openers, semicolons, odd spaces and NULs inserted', () => {
    const timer = new Timer();
    fc.assert(
      fc.property(mutatedSql, dialectArb, (sql, dialect) => {
        expect(OUTCOMES).toContain(timer.time(sql, dialect));
      }),
      { seed: SEED, numRuns: 3_000 },
    );
    expect(timer.total).toBeLessThan(3_000);
  });

  it('stays within its length-proportional bound on texts up to and past the limit', () => {
    const timer = new Timer();
    fc.assert(
      fc.property(longSql, dialectArb, (sql, dialect) => {
        expect(OUTCOMES).toContain(timer.time(sql, dialect));
      }),
      { seed: SEED, numRuns: 60 },
    );
    expect(timer.total).toBeLessThan(4_000);
  });
});

/** Identifier parts that are not keywords, to build names around keywords. */
const PLAIN_PARTS = ['created', 'updated', 'by', 'at', 'is', 'count', 'reason', 'flag', 'id', 'x1', 'total'];

/** A name containing a keyword: `drop_reason`, `updated_by`, `is_deleted`, `execute_count`, `sleepy`. */
function nameArb(dialect: Dialect): fc.Arbitrary<string> {
  const keyword = fc.constantFrom(...keywordsOf(dialect));
  const plain = fc.constantFrom(...PLAIN_PARTS);
  return fc.oneof(
    fc.tuple(keyword, plain).map(([k, p]) => `${k}_${p}`),
    fc.tuple(plain, keyword).map(([p, k]) => `${p}_${k}`),
    fc.tuple(plain, keyword, plain).map(([a, k, b]) => `${a}_${k}_${b}`),
    keyword.map((k) => `${k}ed`),
    keyword.map((k) => `${k}1`),
    fc.tuple(keyword, fc.boolean()).map(([k, upper]) => (upper ? `${k.toUpperCase()}_ID` : `${k}_id`)),
  );
}

/** The dialect's ways of quoting a name, applied to a bare keyword: `"drop"`, `` `delete` ``, `[exec]`. */
function quotedNameArb(dialect: Dialect): fc.Arbitrary<string> {
  const quotes: Record<Dialect, readonly ((name: string) => string)[]> = {
    postgres: [(name) => `"${name}"`],
    oracle: [(name) => `"${name}"`],
    mysql: [(name) => `\`${name}\``],
    mssql: [(name) => `[${name}]`, (name) => `"${name}"`],
    sqlite: [(name) => `"${name}"`, (name) => `\`${name}\``, (name) => `[${name}]`],
  };
  return fc
    .tuple(fc.constantFrom(...keywordsOf(dialect)), fc.constantFrom(...quotes[dialect]), fc.boolean())
    .map(([keyword, quote, upper]) => quote(upper ? keyword.toUpperCase() : keyword));
}

/** Text for literals and comments: keywords, statement separators and other dialects' quote marks. */
function literalTextArb(dialect: Dialect): fc.Arbitrary<string> {
  const pieces = fc.constantFrom(
    ...keywordsOf(dialect),
    ...keywordsOf(dialect).map((k) => k.toUpperCase()),
    ' ',
    ';',
    ', ',
    '(',
    ')',
    '"',
    '`',
    '[',
    '$$',
    ':=',
    '@x',
    '-- ',
    '#',
    'sleep(5)',
    'DROP TABLE t;',
  );
  return fc.array(pieces, { maxLength: 8 }).map((parts) => parts.join(' '));
}

function stringLiteralArb(dialect: Dialect): fc.Arbitrary<string> {
  return literalTextArb(dialect).map((text) => `'${text.replaceAll("'", "''")}'`);
}

/** A comment around keyword text; block comments avoid their own openers and closers. */
function commentArb(dialect: Dialect): fc.Arbitrary<string> {
  return fc
    .tuple(literalTextArb(dialect), fc.boolean())
    .map(([text, line]) => (line ? ` -- ${text}\n` : ` /* ${text.replaceAll('*', '')} */ `));
}

/**
 * `x.NEXTVAL` advances sequence x in Oracle (and in MariaDB under sql_mode ORACLE); without the schema
 * it cannot be told from a column, so the guard refuses it and it is not generated qualified.
 */
function isPseudoColumn(name: string, dialect: Dialect): boolean {
  if (dialect === 'oracle') return name === '"NEXTVAL"';
  return dialect === 'mysql' && /^`nextval`$/i.test(name);
}

function benignSelectArb(dialect: Dialect): fc.Arbitrary<string> {
  const column = fc.oneof(nameArb(dialect), quotedNameArb(dialect));
  const table = fc.oneof(nameArb(dialect), quotedNameArb(dialect));
  const value = fc.oneof(stringLiteralArb(dialect), fc.nat().map(String));
  return fc
    .record({
      columns: fc.array(
        fc
          .tuple(column, fc.boolean())
          .map(([c, qualified]) => (qualified && !isPseudoColumn(c, dialect) ? `t.${c}` : c)),
        { minLength: 1, maxLength: 4 },
      ),
      literal: value,
      table,
      filter: fc.tuple(column, value),
      comment: fc.option(commentArb(dialect), { nil: undefined }),
      leading: fc.option(commentArb(dialect), { nil: undefined }),
    })
    .map(
      ({ columns, literal, table, filter: [where, equals], comment, leading }) =>
        `${leading ?? ''}SELECT ${columns.join(', ')}, ${literal} AS v FROM ${table} t WHERE ${isPseudoColumn(where, dialect) ? '' : 't.'}${where} = ${equals}${comment ?? ''}`,
    );
}

describe('guard property (ii): names, literals and comments that contain keywords are never refused', () => {
  for (const dialect of DIALECTS) {
    it(`accepts generated ${dialect} SELECTs`, () => {
      fc.assert(
        fc.property(benignSelectArb(dialect), (sql) => {
          const result = checkReadOnlySql(sql, dialect);
          expect(result.isOk() ? 'ok' : result.error.message).toBe('ok');
        }),
        { seed: SEED, numRuns: 400 },
      );
    });
  }

  it('uses keyword-bearing names in its samples, as the issue asks', () => {
    const samples = fc.sample(nameArb('postgres'), { seed: SEED, numRuns: 400 });
    expect(samples.some((name) => /^(delete|drop|update|insert|execute)/.test(name))).toBe(true);
  });
});

/** Statements refused in each dialect, written with single spaces between tokens. */
const REFUSED: Record<Dialect, readonly string[]> = {
  postgres: [
    'SELECT 1 ; DROP TABLE t',
    'SELECT pg_sleep ( 10 )',
    'WITH d AS ( DELETE FROM t RETURNING * ) SELECT * FROM d',
    'SELECT * FROM t FOR UPDATE',
    'SELECT * INTO t2 FROM t',
    'EXPLAIN ANALYZE DELETE FROM t',
    'SELECT lo_import ( 1 )',
  ],
  mysql: [
    'SELECT 1 ; DROP TABLE t',
    'SELECT sleep ( 5 )',
    'SELECT @x := 1',
    'SELECT a FROM t INTO OUTFILE x',
    'SELECT * FROM t LOCK IN SHARE MODE',
    'SELECT NEXT VALUE FOR s',
    'HANDLER t OPEN',
  ],
  mssql: [
    'SELECT 1 SELECT 2',
    'SELECT 1 DELETE FROM t',
    'SELECT * FROM t WAITFOR DELAY x',
    'SELECT 1 PRINT 1',
    'SELECT * INTO #t FROM t',
    'SELECT 1 EXEC xp_cmdshell',
    'SELECT * FROM t WITH ( UPDLOCK )',
  ],
  oracle: [
    'SELECT 1 FROM dual ; DROP TABLE t',
    'SELECT dbms_lock.sleep ( 5 ) FROM dual',
    'SELECT s.nextval FROM dual',
    'SELECT * FROM t FOR UPDATE',
    'BEGIN NULL ; END ;',
    'EXPLAIN PLAN FOR SELECT 1 FROM dual',
  ],
  sqlite: [
    'SELECT 1 ; DELETE FROM t',
    'SELECT load_extension ( x )',
    'PRAGMA journal_mode = WAL',
    'ATTACH DATABASE x AS y',
    'WITH x AS ( SELECT 1 ) REPLACE INTO t SELECT * FROM x',
  ],
};

/** Whitespace and comments a space may be replaced with, none of which may change the verdict. */
function separatorArb(dialect: Dialect): fc.Arbitrary<string> {
  const common = [' ', '  ', '\t', '\n', '\r\n', '\f', '/**/', ' /* x */ ', '/* ; */', ' -- c\n', '-- \n'];
  const extra = dialect === 'mysql' ? ['# c\n', '/* DELETE */'] : ['/* DELETE */'];
  return fc.constantFrom(...common, ...extra);
}

/**
 * Queries nested up to three deep, with subqueries in every position SQL Server allows them: the
 * select list, a call's argument, FROM, APPLY, IN/EXISTS/ALL, set operations, ORDER BY and a CTE.
 * They exercise the SQL Server rule that decides whether a SELECT continues the statement.
 */
function nestedQueryArb(dialect: Dialect): fc.Arbitrary<string> {
  const tsql = dialect === 'mssql';
  const { query } = fc.letrec<{ query: string }>((tie) => {
    const inner = fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant('SELECT 1 AS a'),
      tie('query'),
    );
    const item = fc.oneof(
      fc.constant('a'),
      fc.constant('t.b'),
      inner.map((q) => `(${q}) AS s`),
      inner.map((q) => `COALESCE((${q}), 0) AS c`),
      inner.map((q) => `CASE WHEN EXISTS (${q}) THEN 1 ELSE (${q}) END AS k`),
    );
    const source = fc.oneof(
      fc.constant('t'),
      inner.map((q) => `(${q}) AS d`),
      inner.map((q) => `t JOIN (${q}) AS j ON j.a = t.a`),
      ...(tsql ? [inner.map((q) => `t CROSS APPLY (${q}) AS x`)] : []),
    );
    const where = fc.oneof(
      fc.constant(''),
      inner.map((q) => ` WHERE a IN (${q})`),
      inner.map((q) => ` WHERE NOT EXISTS (${q}) AND b = 1`),
      inner.map((q) => ` WHERE a > ALL (${q})`),
      inner.map((q) => ` WHERE a = (${q}) OR a IS NULL`),
    );
    const tail = fc.oneof(
      fc.constant(''),
      fc.constant(' UNION SELECT a FROM u'),
      inner.map((q) => ` UNION ALL (${q})`),
      inner.map((q) => ` EXCEPT ${q}`),
      ...(tsql
        ? [
            fc.constant(' ORDER BY (SELECT NULL)'),
            fc.constant(' ORDER BY a OFFSET 0 ROWS FETCH NEXT 5 ROWS ONLY'),
          ]
        : []),
    );
    return {
      // SQL Server: TOP (n) before the list, so `TOP (3) (SELECT …) AS s` comes up.
      query: fc
        .tuple(fc.array(item, { minLength: 1, maxLength: 3 }), source, where, tail, fc.boolean())
        .map(
          ([items, from, filter, end, top]) =>
            `SELECT ${tsql && top ? 'TOP (3) ' : tsql ? 'TOP 3 ' : ''}${items.join(', ')} FROM ${from}${filter}${end}`,
        ),
    };
  });
  return fc.oneof(
    query,
    fc.tuple(query, query).map(([cte, main]) => `WITH c AS (${cte}) ${main}`),
  );
}

describe('guard property (iv): subqueries never look like a second statement, and a second statement always does', () => {
  for (const dialect of DIALECTS) {
    it(`accepts nested ${dialect} queries`, () => {
      fc.assert(
        fc.property(nestedQueryArb(dialect), (sql) => {
          const result = checkReadOnlySql(sql, dialect);
          expect(result.isOk() ? 'ok' : result.error.message, sql).toBe('ok');
        }),
        { seed: SEED, numRuns: 300 },
      );
    });
  }

  it('generates real nesting: four or more SELECTs, and CTEs', () => {
    const samples = fc.sample(nestedQueryArb('mssql'), { seed: SEED, numRuns: 300 });
    expect(samples.filter((sql) => (sql.match(/SELECT/g) ?? []).length >= 4).length).toBeGreaterThan(30);
    expect(samples.some((sql) => sql.startsWith('WITH c AS ('))).toBe(true);
  });

  it('refuses two SQL Server queries run together without a semicolon, whatever separates them', () => {
    fc.assert(
      fc.property(
        nestedQueryArb('mssql'),
        nestedQueryArb('mssql'),
        fc.constantFrom(' ', '\n', '\r\n\t', ' /* next */ ', ' -- next\n'),
        (first, second, gap) => {
          expect(outcome(first + gap + second, 'mssql'), first + gap + second).toBe('ReadOnlyViolation');
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('guard property (iii): comments and whitespace cannot talk a refused statement through', () => {
  for (const dialect of DIALECTS) {
    it(`keeps every ${dialect} refusal under any spacing, leading comment and trailing comment or semicolon`, () => {
      const separators = separatorArb(dialect);
      const variant = fc
        .tuple(
          fc.constantFrom(...REFUSED[dialect]),
          fc.infiniteStream(separators),
          separators,
          fc.constantFrom('', ';', ' ;', '; -- end', ' -- end', ' /* end */'),
        )
        .map(([sql, gaps, before, after]) => {
          const words = sql.split(' ');
          let text = before;
          for (const [index, word] of words.entries()) text += index === 0 ? word : gaps.next().value + word;
          return { original: sql, text: text + after };
        });
      fc.assert(
        fc.property(variant, ({ original, text }) => {
          const expected = outcome(original, dialect);
          expect(expected).not.toBe('ok');
          expect(outcome(text, dialect), JSON.stringify(text)).toBe(expected);
        }),
        { seed: SEED, numRuns: 400 },
      );
    });
  }
});
