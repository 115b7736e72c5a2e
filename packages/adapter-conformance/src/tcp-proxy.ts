import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a service (a database, Redis) that a test can break in the ways networks
 * and servers break: the service stops (`cut`), comes back (`restore`), or the path goes silent
 * (`freeze`, `freezeExisting`). One copy for every package's outage tests.
 */
export interface TcpProxy {
  /** The local port clients connect to (the same after `restore`). */
  readonly port: number;
  /** Connections currently open through the proxy. */
  connections(): number;
  /** How many chunks clients have sent so far (one per socket read: a write the client made at once). */
  readonly clientChunks: number;
  /**
   * The service stopped: every open connection is closed and the port refuses new ones
   * (ECONNREFUSED). `reset` closes the clients' side with an RST instead of a FIN (a crashed host's
   * kernel, a middlebox dropping state).
   */
  cut(mode?: 'close' | 'reset'): Promise<void>;
  /** The service came back: accepts connections again on the same port. */
  restore(): Promise<void>;
  /**
   * A silent network (no FIN, no RST): connections stay open but no byte moves either way, new
   * ones included. Bytes are held, not lost, like TCP retransmitting across a partition.
   */
  freeze(): void;
  /** The partition healed: held bytes flow (connections frozen by `freezeExisting` stay frozen). */
  thaw(): void;
  /** Black-holes the connections open now, for good, while new ones work (a firewall forgot their state). */
  freezeExisting(): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port) to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const stale = new WeakSet<Socket>();
  let frozen = false;
  let clientChunks = 0;
  let server: Server | undefined;
  let port = 0;

  // Unpiped as well as paused: a paused stream that is still piped resumes when its destination
  // drains, which would let bytes through a frozen link.
  const held = new WeakSet<Socket>();
  const hold = ([client, upstream]: [Socket, Socket]) => {
    if (held.has(client)) return;
    held.add(client);
    client.unpipe(upstream).pause();
    upstream.unpipe(client).pause();
  };
  // Piping twice would send every byte twice: only a held (or new) pair is piped.
  const flow = ([client, upstream]: [Socket, Socket]) => {
    held.delete(client);
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const onConnection = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('data', () => {
      clientChunks++;
    });
    if (frozen) hold(pair);
    else flow(pair);
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

  const stop = (mode: 'close' | 'reset' = 'close') =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      for (const [client, upstream] of pairs) {
        if (mode === 'reset') client.resetAndDestroy();
        else client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      if (s === undefined) resolve();
      else s.close(() => resolve());
    });

  await listen();
  return {
    get port() {
      return port;
    },
    connections: () => pairs.size,
    get clientChunks() {
      return clientChunks;
    },
    cut: stop,
    async restore() {
      if (server === undefined) await listen();
    },
    freeze() {
      frozen = true;
      for (const pair of pairs) hold(pair);
    },
    thaw() {
      frozen = false;
      for (const pair of pairs) if (held.has(pair[0]) && !stale.has(pair[0])) flow(pair);
    },
    freezeExisting() {
      for (const pair of pairs) {
        stale.add(pair[0]);
        hold(pair);
      }
    },
    close: () => stop(),
  };
}
