import { errAsync, type ResultAsync } from 'neverthrow';
import { type DatabaseFailure, dbFailure } from '../errors.js';
import { checkReadOnlySql } from '../guard/index.js';
import type { QueryPlan } from '../model.js';
import type { UseCaseDeps } from './deps.js';
import type { ExplainQueryInput } from './inputs.js';
import { limitsFor, type RunQueryOptions, recordOutcome } from './run-read-only-query.js';

/**
 * The database's plan for a read-only statement; the statement itself is never executed.
 * @returns err(ReadOnlyViolation) when the guard refuses it, err(PermissionDenied) when it names a table the
 * data dictionary hides, err(Unsupported) when the adapter cannot explain.
 */
export function explainQuery(
  deps: UseCaseDeps,
  input: ExplainQueryInput,
  options: RunQueryOptions = {},
): ResultAsync<QueryPlan, DatabaseFailure> {
  if (!deps.db.capabilities.supportsExplain) {
    return errAsync(
      dbFailure('Unsupported', { feature: 'explain_query', message: 'adapter cannot explain' }),
    );
  }
  const checked = checkReadOnlySql(input.sql, deps.db.dialect, {
    maxLength: deps.policy.maxSqlLength,
    hiddenTables: deps.dictionary?.hiddenTableNames,
  });
  if (checked.isErr())
    return recordOutcome(deps, 'explain_query', input.sql, options, errAsync(checked.error));
  return recordOutcome(
    deps,
    'explain_query',
    input.sql,
    options,
    deps.db.explain(checked.value, limitsFor(deps), options.signal),
  );
}
