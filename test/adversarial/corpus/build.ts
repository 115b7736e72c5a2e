import type { AdversarialCase, CaseDialect } from './types.js';

type Extra = Partial<Pick<AdversarialCase, 'tool' | 'refusedBy' | 'bomb' | 'knownGap' | 'leakCheck'>>;

/** A must-refuse case. */
export function refuse(
  id: string,
  dialects: readonly CaseDialect[],
  sql: string,
  why: string,
  extra: Extra = {},
): AdversarialCase {
  return { id, dialects, sql, expect: 'refuse', why, ...extra };
}

/** A must-allow case. */
export function allow(
  id: string,
  dialects: readonly CaseDialect[],
  sql: string,
  why: string,
  extra: Extra = {},
): AdversarialCase {
  return { id, dialects, sql, expect: 'allow', why, ...extra };
}

/** A CPU bomb or hidden delay the guard cannot see: only the statement timeout stops it. */
export function timeout(
  id: string,
  dialects: readonly CaseDialect[],
  sql: string,
  why: string,
  extra: Extra = {},
): AdversarialCase {
  return { id, dialects, sql, expect: 'timeout', why, bomb: true, ...extra };
}

/** A case that must fail with an engine error (after a hidden side effect), leaving nothing behind. */
export function fail(
  id: string,
  dialects: readonly CaseDialect[],
  sql: string,
  why: string,
  extra: Extra = {},
): AdversarialCase {
  return { id, dialects, sql, expect: 'fail', why, ...extra };
}
