import { defaultSchemes } from './adapters.js';
import { helpText, parseCliArgs } from './cli-args.js';
import { DOCTOR_EXIT, runDoctor } from './doctor.js';
import { redactText } from './redact.js';
import { formatConfigFailures } from './settings.js';
import { type RunningServer, type StartFailure, startServer } from './start-server.js';
import { VERSION } from './version.js';

/**
 * Exit codes: 0 done, 1 unexpected failure, 2 bad usage or configuration (nothing was started),
 * 3 REQUIRE_READ_ONLY_USER could not reach the database. `doctor` has its own (DOCTOR_EXIT).
 */
const EXIT_USAGE = 2;

async function main(argv: readonly string[]): Promise<number | undefined> {
  const command = parseCliArgs(argv);
  if (command.isErr()) {
    process.stderr.write(`legacybridge: ${command.error}\n`);
    return EXIT_USAGE;
  }
  // --help and --version are the only output ever written to stdout outside the MCP channel.
  if (command.value.kind === 'help') {
    process.stdout.write(helpText(VERSION, defaultSchemes()));
    return 0;
  }
  if (command.value.kind === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command.value.kind === 'doctor') return runDoctor({ url: command.value.url });
  const { transport, url, host, port, requireReadOnlyUser } = command.value;
  // Signal handlers go in before anything starts: a SIGTERM that lands while the server is still
  // starting must still end in an orderly close, not the default kill.
  let server: RunningServer | undefined;
  let pending: string | undefined;
  let stopping = false;
  const shutdown = (reason: string) => {
    if (server === undefined) {
      pending = reason;
      return;
    }
    if (stopping) {
      // A second signal while closing means "now"; stdin ending during the close is expected.
      if (reason.startsWith('SIG')) process.exit(1);
      return;
    }
    stopping = true;
    server.logger.info('shutting down', { reason });
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const started = await startServer({ transport, url, host, port, requireReadOnlyUser });
  if (started.isErr()) {
    const failure = started.error;
    process.stderr.write(
      failure.kind === 'InvalidConfig'
        ? `${formatConfigFailures(failure.failures)}\n`
        : `legacybridge: ${failure.message}\n`,
    );
    const code = exitCodeOf(failure);
    // Nothing runs any more, but our own signal handlers would keep a pending signal from ending us.
    if (pending !== undefined) process.exit(code);
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    return code;
  }
  server = started.value;
  if (pending !== undefined) shutdown(pending);
  void server.ended.then(() => shutdown('stdin closed'));
  return undefined;
}

function exitCodeOf(failure: StartFailure): number {
  if (failure.kind === 'InvalidConfig') return EXIT_USAGE;
  if (failure.kind === 'NotReadOnly')
    return failure.reason === 'unreachable' ? DOCTOR_EXIT.unreachable : EXIT_USAGE;
  return 1;
}

process.on('uncaughtException', (error) => {
  process.stderr.write(`legacybridge: unexpected error: ${redactText(error.message)}\n`);
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `legacybridge: unexpected error: ${redactText((error as Error)?.message ?? String(error))}\n`,
    );
    process.exitCode = 1;
  },
);
