import {
  type DatabasePort,
  DEFAULT_QUERY_POLICY,
  noopLogger,
  noopMetrics,
  type QueryPolicy,
  type UseCaseDeps,
} from '@legacybridge/core';
import { Client } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport as V1InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { InMemoryTransport, type Transport } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { createMcpServer, type LegacyBridgeMcpOptions } from '../../src/index.js';

/**
 * Real MCP clients wired to a real LegacyBridge server over the SDKs' in-memory linked transports.
 * No SDK piece is mocked: these are the v2 client (both negotiation modes), the v2 server's era
 * entry `serveStdio` over an in-memory transport (what the stdio CLI runs), the bare McpServer
 * `connect` (what a library user may do), and the v1 SDK client that stops at 2025-11-25.
 */

/** UseCaseDeps around `db` with the no-op ports and the default policy (overridable). */
export function testDeps(db: DatabasePort, policy: Partial<QueryPolicy> = {}): UseCaseDeps {
  return { db, metrics: noopMetrics, logger: noopLogger, policy: { ...DEFAULT_QUERY_POLICY, ...policy } };
}

/** The slice of the client API the tests use; both SDK generations' clients satisfy it. */
export interface TestClient {
  listTools(): Promise<{ tools: ListedTool[] }>;
  callTool(
    params: { name: string; arguments?: Record<string, unknown> },
    options?: { signal?: AbortSignal; timeout?: number },
  ): Promise<ToolResult>;
  listResources(): Promise<{ resources: { uri: string; name: string; mimeType?: string }[] }>;
  listResourceTemplates(): Promise<{ resourceTemplates: { uriTemplate: string; name: string }[] }>;
  readResource(params: { uri: string }): Promise<{ contents: { uri: string; text?: string }[] }>;
  complete(params: {
    ref: { type: 'ref/resource'; uri: string } | { type: 'ref/prompt'; name: string };
    argument: { name: string; value: string };
  }): Promise<{ completion: { values: string[]; total?: number; hasMore?: boolean } }>;
  listPrompts(): Promise<{ prompts: { name: string; arguments?: { name: string; required?: boolean }[] }[] }>;
  getPrompt(params: {
    name: string;
    arguments?: Record<string, string>;
  }): Promise<{ messages: { role: string; content: { type: string; text?: string } }[] }>;
}

export interface ListedTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: { type: string; properties?: Record<string, unknown>; required?: string[] };
  outputSchema?: { type: string; properties?: Record<string, unknown> };
  annotations?: Record<string, unknown>;
}

export interface ToolResult {
  content: { type: string; text?: string }[];
  structuredContent?: unknown;
  isError?: boolean;
}

/** A connected client, the protocol revision it negotiated, and how to tear both ends down. */
export interface Connection {
  readonly client: TestClient;
  readonly protocolVersion: string | undefined;
  /** The server's name and version as the client received them. */
  readonly serverInfo: { name: string; version: string } | undefined;
  close(): Promise<void>;
}

/** The ways a client reaches the server in these tests. */
export type ClientKind = 'v2-auto' | 'v2-legacy' | 'v2-auto-bare-server' | 'v1' | 'v1-bare-server';

/** Every kind, with the protocol revision it must end up speaking. */
export const CLIENT_KINDS: readonly { kind: ClientKind; expectedVersion: string }[] = [
  // serveStdio answers server/discover, so an auto client gets the stateless revision.
  { kind: 'v2-auto', expectedVersion: '2026-07-28' },
  { kind: 'v2-legacy', expectedVersion: '2025-11-25' },
  // A bare McpServer.connect() has no server/discover handler: auto must fall back to initialize.
  { kind: 'v2-auto-bare-server', expectedVersion: '2025-11-25' },
  { kind: 'v1', expectedVersion: '2025-11-25' },
  { kind: 'v1-bare-server', expectedVersion: '2025-11-25' },
];

/** Connects a client of `kind` to a fresh LegacyBridge server built from `options`. */
export async function connect(kind: ClientKind, options: LegacyBridgeMcpOptions): Promise<Connection> {
  switch (kind) {
    case 'v2-auto':
    case 'v2-legacy': {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const handle = serveStdio(() => createMcpServer(options), { transport: serverSide });
      const client = new Client(
        { name: 'legacybridge-test', version: '1.0.0' },
        kind === 'v2-auto' ? { versionNegotiation: { mode: 'auto' } } : {},
      );
      await client.connect(clientSide);
      return {
        client: client as unknown as TestClient,
        protocolVersion: client.getNegotiatedProtocolVersion(),
        serverInfo: client.getServerVersion(),
        close: async () => {
          await client.close();
          await handle.close();
        },
      };
    }
    case 'v2-auto-bare-server': {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const server = createMcpServer(options);
      await server.connect(serverSide);
      const client = new Client(
        { name: 'legacybridge-test', version: '1.0.0' },
        { versionNegotiation: { mode: 'auto' } },
      );
      await client.connect(clientSide);
      return {
        client: client as unknown as TestClient,
        protocolVersion: client.getNegotiatedProtocolVersion(),
        serverInfo: client.getServerVersion(),
        close: async () => {
          await client.close();
          await server.close();
        },
      };
    }
    case 'v1':
    case 'v1-bare-server': {
      const [clientSide, serverSide] = V1InMemoryTransport.createLinkedPair();
      let closeServer: () => Promise<void>;
      if (kind === 'v1') {
        // The v1 transport is structurally a v2 Transport: same start/send/close/on* members.
        const handle = serveStdio(() => createMcpServer(options), {
          transport: serverSide as unknown as Transport,
        });
        closeServer = () => handle.close();
      } else {
        const server = createMcpServer(options);
        await server.connect(serverSide as unknown as Transport);
        closeServer = () => server.close();
      }
      let version: string | undefined;
      const client = new V1Client({ name: 'legacybridge-test-v1', version: '1.0.0' });
      // v1 exposes the negotiated revision only to the transport; record it on the way.
      const setVersion = (clientSide as { setProtocolVersion?: (v: string) => void }).setProtocolVersion;
      (clientSide as { setProtocolVersion?: (v: string) => void }).setProtocolVersion = (v: string) => {
        version = v;
        setVersion?.call(clientSide, v);
      };
      await client.connect(clientSide);
      return {
        client: adaptV1(client),
        protocolVersion: version,
        serverInfo: client.getServerVersion(),
        close: async () => {
          await client.close();
          await closeServer();
        },
      };
    }
  }
}

// v1's callTool takes a result schema second and the request options third.
function adaptV1(client: V1Client): TestClient {
  const loose = client as unknown as TestClient;
  return {
    listTools: () => loose.listTools(),
    callTool: (params, options) =>
      client.callTool(params, undefined, options) as unknown as ReturnType<TestClient['callTool']>,
    listResources: () => loose.listResources(),
    listResourceTemplates: () => loose.listResourceTemplates(),
    readResource: (params) => loose.readResource(params),
    complete: (params) => loose.complete(params),
    listPrompts: () => loose.listPrompts(),
    getPrompt: (params) => loose.getPrompt(params),
  };
}

/** The text of a tool result's only content block. */
export function textOf(result: { content: { type: string; text?: string }[] }): string {
  const [first] = result.content;
  if (first?.type !== 'text' || first.text === undefined) {
    throw new Error(`expected one text block, got ${JSON.stringify(result.content)}`);
  }
  return first.text;
}
