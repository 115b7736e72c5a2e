import { describe, it } from 'vitest';

/** The environment variable naming the databases and services a machine must test (DESIGN.md §6). */
export const REQUIRE_DB_VARIABLE = 'LEGACYBRIDGE_REQUIRE_DB';

/** The lower-case names listed in LEGACYBRIDGE_REQUIRE_DB (comma-separated; `all` requires everything). */
export function requiredDatabases(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Set<string> {
  return new Set(
    (env[REQUIRE_DB_VARIABLE] ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s.length > 0),
  );
}

/** True when `service` (a dialect, `mariadb`, `redis` …) is listed in LEGACYBRIDGE_REQUIRE_DB, or `all` is. */
export function isDatabaseRequired(
  service: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  const required = requiredDatabases(env);
  return required.has(service.toLowerCase()) || required.has('all');
}

/**
 * Registers what happens when `service` is unavailable: a skipped suite whose title carries `reason`
 * (and a warning on stderr, so CI logs show it), or — when LEGACYBRIDGE_REQUIRE_DB lists the service —
 * one failing test, so a machine that should have the database cannot go green without it.
 */
export function skipOrFail(
  service: string,
  reason: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  if (isDatabaseRequired(service, env)) {
    it(`${service} is required by ${REQUIRE_DB_VARIABLE} but unavailable`, () => {
      throw new Error(`${service} is listed in ${REQUIRE_DB_VARIABLE} but unavailable: ${reason}`);
    });
    return;
  }
  console.warn(`[legacybridge] skipping ${service} tests: ${reason}`);
  describe.skip(`skipped: ${reason}`, () => {
    it('needs the database', () => {});
  });
}
