import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { accessSync, constants, readdirSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { createTlsFiles, opensslUnavailable, type TlsFiles } from '@legacybridge/adapter-conformance';
import pg from 'pg';

const run = promisify(execFile);

/** The role that logs in with its client certificate (the certificate's CN). */
export const CERT_USER = 'lb_cert_user';
/** The role that logs in with a password over TLS. */
export const PASSWORD_USER = 'lb_password_user';

/** A throwaway PostgreSQL that accepts only TLS connections over TCP; stop() removes every trace. */
export interface TlsPostgres {
  readonly port: number;
  readonly files: TlsFiles;
  /** Directory of the certificates (and of the cluster); deleted by stop(). */
  readonly dir: string;
  /** PASSWORD_USER's password. */
  readonly password: string;
  /** A name of this machine that resolves to an address the server listens on and is not in the certificate. */
  readonly otherName?: string | undefined;
  stop(): Promise<void>;
}

/** Where initdb and postgres are: on PATH (Debian links them) or the newest /usr/lib/postgresql/N/bin. */
function findBinaries(): { initdb: string; postgres: string } | string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // No Debian layout: PATH only.
  }
  for (const dir of dirs) {
    const initdb = join(dir, 'initdb');
    const postgres = join(dir, 'postgres');
    try {
      accessSync(initdb, constants.X_OK);
      accessSync(postgres, constants.X_OK);
      return { initdb, postgres };
    } catch {
      // Try the next directory.
    }
  }
  return 'initdb and postgres were found neither on PATH nor in /usr/lib/postgresql/*/bin';
}

/** The uid/gid to run the server as: PostgreSQL refuses to run as root, so root hands over to `postgres`. */
async function serverIdentity(): Promise<{ uid: number; gid: number } | undefined | string> {
  if (process.getuid?.() !== 0) return undefined;
  // /etc/passwd rather than `id`: no dependence on PATH.
  const entry = (await readFile('/etc/passwd', 'utf8').catch(() => ''))
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'postgres');
  if (entry === undefined)
    return 'running as root and there is no "postgres" user for initdb and postgres to run as';
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

/** Why a TLS server cannot be started here, or undefined. */
export async function tlsPostgresUnavailable(): Promise<string | undefined> {
  const binaries = findBinaries();
  if (typeof binaries === 'string') return binaries;
  const identity = await serverIdentity();
  if (typeof identity === 'string') return identity;
  return opensslUnavailable();
}

/** A TCP port nobody listens on right now (the kernel's pick). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

// The machine's name, when it resolves: a host name that is not in the server certificate.
async function otherHostName(): Promise<{ name: string; address: string } | undefined> {
  const name = hostname();
  if (name === '' || name === 'localhost') return undefined;
  try {
    const { address } = await lookup(name, { family: 4 });
    // An address this machine cannot bind (a stale /etc/hosts entry) would stop the server starting.
    return address === '127.0.0.2' || !(await canListen(address)) ? undefined : { name, address };
  } catch {
    return undefined;
  }
}

async function canListen(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(0, address, () => server.close(() => resolve(true)));
  });
}

/**
 * Starts PostgreSQL on a free port with `ssl=on` and an hba file that has only `hostssl` lines for
 * TCP: the superuser with trust, CERT_USER with `cert`, PASSWORD_USER with scram-sha-256. It listens
 * on 127.0.0.1, 127.0.0.2 and the machine name's address. Cleans up itself when start-up fails.
 * @throws with the server log's tail when it does not come up within 20 s.
 */
export async function startTlsPostgres(): Promise<TlsPostgres> {
  const binaries = findBinaries();
  const identity = await serverIdentity();
  if (typeof binaries === 'string') throw new Error(binaries);
  if (typeof identity === 'string') throw new Error(identity);
  const dir = await mkdtemp(join(tmpdir(), 'lb-pg-tls-'));
  let child: ChildProcess | undefined;
  // A test process exiting without afterAll must not leave a server or certificates behind.
  const kill = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', kill);
  const stop = async () => {
    process.off('exit', kill);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGINT'); // fast shutdown: ends sessions instead of waiting for them
      const timer = setTimeout(() => child?.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const files = await createTlsFiles(dir, CERT_USER);
    const data = join(dir, 'data');
    await mkdir(data, { mode: 0o700 });
    await chmod(files.serverKey, 0o600);
    if (identity) {
      for (const name of ['', ...(await readdir(dir))])
        await chown(join(dir, name), identity.uid, identity.gid);
    }
    const asServer = identity ? { uid: identity.uid, gid: identity.gid } : {};
    await run(
      binaries.initdb,
      ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-locale', '-E', 'UTF8'],
      {
        ...asServer,
        cwd: dir,
      },
    );
    const other = await otherHostName();
    const hba = [
      'local all postgres trust',
      ...['127.0.0.0/8', 'samehost'].flatMap((from) => [
        `hostssl all ${CERT_USER} ${from} cert`,
        `hostssl all ${PASSWORD_USER} ${from} scram-sha-256`,
        `hostssl all postgres ${from} trust`,
      ]),
      '',
    ].join('\n');
    const hbaFile = join(dir, 'pg_hba.conf');
    await writeFile(hbaFile, hba);
    if (identity) await chown(hbaFile, identity.uid, identity.gid);
    const listen = [
      '127.0.0.1',
      '127.0.0.2',
      ...(other && !other.address.startsWith('127.0.0.') ? [other.address] : []),
    ];
    const port = await freePort();
    const log: string[] = [];
    child = spawn(
      binaries.postgres,
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        `listen_addresses=${listen.join(',')}`,
        '-c',
        `hba_file=${hbaFile}`,
        '-c',
        'ssl=on',
        '-c',
        `ssl_cert_file=${files.serverCert}`,
        '-c',
        `ssl_key_file=${files.serverKey}`,
        '-c',
        `ssl_ca_file=${files.ca}`,
        '-c',
        'fsync=off',
        '-c',
        'max_connections=20',
        '-c',
        'shared_buffers=16MB',
      ],
      { ...asServer, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      if (log.length > 50) log.shift();
    });
    await waitReady(child, dir, port, log);
    const password = randomBytes(12).toString('hex');
    const admin = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${CERT_USER} LOGIN`);
      await admin.query(`CREATE ROLE ${PASSWORD_USER} LOGIN PASSWORD '${password}'`);
    } finally {
      await admin.end();
    }
    return { port, files, dir, password, otherName: other?.name, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// Ready when the superuser can log in over the Unix socket; fails fast when the server exits.
async function waitReady(child: ChildProcess, dir: string, port: number, log: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited during start-up: ${log.join('').slice(-2_000)}`);
    }
    const client = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > deadline) {
        throw new Error(`postgres did not accept connections within 20 s: ${log.join('').slice(-2_000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
