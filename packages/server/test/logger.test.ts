import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

const at = () => new Date('2026-01-02T03:04:05.000Z');

describe('createLogger', () => {
  it('writes JSON lines with timestamp, level, service, message and context', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l), now: at });
    log.child({ transport: 'stdio' }).info('started', { dialect: 'sqlite' });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({
      timestamp: '2026-01-02T03:04:05.000Z',
      level: 'info',
      service: 'legacybridge',
      message: 'started',
      transport: 'stdio',
      dialect: 'sqlite',
    });
  });

  it('drops lines below LOG_LEVEL', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', format: 'json', write: (l) => lines.push(l), now: at });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map((l) => JSON.parse(l).level)).toEqual(['warn', 'error']);
  });

  it('makes a level below LOG_LEVEL one shared no-op that never reads its context', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', format: 'json', write: (l) => lines.push(l), now: at });
    let reads = 0;
    const context = {
      get costly() {
        reads += 1;
        return 'x';
      },
    };
    log.debug('d', context);
    log.info('i', context);
    log.child({ component: 'mcp' }).info('i', context);
    expect(reads).toBe(0);
    expect(lines).toEqual([]);
    // One function for every filtered level of every logger, so V8 can inline it away at call sites.
    expect(log.debug).toBe(log.info);
    expect(log.child({ component: 'mcp' }).debug).toBe(log.debug);
    expect(log.warn).not.toBe(log.debug);
    log.warn('w', context);
    expect(reads).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', costly: 'x' });
  });

  it('renders readable text with key=value context', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', format: 'text', write: (l) => lines.push(l), now: at });
    log.error('failed', { kind: 'Timeout', detail: 'two words', skipped: undefined });
    expect(lines[0]).toBe('2026-01-02T03:04:05.000Z ERROR failed kind=Timeout detail="two words"\n');
  });

  it('survives context that JSON cannot encode', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l), now: at });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    log.info('x', { cyclic });
    log.info('y', { n: 10n, error: new Error('boom') });
    // The line is still written (the cycle is cut), and stays one valid JSON object.
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', message: 'x' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ n: '10', error: { type: 'Error', message: 'boom' } });
  });

  it('never writes a URL password, in the message or in context', () => {
    const lines: string[] = [];
    for (const format of ['json', 'text'] as const) {
      const log = createLogger({ level: 'info', format, write: (l) => lines.push(l), now: at });
      log.error('failed for mysql://root:hunter2@db/x', {
        error: new Error('Access denied: mysql://root:hunter2@db/x'),
        url: 'postgres://u:hunter2@h/db',
        nested: { dsn: 'oracle://s:hunter2@h:1521/x' },
      });
    }
    expect(lines.join('')).not.toContain('hunter2');
    expect(lines.join('')).toContain('mysql://root:***@db/x');
  });

  it('writes to stderr by default, never stdout, and nothing is lost at exit', () => {
    // The default destination is the process's (buffered) stderr, so a child process logs with the
    // built package (what the CLI runs) and exits at once: every line must still be on fd 2.
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `const { createLogger } = await import(${JSON.stringify(dist)});
      const log = createLogger({ level: 'info', format: 'text' });
      for (let i = 0; i < 50; i++) log.info('hello', { i });
      process.exit(0);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter((line) => line.includes('hello'));
    expect(lines).toHaveLength(50);
    expect(lines.at(-1)).toContain('i=49');
  });
});
