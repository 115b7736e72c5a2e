import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { accessSync, constants, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { createTlsFiles, opensslUnavailable, type TlsFiles } from '@legacybridge/adapter-conformance';
import { createConnection } from 'mysql2/promise';

const run = promisify(execFile);

/** A user created `REQUIRE SSL` with a password. */
export const SSL_USER = 'lb_ssl_user';
/** A user created `REQUIRE X509`: only a client certificate signed by the server's CA lets it in. */
export const X509_USER = 'lb_x509_user';

/** A throwaway MariaDB with TLS on a free port; stop() removes every trace. */
export interface TlsMariadb {
  readonly port: number;
  readonly files: TlsFiles;
  /** Directory of the certificates (and of the data); deleted by stop(). */
  readonly dir: string;
  /** SSL_USER's password. */
  readonly password: string;
  /** A name of this machine that resolves to an address the server listens on and is not in the certificate. */
  readonly otherName?: string | undefined;
  stop(): Promise<void>;
}

// Debian puts mariadbd in /usr/sbin, which a non-login PATH may lack; older installs name it mysqld.
function findBinary(names: readonly string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/bin'];
  for (const dir of dirs) {
    for (const name of names) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // Try the next one.
      }
    }
  }
  return undefined;
}

function findBinaries(): { install: string; server: string } | string {
  const install = findBinary(['mariadb-install-db', 'mysql_install_db']);
  const server = findBinary(['mariadbd', 'mysqld']);
  if (install === undefined || server === undefined) {
    return 'mariadb-install-db and mariadbd were found neither on PATH nor in /usr/sbin, /usr/bin';
  }
  return { install, server };
}

/** Why a TLS server cannot be started here, or undefined. */
export async function tlsMariadbUnavailable(): Promise<string | undefined> {
  const binaries = findBinaries();
  return typeof binaries === 'string' ? binaries : opensslUnavailable();
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
 * Initialises a data directory and starts mariadbd on a free port with TLS, listening on 127.0.0.1,
 * 127.0.0.2 and the machine name's address, with SSL_USER (`REQUIRE SSL`) and X509_USER
 * (`REQUIRE X509`). Root runs the server as root (`--user=root`): the data is its own temp dir.
 * Cleans up itself when start-up fails.
 * @throws with the server log's tail when it does not come up within 20 s.
 */
export async function startTlsMariadb(): Promise<TlsMariadb> {
  const binaries = findBinaries();
  if (typeof binaries === 'string') throw new Error(binaries);
  const dir = await mkdtemp(join(tmpdir(), 'lb-my-tls-'));
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
      child.kill('SIGTERM'); // mariadbd's normal shutdown: closes sessions, flushes, exits
      const timer = setTimeout(() => child?.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const files = await createTlsFiles(dir, X509_USER);
    const data = join(dir, 'data');
    await mkdir(data);
    const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
    await run(binaries.install, [
      '--no-defaults',
      `--datadir=${data}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      ...asRoot,
    ]);
    const other = await otherHostName();
    const listen = [
      '127.0.0.1',
      '127.0.0.2',
      ...(other && !other.address.startsWith('127.0.0.') ? [other.address] : []),
    ];
    const port = await freePort();
    const socket = join(dir, 'sock');
    const log: string[] = [];
    // Absolute paths throughout: mariadbd changes into its data directory.
    child = spawn(
      binaries.server,
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--port=${port}`,
        `--bind-address=${listen.join(',')}`,
        `--socket=${socket}`,
        `--pid-file=${join(dir, 'mariadbd.pid')}`,
        `--tmpdir=${dir}`,
        `--ssl-ca=${files.ca}`,
        `--ssl-cert=${files.serverCert}`,
        `--ssl-key=${files.serverKey}`,
        '--skip-name-resolve',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=16M',
        '--max-connections=30',
        ...asRoot,
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      if (log.length > 50) log.shift();
    });
    const admin = await waitReady(child, socket, log);
    const password = randomBytes(12).toString('hex');
    try {
      await admin.query(`CREATE USER '${SSL_USER}'@'%' IDENTIFIED BY '${password}' REQUIRE SSL`);
      await admin.query(`CREATE USER '${X509_USER}'@'%' REQUIRE X509`);
    } finally {
      await admin.end();
    }
    return { port, files, dir, password, otherName: other?.name, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

type Admin = Awaited<ReturnType<typeof createConnection>>;

// Ready when root can log in over the Unix socket; fails fast when the server exits.
async function waitReady(child: ChildProcess, socketPath: string, log: string[]): Promise<Admin> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`mariadbd exited during start-up: ${log.join('').slice(-2_000)}`);
    }
    try {
      return await createConnection({ socketPath, user: 'root', connectTimeout: 1_000 });
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`mariadbd did not accept connections within 20 s: ${log.join('').slice(-2_000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
