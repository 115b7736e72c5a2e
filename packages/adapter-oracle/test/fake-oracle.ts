import oracledb from 'oracledb';
import type { OracleDriver } from '../src/index.js';
import type {
  OracleConnection,
  OracleExecuteResult,
  OracleLob,
  OracleResultSet,
} from '../src/oracle-session.js';
import type { ResultColumnMeta } from '../src/oracle-types.js';

/**
 * Fake node-oracledb objects: no Oracle server can run on this machine, so the adapter's statements,
 * fetch loop, LOB reads, break and rollback are checked against these. A script answers each
 * statement by the first rule whose pattern matches its SQL.
 */

/** One recorded driver call. */
export interface Call {
  readonly method: 'execute' | 'getRows' | 'closeResultSet' | 'rollback' | 'break' | 'ping' | 'close';
  readonly sql?: string;
  readonly binds?: unknown;
  readonly options?: Record<string, unknown>;
  readonly callTimeout: number;
  readonly connection: number;
}

/** How one statement answers. */
export interface Rule {
  readonly match: RegExp;
  /** Object rows for catalog statements (direct fetch). */
  readonly rows?: Record<string, unknown>[];
  /** Array rows and metadata for a ResultSet. */
  readonly resultSet?: { readonly metaData: ResultColumnMeta[]; readonly rows: unknown[][] };
  /** Rejects with this error. */
  readonly error?: unknown;
  /** Hangs until `break()` (then ORA-01013), or forever with `ignoreBreak`. */
  readonly hang?: boolean;
  readonly ignoreBreak?: boolean;
}

/** A driver error as node-oracledb raises it. */
export function oraError(
  code: string,
  message = `${code}: fake`,
  extra: Record<string, unknown> = {},
): Error {
  const error = new Error(message.startsWith(code) ? message : `${code}: ${message}`);
  Object.assign(error, { code, ...extra });
  if (code.startsWith('ORA-')) Object.assign(error, { errorNum: Number(code.slice(4)) });
  return error;
}

export class FakeLob implements OracleLob {
  reads: [number | undefined, number | undefined][] = [];
  constructor(
    readonly type: unknown,
    private readonly data: string | Buffer,
  ) {}
  get length(): number {
    return this.data.length;
  }
  async getData(offset = 1, amount?: number): Promise<string | Buffer> {
    this.reads.push([offset, amount]);
    const end = amount === undefined ? undefined : offset - 1 + amount;
    return typeof this.data === 'string'
      ? this.data.slice(offset - 1, end)
      : this.data.subarray(offset - 1, end);
  }
}

export const clob = (text: string) => new FakeLob(oracledb.DB_TYPE_CLOB, text);
export const blob = (bytes: Buffer) => new FakeLob(oracledb.DB_TYPE_BLOB, bytes);

let nextId = 0;

export class FakeConnection implements OracleConnection {
  callTimeout = 0;
  readonly id = ++nextId;
  readonly oracleServerVersionString = '23.5.0.24.7';
  healthy = true;
  closed = false;
  private pendingBreak: (() => void) | undefined;
  constructor(private readonly driver: FakeDriver) {}

  private record(call: Omit<Call, 'callTimeout' | 'connection'>) {
    this.driver.calls.push({ ...call, callTimeout: this.callTimeout, connection: this.id });
  }

  async execute(sql: string, binds?: unknown, options?: unknown): Promise<OracleExecuteResult> {
    if (this.closed) throw oraError('NJS-003', 'NJS-003: invalid or closed connection');
    this.record({ method: 'execute', sql, binds, options: options as Record<string, unknown> });
    const rule = this.driver.rules.find((r) => r.match.test(sql));
    if (rule?.hang) {
      await new Promise<void>((resolve, reject) => {
        if (rule.ignoreBreak) return;
        this.pendingBreak = () =>
          reject(oraError('ORA-01013', 'ORA-01013: user requested cancel of current operation'));
        void resolve;
      });
    }
    if (rule?.error) throw rule.error;
    if (rule?.resultSet) {
      const set = new FakeResultSet(this, rule.resultSet.metaData, rule.resultSet.rows);
      this.driver.resultSets.push(set);
      return { metaData: rule.resultSet.metaData, resultSet: set };
    }
    return { rows: rule?.rows ?? [] };
  }
  async break(): Promise<void> {
    this.record({ method: 'break' });
    if (this.driver.breakHangs) return new Promise(() => {});
    this.pendingBreak?.();
    this.pendingBreak = undefined;
  }
  async rollback(): Promise<void> {
    this.record({ method: 'rollback' });
    if (this.driver.rollbackError) throw this.driver.rollbackError;
  }
  async ping(): Promise<void> {
    this.record({ method: 'ping' });
    if (!this.healthy)
      throw oraError('NJS-500', 'NJS-500: connection to Oracle Database was closed or broken');
  }
  async close(): Promise<void> {
    this.record({ method: 'close' });
    this.closed = true;
  }
  isHealthy(): boolean {
    return this.healthy && !this.closed;
  }
  /** Records a call made on behalf of a result set. */
  note(call: Omit<Call, 'callTimeout' | 'connection'>) {
    this.record(call);
  }
}

export class FakeResultSet implements OracleResultSet {
  private position = 0;
  closed = false;
  fetched = 0;
  constructor(
    private readonly connection: FakeConnection,
    readonly metaData: ResultColumnMeta[],
    private readonly rows: unknown[][],
  ) {}
  async getRows(count: number): Promise<unknown[][]> {
    this.connection.note({ method: 'getRows', options: { count } });
    const batch = this.rows.slice(this.position, this.position + count);
    this.position += batch.length;
    this.fetched += batch.length;
    return batch;
  }
  async close(): Promise<void> {
    this.connection.note({ method: 'closeResultSet' });
    this.closed = true;
  }
}

/** A fake `oracledb` module: `getConnection` records its attributes and hands out FakeConnections. */
export class FakeDriver implements OracleDriver {
  readonly calls: Call[] = [];
  readonly connections: FakeConnection[] = [];
  readonly resultSets: FakeResultSet[] = [];
  readonly attributes: oracledb.ConnectionAttributes[] = [];
  rules: Rule[] = [];
  connectError: unknown;
  breakHangs = false;
  rollbackError: unknown;

  constructor(rules: Rule[] = []) {
    this.rules = rules;
  }

  async getConnection(attributes: oracledb.ConnectionAttributes): Promise<FakeConnection> {
    this.attributes.push(attributes);
    if (this.connectError) throw this.connectError;
    const connection = new FakeConnection(this);
    this.connections.push(connection);
    return connection;
  }

  /** The SQL of every execute, in order, with the session setup left out. */
  statements(): string[] {
    return this.calls
      .filter((c) => c.method === 'execute' && !/^ALTER SESSION/.test(c.sql ?? ''))
      .map((c) => c.sql!);
  }

  /** Calls other than the session setup, as `method` or `execute <first words>`. */
  trace(): string[] {
    return this.calls
      .filter((c) => !(c.method === 'execute' && /^ALTER SESSION/.test(c.sql ?? '')))
      .map((c) =>
        c.method === 'execute' ? `execute ${c.sql!.split(/\s+/).slice(0, 3).join(' ')}` : c.method,
      );
  }
}

/** Result-column metadata as node-oracledb reports it. */
export const meta = (
  name: string,
  dbTypeName: string,
  precision?: number,
  scale?: number,
): ResultColumnMeta => ({
  name,
  dbTypeName,
  precision,
  scale,
});
