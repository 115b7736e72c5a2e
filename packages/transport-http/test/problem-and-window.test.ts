import { DATABASE_FAILURE_KINDS, type DatabaseFailure, dbFailure } from '@legacybridge/core';
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore, failureProblem, statusOf } from '../src/index.js';

const sample = (kind: DatabaseFailure['kind']): DatabaseFailure => {
  const base = { message: 'driver said: password=hunter2 host=db.internal', cause: new Error('hunter2') };
  switch (kind) {
    case 'Timeout':
      return dbFailure('Timeout', { ...base, timeoutMs: 1000 });
    case 'PoolExhausted':
      return dbFailure('PoolExhausted', { ...base, waitedMs: 1000 });
    case 'ObjectNotFound':
      return dbFailure('ObjectNotFound', {
        ...base,
        objectType: 'table',
        name: 'ordrs',
        suggestions: ['orders'],
      });
    case 'ReadOnlyViolation':
      return dbFailure('ReadOnlyViolation', { ...base, reason: 'DELETE writes.' });
    case 'LimitExceeded':
      return dbFailure('LimitExceeded', { ...base, limit: 'sqlLength', max: 10 });
    case 'InvalidInput':
      return dbFailure('InvalidInput', { ...base, field: 'cursor', reason: 'stale' });
    case 'Unsupported':
      return dbFailure('Unsupported', { ...base, feature: 'explain' });
    default:
      return { kind, ...base } as DatabaseFailure;
  }
};

describe('problem documents', () => {
  it.each([
    ['InvalidInput', 400],
    ['SyntaxError', 400],
    ['ReadOnlyViolation', 400],
    ['LimitExceeded', 413],
    ['PermissionDenied', 403],
    ['ObjectNotFound', 404],
    ['DriverError', 422],
    ['Cancelled', 499],
    ['Unsupported', 501],
    ['ConnectionFailed', 503],
    ['PoolExhausted', 503],
    ['AuthenticationFailed', 503],
    ['Timeout', 504],
  ] as const)('%s → %i', (kind, status) => {
    expect(statusOf(sample(kind))).toBe(status);
  });

  it('every kind has a status, and no problem carries the driver message or cause', () => {
    for (const kind of DATABASE_FAILURE_KINDS) {
      const body = failureProblem(sample(kind));
      expect(body.status).toBeGreaterThanOrEqual(400);
      expect(body.kind).toBe(kind);
      expect(JSON.stringify(body)).not.toMatch(/hunter2|db\.internal/);
    }
  });

  it('a cancel caused by shutdown is 503, one caused by the client 499', () => {
    expect(statusOf(sample('Cancelled'), true)).toBe(503);
    expect(statusOf(sample('Cancelled'), false)).toBe(499);
  });
});

describe('memory rate-limit window', () => {
  it('counts per caller and starts a new window when the old one ends', async () => {
    let now = 1_000_000;
    const store = createMemoryRateLimitStore(() => now);
    expect(await store.hit('a', 60_000)).toEqual({ count: 1, resetMs: 60_000 });
    now += 59_000;
    expect(await store.hit('a', 60_000)).toEqual({ count: 2, resetMs: 1000 });
    expect((await store.hit('b', 60_000)).count).toBe(1);
    now += 1000;
    expect(await store.hit('a', 60_000)).toEqual({ count: 1, resetMs: 60_000 });
  });
});
