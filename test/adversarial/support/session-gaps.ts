import type { LiveDialect } from '../corpus/index.js';

/**
 * Known session-layer gaps (adapter bugs, reported, not the guard's): how an answer of the session
 * probe is normalised to hide the one known difference. The suites assert it is still there.
 */
export const SESSION_GAPS: Partial<
  Record<LiveDialect, { finding: string; normalise: (answer: string) => string }>
> = {
  // ADV-S1: mysql2 connects with the IGNORE_SPACE client flag, so a fresh session's sql_mode has
  // IGNORE_SPACE; COM_RESET_CONNECTION resets sql_mode to the global value and the adapter does not
  // restore it, so pooled sessions parse differently depending on whether they were reset.
  mysql: { finding: 'ADV-S1', normalise: (answer) => answer.replace('IGNORE_SPACE,', '') },
};

/** The distinct probe answers with the known session gaps normalised away. */
export function normalised(dialect: LiveDialect, answers: readonly string[]): string[] {
  const normalise = SESSION_GAPS[dialect]?.normalise ?? ((answer: string) => answer);
  return [...new Set(answers.map(normalise))].sort();
}
