// A small round-robin HTTP reverse proxy for the scale-out proof (test/scale-out) and the soak bench
// (bench/soak.mjs). Plain ESM, so the TypeScript test and the plain-JS bench
// import the same file. Loopback tool, not a product: no TLS, no health checks, no header rewriting
// beyond what a stateless replica needs.
import { Agent, createServer, request as httpRequest } from 'node:http';

// Headers that describe one hop's connection, never forwarded (RFC 9110 §7.6.1). The body is buffered,
// so the framing is re-declared with content-length instead of being copied.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

// "A request the proxy could retry": the backend refused the connection, or reset / closed it BEFORE
// sending a single response byte. Then the backend cannot have answered, and since every request is
// buffered in full it can be sent again, unchanged, to the next backend. (LegacyBridge only reads, so a
// request that did reach a replica that died before answering is safe to repeat.) Once any response
// byte has arrived, a failure is passed on to the client as a broken response: it is never retried.
const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_HTTP_SOCKET_ABORTED']);

function copyHeaders(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

/**
 * Starts the proxy on `host:port` (default 127.0.0.1, a free port) in front of `backends` (base URLs
 * such as `http://127.0.0.1:4000`). Request i goes to backend i mod n first, then to the following
 * ones while the failure is retryable.
 */
export async function startRoundRobinProxy({ backends, host = '127.0.0.1', port = 0 }) {
  const targets = backends.map((b) => new URL(b));
  const served = targets.map(() => 0);
  const stats = { retried: 0, failed: 0 };
  // Keep-alive to the backends, as a real balancer does: a socket a killed replica leaves behind
  // fails with ECONNRESET on its next use, which is retryable.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let next = 0;

  const forward = (index, req, body, onResponse, onFailure) => {
    const target = targets[index];
    const headers = copyHeaders(req.headers);
    headers.host = target.host;
    headers['content-length'] = String(body.length);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      onResponse,
    );
    upstream.on('error', onFailure);
    upstream.end(body);
    return upstream;
  };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const first = next++ % targets.length;
      let upstream;
      const attempt = (tried) => {
        const index = (first + tried) % targets.length;
        let answered = false;
        upstream = forward(
          index,
          req,
          body,
          (backendRes) => {
            answered = true;
            served[index]++;
            const headers = copyHeaders(backendRes.headers);
            headers['x-backend'] = String(index);
            res.writeHead(backendRes.statusCode ?? 502, backendRes.statusMessage, headers);
            backendRes.pipe(res);
            // The backend died mid-response: the client sees a truncated answer, never a made-up one.
            backendRes.on('error', () => res.destroy());
            backendRes.on('aborted', () => res.destroy());
          },
          (error) => {
            if (answered) return res.destroy();
            if (RETRYABLE.has(error.code) && tried + 1 < targets.length) {
              stats.retried++;
              return attempt(tried + 1);
            }
            stats.failed++;
            if (res.headersSent) return res.destroy();
            res.writeHead(502, { 'content-type': 'text/plain', 'x-backend': String(index) });
            res.end(`proxy: backend ${index} failed: ${error.code ?? error.message}\n`);
          },
        );
      };
      attempt(0);
      // The client went away: stop the backend's work too (MCP cancellation, long queries).
      res.on('close', () => {
        if (!res.writableFinished) upstream?.destroy();
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    /** Responses received from each backend (index as in `backends`). */
    served,
    stats,
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
