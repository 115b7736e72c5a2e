import {
  describeTableInput,
  explainQueryInput,
  findJoinPathInput,
  listTablesInput,
  runQueryInput,
  searchSchemaInput,
} from '@legacybridge/core';
import {
  describeTableOutput,
  explainQueryOutput,
  findJoinPathOutput,
  listTablesOutput,
  runQueryOutput,
  searchSchemaOutput,
} from '@legacybridge/transport-mcp';
import { z } from 'zod';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

/** zod → JSON Schema 2020-12, the dialect OpenAPI 3.1 uses, without the `$schema` marker. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
  }) as JsonSchema;
  return rest;
}

/** Query (or path) parameters from an input schema's properties; `rename` maps field → parameter name. */
function parametersOf(
  schema: z.ZodType,
  rename: Record<string, string> = {},
  pathFields: readonly string[] = [],
): Record<string, unknown>[] {
  const json = schemaOf(schema, 'input');
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([field, property]) => {
    const { description, ...rest } = property;
    const inPath = pathFields.includes(field);
    return {
      name: rename[field] ?? field,
      in: inPath ? 'path' : 'query',
      required: inPath || required.has(field),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const FAILURES = {
  '400': problemResponse('Invalid input, a refused statement (not read-only) or a syntax error.'),
  '401': problemResponse('API key missing or invalid.'),
  '403': problemResponse('Host not allowed, or the database user may not do this.'),
  '429': problemResponse('Rate limit exceeded; see Retry-After and RateLimit.'),
  '503': problemResponse('Database unreachable, pool exhausted, or the server is shutting down.'),
};

const QUERY_FAILURES = {
  ...FAILURES,
  '413': problemResponse('SQL text longer than the configured maximum.'),
  '422': problemResponse('The database refused the statement while running it.'),
  '499': problemResponse('Cancelled because the client went away.'),
  '504': problemResponse('The statement timed out.'),
};

const ok = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema: schemaOf(schema, 'output') } },
});

const jsonBody = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema: schemaOf(schema, 'input') } },
});

/**
 * The OpenAPI 3.1 document of the REST API, generated from the zod schemas the MCP tools use, so the
 * two contracts cannot drift apart. `servers` is filled in per request by the router.
 */
export function buildOpenApiDocument(options: {
  version: string;
  apiKeyRequired: boolean;
}): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'LegacyBridge REST API',
      version: options.version,
      description:
        'Read-only, bounded access to one SQL database: the six MCP tools of LegacyBridge as plain HTTP. Failures are RFC 9457 problem documents.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    ...(options.apiKeyRequired ? { security: [{ apiKey: [] }, { bearer: [] }] } : {}),
    paths: {
      '/v1/tables': {
        get: {
          operationId: 'listTables',
          summary: 'List tables and views, one page at a time.',
          parameters: parametersOf(listTablesInput),
          responses: { '200': ok(listTablesOutput, 'One page of tables.'), ...FAILURES },
        },
      },
      '/v1/tables/{table}': {
        get: {
          operationId: 'describeTable',
          summary: 'Columns, keys, foreign keys and indexes of one table ("schema.table" works too).',
          parameters: parametersOf(describeTableInput, {}, ['table']),
          responses: {
            '200': ok(describeTableOutput, 'The table.'),
            '404': problemResponse('No such table; `suggestions` lists close names.'),
            ...FAILURES,
          },
        },
      },
      '/v1/search': {
        get: {
          operationId: 'searchSchema',
          summary: 'Find tables and columns by name or comment.',
          parameters: parametersOf(searchSchemaInput, { query: 'q' }),
          responses: { '200': ok(searchSchemaOutput, 'Matches, best first.'), ...FAILURES },
        },
      },
      '/v1/join-path': {
        get: {
          operationId: 'findJoinPath',
          summary:
            'The shortest join path between two tables over declared (preferred) and inferred relationships, with its SQL.',
          parameters: parametersOf(findJoinPathInput),
          responses: {
            '200': ok(findJoinPathOutput, 'The hops and the `FROM … JOIN … ON …` text.'),
            '404': problemResponse('No such table; `suggestions` lists close names.'),
            ...FAILURES,
          },
        },
      },
      '/v1/query': {
        post: {
          operationId: 'runQuery',
          summary: 'Run one read-only statement within the operator’s row, byte and time limits.',
          requestBody: jsonBody(runQueryInput),
          responses: { '200': ok(runQueryOutput, 'The rows.'), ...QUERY_FAILURES },
        },
      },
      '/v1/explain': {
        post: {
          operationId: 'explainQuery',
          summary: 'The engine’s plan for a read-only statement, without running it.',
          requestBody: jsonBody(explainQueryInput),
          responses: { '200': ok(explainQueryOutput, 'The plan.'), ...QUERY_FAILURES },
        },
      },
    },
    components: {
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details.',
          required: ['type', 'title', 'status', 'kind'],
          properties: {
            type: { type: 'string', format: 'uri' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            kind: { type: 'string', description: 'DatabaseFailure kind or HTTP-level refusal.' },
          },
          additionalProperties: true,
        },
      },
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
