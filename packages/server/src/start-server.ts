import type { AdapterDefinition, ConfigFailure, LoggerPort } from '@legacybridge/core';
import { withSpan } from '@legacybridge/telemetry';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { adaptersFor } from './adapters.js';
import type { TransportKind } from './cli-args.js';
import { effectiveConfiguration } from './config-log.js';
import { auditInBackground, checkReadOnlyUser, onFirstUse, type ReadOnlyRefusal } from './doctor.js';
import type { HttpServerHandle } from './http.js';
import { createLogger } from './logger.js';
import { createRuntime, type Runtime } from './runtime.js';
import { loadSettings } from './settings.js';
import { startStdioServer } from './stdio.js';
import { startTelemetry } from './telemetry.js';
import { VERSION } from './version.js';

/** Options of `startServer`; every field is optional and falls back to the environment. */
export interface StartServerOptions {
  readonly transport?: TransportKind | undefined;
  /** Overrides DATABASE_URL. */
  readonly url?: string | undefined;
  /** Overrides APP_HOST (http). */
  readonly host?: string | undefined;
  /** Overrides APP_PORT (http); 0 picks a free port. */
  readonly port?: number | undefined;
  /** `true` sets REQUIRE_READ_ONLY_USER (refuse to start unless the privilege audit says read-only). */
  readonly requireReadOnlyUser?: boolean | undefined;
  /** Configuration variables; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Default: a stderr logger configured by LOG_LEVEL and LOG_FORMAT. */
  readonly logger?: LoggerPort | undefined;
  /** Adapters to register; default the one this package ships for the URL's scheme (loadAdaptersFor). */
  readonly adapters?: readonly AdapterDefinition[] | undefined;
  /** Where the demo database lives when none is configured; default the user cache directory. */
  readonly demoPath?: string | undefined;
  /** Name reported to MCP clients. */
  readonly name?: string | undefined;
}

/** A started server: where it listens, its runtime, and how to stop it. */
export interface RunningServer {
  readonly transport: TransportKind;
  /** The bound address, for http. */
  readonly url?: string | undefined;
  readonly runtime: Runtime;
  readonly logger: LoggerPort;
  /** Resolves when the transport ends by itself (stdio: the client closed stdin); never for http. */
  readonly ended: Promise<void>;
  /** Stops the transport, then closes the database pool. Idempotent. */
  close(): Promise<void>;
}

/** A startup failure: bad configuration (exit 2 in the CLI) or a port that cannot be bound. */
export type StartFailure =
  | { readonly kind: 'InvalidConfig'; readonly failures: readonly ConfigFailure[] }
  | { readonly kind: 'ListenFailed'; readonly message: string }
  /** REQUIRE_READ_ONLY_USER refused: the user can write, could not be audited, or the database is down. */
  | { readonly kind: 'NotReadOnly'; readonly reason: ReadOnlyRefusal['reason']; readonly message: string };

/**
 * Starts LegacyBridge for embedding: configuration from `env` plus overrides, the database adapter
 * (opened lazily), and the chosen MCP transport. Logs startup to the logger, never to stdout.
 * The privilege audit runs once without delaying startup: over stdio on the first database use (a
 * probing client's throwaway copy must open no connection), over HTTP right after listening; a user
 * that can write gets a prominent warning. With REQUIRE_READ_ONLY_USER it runs eagerly, before the
 * transport starts.
 * @returns err(InvalidConfig) listing every bad variable, err(ListenFailed) when the HTTP port
 * cannot be bound, err(NotReadOnly) when REQUIRE_READ_ONLY_USER is set and the user is not read-only.
 */
export function startServer(options: StartServerOptions = {}): ResultAsync<RunningServer, StartFailure> {
  const env = options.env ?? process.env;
  const transport = options.transport ?? 'stdio';
  return loadSettings(env, {
    url: options.url,
    host: options.host,
    port: options.port,
    requireReadOnlyUser: options.requireReadOnlyUser,
  })
    .mapErr((failures): StartFailure => ({ kind: 'InvalidConfig', failures }))
    .andThen((settings) =>
      adaptersFor(options.adapters, settings.config.databaseUrl)
        .mapErr((failure): StartFailure => ({ kind: 'InvalidConfig', failures: [failure] }))
        .map((adapters) => ({ settings, adapters })),
    )
    .andThen(({ settings, adapters }) => {
      const logger =
        options.logger ??
        createLogger({ ...settings.config.log, stackTraces: settings.config.env !== 'production' });
      const telemetry = startTelemetry(settings.config, transport);
      const runtime = createRuntime({
        settings,
        adapters,
        logger,
        demoPath: options.demoPath,
        metrics: telemetry.metrics?.metrics,
        traced: telemetry.tracing.enabled,
      });
      if (runtime.isErr()) {
        void telemetry.close();
        return errAsync<RunningServer, StartFailure>({ kind: 'InvalidConfig', failures: [runtime.error] });
      }
      // Closing the runtime also flushes the last spans and stops the meter.
      const rt: Runtime = {
        ...runtime.value,
        close: () => runtime.value.close().finally(() => telemetry.close()),
      };
      telemetry.metrics?.observePool(() => rt.deps.db.poolStats(), { dialect: rt.deps.db.dialect });
      logger.info('starting', {
        version: VERSION,
        transport,
        dialect: rt.deps.db.dialect,
        database: rt.description,
      });
      // Once, every variable with its effective value, secrets redacted: what this replica runs with.
      // poolMax is what the adapter was actually given (size + overflow): without DB_POOL_SIZE and
      // DB_MAX_OVERFLOW the runtime picks per-dialect sizes (SQLite 2 + 2) that the variables do not show.
      logger.info('configuration', {
        config: effectiveConfiguration(settings.config),
        poolMax: rt.deps.db.poolStats().max,
      });
      if (rt.dictionary !== undefined) {
        const { dictionary, path, demo } = rt.dictionary;
        logger.info('data dictionary', {
          path,
          demo,
          tables: dictionary.tables.length,
          columns: dictionary.columnCount,
          hiddenTables: dictionary.tables.filter((t) => t.hidden).length,
        });
      }
      if (!settings.config.requireReadOnlyUser)
        return okAsync<Runtime, StartFailure>(rt).andThen(serve(false));
      return ResultAsync.fromSafePromise<ReadOnlyRefusal | undefined, StartFailure>(
        checkReadOnlyUser(rt.deps.db),
      ).andThen((refusal) => {
        if (refusal === undefined) {
          logger.info('privilege audit: the database user is read-only (REQUIRE_READ_ONLY_USER)');
          return serve(true)(rt);
        }
        return ResultAsync.fromSafePromise(rt.close()).andThen(() =>
          errAsync<RunningServer, StartFailure>({ kind: 'NotReadOnly', ...refusal }),
        );
      });

      function serve(audited: boolean) {
        return (rt: Runtime): ResultAsync<RunningServer, StartFailure> => {
          const audit = () => auditInBackground(rt.deps.db, logger);
          if (transport === 'stdio') {
            // Lazily, on the first database use: an auto-mode client's probe copy must stay unconnected.
            const db = audited ? rt.deps.db : onFirstUse(rt.deps.db, audit);
            const deps = { ...rt.deps, db };
            const stdio = startStdioServer({ ...common(deps) });
            return okAsync(running(transport, undefined, rt, logger, stdio.ended, () => stdio.close()));
          }
          // Imported here, not at the top: Express, the rate limiter's Redis client and the rest of the
          // HTTP stack were about a fifth of a stdio server's startup, and stdio never uses them.
          return ResultAsync.fromSafePromise(import('./http.js')).andThen((http) =>
            serveHttp(rt, http, audit),
          );
        };

        function serveHttp(
          rt: Runtime,
          { httpAuthSettings, startHttpServer }: typeof import('./http.js'),
          audit: () => void,
        ): ResultAsync<RunningServer, StartFailure> {
          const { config } = settings;
          const auth = httpAuthSettings(config);
          if (auth.isErr()) {
            return ResultAsync.fromSafePromise(rt.close()).andThen(() =>
              errAsync<RunningServer, StartFailure>({ kind: 'InvalidConfig', failures: auth.error }),
            );
          }
          if (!config.apiKeyRequired) {
            logger.warn(
              'HTTP API keys are off (API_KEY_REQUIRED=false): anyone who reaches the port can query',
            );
          }
          return ResultAsync.fromPromise(
            startHttpServer({
              ...common(rt.deps),
              host: config.host,
              port: config.port,
              allowedHosts: config.allowedHosts,
              healthCheckEnabled: config.healthCheckEnabled,
              auth: auth.value,
              rateLimit: config.rateLimit,
              redisUrl: config.redisUrl,
              shutdownTimeoutMs: config.shutdownTimeoutMs,
              trustProxy: config.trustProxy,
              metrics: telemetry.metrics,
              metricsPort: config.metrics.port,
            }),
            (error): StartFailure => ({
              kind: 'ListenFailed',
              message: `cannot listen on ${config.host}:${(error as { port?: number }).port ?? config.port} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
            }),
          )
            .orElse((failure) => ResultAsync.fromSafePromise(rt.close()).andThen(() => errAsync(failure)))
            .map((http: HttpServerHandle) => {
              logger.info('listening', {
                url: http.url,
                mcp: `${http.url}/mcp`,
                rest: `${http.url}/v1`,
                health: `${http.url}/health`,
                ready: `${http.url}/ready`,
                metrics:
                  telemetry.metrics === undefined ? undefined : (http.metricsUrl ?? http.url) + '/metrics',
                apiKeys: auth.value.apiKeys.map((k) => k.name),
              });
              // A long-lived HTTP service is never a throwaway probe: audit now, in the background.
              if (!audited) audit();
              return running(transport, http.url, rt, logger, new Promise<void>(() => {}), () =>
                http.close(),
              );
            });
        }
      }

      function common(deps: Runtime['deps']) {
        return {
          deps,
          logger,
          name: options.name ?? 'legacybridge',
          version: VERSION,
          trace: telemetry.tracing.enabled ? withSpan : undefined,
        };
      }
    });
}

function running(
  transport: TransportKind,
  url: string | undefined,
  runtime: Runtime,
  logger: LoggerPort,
  ended: Promise<void>,
  stopTransport: () => Promise<void>,
): RunningServer {
  let closing: Promise<void> | undefined;
  return {
    transport,
    url,
    runtime,
    logger,
    ended,
    close() {
      closing ??= (async () => {
        await stopTransport().catch((error: unknown) =>
          logger.warn('transport close failed', { error: (error as Error)?.message }),
        );
        await runtime
          .close()
          .catch((error: unknown) =>
            logger.warn('database close failed', { error: (error as Error)?.message }),
          );
        logger.info('stopped', { transport });
      })();
      return closing;
    },
  };
}
