import { startTcpProxy as startSharedProxy, type TcpProxy } from '@legacybridge/adapter-conformance';

export type { TcpProxy };

/**
 * The shared proxy (adapter-conformance) under this file's old signature, for the server and
 * transport-http tests that still import it here (they do not depend on adapter-conformance):
 * `cut()` resets the clients' connections, as this copy always did.
 */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const proxy = await startSharedProxy({ host: targetHost, port: targetPort });
  return Object.assign(Object.create(proxy) as TcpProxy, {
    cut: (mode: 'close' | 'reset' = 'reset') => proxy.cut(mode),
  });
}
