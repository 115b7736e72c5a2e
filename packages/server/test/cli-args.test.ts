import { describe, expect, it } from 'vitest';
import { helpText, parseCliArgs } from '../src/cli-args.js';

describe('parseCliArgs', () => {
  it('defaults to stdio with nothing set', () => {
    expect(parseCliArgs([])._unsafeUnwrap()).toEqual({
      kind: 'serve',
      transport: 'stdio',
      url: undefined,
      host: undefined,
      port: undefined,
    });
  });

  it('reads every flag, and a positional URL', () => {
    expect(
      parseCliArgs([
        '--url',
        'x.db',
        '--transport',
        'http',
        '--host',
        '0.0.0.0',
        '--port',
        '9000',
      ])._unsafeUnwrap(),
    ).toEqual({ kind: 'serve', transport: 'http', url: 'x.db', host: '0.0.0.0', port: 9000 });
    expect(parseCliArgs(['postgres://h/db'])._unsafeUnwrap()).toMatchObject({ url: 'postgres://h/db' });
    expect(parseCliArgs(['--port=0', '-t', 'http'])._unsafeUnwrap()).toMatchObject({
      port: 0,
      transport: 'http',
    });
  });

  it('answers --help and --version before anything else', () => {
    expect(parseCliArgs(['--help', '--transport', 'bad'])._unsafeUnwrap()).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-v'])._unsafeUnwrap()).toEqual({ kind: 'version' });
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--transport', 'sse'], /--transport must be stdio or http/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--port', 'abc'], /--port must be a whole number/],
    [['--url'], /argument missing/],
    [['a.db', 'b.db'], /once/],
    [['--url', 'a.db', 'b.db'], /once/],
    [['--url', ''], /must not be empty/],
  ])('refuses %j', (argv, message) => {
    expect(parseCliArgs(argv)._unsafeUnwrapErr()).toMatch(message);
  });

  it('never echoes a URL in its messages', () => {
    expect(parseCliArgs(['postgres://u:hunter2@h/db', 'x'])._unsafeUnwrapErr()).not.toContain('hunter2');
  });
});

describe('helpText', () => {
  it('lists flags and schemes', () => {
    const text = helpText('1.0.0', ['postgres', 'sqlite']);
    expect(text).toContain('--transport');
    expect(text).toContain('postgres://, sqlite://');
    expect(text).toContain('1.0.0');
  });

  it('says how the HTTP service is secured and stopped', () => {
    const text = helpText('1.0.0', ['postgres']);
    for (const variable of [
      'API_KEYS_FILE',
      'ALLOW_UNAUTHENTICATED',
      'RATE_LIMIT_FAIL_MODE',
      'SHUTDOWN_TIMEOUT',
    ]) {
      expect(text).toContain(variable);
    }
    expect(text).toContain('/v1/openapi.json');
  });
});
