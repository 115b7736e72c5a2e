export {
  type DatabaseContainerSpec,
  type DatabaseSource,
  type DatabaseTarget,
  type DatabaseTargetOptions,
  databaseTargets,
  type StartedDatabaseContainer,
} from './database-source.js';
export { DIALECT_EXPECTATIONS, type DialectExpectations, type WriteAttempts } from './expectations.js';
export { CONFORMANCE_FIXTURES, FIXTURE_TABLES, FIXTURE_VIEW } from './fixtures.js';
export { type ConformanceHarness, type HarnessContext, SCENARIO_IDS, type ScenarioId } from './harness.js';
export { isDatabaseRequired, REQUIRE_DB_VARIABLE, requiredDatabases, skipOrFail } from './require-db.js';
export { describeAdapterConformance } from './suite.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
export { createTlsFiles, opensslUnavailable, type TlsFiles } from './tls-certs.js';
