import { COMMON_CASES } from './common.js';
import { MSSQL_CASES } from './mssql.js';
import { MYSQL_CASES } from './mysql.js';
import { ORACLE_CASES } from './oracle.js';
import { POSTGRES_CASES } from './postgres.js';
import { SQLITE_CASES } from './sqlite.js';
import type { AdversarialCase, CaseDialect } from './types.js';

export type { AdversarialCase, CaseDialect, LiveDialect } from './types.js';
export { LIVE_DIALECTS } from './types.js';

/** The whole corpus. */
export const CORPUS: readonly AdversarialCase[] = [
  ...COMMON_CASES,
  ...POSTGRES_CASES,
  ...MYSQL_CASES,
  ...SQLITE_CASES,
  ...MSSQL_CASES,
  ...ORACLE_CASES,
];

/** The cases of one dialect. */
export function casesFor(dialect: CaseDialect): readonly AdversarialCase[] {
  return CORPUS.filter((c) => c.dialects.includes(dialect));
}

/**
 * Cases that fail today because of a real bug, as `<case id>=<finding id>` (findings in
 * /tmp/briefs/findings-adversarial.md). Each is marked `knownGap` on its case; the suites assert it
 * still fails, so a fix turns them red until the mark and this entry are removed.
 */
export const KNOWN_GAPS: readonly string[] = [];
