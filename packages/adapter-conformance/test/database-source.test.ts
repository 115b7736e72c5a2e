import { describe, expect, it } from 'vitest';
import { type DatabaseContainerSpec, databaseTargets } from '../src/index.js';

const VARIABLE = 'LEGACYBRIDGE_TEST_FAKE_URL';

/** A container spec whose start is scripted, counting starts and stops. */
function fakeContainer(
  image: string,
  service: string,
  start: () => Promise<{ url: string }> = async () => ({ url: `fake://${image}` }),
) {
  const counts = { starts: 0, stops: 0 };
  const spec: DatabaseContainerSpec = {
    image,
    service,
    start: async () => {
      counts.starts += 1;
      const started = await start();
      return {
        url: started.url,
        stop: async () => {
          counts.stops += 1;
        },
      };
    },
  };
  return { spec, counts };
}

const noRuntime = () => Promise.reject(new Error('Could not find a working container runtime strategy'));

describe('databaseTargets', () => {
  it('uses the variable alone when it is set, starting no container and probing nothing', async () => {
    const mysql = fakeContainer('mysql:8.4', 'mysql');
    let probes = 0;
    const targets = databaseTargets({
      variable: VARIABLE,
      service: 'mysql',
      containers: [mysql.spec],
      probeRuntime: async () => {
        probes += 1;
      },
      env: { [VARIABLE]: 'mysql://root:secret@db:3306/test' },
    });
    expect(targets.map((t) => [t.label, t.service, t.origin])).toEqual([[VARIABLE, 'mysql', 'environment']]);
    const source = await targets[0]?.acquire();
    expect(source).toMatchObject({ url: 'mysql://root:secret@db:3306/test', origin: 'environment' });
    expect(probes).toBe(0);
    expect(mysql.counts.starts).toBe(0);
  });

  it('without the variable, one target per image, started on acquire and stopped on release', async () => {
    const mysql = fakeContainer('mysql:8.4', 'mysql');
    const mariadb = fakeContainer('mariadb:11', 'mariadb');
    let probes = 0;
    const targets = databaseTargets({
      variable: VARIABLE,
      service: 'mysql',
      containers: [mysql.spec, mariadb.spec],
      probeRuntime: async () => {
        probes += 1;
      },
      env: { [VARIABLE]: ' ' },
    });
    expect(targets.map((t) => [t.label, t.service, t.origin])).toEqual([
      ['mysql:8.4 container', 'mysql', 'container'],
      ['mariadb:11 container', 'mariadb', 'container'],
    ]);
    expect(mysql.counts.starts + mariadb.counts.starts).toBe(0);
    const sources = [await targets[0]?.acquire(), await targets[1]?.acquire()];
    expect(sources.map((s) => s !== undefined && 'url' in s && s.url)).toEqual([
      'fake://mysql:8.4',
      'fake://mariadb:11',
    ]);
    expect(probes).toBe(1);
    for (const s of sources) if (s !== undefined && 'release' in s) await s.release();
    expect([mysql.counts.stops, mariadb.counts.stops]).toEqual([1, 1]);
  });

  it('skips every image after one probe when no runtime answers, naming the variable', async () => {
    const mysql = fakeContainer('mysql:8.4', 'mysql');
    const mariadb = fakeContainer('mariadb:11', 'mariadb');
    let probes = 0;
    const targets = databaseTargets({
      variable: VARIABLE,
      service: 'mysql',
      containers: [mysql.spec, mariadb.spec],
      probeRuntime: () => {
        probes += 1;
        return noRuntime();
      },
      env: {},
    });
    const results = await Promise.all(targets.map((t) => t.acquire()));
    for (const result of results) {
      expect(result).toHaveProperty('skip');
      const { skip } = result as { skip: string };
      expect(skip).toContain(`set ${VARIABLE}`);
      expect(skip).toContain('no container runtime');
      expect(skip).toContain('Could not find a working container runtime strategy');
    }
    expect((results[1] as { skip: string }).skip).toContain('mariadb:11');
    expect(probes).toBe(1);
    expect(mysql.counts.starts + mariadb.counts.starts).toBe(0);
  });

  it('turns a failed start into a skip that carries the error', async () => {
    const broken = fakeContainer('postgres:16-alpine', 'postgres', () =>
      Promise.reject(new Error('pull access denied')),
    );
    const [target] = databaseTargets({
      variable: VARIABLE,
      service: 'postgres',
      containers: [broken.spec],
      probeRuntime: async () => {},
      env: {},
    });
    const result = await target?.acquire();
    expect((result as { skip: string }).skip).toMatch(
      /postgres:16-alpine container did not start \(pull access denied\)/,
    );
  });

  it('gives up on a start that outlives the timeout, and stops the container when it turns up late', async () => {
    let arrive: (value: { url: string }) => void = () => {};
    const slow = fakeContainer('mariadb:11', 'mariadb', () => new Promise((resolve) => (arrive = resolve)));
    const [target] = databaseTargets({
      variable: VARIABLE,
      service: 'mysql',
      containers: [slow.spec],
      probeRuntime: async () => {},
      startTimeoutMs: 50,
      env: {},
    });
    const began = performance.now();
    const result = await target?.acquire();
    expect(performance.now() - began).toBeLessThan(2_000);
    expect((result as { skip: string }).skip).toContain('no ready server within');
    expect(slow.counts.stops).toBe(0);
    arrive({ url: 'fake://late' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(slow.counts.stops).toBe(1);
  });
});
