import type { LiveDialect } from '../corpus/index.js';
import type { LiveTarget } from './live.js';
import { probeSessions, type Served } from './mcp.js';
import { normalised } from './session-gaps.js';

/**
 * What a case left on the pooled connections once they are back in the pool, or undefined. A
 * connection is reset after the answer is sent (PostgreSQL), so both checks poll for up to 1.5 s:
 * only state that outlives the reset counts. The admin check runs first, because the probe's own
 * calls reset the connections they land on.
 */
export async function leftBehind(
  dialect: LiveDialect,
  served: Served,
  target: LiveTarget,
  locksBefore: string,
  sessionsBefore: readonly string[],
): Promise<string | undefined> {
  const until = Date.now() + 1500;
  let locks = await target.heldLocks();
  while (locks !== locksBefore && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    locks = await target.heldLocks();
  }
  if (locks !== locksBefore) return `a lock outlives the call: ${locks} (was "${locksBefore}")`;
  const expected = normalised(dialect, sessionsBefore);
  let answers = normalised(dialect, await probeSessions(served, dialect));
  while (JSON.stringify(answers) !== JSON.stringify(expected) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    answers = normalised(dialect, await probeSessions(served, dialect));
  }
  if (JSON.stringify(answers) !== JSON.stringify(expected)) {
    return `leaves session state: ${answers.join(' | ')} (was ${expected.join(' | ')})`;
  }
  return undefined;
}
