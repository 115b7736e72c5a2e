/**
 * Where a live test suite gets its database server (DESIGN.md §6): the URL in an environment variable
 * when set, else a container the caller knows how to start, else a reason to skip that names the
 * variable. This module never imports Testcontainers: adapter tests pass starter functions in, so the
 * suite package keeps no container dependency and a machine with URLs set never loads one.
 */

/** Five minutes: a cold image pull on a slow link, yet a hung daemon cannot stall a run for ever. */
const DEFAULT_START_TIMEOUT_MS = 300_000;

/** A database server a harness may create and drop its own databases on. */
export interface DatabaseSource {
  /** Connection URL with admin rights; it may carry a password, so it is never put in a title or log. */
  readonly url: string;
  /** `environment` when it came from the variable, `container` when started for this run. */
  readonly origin: 'environment' | 'container';
  /** A secret-free name for titles and messages: the variable, or the image. */
  readonly label: string;
  /** Stops the container this run started; nothing for a server from the environment. */
  release(): Promise<void>;
}

/** A container the caller started, reduced to what a harness needs. */
export interface StartedDatabaseContainer {
  /** Admin URL of the server inside it (host and mapped port as seen from the test process). */
  readonly url: string;
  /** Stops and removes the container. */
  stop(): Promise<void>;
}

/** One image the suite runs against when the variable is unset. */
export interface DatabaseContainerSpec {
  /** Image reference, e.g. `postgres:16-alpine`; shown in titles and skip reasons. */
  readonly image: string;
  /** The name LEGACYBRIDGE_REQUIRE_DB lists to make this target mandatory (`mysql`, `mariadb` …). */
  readonly service: string;
  /** Starts the container and waits until the server accepts connections. */
  start(): Promise<StartedDatabaseContainer>;
}

/** How to find the servers one adapter's live suite runs against. */
export interface DatabaseTargetOptions {
  /** The environment variable holding a server URL, e.g. `LEGACYBRIDGE_TEST_POSTGRES_URL`. */
  readonly variable: string;
  /** The LEGACYBRIDGE_REQUIRE_DB name of the server the variable points at. */
  readonly service: string;
  /** The images to start, in order, when the variable is unset. */
  readonly containers: readonly DatabaseContainerSpec[];
  /**
   * Resolves when a container runtime answers, rejects when none does. Called at most once per
   * `databaseTargets` call, so several images share one probe; it should be fast (Testcontainers 11
   * rejects in milliseconds when there is no runtime).
   */
  readonly probeRuntime: () => Promise<unknown>;
  /** Upper bound for one container to start, pull included (default 5 minutes). */
  readonly startTimeoutMs?: number | undefined;
  /** The environment to read the variable from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** One server the suite should run against, acquired lazily so nothing starts before the suite asks. */
export interface DatabaseTarget {
  /** Secret-free name for titles: the variable or the image. */
  readonly label: string;
  /** The LEGACYBRIDGE_REQUIRE_DB name that makes this target mandatory. */
  readonly service: string;
  /** Where the server comes from. */
  readonly origin: DatabaseSource['origin'];
  /**
   * The server, or why it cannot be had: no container runtime, a start that failed or timed out.
   * The reason always names the variable to set instead.
   */
  acquire(): Promise<DatabaseSource | { readonly skip: string }>;
}

/**
 * The servers to run a live suite against: the variable's URL alone when it is set, else one target
 * per container image (each started on `acquire`, bounded by `startTimeoutMs`).
 */
export function databaseTargets(options: DatabaseTargetOptions): readonly DatabaseTarget[] {
  const env = options.env ?? process.env;
  const url = env[options.variable];
  if (url !== undefined && url.trim() !== '') {
    const source: DatabaseSource = {
      url,
      origin: 'environment',
      label: options.variable,
      release: async () => {},
    };
    return [
      {
        label: options.variable,
        service: options.service,
        origin: 'environment',
        acquire: async () => source,
      },
    ];
  }
  let probe: Promise<string | undefined> | undefined;
  // One probe for all images: a machine without a runtime pays for it once, in milliseconds.
  const runtimeMissing = () => {
    probe ??= options.probeRuntime().then(
      () => undefined,
      (error: unknown) => messageOf(error),
    );
    return probe;
  };
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  return options.containers.map((spec) => ({
    label: `${spec.image} container`,
    service: spec.service,
    origin: 'container' as const,
    acquire: async () => {
      const missing = await runtimeMissing();
      if (missing !== undefined) {
        return {
          skip: `${options.variable} is unset and no container runtime answers for ${spec.image} (${missing}); set ${options.variable} to a server URL or start Docker/Podman`,
        };
      }
      const started = await startWithin(spec, timeoutMs);
      if ('failure' in started) {
        return {
          skip: `${options.variable} is unset and the ${spec.image} container did not start (${started.failure}); set ${options.variable} to a server URL`,
        };
      }
      return {
        url: started.url,
        origin: 'container' as const,
        label: `${spec.image} container`,
        release: () => started.stop(),
      };
    },
  }));
}

async function startWithin(
  spec: DatabaseContainerSpec,
  timeoutMs: number,
): Promise<StartedDatabaseContainer | { failure: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const starting = spec.start();
  const deadline = new Promise<{ failure: string }>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve({ failure: `no ready server within ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    timer.unref?.();
  });
  // A start that finishes after we gave up must not leave a container running.
  starting.then(
    (late) => (timedOut ? late.stop().catch(() => {}) : undefined),
    () => {},
  );
  try {
    return await Promise.race([
      starting.catch((error: unknown) => ({ failure: messageOf(error) })),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
