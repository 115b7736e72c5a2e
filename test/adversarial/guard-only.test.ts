/**
 * The corpus at the statement guard (layer 1), called directly through core's public API. For SQL
 * Server and Oracle this is the whole check (no server here; their session layer comes with their
 * adapters). For the live dialects it shows which layer stops what: guard-refused cases must be
 * refused by the guard alone, and the write-inside-a-function cases pass it (only the read-only
 * session can see them; e2e.test.ts proves the session refuses).
 */
import { describe, expect, it } from 'vitest';
import { checkReadOnlySql } from '../../packages/core/src/index.js';
import { type AdversarialCase, type CaseDialect, casesFor } from './corpus/index.js';

const GUARD_DIALECTS: readonly CaseDialect[] = ['mssql', 'oracle', 'postgres', 'mysql', 'sqlite'];

/** What the guard alone must answer: refuse, unless the case is the session's or a bomb it cannot see. */
function guardShould(c: AdversarialCase): 'refuse' | 'allow' {
  return c.expect === 'refuse' && c.refusedBy !== 'session' ? 'refuse' : 'allow';
}

for (const dialect of GUARD_DIALECTS) {
  describe(`statement guard, ${dialect} corpus`, () => {
    it.each(casesFor(dialect).map((c) => ({ ...c, name: c.id })))('$name', (c) => {
      const result = checkReadOnlySql(c.sql, dialect);
      const got = result.isOk() ? 'allow' : 'refuse';
      const detail = result.isErr() ? `${result.error.kind}: ${result.error.message}` : 'accepted';
      const matches = got === guardShould(c);
      // ADV-G… gaps are the guard's own: they must still show here. ADV-S… gaps are the session
      // layer's (adapters): the guard must still behave as specified, so they are checked normally.
      if (c.knownGap?.startsWith('ADV-G')) {
        expect(matches, `${c.id}: known gap ${c.knownGap} is fixed; remove the mark`).toBe(false);
        return;
      }
      expect(matches, `${c.id} (${c.why}): guard should ${guardShould(c)}, ${detail}`).toBe(true);
      if (result.isErr()) {
        // A refusal names a reason the assistant can act on.
        expect(['ReadOnlyViolation', 'InvalidInput', 'LimitExceeded']).toContain(result.error.kind);
        expect(result.error.message.length).toBeGreaterThan('statement guard: '.length + 10);
      }
    });
  });
}
