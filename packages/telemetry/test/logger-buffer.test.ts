import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The default destination is the process's own stderr, so it is tested in child processes: each
// logs `count` lines with the built package (what the CLI runs) and then leaves in one way or another.
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  /** When each stderr chunk arrived, ms after the child said `logged` on stdout. */
  readonly arrivals: number[];
}

function runChild(body: string, options: { signalAfterLogged?: NodeJS.Signals } = {}): Promise<Run> {
  if (!existsSync(DIST))
    throw new Error(`${DIST} is missing: build first (cd packages/telemetry && npx tsup)`);
  const script = `
    const { createPinoLogger, flushLogs } = await import(${JSON.stringify(DIST)});
    const logger = createPinoLogger({ level: 'info', format: 'json', service: 'buffer-test' });
    const log = (count) => { for (let i = 0; i < count; i++) logger.info('query', { i, durationMs: 1.5 }); };
    ${body}
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let loggedAt: number | undefined;
  const arrivals: number[] = [];
  child.stdout.on('data', (d: Buffer) => {
    if (d.toString().includes('logged')) {
      loggedAt = performance.now();
      if (options.signalAfterLogged) child.kill(options.signalAfterLogged);
    }
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (loggedAt !== undefined) arrivals.push(performance.now() - loggedAt);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit:\n${stderr}`));
    }, 10_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, arrivals });
    });
  });
}

/** The `i` of every `query` line, in order; throws on a line that is not whole JSON. */
function queryIndexes(stderr: string): number[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { message: string; i?: number })
    .filter((r) => r.message === 'query')
    .map((r) => r.i ?? -1);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('the default destination: buffered stderr, nothing lost', () => {
  it('writes every line, whole and in order, when the process exits with process.exit right after', async () => {
    const run = await runChild('log(1000); process.exit(3);');
    expect(run.code).toBe(3);
    expect(queryIndexes(run.stderr)).toEqual(range(1000));
  });

  it('writes every line when the process ends on its own', async () => {
    const run = await runChild('log(250);');
    expect(run.code).toBe(0);
    expect(queryIndexes(run.stderr)).toEqual(range(250));
  });

  it('writes every line before the report of an uncaught exception and of an unhandled rejection', async () => {
    const thrown = await runChild("log(40); setTimeout(() => { throw new Error('boom'); }, 5);");
    expect(thrown.code).toBe(1);
    expect(queryIndexes(thrown.stderr)).toEqual(range(40));
    expect(thrown.stderr).toContain('boom');
    const rejected = await runChild("log(40); Promise.reject(new Error('rejected'));");
    expect(rejected.code).toBe(1);
    expect(queryIndexes(rejected.stderr)).toEqual(range(40));
  });

  it('writes every line when a SIGTERM handler exits (as the CLI does on shutdown)', async () => {
    const run = await runChild(
      `process.on('SIGTERM', () => { logger.info('shutdown'); process.exit(0); });
       log(30); console.log('logged'); setInterval(() => {}, 1000);`,
      { signalAfterLogged: 'SIGTERM' },
    );
    expect(run.code).toBe(0);
    expect(queryIndexes(run.stderr)).toEqual(range(30));
    expect(run.stderr).toContain('"message":"shutdown"');
  });

  it('writes a lone line within about 100 ms while the process keeps running, without a timer keeping it alive', async () => {
    const run = await runChild(
      "log(1); console.log('logged'); setTimeout(() => { flushLogs(); process.exit(0); }, 1000);",
    );
    expect(queryIndexes(run.stderr)).toEqual([0]);
    // Written by the flush timer, long before the exit at 1 s would have written it.
    expect(run.arrivals[0]).toBeLessThan(600);
    const idle = await runChild('log(1);'); // only the unref'd flush timer is pending
    expect(idle.code).toBe(0);
    expect(queryIndexes(idle.stderr)).toEqual([0]);
  });

  it('flushLogs writes what is buffered at once', async () => {
    const run = await runChild(
      "log(3); flushLogs(); console.log('logged'); setTimeout(() => process.exit(0), 1000);",
    );
    expect(queryIndexes(run.stderr)).toEqual(range(3));
    // The line was out before the child said so: no chunk arrived after `logged`.
    expect(run.arrivals).toEqual([]);
  });
});
