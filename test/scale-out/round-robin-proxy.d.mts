export interface RoundRobinProxy {
  readonly url: string;
  readonly port: number;
  /** Responses received from each backend (index as in `backends`). */
  readonly served: number[];
  /** Retries after a refused/reset connection, and requests that failed on every backend (502). */
  readonly stats: { retried: number; failed: number };
  close(): Promise<void>;
}

export function startRoundRobinProxy(options: {
  backends: readonly string[];
  host?: string;
  port?: number;
}): Promise<RoundRobinProxy>;
