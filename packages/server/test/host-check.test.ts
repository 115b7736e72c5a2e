import { describe, expect, it } from 'vitest';
import { allowedHostsFor, isHostAllowed, isLoopbackBind, isOriginAllowed } from '../src/host-check.js';

describe('host checks', () => {
  it('knows loopback binds', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopbackBind)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.5', 'example.com'].some(isLoopbackBind)).toBe(false);
  });

  it('allows only loopback names on loopback, anything on a public bind, the list plus loopback when set', () => {
    expect(allowedHostsFor('127.0.0.1', undefined)).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(allowedHostsFor('0.0.0.0', undefined)).toBeUndefined();
    expect(allowedHostsFor('0.0.0.0', ['API.example.com'])).toEqual([
      'api.example.com',
      'localhost',
      '127.0.0.1',
      '[::1]',
    ]);
  });

  it('matches Host headers by hostname, ignoring the port, with *.domain wildcards', () => {
    const allowed = ['localhost', '[::1]', 'api.example.com', '*.internal.test'];
    expect(isHostAllowed('localhost:8080', allowed)).toBe(true);
    expect(isHostAllowed('LOCALHOST', allowed)).toBe(true);
    expect(isHostAllowed('[::1]:8080', allowed)).toBe(true);
    expect(isHostAllowed('api.example.com', allowed)).toBe(true);
    expect(isHostAllowed('a.b.internal.test:1', allowed)).toBe(true);
    expect(isHostAllowed('internal.test', allowed)).toBe(false);
    expect(isHostAllowed('evilinternal.test', allowed)).toBe(false);
    expect(isHostAllowed('localhost.evil.com', allowed)).toBe(false);
    expect(isHostAllowed(undefined, allowed)).toBe(false);
    expect(isHostAllowed('', allowed)).toBe(false);
    expect(isHostAllowed('anything', undefined)).toBe(true);
  });

  it('lets requests without Origin through and checks the ones with it', () => {
    const allowed = ['localhost'];
    expect(isOriginAllowed(undefined, allowed)).toBe(true);
    expect(isOriginAllowed('http://localhost:3000', allowed)).toBe(true);
    expect(isOriginAllowed('https://evil.com', allowed)).toBe(false);
    expect(isOriginAllowed('null', allowed)).toBe(false);
  });
});
