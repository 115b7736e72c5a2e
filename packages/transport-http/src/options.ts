import type { LoggerPort, SpanRunner, UseCaseDeps } from '@legacybridge/core';
import type { Request } from 'express';
import type { ApiKey } from './api-keys.js';
import type { HttpLifecycle } from './lifecycle.js';
import type { RateLimitStore } from './rate-limit.js';

/** Outcome of a readiness check: a safe message only, it is sent to whoever asks. */
export type ReadinessOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** Where `/metrics` gets its body (OpenTelemetry's Prometheus exporter, prom-client, …). */
export interface MetricsHook {
  readonly contentType: string;
  collect(): Promise<string>;
}

export interface AuthOptions {
  /** API_KEY_REQUIRED: refuse requests without a valid key (401) on every non-public path. */
  readonly required: boolean;
  /** Named keys (API_KEYS). A valid key names its caller even when keys are not required. */
  readonly apiKeys?: readonly ApiKey[] | undefined;
  /** Paths served without a key, relative to the router (default `/health`, `/ready`, `/metrics`). */
  readonly publicPaths?: readonly string[] | undefined;
}

export interface RateLimitOptions {
  /** Requests allowed per caller per window. */
  readonly requests: number;
  readonly windowSeconds: number;
  /** Where counters live (default: this process's memory). */
  readonly store?: RateLimitStore | undefined;
  /**
   * When the store fails (Redis down): `open` lets the request through with a logged warning (the
   * default: an outage of a side system must not take the service down), `closed` answers 503.
   */
  readonly onStoreFailure?: 'open' | 'closed' | undefined;
}

/** Everything `createLegacyBridgeRouter` needs. */
export interface LegacyBridgeHttpOptions {
  /** The use cases' ports. */
  readonly deps: UseCaseDeps;
  /** Default `deps.logger`. Never receives an API key. */
  readonly logger?: LoggerPort | undefined;
  /** Name and version reported to MCP clients. */
  readonly name?: string | undefined;
  readonly version?: string | undefined;
  /** Service name in `/health` (default `legacybridge`). */
  readonly service?: string | undefined;
  /** Default: no key required, none configured. */
  readonly auth?: AuthOptions | undefined;
  /**
   * Host names answered (exact or `*.domain`); undefined: any Host. Others get 403, and so does an
   * `Origin` naming another host (DNS-rebinding protection).
   */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Per-caller limit; undefined: none. */
  readonly rateLimit?: RateLimitOptions | undefined;
  /**
   * Who the caller is when no API key names one: an embedding app's own authentication (see
   * examples/express-gateway). Default: the client address.
   */
  readonly identify?: ((req: Request) => string | undefined) | undefined;
  /** Default: ping the database with `readinessTimeoutMs`. */
  readiness?: (() => Promise<ReadinessOutcome>) | undefined;
  /** Ping timeout of the default readiness check (default 2000 ms). */
  readonly readinessTimeoutMs?: number | undefined;
  /** Serves `/metrics` when set. */
  readonly metrics?: MetricsHook | undefined;
  /** Serve `/health` and `/ready` (HEALTH_CHECK_ENABLED; default true). */
  readonly healthCheckEnabled?: boolean | undefined;
  /** Shared with the listener for graceful shutdown; default a fresh one. */
  readonly lifecycle?: HttpLifecycle | undefined;
  /** Largest JSON body accepted by `/v1` (default 1 MiB). */
  readonly maxBodyBytes?: number | undefined;
  /** Runs each request (and each MCP tool call in it) in a trace span; default: no spans. */
  readonly trace?: SpanRunner | undefined;
}
