import { describe, expect, it } from 'vitest';
import { dbFailure } from '../src/errors.js';
import { createFakeDatabase } from '../src/testing/index.js';
import { checkReadiness } from '../src/use-cases/check-readiness.js';

describe('checkReadiness', () => {
  it('reports the ping latency when the database answers', async () => {
    const db = createFakeDatabase({ latencyMs: { ping: 20 } });
    const ready = (await checkReadiness({ db }))._unsafeUnwrap();
    expect(ready.latencyMs).toBeGreaterThanOrEqual(15);
    expect(ready.latencyMs).toBeLessThan(1000);
  });

  it('answers Timeout on time when the ping hangs', async () => {
    const db = createFakeDatabase({ latencyMs: { ping: 10_000 } });
    const started = performance.now();
    const failure = (await checkReadiness({ db }, 100))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: 'Timeout', timeoutMs: 100 });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('passes the ping failure through', async () => {
    const down = dbFailure('AuthenticationFailed', { message: 'bad password' });
    const db = createFakeDatabase({ failWith: { ping: down } });
    expect((await checkReadiness({ db }))._unsafeUnwrapErr()).toBe(down);
  });

  it('fails with ConnectionFailed once the database is closed', async () => {
    const db = createFakeDatabase();
    await db.close();
    expect((await checkReadiness({ db }))._unsafeUnwrapErr().kind).toBe('ConnectionFailed');
  });
});
