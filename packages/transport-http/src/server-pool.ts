import type { McpServer } from '@modelcontextprotocol/server';

/** The SDK's two serving paths; their instances differ (see `createServerPool`), so they never mix. */
export type ServingEra = 'modern' | 'legacy';

/** The servers one HTTP request borrowed; `end` once its response has closed. */
export interface ServerLease {
  end(): void;
}

/** Idle MCP servers lent to stateless requests, one request at a time each. */
export interface ServerPool {
  /** A lease for one HTTP request. */
  lease(): ServerLease;
  /** An idle server of `era` (or a new one), lent to `lease` until it ends; without a lease, a new unpooled one. */
  lend(era: ServingEra, lease: ServerLease | undefined): McpServer;
}

// What one exchange leaves on a Server (SDK 2.4.0, Server and Protocol fields): the protocol version
// it negotiated (an `initialize`, or the modern entry's per-request binding) and the client's
// identity (`initialize`, or the modern `_meta` envelope, which only writes the keys it carries).
// A fresh instance has none of them; a pooled one must look the same before its next request.
interface ConnectionState {
  _negotiatedProtocolVersion?: unknown;
  _clientCapabilities?: unknown;
  _clientVersion?: unknown;
}

const STATE_KEYS = ['_negotiatedProtocolVersion', '_clientCapabilities', '_clientVersion'] as const;

/**
 * Reuses MCP servers across stateless HTTP requests instead of building one per request (the SDK's
 * model: `createMcpServer` registers six tools, two resources and a prompt, and each instance
 * converts its tools' zod schemas to JSON Schema again; together more than half of a point query's
 * CPU). Safe because every piece of per-request state lives outside the instance or is reset:
 * - an instance serves ONE exchange at a time: it is lent to one request and comes back only when
 *   that request's HTTP response has closed and the instance is disconnected (the SDK closes the
 *   single-exchange transport once the answer is out, or when the client leaves; the request's
 *   abort runs before the lease ends, so no late close of the old exchange can reach the instance
 *   after it was lent again — the SDK also refuses an instance still connected);
 * - the caller comes from the request's `authInfo` (tools read `ctx.http.authInfo`), never from the
 *   instance; cancellation and the request's signal belong to the exchange's transport;
 * - the negotiated version and client identity are cleared on return ({@link STATE_KEYS});
 * - modern (2026-07-28) and legacy (2025) instances are pooled apart: the modern entry installs a
 *   `server/discover` handler and adds its revisions to the instance's supported versions.
 * - no per-client logging level can stick to an instance: the SDK registers `logging/setLevel` (and
 *   its per-instance level map) only for servers that declare the `logging` capability, which ours
 *   do not (logs go to stderr and OpenTelemetry; the method is deprecated in 2026-07-28).
 * If the SDK's instances do not have the fields this relies on (another SDK version), nothing is
 * pooled: every request gets a new instance, as the SDK intends by default.
 */
export function createServerPool(build: () => McpServer, maxIdle = 64): ServerPool {
  const idle: Record<ServingEra, McpServer[]> = { modern: [], legacy: [] };
  let poolable: boolean | undefined;

  const canPool = (server: McpServer): boolean => {
    poolable ??= STATE_KEYS.every((key) => key in server.server);
    return poolable;
  };

  const giveBack = (server: McpServer, era: ServingEra) => {
    if (server.server.transport !== undefined) return; // still serving: never lend it twice
    const state = server.server as unknown as ConnectionState;
    for (const key of STATE_KEYS) state[key] = undefined;
    const list = idle[era];
    if (list.length < maxIdle && !list.includes(server)) list.push(server);
  };

  return {
    lease() {
      const lease: PoolLease = {
        lent: [],
        ended: false,
        end() {
          if (lease.ended) return;
          lease.ended = true;
          for (const { server, era } of lease.lent) {
            if (server.server.transport === undefined) giveBack(server, era);
            // Still connected after its response closed: end the exchange, then take it back.
            else
              void server
                .close()
                .catch(() => {})
                .then(() => giveBack(server, era));
          }
          lease.lent.length = 0;
        },
      };
      return lease;
    },
    lend(era, lease) {
      const own = lease as PoolLease | undefined;
      if (own === undefined || own.ended) return build();
      const list = idle[era];
      let server = list.pop();
      while (server !== undefined && server.server.transport !== undefined) server = list.pop();
      server ??= build();
      if (canPool(server)) own.lent.push({ server, era });
      return server;
    },
  };
}

// A lease as this pool makes it: what it lent, and whether the request is over.
interface PoolLease extends ServerLease {
  readonly lent: { server: McpServer; era: ServingEra }[];
  ended: boolean;
}
