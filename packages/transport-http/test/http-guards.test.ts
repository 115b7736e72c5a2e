import { randomBytes } from 'node:crypto';
import type { LoggerPort } from '@legacybridge/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy } from '../../adapter-postgres/test/tcp-proxy.js';
import {
  createApiKeyVerifier,
  createRedisRateLimitStore,
  type HttpService,
  parseApiKeys,
  type ServeHttpOptions,
  serveHttp,
} from '../src/index.js';
import { call } from './support/http.js';
import {
  createTestDatabase,
  describeWhen,
  postgresDeps,
  postgresUnavailable,
  type TestDatabase,
} from './support/pg-deps.js';
import { rawGet } from './support/raw.js';
import { deleteKeys, REDIS_URL, redisUnavailable } from './support/redis.js';

describe('parseApiKeys', () => {
  it('reads name:key pairs, keys may hold colons', () => {
    expect(parseApiKeys(' ci:abc , ops:x:y:z ')._unsafeUnwrap()).toEqual([
      { name: 'ci', key: 'abc' },
      { name: 'ops', key: 'x:y:z' },
    ]);
  });
  it.each(['nokey', ':abcsecret', 'ci:', 'ci:abcsecret,ci:other', 'bad name:abcsecret'])(
    'refuses %j without echoing a key',
    (text) => {
      const result = parseApiKeys(text);
      expect(result.isErr()).toBe(true);
      expect(result._unsafeUnwrapErr()).not.toContain('abcsecret');
    },
  );
  it('the verifier names the matching key and nothing else', () => {
    const v = createApiKeyVerifier([
      { name: 'a', key: 'secret-one' },
      { name: 'b', key: 'secret-two' },
    ]);
    expect(v.identify('secret-two')).toBe('b');
    expect(v.identify('secret-twO')).toBeUndefined();
    expect(v.identify('')).toBeUndefined();
  });
});

const pgUnavailable = await postgresUnavailable();
const redisDown = await redisUnavailable();

/** A logger that keeps every line, to prove what is (not) logged. */
function recordingLogger(lines: string[]): LoggerPort {
  const log = (level: string) => (message: string, context?: object) =>
    lines.push(`${level} ${message} ${JSON.stringify(context ?? {})}`);
  const logger: LoggerPort = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger;
}

describeWhen('postgres', 'auth, host allow-list and rate limits', pgUnavailable, () => {
  let database: TestDatabase;
  let deps: ReturnType<typeof postgresDeps>;
  const services: HttpService[] = [];
  const start = async (options: Partial<ServeHttpOptions>) => {
    const service = await serveHttp({ deps, host: '127.0.0.1', port: 0, ...options });
    services.push(service);
    return service;
  };
  beforeAll(async () => {
    database = await createTestDatabase();
    deps = postgresDeps(database.url);
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await deps?.db.close();
    await database?.drop();
  });

  describe('API keys', () => {
    const KEY = `lb_${randomBytes(16).toString('hex')}`;
    const lastCharChanged = `${KEY.slice(0, -1)}${KEY.endsWith('0') ? '1' : '0'}`;

    it.each([
      ['no key', {}],
      ['a wrong key', { 'x-api-key': 'not-the-key' }],
      ['a key differing in the last character', { 'x-api-key': lastCharChanged }],
      ['a wrong bearer token', { authorization: `Bearer ${lastCharChanged}` }],
    ])('%s → 401 with WWW-Authenticate and a JSON body', async (_label, headers) => {
      const lines: string[] = [];
      const service = await start({
        auth: { required: true, apiKeys: [{ name: 'ci', key: KEY }] },
        logger: recordingLogger(lines),
      });
      for (const path of ['/v1/tables', '/mcp', '/v1/openapi.json']) {
        const res = await call(`${service.url}${path}`, { headers });
        expect(res.status, path).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="legacybridge"/);
        expect(res.json).toMatchObject({ status: 401, kind: 'Unauthorized' });
      }
      expect(lines.join('\n')).not.toContain(KEY.slice(3));
    });

    it('the right key (X-API-Key or Bearer) → 200, and its name is the caller', async () => {
      const service = await start({
        auth: {
          required: true,
          apiKeys: [
            { name: 'ci', key: KEY },
            { name: 'ops', key: `${KEY}-ops` },
          ],
        },
        rateLimit: { requests: 100, windowSeconds: 60 },
      });
      expect((await call(`${service.url}/v1/tables`, { headers: { 'x-api-key': KEY } })).status).toBe(200);
      const bearer = await call(`${service.url}/v1/query`, {
        json: { sql: 'SELECT 1 AS one' },
        headers: { authorization: `Bearer ${KEY}-ops` },
      });
      expect(bearer.status).toBe(200);
      expect(bearer.json.rows).toEqual([[1]]);
    });

    it('guessing keys is rate-limited: failed attempts count against the client address', async () => {
      const service = await start({
        auth: { required: true, apiKeys: [{ name: 'ci', key: KEY }] },
        rateLimit: { requests: 3, windowSeconds: 60 },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await call(`${service.url}/v1/tables`, { headers: { 'x-api-key': `guess-${i}` } })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      // The key's owner has a budget of their own.
      expect((await call(`${service.url}/v1/tables`, { headers: { 'x-api-key': KEY } })).status).toBe(200);
    });

    it('/health and /ready stay public; other paths can be made public', async () => {
      const service = await start({ auth: { required: true, apiKeys: [{ name: 'ci', key: KEY }] } });
      expect((await call(`${service.url}/health`)).status).toBe(200);
      expect((await call(`${service.url}/ready`)).status).toBe(200);
      const strict = await start({
        auth: { required: true, apiKeys: [{ name: 'ci', key: KEY }], publicPaths: ['/health'] },
      });
      expect((await call(`${strict.url}/ready`)).status).toBe(401);
      expect((await call(`${strict.url}/ready`, { headers: { 'x-api-key': KEY } })).status).toBe(200);
    });
  });

  describe('host allow-list', () => {
    it.each([
      ['api.example.com', 200],
      ['db.internal.test', 200],
      ['internal.test', 403],
      ['evil.example.com', 403],
      ['localhost', 200],
    ])('Host %s → %i', async (host, status) => {
      const service = await start({ allowedHosts: ['api.example.com', '*.internal.test', 'localhost'] });
      expect((await rawGet(service.port, '/health', { host: `${host}:${service.port}` })).status).toBe(
        status,
      );
    });

    it('an Origin naming another host is 403 on /mcp', async () => {
      const service = await start({ allowedHosts: ['localhost'] });
      const res = await rawGet(service.port, '/mcp', {
        host: 'localhost',
        origin: 'http://evil.example.com',
      });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).kind).toBe('HostNotAllowed');
    });
  });

  describe('rate limit in memory', () => {
    it('the 6th request in the window is 429 with Retry-After and RateLimit headers; probes are not counted', async () => {
      const service = await start({ rateLimit: { requests: 5, windowSeconds: 60 } });
      for (let i = 1; i <= 5; i++) {
        const res = await call(`${service.url}/v1/tables`);
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-policy')).toBe('"legacybridge";q=5;w=60');
        expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"legacybridge";r=${5 - i};t=\\d+$`));
        expect((await call(`${service.url}/health`)).status).toBe(200);
      }
      const sixth = await call(`${service.url}/v1/tables`);
      expect(sixth.status).toBe(429);
      expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(sixth.json.kind).toBe('RateLimited');
      expect((await call(`${service.url}/ready`)).status).toBe(200);
    });

    it('behind a trusted proxy, keyless callers are told apart by X-Forwarded-For; untrusted, it is ignored', async () => {
      const budget = async (trustProxy: boolean | string) => {
        const service = await start({ rateLimit: { requests: 1, windowSeconds: 60 }, trustProxy });
        const from = async (address: string) =>
          (await call(`${service.url}/v1/openapi.json`, { headers: { 'x-forwarded-for': address } })).status;
        return [await from('203.0.113.1'), await from('203.0.113.2'), await from('203.0.113.1')];
      };
      expect(await budget('loopback')).toEqual([200, 200, 429]);
      // Without trust, a client could pick any address per request: the socket's address counts.
      expect(await budget(false)).toEqual([200, 429, 429]);
    });

    it('callers with different keys have separate budgets', async () => {
      const service = await start({
        auth: {
          required: true,
          apiKeys: [
            { name: 'a', key: 'key-a-123' },
            { name: 'b', key: 'key-b-456' },
          ],
        },
        rateLimit: { requests: 2, windowSeconds: 60 },
      });
      const as = (key: string) => call(`${service.url}/v1/openapi.json`, { headers: { 'x-api-key': key } });
      expect((await as('key-a-123')).status).toBe(200);
      expect((await as('key-a-123')).status).toBe(200);
      expect((await as('key-a-123')).status).toBe(429);
      expect((await as('key-b-456')).status).toBe(200);
    });
  });

  describeWhen('redis', 'rate limit in Redis', redisDown, () => {
    const prefix = `lbtest:${randomBytes(6).toString('hex')}:`;
    afterAll(() => deleteKeys(prefix));

    it('two services sharing Redis share the budget: the 6th request overall is 429', async () => {
      const stores = [0, 1].map(() => createRedisRateLimitStore({ url: REDIS_URL, keyPrefix: prefix }));
      try {
        expect(await Promise.all(stores.map((s) => s.ready(3000)))).toEqual([true, true]);
        const [a, b] = await Promise.all(
          stores.map((store) => start({ rateLimit: { requests: 5, windowSeconds: 60, store } })),
        );
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++)
          statuses.push((await call(`${(i % 2 ? b : a)!.url}/v1/openapi.json`)).status);
        expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('Redis cut off mid-run: requests pass (fail open), and counting resumes once it is back', async () => {
      const target = new URL(REDIS_URL);
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
      const store = createRedisRateLimitStore({
        url: `redis://127.0.0.1:${proxy.port}`,
        keyPrefix: `${prefix}cut:`,
      });
      try {
        expect(await store.ready(3000)).toBe(true);
        const service = await start({ rateLimit: { requests: 2, windowSeconds: 60, store } });
        const get = async () => (await call(`${service.url}/v1/openapi.json`)).status;
        expect(await get()).toBe(200);
        await proxy.cut();
        // Uncounted while Redis is away: more than the limit passes.
        for (let i = 0; i < 3; i++) expect(await get()).toBe(200);
        await proxy.restore();
        expect(await store.ready(5000)).toBe(true);
        // Counting picks up where Redis left it: one hit was stored before the cut.
        expect(await get()).toBe(200);
        expect(await get()).toBe(429);
      } finally {
        await store.close();
        await proxy.close();
      }
    });

    it('Redis at a closed port: fail open passes requests with one warning; fail closed answers 503', async () => {
      const lines: string[] = [];
      const closedPort = 'redis://127.0.0.1:1';
      const openStore = createRedisRateLimitStore({ url: closedPort, keyPrefix: prefix });
      const closedStore = createRedisRateLimitStore({ url: closedPort, keyPrefix: prefix });
      try {
        const open = await start({
          rateLimit: { requests: 1, windowSeconds: 60, store: openStore },
          logger: recordingLogger(lines),
        });
        const closed = await start({
          rateLimit: { requests: 1, windowSeconds: 60, store: closedStore, onStoreFailure: 'closed' },
        });
        const started = performance.now();
        for (let i = 0; i < 4; i++) expect((await call(`${open.url}/v1/openapi.json`)).status).toBe(200);
        expect(performance.now() - started).toBeLessThan(2000);
        expect(lines.filter((l) => l.includes('rate-limit store unavailable'))).toHaveLength(1);
        const refused = await call(`${closed.url}/v1/openapi.json`);
        expect(refused.status).toBe(503);
        expect(refused.json.kind).toBe('RateLimitUnavailable');
        expect((await call(`${closed.url}/health`)).status).toBe(200);
      } finally {
        await openStore.close();
        await closedStore.close();
      }
    });
  });
});
