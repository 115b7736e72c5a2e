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

/** Bytes of a Parse message of `length` bytes of SQL text (unnamed statement, no parameter types). */
function parseMessageLength(length: number): number {
  return 1 + 4 + 1 + length + 1 + 2;
}

/** Writes a Parse message of `text` (`length` its UTF-8 bytes) into `target` at `at`; returns the end. */
function writeParseMessage(target: Buffer, at: number, text: string, length: number): number {
  const size = parseMessageLength(length);
  target[at] = 0x50;
  target.writeInt32BE(size - 1, at + 1);
  target[at + 5] = 0;
  target.write(text, at + 6, length, 'utf8');
  target[at + 6 + length] = 0;
  target.writeInt16BE(0, at + 7 + length);
  return at + size;
}

function parseMessage(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const message = Buffer.allocUnsafe(parseMessageLength(length));
  writeParseMessage(message, 0, text, length);
  return message;
}

function executeMessage(rows: number): Buffer {
  const message = Buffer.from([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0]);
  message.writeInt32BE(rows, 6);
  return message;
}

const EXECUTE_ALL = executeMessage(0);
const EXECUTE_LENGTH = EXECUTE_ALL.length;
// Keyed by the statement list itself: readOnlyPipelineSql hands out the same arrays every time, so a
// lookup is one hash of an object, not a join of the statements' text.
const encoded = new WeakMap<readonly string[], Buffer>();

/** Parse/Bind/Execute of each statement, memoised per list (a handful of distinct lists in practice). */
function statementsMessage(statements: readonly string[]): Buffer {
  let message = encoded.get(statements);
  if (message === undefined) {
    message = Buffer.concat(statements.flatMap((text) => [parseMessage(text), BIND, EXECUTE_ALL]));
    encoded.set(statements, message);
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
    // The whole first write in one buffer: the fixed statements (encoded once), the caller's
    // Parse/Bind/Describe/Execute written in place, then the closing statements and Sync (or Flush).
    const prefix = statementsMessage(before);
    const synced = this.want <= batchRows;
    const suffix = synced ? statementsMessage(after) : undefined;
    const sqlLength = Buffer.byteLength(sql, 'utf8');
    const message = Buffer.allocUnsafe(
      prefix.length +
        parseMessageLength(sqlLength) +
        BIND.length +
        DESCRIBE_PORTAL.length +
        EXECUTE_LENGTH +
        (suffix === undefined ? FLUSH.length : suffix.length + SYNC.length),
    );
    let at = prefix.copy(message, 0);
    at = writeParseMessage(message, at, sql, sqlLength);
    at += BIND.copy(message, at);
    at += DESCRIBE_PORTAL.copy(message, at);
    at += EXECUTE_ALL.copy(message, at);
    message.writeInt32BE(Math.min(this.want, batchRows), at - 4);
    if (suffix === undefined) {
      FLUSH.copy(message, at);
    } else {
      this.synced = true;
      at += suffix.copy(message, at);
      SYNC.copy(message, at);
    }
    if (connection.stream.writable) connection.stream.write(message);
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
