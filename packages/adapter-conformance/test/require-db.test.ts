import { describe, expect, it } from 'vitest';
import { isDatabaseRequired, requiredDatabases } from '../src/index.js';

describe('LEGACYBRIDGE_REQUIRE_DB', () => {
  it('parses a comma list, trimming and lower-casing', () => {
    expect([...requiredDatabases({ LEGACYBRIDGE_REQUIRE_DB: ' Postgres, mysql,,redis ' })]).toEqual([
      'postgres',
      'mysql',
      'redis',
    ]);
    expect(requiredDatabases({}).size).toBe(0);
  });

  it('requires only the listed services, or every service with "all"', () => {
    const env = { LEGACYBRIDGE_REQUIRE_DB: 'postgres,mariadb' };
    expect(isDatabaseRequired('postgres', env)).toBe(true);
    expect(isDatabaseRequired('MariaDB', env)).toBe(true);
    expect(isDatabaseRequired('mysql', env)).toBe(false);
    expect(isDatabaseRequired('oracle', {})).toBe(false);
    expect(isDatabaseRequired('oracle', { LEGACYBRIDGE_REQUIRE_DB: 'all' })).toBe(true);
  });
});
