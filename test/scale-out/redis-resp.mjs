// The few Redis commands the scale-out proof and the soak bench need (PING, SCAN, DEL), spoken in
// RESP over one socket: the repository root has no Redis client dependency (ioredis belongs to the
// packages), and the redis-cli binary may not exist where the tests run.
import { connect } from 'node:net';

/** Parses one RESP reply at `at`; returns [value, next offset] or undefined when incomplete. */
function parse(buf, at) {
  const eol = buf.indexOf('\r\n', at);
  if (eol === -1) return undefined;
  const type = String.fromCharCode(buf[at]);
  const line = buf.toString('utf8', at + 1, eol);
  const after = eol + 2;
  if (type === '+') return [line, after];
  if (type === '-') return [new Error(`redis: ${line}`), after];
  if (type === ':') return [Number(line), after];
  if (type === '$') {
    const len = Number(line);
    if (len === -1) return [null, after];
    if (buf.length < after + len + 2) return undefined;
    return [buf.toString('utf8', after, after + len), after + len + 2];
  }
  if (type === '*') {
    const n = Number(line);
    if (n === -1) return [null, after];
    const items = [];
    let offset = after;
    for (let i = 0; i < n; i++) {
      const item = parse(buf, offset);
      if (item === undefined) return undefined;
      items.push(item[0]);
      offset = item[1];
    }
    return [items, offset];
  }
  throw new Error(`redis: unexpected reply type ${JSON.stringify(type)}`);
}

/** Sends one command to the Redis at `url` on a fresh connection and resolves with its reply. */
export function redisCommand(url, ...args) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || 6379) });
    socket.setTimeout(2000, () => socket.destroy(new Error('redis: timeout')));
    let buf = Buffer.alloc(0);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const reply = parse(buf, 0);
      if (reply === undefined) return;
      socket.end();
      if (reply[0] instanceof Error) reject(reply[0]);
      else resolve(reply[0]);
    });
    socket.on('error', reject);
    const frame = [`*${args.length}`, ...args.flatMap((a) => [`$${Buffer.byteLength(a)}`, a])];
    socket.write(`${frame.join('\r\n')}\r\n`);
  });
}

/** Keys matching `pattern`, by SCAN (never KEYS on a shared server). */
export async function redisKeys(url, pattern) {
  const keys = [];
  let cursor = '0';
  do {
    const [next, batch] = await redisCommand(url, 'SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000');
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** Deletes every key matching `pattern`; resolves with how many were deleted. */
export async function deleteKeys(url, pattern) {
  const keys = await redisKeys(url, pattern);
  let deleted = 0;
  for (let i = 0; i < keys.length; i += 100)
    deleted += await redisCommand(url, 'DEL', ...keys.slice(i, i + 100));
  return deleted;
}
