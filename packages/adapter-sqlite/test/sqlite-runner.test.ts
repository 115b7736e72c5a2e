import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, eventually, type Fixture } from './sqlite-fixture.js';

// The runner's own watchdog, tested without the adapter: a plain Node parent forks the runner,
// starts a runaway statement, and is then SIGKILLed (or lets the deadline pass). The runner must
// end by itself, because its main thread is stuck in sqlite3_step and never sees 'disconnect'.
const RUNNER = fileURLToPath(new URL('../src/sqlite-runner.cjs', import.meta.url));
const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');
const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

let fixture: Fixture;
beforeAll(() => {
  fixture = createFixture();
});
afterAll(() => fixture.remove());

// If a watchdog failed, its runner would spin forever: end it here so a red test leaves nothing behind.
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      // Only a live runner: a reaped pid may already belong to another process.
      if (running(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('sqlite-runner.cjs')) {
        process.kill(pid, 'SIGKILL');
      }
    } catch {
      // Ended meanwhile.
    }
  }
});

/** 'R', 'S' … for a live process, 'Z' for a zombie, undefined once reaped. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}
const running = (pid: number) => {
  const state = processState(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
};

/** Starts a parent that forks the runner and sends it RUNAWAY; resolves with both pids. */
async function startParent(deadlineMs: number) {
  const script = `
    const { fork } = require('node:child_process');
    const child = fork(${JSON.stringify(RUNNER)}, [], {
      execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.on('message', (m) => {
      if (m.t !== 'ready') return;
      child.send({ t: 'query', id: 1, sql: ${JSON.stringify(RUNAWAY)}, maxRows: 1, maxBytes: 1000,
        maxBinaryBytes: 0, deadlineMs: ${deadlineMs} });
      process.stdout.write(child.pid + '\\n');
    });
    child.send({ t: 'init', driverPath: ${JSON.stringify(DRIVER)}, filename: ${JSON.stringify(fixture.path)},
      options: { readonly: true, fileMustExist: true }, pragmas: ['PRAGMA query_only = ON'],
      versionSql: 'SELECT sqlite_version()' });
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const runnerPid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
    parent.once('exit', () => reject(new Error('parent exited before starting the runner')));
  });
  started.push(runnerPid);
  return { parent, runnerPid };
}

// The watchdog polls every 250 ms; the generous wait below is for CPU starvation on a loaded CI
// machine (every runaway statement in the parallel test files spins a core), not for the watchdog.
describe('sqlite-runner watchdog', () => {
  it('kills an orphaned runner stuck in a runaway statement', async () => {
    const { parent, runnerPid } = await startParent(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(running(runnerPid)).toBe(true);
    parent.kill('SIGKILL');
    await eventually(() => !running(runnerPid), 5_000);
  });

  it('kills a runner whose statement overruns its deadline, even while the parent lives', async () => {
    const { parent, runnerPid } = await startParent(400);
    try {
      await new Promise((r) => setTimeout(r, 150));
      expect(running(runnerPid)).toBe(true);
      await eventually(() => !running(runnerPid), 5_000);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
