import { createHash, randomBytes } from 'node:crypto';
import { type DatabaseTarget, databaseTargets } from '@legacybridge/adapter-conformance';
import oracledb from 'oracledb';
import { parseOracleUrl } from '../src/index.js';

/** The server the live Oracle tests use: an admin URL (e.g. SYSTEM on a PDB), set by CI. */
export const ORACLE_URL_VARIABLE = 'LEGACYBRIDGE_TEST_ORACLE_URL';

/** The image the live suite starts when the variable is unset: Oracle Database Free, gvenzl's build. */
export const ORACLE_IMAGE = 'gvenzl/oracle-free:23-slim-faststart';

/**
 * The servers the live suite runs against: the variable's server when set, else an Oracle Free
 * container — or a skip naming the variable when no container runtime answers (this machine).
 */
export function oracleTargets(): readonly DatabaseTarget[] {
  return databaseTargets({
    variable: ORACLE_URL_VARIABLE,
    service: 'oracle',
    // Testcontainers is loaded only when the variable is unset: CI, with URLs set, never pays for it.
    probeRuntime: async () => (await import('testcontainers')).getContainerRuntimeClient(),
    containers: [
      {
        image: ORACLE_IMAGE,
        service: 'oracle',
        start: async () => {
          const { GenericContainer, Wait } = await import('testcontainers');
          const password = `Lb${randomBytes(8).toString('hex')}`;
          const container = await new GenericContainer(ORACLE_IMAGE)
            .withEnvironment({ ORACLE_PASSWORD: password })
            .withExposedPorts(1521)
            .withWaitStrategy(Wait.forLogMessage('DATABASE IS READY TO USE!'))
            .withStartupTimeout(300_000)
            .start();
          return {
            url: `oracle://system:${password}@${container.getHost()}:${container.getMappedPort(1521)}/FREEPDB1`,
            stop: async () => {
              await container.stop();
            },
          };
        },
      },
    ],
  });
}

/** Opens a connection for the harness itself (admin or fixture owner), outside the adapter. */
export async function connect(url: string, user?: string, password?: string): Promise<oracledb.Connection> {
  const parsed = parseOracleUrl(url)._unsafeUnwrap();
  return oracledb.getConnection({
    user: user ?? parsed.user,
    password: password ?? parsed.password,
    connectString: parsed.connectString,
    configDir: parsed.configDir,
    connectTimeout: 10,
  });
}

/** Why the server cannot be used, or undefined when it answers. */
export async function oracleUnavailable(url: string): Promise<string | undefined> {
  try {
    const connection = await connect(url);
    await connection.execute('SELECT 1 FROM dual');
    await connection.close();
    return undefined;
  } catch (error) {
    return `Oracle at ${ORACLE_URL_VARIABLE} is unreachable (${(error as { code?: string }).code ?? (error as Error).message}); check ${ORACLE_URL_VARIABLE}`;
  }
}

/**
 * Two throwaway users on the admin URL's database: an owner holding the fixture and a reader with
 * CREATE SESSION and SELECT on the owner's objects only — the least-privilege account the adapter is
 * meant to run as (layer 3). Oracle runs DDL outside any read-only transaction, so a fixture owned by
 * the adapter's own user could be dropped by a statement the guard (bypassed by the suite) would
 * have refused; the reader cannot.
 */
export interface OracleTestUsers {
  readonly owner: string;
  readonly reader: string;
  /** The reader's URL, for the adapter. */
  readonly readerUrl: string;
  /** A writable connection as the owner. */
  readonly ownerConnection: oracledb.Connection;
  /** Grants SELECT on every table and view of the owner to the reader. */
  grantReads(): Promise<void>;
  /** A checksum of every object definition and every table's rows, read as the owner. */
  fingerprint(): Promise<string>;
  /** Drops both users and everything they own. */
  drop(): Promise<void>;
}

export async function createTestUsers(adminUrl: string): Promise<OracleTestUsers> {
  const suffix = randomBytes(4).toString('hex').toUpperCase();
  const owner = `LB_FIX_${suffix}`;
  const reader = `LB_RO_${suffix}`;
  const ownerPassword = `Lb${randomBytes(10).toString('hex')}`;
  const readerPassword = `Lb${randomBytes(10).toString('hex')}`;
  const admin = await connect(adminUrl);
  const dropAll = async () => {
    for (const user of [reader, owner]) {
      await admin.execute(`DROP USER ${user} CASCADE`).catch(() => {});
    }
  };
  let ownerConnection: oracledb.Connection | undefined;
  try {
    await admin.execute(`CREATE USER ${owner} IDENTIFIED BY "${ownerPassword}" QUOTA UNLIMITED ON users`);
    await admin.execute(`GRANT CREATE SESSION, CREATE TABLE, CREATE VIEW TO ${owner}`);
    await admin.execute(`CREATE USER ${reader} IDENTIFIED BY "${readerPassword}"`);
    await admin.execute(`GRANT CREATE SESSION TO ${reader}`);
    ownerConnection = await connect(adminUrl, owner, ownerPassword);
  } catch (error) {
    await dropAll();
    await admin.close().catch(() => {});
    throw error;
  }
  const base = adminUrl.replace(/^oracle:\/\/[^@/?]*@/, 'oracle://');
  const connection = ownerConnection;
  return {
    owner,
    reader,
    readerUrl: base.replace('oracle://', `oracle://${reader}:${readerPassword}@`),
    ownerConnection: connection,
    async grantReads() {
      const objects = await connection.execute<[string]>(
        `SELECT object_name FROM user_objects WHERE object_type IN ('TABLE', 'VIEW') ORDER BY 1`,
      );
      for (const [name] of objects.rows ?? [])
        await connection.execute(`GRANT SELECT ON "${name}" TO ${reader}`);
      // NUM_ROWS for the row estimates, as a DBA's nightly job would leave them.
      await connection.execute('BEGIN DBMS_STATS.GATHER_SCHEMA_STATS(USER); END;');
    },
    async fingerprint() {
      const hash = createHash('sha256');
      const columns = await connection.execute(
        `SELECT o.object_type, o.object_name, c.column_id, c.column_name, c.data_type, c.data_precision, c.data_scale
           FROM user_objects o LEFT JOIN user_tab_columns c ON c.table_name = o.object_name
          ORDER BY o.object_type, o.object_name, c.column_id`,
      );
      hash.update(JSON.stringify(columns.rows));
      const tables = await connection.execute<[string]>(`SELECT table_name FROM user_tables ORDER BY 1`);
      for (const [name] of tables.rows ?? []) {
        const rows = await connection.execute(`SELECT * FROM "${name}" ORDER BY 1`, [], {
          fetchTypeHandler: (m: oracledb.Metadata<unknown>) =>
            m.dbType === oracledb.DB_TYPE_BLOB ? { type: oracledb.BUFFER } : { type: oracledb.STRING },
        });
        hash.update(
          `${name}:${JSON.stringify(rows.rows, (_, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v))}`,
        );
      }
      return hash.digest('hex');
    },
    async drop() {
      try {
        await connection.close().catch(() => {});
        await dropAll();
      } finally {
        await admin.close().catch(() => {});
      }
    },
  };
}
