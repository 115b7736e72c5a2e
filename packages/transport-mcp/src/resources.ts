import {
  type DatabaseFailure,
  describeTable,
  isHiddenTable,
  type LoggerPort,
  listTables,
  type TableInfo,
  type UseCaseDeps,
} from '@legacybridge/core';
import {
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  ResourceNotFoundError,
  ResourceTemplate,
} from '@modelcontextprotocol/server';
import type { Result } from 'neverthrow';
import { logFailure, logUnexpected, toPublicToolMessage } from './errors.js';
import { renderTableDetail, renderTableList } from './render.js';
import type { ToolResponder } from './respond.js';

/** URI of the table list resource. */
export const TABLES_RESOURCE_URI = 'legacybridge://tables';

/** URI template of one table's description; `{table}` accepts `schema.table` too. */
export const TABLE_RESOURCE_TEMPLATE = 'legacybridge://tables/{table}';

// The list resource is one read of the catalog; past this many tables list_tables pages instead.
const RESOURCE_TABLE_LIMIT = 1000;

/**
 * Registers `legacybridge://tables` (the table list as text) and `legacybridge://tables/{table}`
 * (one table described as text) with completion of table names. Nothing reads the database until a
 * client reads a resource or asks for a completion.
 */
export function registerResources(server: McpServer, deps: UseCaseDeps, responder: ToolResponder): void {
  server.registerResource(
    'tables',
    TABLES_RESOURCE_URI,
    {
      title: 'Tables',
      description: `Every table and view this database user can see (first ${RESOURCE_TABLE_LIMIT}), one per line.`,
      mimeType: 'text/plain',
    },
    async (uri) => {
      const result = await guarded(responder, 'resource:tables', () =>
        listTables(deps, { limit: RESOURCE_TABLE_LIMIT }),
      );
      if (result.isErr()) throw toResourceError(uri.href, result.error);
      return textResource(uri.href, renderTableList(result.value));
    },
  );

  server.registerResource(
    'table',
    new ResourceTemplate(TABLE_RESOURCE_TEMPLATE, {
      // Listing every table as a resource could mean thousands of entries per resources/list;
      // clients discover names through completion and the tables resource instead.
      list: undefined,
      complete: { table: (prefix) => completeTableNames(deps, prefix, responder.logger) },
    }),
    {
      title: 'Table description',
      description:
        'Columns, keys, foreign keys and indexes of one table, as text. `table` may be `schema.table`.',
      mimeType: 'text/plain',
    },
    async (uri, variables) => {
      const table = decodeVariable(variables.table);
      if (table === undefined || table.length === 0) {
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'The URI names no table.');
      }
      const result = await guarded(responder, 'resource:table', () => describeTable(deps, { table }));
      if (result.isErr()) throw toResourceError(uri.href, result.error);
      return textResource(uri.href, renderTableDetail(result.value));
    },
  );
}

/**
 * Table names starting with `prefix` (case-insensitive), schema-qualified when the table lives
 * outside the default schema so the completed value resolves to exactly that table. Tables the data
 * dictionary hides are never offered.
 * @returns an empty list when the catalog cannot be read: completion is a convenience, never an error.
 */
export async function completeTableNames(
  deps: Pick<UseCaseDeps, 'db' | 'dictionary'>,
  prefix: string,
  logger?: LoggerPort,
): Promise<string[]> {
  let tables: readonly TableInfo[];
  try {
    const listed = await deps.db.listTables();
    if (listed.isErr()) {
      if (logger) logFailure(logger, 'completion:table', listed.error);
      return [];
    }
    tables = listed.value;
  } catch (error) {
    // The SDK would put a thrown message on the wire; a completion simply has no suggestions.
    if (logger) logUnexpected(logger, 'completion:table', error);
    return [];
  }
  const wanted = prefix.toLowerCase();
  const names = tables
    .filter(
      (t) =>
        (t.name.toLowerCase().startsWith(wanted) ||
          completionName(t, deps.db.capabilities.defaultSchema).toLowerCase().startsWith(wanted)) &&
        !isHiddenTable(deps.dictionary, t),
    )
    .map((t) => completionName(t, deps.db.capabilities.defaultSchema));
  // All of them: the SDK sends the first 100 with `total` and `hasMore`.
  return [...new Set(names)].sort((a, b) => a.localeCompare(b));
}

function completionName(table: TableInfo, defaultSchema: string | undefined): string {
  return table.schema && table.schema !== defaultSchema ? `${table.schema}.${table.name}` : table.name;
}

// URL parsing percent-encodes the path (a space becomes %20) and the SDK's template match does not
// decode, so decode once here; a stray % that is not an escape is taken literally.
function decodeVariable(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value.join(',') : value;
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

async function guarded<T>(
  responder: ToolResponder,
  operation: string,
  work: () => PromiseLike<Result<T, DatabaseFailure>>,
): Promise<Result<T, DatabaseFailure>> {
  try {
    const result = await work();
    if (result.isErr()) logFailure(responder.logger, operation, result.error);
    return result;
  } catch (error) {
    logUnexpected(responder.logger, operation, error);
    // Never the exception's own message: it may quote driver text.
    throw new ProtocolError(ProtocolErrorCode.InternalError, 'LegacyBridge hit an internal error.');
  }
}

function toResourceError(uri: string, failure: DatabaseFailure): ProtocolError {
  const message = toPublicToolMessage(failure);
  if (failure.kind === 'ObjectNotFound') return new ResourceNotFoundError(uri, message);
  if (failure.kind === 'InvalidInput') return new ProtocolError(ProtocolErrorCode.InvalidParams, message);
  return new ProtocolError(ProtocolErrorCode.InternalError, message);
}

function textResource(uri: string, text: string): ReadResourceResult {
  return { contents: [{ uri, mimeType: 'text/plain', text }] };
}
