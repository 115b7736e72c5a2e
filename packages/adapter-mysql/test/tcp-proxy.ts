import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy for outage tests: forwards a local port to the database, can cut every connection and
 * refuse new ones (the port closes: ECONNREFUSED), then restore service on the same port.
 */
export interface TcpProxy {
  readonly port: number;
  /** Destroys every proxied connection and stops listening. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /** A silent network: connections stay open but no byte moves either way (new ones hang too). */
  freeze(): void;
  /** Lets bytes flow again. */
  thaw(): void;
  /** How many chunks clients have sent so far (one per socket read: a write the client made at once). */
  readonly clientChunks: number;
  close(): Promise<void>;
}

/** Starts a proxy to `target` on a free local port. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let frozen = false;
  let clientChunks = 0;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const newServer = () =>
    createServer((client) => {
      const upstream = connect(target.port, target.host);
      track(client);
      track(upstream);
      client.on('data', () => {
        clientChunks++;
      });
      client.pipe(upstream);
      upstream.pipe(client);
      if (frozen) {
        client.pause();
        upstream.pause();
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  const stop = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

  let server = newServer();
  const port = await listen(server, 0);
  let listening = true;
  const proxy: TcpProxy = {
    port,
    async cut() {
      if (listening) {
        listening = false;
        const closing = stop(server);
        for (const s of sockets) s.destroy();
        await closing;
      }
    },
    async restore() {
      if (!listening) {
        server = newServer();
        await listen(server, port);
        listening = true;
      }
    },
    freeze() {
      frozen = true;
      for (const s of sockets) s.pause();
    },
    thaw() {
      frozen = false;
      for (const s of sockets) s.resume();
    },
    close: () => proxy.cut(),
    get clientChunks() {
      return clientChunks;
    },
  };
  return proxy;
}
