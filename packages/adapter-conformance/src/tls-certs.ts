import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Shared test support: a throwaway PKI for adapters that test TLS against a server they start
// themselves (the PostgreSQL and MySQL adapters do; third-party adapters may too). Needs openssl.

const run = promisify(execFile);

/** PEM files of a throwaway PKI: one CA that signed the server and client certificates, and an unrelated CA. */
export interface TlsFiles {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** Client certificate with CN `clientName`: PostgreSQL's `cert` auth maps it to the role; REQUIRE X509 takes any. */
  readonly clientCert: string;
  readonly clientKey: string;
  /** A CA that signed nothing the server presents: "wrong CA" for the client. */
  readonly otherCa: string;
}

/** Why openssl cannot be used, or undefined. */
export async function opensslUnavailable(): Promise<string | undefined> {
  try {
    await run('openssl', ['version']);
    return undefined;
  } catch (error) {
    return `openssl is not runnable (${(error as Error).message})`;
  }
}

// P-256 keys: generated in milliseconds, unlike RSA, and accepted by PostgreSQL, MariaDB and Node.
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * Writes a CA, a server certificate for `localhost` (SAN DNS:localhost, IP:127.0.0.1), a client
 * certificate for `clientName` and a second, unrelated CA into `dir`. Valid for two days.
 */
export async function createTlsFiles(dir: string, clientName: string): Promise<TlsFiles> {
  const p = (name: string) => join(dir, name);
  const ca = async (name: string, cn: string) =>
    run('openssl', [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      p(`${name}.key`),
      '-out',
      p(`${name}.crt`),
      '-subj',
      `/CN=${cn}`,
      '-days',
      '2',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  const leaf = async (name: string, cn: string, extensions: string, serial: number) => {
    await writeFile(p(`${name}.ext`), extensions);
    await run('openssl', [
      'req',
      '-new',
      ...EC_KEY,
      '-keyout',
      p(`${name}.key`),
      '-out',
      p(`${name}.csr`),
      '-subj',
      `/CN=${cn}`,
    ]);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      p(`${name}.csr`),
      '-CA',
      p('ca.crt'),
      '-CAkey',
      p('ca.key'),
      '-set_serial',
      String(serial),
      '-days',
      '2',
      '-out',
      p(`${name}.crt`),
      '-extfile',
      p(`${name}.ext`),
    ]);
  };
  await Promise.all([ca('ca', 'LegacyBridge test CA'), ca('other-ca', 'LegacyBridge unrelated CA')]);
  await Promise.all([
    leaf(
      'server',
      'localhost',
      'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
      2,
    ),
    leaf('client', clientName, 'extendedKeyUsage=clientAuth\n', 3),
  ]);
  return {
    ca: p('ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
    otherCa: p('other-ca.crt'),
  };
}
