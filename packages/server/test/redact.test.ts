import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from '../src/redact.js';

describe('redactUrl', () => {
  it.each([
    ['postgres://u:hunter2@127.0.0.1:1/db', 'postgres://u:***@127.0.0.1:1/db'],
    ['mysql://root:p@ss:w/rd@db.local/app?ssl=true', 'mysql://root:***@db.local/app?ssl=true'],
    ['oracle://scott:ti?ger@host:1521/svc', 'oracle://scott:***@host:1521/svc'],
    ['mssql://sa@host/db', 'mssql://sa@host/db'],
    ['postgres://host/db?user=a&password=hunter2&ssl=1', 'postgres://host/db?user=a&password=***&ssl=1'],
    ['sqlite:///var/data/app.db', 'sqlite:///var/data/app.db'],
    ['/var/data/app.db', '/var/data/app.db'],
    ['not a url pwd=hunter2', 'not a url pwd=hunter2'],
  ])('%s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
    if (input.includes('hunter2') && expected !== input) expect(redactUrl(input)).not.toContain('hunter2');
  });

  it('never keeps a userinfo password whatever characters it holds', () => {
    for (const password of ['a/b', 'a#b', 'a@b', 'a?b', '::', 'p%40ss']) {
      expect(redactUrl(`postgresql://user:${password}@h:5432/db`)).toBe('postgresql://user:***@h:5432/db');
    }
  });
});

describe('redactText', () => {
  it('redacts passwords of URLs inside free text and leaves other text alone', () => {
    expect(redactText('connect ECONNREFUSED for postgres://app:s3cret@db:5432/erp (retry 2)')).toBe(
      'connect ECONNREFUSED for postgres://app:***@db:5432/erp (retry 2)',
    );
    expect(redactText('dsn=host=db;user=a;password=s3cret;')).toBe('dsn=host=db;user=a;password=***;');
    expect(redactText('SELECT 1 -- nothing secret here, see http://example.com:80/x')).toBe(
      'SELECT 1 -- nothing secret here, see http://example.com:80/x',
    );
  });
});
