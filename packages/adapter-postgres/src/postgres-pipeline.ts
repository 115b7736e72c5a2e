import type pg from 'pg';

/**
 * Caller SQL as ONE extended-protocol pipeline: the statements of `before`, the caller's statement
 * (Parse/Bind/Describe/Execute with a row limit), the statements of `after`, Sync — written at once,
 * so a query that fits the first batch costs one round trip (pg-cursor took three: describe, fetch,
 * close). When the caps need more than one batch, the pipeline pauses with Flush instead of Sync
 * and fetches the rest from the still-open unnamed portal; `after` and Sync follow the last batch.
 * A portal suspended at the cap is never run further: the next Bind (of `after`) drops it.
 *
 * pg's client allows one Sync per submitted query (it ends the query at the first ReadyForQuery),
 * which is why the reset rides inside the same transaction rather than after a second Sync.
 */

/** What a pipelined read got back. */
export interface PipelineRead {
  readonly fields: readonly pg.FieldDef[];
  readonly rows: (string | null)[][];
  readonly truncatedBy?: 'rows' | 'bytes' | undefined;
}

export interface PipelineOptions {
  /** Statements run before the caller's, in the same transaction (no rows expected). */
  readonly before: readonly string[];
  readonly sql: string;
  /** Statements run after the caller's (their rows are ignored). */
  readonly after: readonly string[];
  readonly maxRows: number;
  readonly maxBytes: number;
  /** Rows per Execute; a cap of up to this many rows (+1) is read in the first write. */
  readonly batchRows: number;
  /** Given the result's columns, the estimated answer size of one row in bytes. */
  readonly rowBytes: (fields: readonly pg.FieldDef[]) => (row: readonly (string | null)[]) => number;
}

/** The part of pg's Connection the pipeline uses: its socket, and Sync/CopyFail for error paths. */
type Connection = {
  sync(): void;
  sendCopyFail(message: string): void;
  stream: { writable: boolean; write(chunk: Buffer): boolean };
};

// The frontend messages, encoded here rather than one pg serializer call (and one socket chunk) per
// message: the fixed statements around the caller's are encoded once, and a whole pipeline leaves
// in ONE write. Formats: PostgreSQL protocol v3, unnamed statement and portal, no parameters, text
// results.
const BIND = Buffer.from([0x42, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0]);
const DESCRIBE_PORTAL = Buffer.from([0x44, 0, 0, 0, 6, 0x50, 0]);
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);
const FLUSH = Buffer.from([0x48, 0, 0, 0, 4]);

function parseMessage(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const message = Buffer.allocUnsafe(1 + 4 + 1 + length + 1 + 2);
  message[0] = 0x50;
  message.writeInt32BE(message.length - 1, 1);
  message[5] = 0;
  message.write(text, 6, 'utf8');
  message[6 + length] = 0;
  message.writeInt16BE(0, 7 + length);
  return message;
}

function executeMessage(rows: number): Buffer {
  const message = Buffer.from([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0]);
  message.writeInt32BE(rows, 6);
  return message;
}

const EXECUTE_ALL = executeMessage(0);
const encoded = new Map<string, Buffer>();

/** Parse/Bind/Execute of each statement, memoised (a handful of distinct lists in practice). */
function statementsMessage(statements: readonly string[]): Buffer {
  const key = statements.join('\0');
  let message = encoded.get(key);
  if (message === undefined) {
    message = Buffer.concat(statements.flatMap((text) => [parseMessage(text), BIND, EXECUTE_ALL]));
    if (encoded.size >= 64) encoded.clear();
    encoded.set(key, message);
  }
  return message;
}

function write(connection: Connection, chunks: Buffer[]): void {
  if (connection.stream.writable) connection.stream.write(Buffer.concat(chunks));
}

/**
 * A pg Submittable (`client.query(new ReadPipeline(…))`) reading at most `maxRows` + 1 rows (the
 * extra one only proves there are more) and about `maxBytes`; rows past a cap are dropped as they
 * arrive, so memory stays at the cap whatever the batch brings. `done` settles at ReadyForQuery
 * (rejects with the server's error, after which pg's client has already synced).
 */
export class ReadPipeline {
  readonly done: Promise<PipelineRead>;
  private resolve!: (read: PipelineRead) => void;
  private reject!: (error: unknown) => void;
  private readonly want: number;
  /** Index of the statement whose result messages arrive next; the caller's is `before.length`. */
  private phase = 0;
  private synced = false;
  private fields: readonly pg.FieldDef[] = [];
  private sizeOf: ((row: readonly (string | null)[]) => number) | undefined;
  private readonly rows: (string | null)[][] = [];
  private received = 0;
  private bytes = 2;
  private truncatedBy: 'rows' | 'bytes' | undefined;
  private failed = false;

  constructor(private readonly options: PipelineOptions) {
    this.want = options.maxRows + 1;
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Nobody may be listening yet when a connection error fails the query.
    this.done.catch(() => {});
  }

  submit(connection: Connection): void {
    const { before, after, sql, batchRows } = this.options;
    const chunks = [
      statementsMessage(before),
      parseMessage(sql),
      BIND,
      DESCRIBE_PORTAL,
      executeMessage(Math.min(this.want, batchRows)),
    ];
    if (this.want <= batchRows) {
      this.synced = true;
      chunks.push(statementsMessage(after), SYNC);
    } else {
      chunks.push(FLUSH);
    }
    write(connection, chunks);
  }

  handleRowDescription(message: { fields: pg.FieldDef[] }): void {
    if (this.phase !== this.options.before.length) return;
    this.fields = message.fields;
    this.sizeOf = this.options.rowBytes(message.fields);
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    if (this.phase !== this.options.before.length || this.truncatedBy !== undefined) return;
    this.received++;
    const row = message.fields;
    if (this.rows.length >= this.options.maxRows) {
      this.truncatedBy = 'rows';
      return;
    }
    const size = this.sizeOf ? this.sizeOf(row) : 0;
    if (this.bytes + size > this.options.maxBytes) {
      this.truncatedBy = 'bytes';
      return;
    }
    this.bytes += size;
    this.rows.push(row);
  }

  handlePortalSuspended(connection: Connection): void {
    if (!this.synced) {
      // Only the caller's statement has a row limit: fetch on, or stop at the cap.
      if (this.truncatedBy === undefined && this.received < this.want) {
        write(connection, [
          executeMessage(Math.min(this.want - this.received, this.options.batchRows)),
          FLUSH,
        ]);
        return;
      }
      this.finish(connection);
    }
    this.phase++;
  }

  handleCommandComplete(_message: unknown, connection: Connection): void {
    this.completed(connection);
  }

  handleEmptyQuery(connection: Connection): void {
    this.completed(connection);
  }

  handleError(error: unknown, connection: Connection): void {
    this.failed = true;
    // The server skips to Sync after an error: a paused pipeline must send one to get ReadyForQuery.
    if (!this.synced) {
      this.synced = true;
      connection.sync();
    }
    this.reject(error);
  }

  handleReadyForQuery(): void {
    if (this.failed) return;
    this.resolve({ fields: this.fields, rows: this.rows, truncatedBy: this.truncatedBy });
  }

  handleCopyInResponse(connection: Connection): void {
    connection.sendCopyFail('COPY FROM STDIN is not supported');
  }

  handleCopyData(): void {}

  private completed(connection: Connection): void {
    if (this.phase === this.options.before.length && !this.synced) this.finish(connection);
    this.phase++;
  }

  private finish(connection: Connection): void {
    this.synced = true;
    write(connection, [statementsMessage(this.options.after), SYNC]);
  }
}
