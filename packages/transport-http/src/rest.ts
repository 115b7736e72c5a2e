import {
  type DatabaseFailure,
  describeTable,
  describeTableInput,
  explainQuery,
  explainQueryInput,
  findJoinPath,
  findJoinPathInput,
  type LoggerPort,
  listTables,
  listTablesInput,
  runQueryInput,
  runReadOnlyQuery,
  searchSchema,
  searchSchemaInput,
  type UseCaseDeps,
} from '@legacybridge/core';
import {
  describeTableOutput,
  explainQueryOutput,
  joinPathContent,
  listTablesOutput,
  queryResultContent,
  searchSchemaOutput,
} from '@legacybridge/transport-mcp';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { ResultAsync } from 'neverthrow';
import type { z } from 'zod';
import type { HttpLifecycle } from './lifecycle.js';
import { buildOpenApiDocument } from './openapi.js';
import { failureProblem, problem, retryAfterOf, sendProblem } from './problem.js';
import { markFollowsShutdown } from './shutdown-db.js';

export interface RestOptions {
  readonly deps: UseCaseDeps;
  readonly logger: LoggerPort;
  readonly lifecycle: HttpLifecycle;
  readonly maxBodyBytes: number;
  readonly apiKeyRequired: boolean;
  readonly version: string;
}

/** The REST endpoints: the `/v1` router, and its hottest route as a plain handler. */
export interface RestEndpoints {
  /** Everything under /v1 (mount it there). */
  readonly router: Router;
  /**
   * `POST /v1/query` exactly as the router serves it (same JSON body parser, same handler), for a
   * caller that already knows the path: it skips the router's layer-by-layer matching.
   */
  readonly query: (req: Request, res: Response, next: NextFunction) => void;
}

/**
 * REST under /v1 for callers that are not MCP clients: the same use cases and the same zod input
 * schemas as the MCP tools, answers shaped like the tools' structured content, failures as problem
 * documents. Described by /v1/openapi.json, generated from those schemas.
 */
export function createRestRouter(options: RestOptions): RestEndpoints {
  const { deps, logger, lifecycle } = options;
  const router = Router();
  // Every body is read as JSON whatever its Content-Type: `curl -d '{"sql":…}'` sends
  // application/x-www-form-urlencoded, and a 400 for a missing header helps nobody.
  const parseJson = express.json({ limit: options.maxBodyBytes, type: () => true });
  router.use(parseJson);

  let openapi: unknown;
  router.get('/openapi.json', (req: Request, res: Response) => {
    openapi ??= buildOpenApiDocument({ version: options.version, apiKeyRequired: options.apiKeyRequired });
    // The router may be mounted anywhere (an embedding app's /legacybridge): say where, per request.
    const base = req.baseUrl.replace(/\/v1$/, '');
    res.json({ ...(openapi as object), servers: [{ url: base === '' ? '/' : base }] });
  });

  router.get('/tables', (req, res) =>
    run(
      req,
      res,
      listTablesInput,
      fromQuery(req, { schema: 'schema', pattern: 'pattern', cursor: 'cursor' }, ['limit']),
      (input) => listTables(deps, input).map((page) => listTablesOutput.parse(page)),
    ),
  );
  router.get('/tables/:table', (req, res) =>
    run(
      req,
      res,
      describeTableInput,
      { table: req.params.table, ...fromQuery(req, { schema: 'schema' }, []) },
      (input) => describeTable(deps, input).map((detail) => describeTableOutput.parse(detail)),
    ),
  );
  router.get('/search', (req, res) =>
    run(req, res, searchSchemaInput, fromQuery(req, { query: 'q' }, ['limit']), (input) =>
      searchSchema(deps, input).map((found) => searchSchemaOutput.parse(found)),
    ),
  );
  router.get('/join-path', (req, res) =>
    run(
      req,
      res,
      findJoinPathInput,
      fromQuery(req, { from: 'from', to: 'to', schema: 'schema' }, ['max_hops']),
      (input) => findJoinPath(deps, input).map(joinPathContent),
    ),
  );
  const runQuery = (req: Request, res: Response) =>
    run(req, res, runQueryInput, req.body, (input) =>
      runReadOnlyQuery(deps, input, { signal: signalOf(res, lifecycle), caller: callerOf(res) }).map(
        queryResultContent,
      ),
    );
  router.post('/query', runQuery);
  router.post('/explain', (req, res) =>
    run(req, res, explainQueryInput, req.body, (input) =>
      explainQuery(deps, input, { signal: signalOf(res, lifecycle), caller: callerOf(res) }).map((plan) =>
        explainQueryOutput.parse({
          dialect: plan.dialect,
          text: plan.text,
          estimatedCost: plan.estimatedCost,
        }),
      ),
    ),
  );

  async function run<S extends z.ZodType, T>(
    req: Request,
    res: Response,
    schema: S,
    raw: unknown,
    work: (input: z.output<S>) => ResultAsync<T, DatabaseFailure>,
  ): Promise<void> {
    // Answers are rows and schema of a live database, possibly per caller: no shared cache may keep them.
    res.setHeader('Cache-Control', 'no-store');
    const parsed = schema.safeParse(raw ?? {});
    if (!parsed.success) {
      sendProblem(
        res,
        problem(400, 'InvalidInput', 'Bad Request', 'The request does not match the operation’s schema.', {
          errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        }),
      );
      return;
    }
    const started = performance.now();
    const result = await work(parsed.data);
    const durationMs = Math.round(performance.now() - started);
    if (result.isOk()) {
      logger.debug('rest call', { path: pathOf(req), caller: callerOf(res), durationMs });
      // Written directly rather than through res.json/res.send (content negotiation, ETag, charset
      // parsing): a point query's answer is small and always this one type; Node sets its length.
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(result.value));
      return;
    }
    const failure = result.error;
    logger.info('rest call failed', {
      path: pathOf(req),
      caller: callerOf(res),
      errorKind: failure.kind,
      durationMs,
    });
    if (res.headersSent || res.destroyed) return;
    const retryAfter = retryAfterOf(failure);
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    sendProblem(res, failureProblem(failure, lifecycle.signal.aborted));
  }

  return {
    router,
    query(req, res, next) {
      parseJson(req, res, (error?: unknown) => {
        if (error !== undefined) next(error);
        else runQuery(req, res).catch(next);
      });
    },
  };
}

/** The path below /v1 (`/query`, `/tables/…`), whether the router or the direct handler serves it. */
function pathOf(req: Request): string {
  const path = req.path;
  return req.baseUrl.endsWith('/v1') || !path.startsWith('/v1/') ? path : path.slice(3);
}

/**
 * Picks query-string parameters into a use-case input: `names` maps input fields to parameter names,
 * `numbers` are converted when they are plain digits (anything else reaches the schema as text and
 * is refused with its message). A repeated parameter stays an array, which the schema refuses.
 */
function fromQuery(
  req: Request,
  names: Record<string, string>,
  numbers: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, param] of Object.entries(names)) {
    const value = req.query[param];
    if (value !== undefined) out[field] = value;
  }
  for (const field of numbers) {
    const value = req.query[field];
    if (value === undefined) continue;
    out[field] = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  }
  return out;
}

/** Aborts when the client goes away before its answer, or when shutdown gives up waiting. */
function signalOf(res: Response, lifecycle: HttpLifecycle): AbortSignal {
  if (lifecycle.signal.aborted) return lifecycle.signal;
  // One controller for both causes: AbortSignal.any builds a composite signal with weak references
  // and a registry on every call, a measurable share of a point query's CPU.
  const gone = new AbortController();
  const onShutdown = () => gone.abort(lifecycle.signal.reason);
  lifecycle.signal.addEventListener('abort', onShutdown, { once: true });
  res.once('close', () => {
    lifecycle.signal.removeEventListener('abort', onShutdown);
    if (!res.writableFinished) gone.abort();
  });
  // It aborts on shutdown itself: the database port then adds no second link to the shutdown signal.
  return markFollowsShutdown(gone.signal);
}

function callerOf(res: Response): string {
  return String(res.locals.caller ?? 'http');
}
