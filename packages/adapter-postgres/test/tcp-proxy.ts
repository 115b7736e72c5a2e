import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy in front of the database that a test can break in the ways networks break. */
export interface TcpProxy {
  /** The local port clients connect to. */
  readonly port: number;
  /** Connections currently open through the proxy. */
  connections(): number;
  /** Resets every connection and refuses new ones (the database went away). */
  cut(): Promise<void>;
  /** Accepts connections again on the same port (the database came back). */
  restore(): Promise<void>;
  /** Silently drops all traffic, keeping sockets open (a network partition: no FIN, no RST). */
  freeze(): void;
  /** Forwards traffic again after `freeze` (connections frozen by `freezeExisting` stay frozen). */
  thaw(): void;
  /** Black-holes the connections open now, while new ones work (a firewall forgot their state). */
  freezeExisting(): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (random port) to `targetHost:targetPort`. */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const stale = new WeakSet<Socket>();
  let frozen = false;
  let server: Server | undefined;
  let port = 0;

  const onConnection = (client: Socket) => {
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (!frozen && !stale.has(from)) to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer(onConnection);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      for (const [a, b] of pairs) {
        a.resetAndDestroy();
        b.destroy();
      }
      pairs.clear();
      if (!s) resolve();
      else s.close(() => resolve());
    });

  await listen();
  return {
    get port() {
      return port;
    },
    connections: () => pairs.size,
    cut: stop,
    restore: listen,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
    },
    freezeExisting() {
      for (const [a, b] of pairs) {
        stale.add(a);
        stale.add(b);
      }
    },
    close: stop,
  };
}
