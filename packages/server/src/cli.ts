import { createAdapterRegistry } from '@legacybridge/core';
import { DEFAULT_ADAPTERS } from './adapters.js';
import { helpText, parseCliArgs } from './cli-args.js';
import { formatConfigFailures } from './settings.js';
import { startServer } from './start-server.js';
import { VERSION } from './version.js';

/** Exit codes: 0 done, 1 unexpected failure, 2 bad usage or configuration (nothing was started). */
const EXIT_USAGE = 2;

async function main(argv: readonly string[]): Promise<number | undefined> {
  const command = parseCliArgs(argv);
  if (command.isErr()) {
    process.stderr.write(`legacybridge: ${command.error}\n`);
    return EXIT_USAGE;
  }
  // --help and --version are the only output ever written to stdout outside the MCP channel.
  if (command.value.kind === 'help') {
    process.stdout.write(helpText(VERSION, createAdapterRegistry(DEFAULT_ADAPTERS).schemes()));
    return 0;
  }
  if (command.value.kind === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const { transport, url, host, port } = command.value;
  const started = await startServer({ transport, url, host, port });
  if (started.isErr()) {
    const failure = started.error;
    process.stderr.write(
      failure.kind === 'InvalidConfig'
        ? `${formatConfigFailures(failure.failures)}\n`
        : `legacybridge: ${failure.message}\n`,
    );
    return failure.kind === 'InvalidConfig' ? EXIT_USAGE : 1;
  }
  const server = started.value;
  const shutdown = (reason: string) => {
    server.logger.info('shutting down', { reason });
    // A second signal while closing means "now".
    process.once('SIGINT', () => process.exit(1));
    process.once('SIGTERM', () => process.exit(1));
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  void server.ended.then(() => shutdown('stdin closed'));
  return undefined;
}

process.on('uncaughtException', (error) => {
  process.stderr.write(`legacybridge: unexpected error: ${error.message}\n`);
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`legacybridge: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
