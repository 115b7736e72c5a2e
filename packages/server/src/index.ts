export {
  ADAPTER_MODULES,
  type AdapterModule,
  adaptersFor,
  defaultSchemes,
  loadAdaptersFor,
  loadDefaultAdapters,
} from './adapters.js';
export { type CliCommand, helpText, parseCliArgs, type TransportKind } from './cli-args.js';
export { DEFAULT_ADAPTERS } from './default-adapters.js';
export { addDays, DEMO_COUNTS, fillDemoData, seededRandom } from './demo/demo-data.js';
export { defaultDemoPath, userCacheDir } from './demo/demo-path.js';
export { DEMO_SCHEMA_SQL, DEMO_TABLES, DEMO_VIEWS } from './demo/demo-schema.js';
export { type EnsureDemoOutcome, ensureDemoDatabase } from './demo/ensure-demo.js';
export {
  auditInBackground,
  checkReadOnlyUser,
  DOCTOR_EXIT,
  type DoctorOptions,
  formatPrivilegeReport,
  isReadOnly,
  onFirstUse,
  READ_ONLY_SCRIPTS,
  type ReadOnlyRefusal,
  runDoctor,
  writableWhat,
} from './doctor.js';
export {
  allowedHostsFor,
  isHostAllowed,
  isLoopbackBind,
  isOriginAllowed,
  LOOPBACK_HOSTS,
} from './host-check.js';
export { type HttpServerHandle, type HttpServerOptions, startHttpServer } from './http.js';
export { createLogger, LOG_SERVICE, type LoggerOptions, type LogLevel } from './logger.js';
export { redactText, redactUrl } from './redact.js';
export { createRuntime, type DatabaseSource, type Runtime, type RuntimeInput } from './runtime.js';
export {
  chainSecrets,
  createDefaultSecretPort,
  createEnvSecretPort,
  createFileSecretPort,
} from './secrets.js';
export { formatConfigFailures, loadSettings, type Settings, type SettingsOverrides } from './settings.js';
export {
  type RunningServer,
  type StartFailure,
  type StartServerOptions,
  startServer,
} from './start-server.js';
export { type StdioHandle, type StdioServerOptions, startStdioServer } from './stdio.js';
export { VERSION } from './version.js';
