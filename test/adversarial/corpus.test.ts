/** The corpus itself: its size, its spread and its bookkeeping (ids, known gaps). */
import { describe, expect, it } from 'vitest';
import { type CaseDialect, CORPUS, casesFor, KNOWN_GAPS } from './corpus/index.js';

const DIALECTS: readonly CaseDialect[] = ['postgres', 'mysql', 'sqlite', 'mssql', 'oracle'];

describe('adversarial corpus', () => {
  it('has at least 300 cases, must-refuse and must-allow, in every dialect', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(300);
    for (const dialect of DIALECTS) {
      const cases = casesFor(dialect);
      expect(cases.filter((c) => c.expect === 'refuse').length, dialect).toBeGreaterThanOrEqual(40);
      expect(cases.filter((c) => c.expect === 'allow').length, dialect).toBeGreaterThanOrEqual(15);
    }
    for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
      expect(casesFor(dialect).filter((c) => c.expect === 'timeout').length, dialect).toBeGreaterThanOrEqual(
        3,
      );
    }
  });

  it('gives every case a unique id, a reason and at least one dialect', () => {
    const ids = CORPUS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CORPUS) {
      expect(c.why.length, c.id).toBeGreaterThan(2);
      expect(c.dialects.length, c.id).toBeGreaterThan(0);
      expect(c.sql.length, c.id).toBeGreaterThan(0);
    }
  });

  it('marks exactly the listed known gaps', () => {
    const marked = CORPUS.filter((c) => c.knownGap !== undefined).map((c) => `${c.id}=${c.knownGap}`);
    expect(marked.sort()).toEqual([...KNOWN_GAPS].sort());
  });
});
