import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type sql from 'mssql';
import { OneConnectionPool } from '../src/mssql-session.js';

/**
 * A fake tedious Connection behind a real mssql ConnectionPool, so unit tests drive the adapter
 * through mssql's own Transaction/Request code (streaming, cancel, result sets) and record what
 * reaches the wire: BEGIN with its isolation level, each batch or sp_executesql text, cancels
 * (TDS attentions), ROLLBACK and close. No SQL Server can run on this machine; the live behaviour
 * is the conformance suite's job.
 */

const tds = createRequire(createRequire(import.meta.url).resolve('mssql'))('tedious') as {
  TYPES: Record<string, object>;
};
export const TDS_TYPES = tds.TYPES;

/** One result set a scripted statement returns. */
export interface FakeResultSet {
  readonly columns: readonly { name: string; type: keyof typeof TDS_TYPES | string }[];
  readonly rows: readonly unknown[][];
}

/** What the fake server does with one statement. */
export interface FakeBehaviour {
  readonly sets?: readonly FakeResultSet[];
  /** The server ends the transaction itself (XACT_ABORT after an error, or a ROLLBACK in the batch). */
  readonly serverRollback?: boolean;
  /** A server error after the sets (number, message, class). */
  readonly error?: { number: number; message: string; class?: number; lineNumber?: number };
  /** Rows emitted per tick (streaming); default all at once. */
  readonly chunk?: number;
  /** Never finishes on its own: only a cancel (or close) ends it. */
  readonly hang?: boolean;
  /** Ignore cancels (a server that never acknowledges the attention). */
  readonly ignoreCancel?: boolean;
}

export interface FakeServer {
  /** Every event, in order: `BEGIN 4096`, `BATCH <sql>`, `EXEC <sql> {params}`, `CANCEL`, `ROLLBACK`, `CLOSE`. */
  readonly log: string[];
  /** How many rows were emitted per statement (for "stopped early" checks). */
  readonly emitted: number[];
  readonly connections: FakeTedious[];
  /** Decides the behaviour of each statement. */
  script: (sqlText: string) => FakeBehaviour;
  /** Fails the next connection attempts with this error, when set. */
  connectError?: unknown;
  /** Fails ROLLBACK when set. */
  rollbackError?: unknown;
  /** Fails the session reset when set. */
  resetError?: unknown;
  /** Creates the mssql ConnectionPool of one session (pass as `createDriverPool`). */
  createDriverPool(config: sql.config): sql.ConnectionPool;
}

interface TdsRequest extends EventEmitter {
  sqlTextOrProcedure: string;
  parameters: { name: string; value: unknown }[];
  callback(error?: unknown, rowCount?: number): void;
}

export class FakeTedious extends EventEmitter {
  closed = false;
  hasError = false;
  private current: { req: TdsRequest; cancelled: boolean; behaviour: FakeBehaviour } | undefined;

  constructor(private readonly server: FakeServer) {
    super();
  }

  beginTransaction(callback: (error?: unknown) => void, _name: string, isolationLevel: number) {
    this.server.log.push(`BEGIN ${isolationLevel}`);
    setImmediate(callback);
  }

  rollbackTransaction(callback: (error?: unknown) => void) {
    this.server.log.push('ROLLBACK');
    const error = this.server.rollbackError;
    setImmediate(() => callback(error));
  }

  commitTransaction(callback: (error?: unknown) => void) {
    this.server.log.push('COMMIT');
    setImmediate(callback);
  }

  execSqlBatch(req: TdsRequest) {
    this.server.log.push(`BATCH ${req.sqlTextOrProcedure}`);
    this.run(req);
  }

  execSql(req: TdsRequest) {
    const params = Object.fromEntries(req.parameters.map((p) => [p.name, p.value]));
    this.server.log.push(`EXEC ${req.sqlTextOrProcedure} ${JSON.stringify(params)}`);
    this.run(req);
  }

  cancel() {
    this.server.log.push('CANCEL');
    const current = this.current;
    if (!current || current.behaviour.ignoreCancel) return;
    current.cancelled = true;
    setImmediate(() => this.finish(current.req, Object.assign(new Error('Canceled.'), { code: 'ECANCEL' })));
  }

  close() {
    if (this.closed) return;
    this.server.log.push('CLOSE');
    this.closed = true;
    const current = this.current;
    setImmediate(() => {
      if (current)
        this.finish(current.req, Object.assign(new Error('Connection closed'), { code: 'ECLOSE' }));
      this.emit('end');
    });
  }

  /** tedious's reset: the initial SQL sent with the TDS reset-connection flag. */
  reset(callback: (error?: unknown) => void) {
    this.server.log.push('RESET');
    const error = this.server.resetError;
    setImmediate(() => callback(error));
  }

  pause() {}
  resume() {}

  private finish(req: TdsRequest, error?: unknown, rowCount = 0) {
    if (this.current?.req !== req) return;
    this.current = undefined;
    req.callback(error, rowCount);
  }

  private run(req: TdsRequest) {
    const behaviour = this.server.script(req.sqlTextOrProcedure);
    const state = { req, cancelled: false, behaviour };
    this.current = state;
    const sets = [...(behaviour.sets ?? [])];
    let emitted = 0;
    const index = this.server.emitted.push(0) - 1;
    const step = async () => {
      for (const set of sets) {
        const metadata = set.columns.map((c) => ({
          colName: c.name,
          type: TDS_TYPES[c.type],
          dataLength: 8,
          precision: 20,
          scale: 2,
          flags: 1,
        }));
        req.emit('columnMetadata', metadata);
        const chunk = behaviour.chunk ?? Number.POSITIVE_INFINITY;
        for (let i = 0; i < set.rows.length; i++) {
          if (state.cancelled || this.closed) return;
          if (i > 0 && i % chunk === 0) await new Promise((r) => setImmediate(r));
          if (state.cancelled || this.closed) return;
          const row = set.rows[i]!;
          req.emit(
            'row',
            row.map((value, c) => ({ value, metadata: metadata[c] })),
          );
          emitted++;
          this.server.emitted[index] = emitted;
        }
        req.emit('doneInProc', set.rows.length, true, []);
      }
      if (behaviour.hang) return;
      if (behaviour.serverRollback) this.emit('rollbackTransaction');
      if (behaviour.error) {
        const info = { class: 16, state: 1, lineNumber: 1, ...behaviour.error };
        this.emit('errorMessage', info);
        this.finish(req, Object.assign(new Error(info.message), { code: 'EREQUEST', info }));
        return;
      }
      req.emit('done', 0, false, []);
      this.finish(req, undefined, 0);
    };
    setImmediate(() => void step());
  }
}

/** A fake server; every session's mssql pool gets a new FakeTedious from it. */
export function fakeServer(script: FakeServer['script'] = () => ({ sets: [] })): FakeServer {
  const server: FakeServer = {
    log: [],
    emitted: [],
    connections: [],
    script,
    createDriverPool(config) {
      class FakePool extends OneConnectionPool {
        protected override openConnection() {
          if (server.connectError) return Promise.reject(server.connectError);
          const connection = new FakeTedious(server);
          server.connections.push(connection);
          return Promise.resolve(connection);
        }
      }
      return new FakePool(config);
    },
  };
  return server;
}
