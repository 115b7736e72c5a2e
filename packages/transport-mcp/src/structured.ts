import type { JoinHop, JoinPath, QueryPlan, QueryResult, TableRef } from '@legacybridge/core';

/**
 * Structured content of the query tools, built field by field from the use cases' typed answers:
 * no schema parse per call, no `undefined` member (an explicit `undefined` is not an absent key to
 * every validator), and no field the output schemas do not name. The SDK still checks the result
 * against the published output schema (output-schemas.ts), and a unit test holds these builders to
 * the zod schemas, so the two cannot drift apart unnoticed.
 */

/** One result column as `run_query` publishes it. */
export interface ResultColumnContent {
  name: string;
  nativeType?: string;
  logicalType: string;
}

/** `run_query`'s structured content; the keys in the order they are serialised. */
export interface QueryResultContent {
  [key: string]: unknown;
  columns: ResultColumnContent[];
  rows: QueryResult['rows'];
  rowCount: number;
  truncated: boolean;
  truncatedBy?: 'rows' | 'bytes';
  durationMs: number;
  cached?: true;
}

/**
 * `run_query`'s structured content. Rows are JSON-safe arrays from the adapter and can be large:
 * passed on as they are, never copied.
 */
export function queryResultContent(result: QueryResult): QueryResultContent {
  const source = result.columns;
  const columns = new Array<ResultColumnContent>(source.length);
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as QueryResult['columns'][number];
    columns[i] =
      c.nativeType === undefined
        ? { name: c.name, logicalType: c.logicalType }
        : { name: c.name, nativeType: c.nativeType, logicalType: c.logicalType };
  }
  // The schema's key order, optional keys only when present: exactly what a zod parse would give.
  return {
    columns,
    rows: result.rows,
    rowCount: result.rowCount,
    truncated: result.truncated,
    ...(result.truncatedBy === undefined ? {} : { truncatedBy: result.truncatedBy }),
    durationMs: result.durationMs,
    ...(result.cached === true ? { cached: true as const } : {}),
  };
}

/** `explain_query`'s structured content: the plan text, without the engine's raw plan. */
export interface QueryPlanContent {
  [key: string]: unknown;
  dialect: string;
  text: string;
  estimatedCost?: number;
}

/** `explain_query`'s structured content. The engine's raw plan can be large; the text carries the same information. */
export function queryPlanContent(plan: QueryPlan): QueryPlanContent {
  return plan.estimatedCost === undefined
    ? { dialect: plan.dialect, text: plan.text }
    : { dialect: plan.dialect, text: plan.text, estimatedCost: plan.estimatedCost };
}

/** A table reference as the output schemas publish it: `schema` only when known. */
export interface TableRefContent {
  schema?: string;
  name: string;
}

/** One hop of `find_join_path`'s structured content. */
export interface JoinHopContent {
  from: TableRefContent;
  fromColumns: string[];
  to: TableRefContent;
  toColumns: string[];
  kind: 'declared' | 'inferred';
  confidence: number;
  evidence?: string;
}

/** `find_join_path`'s structured content; the keys in the order they are serialised. */
export interface JoinPathContent {
  [key: string]: unknown;
  from: TableRefContent;
  to: TableRefContent;
  hops: JoinHopContent[];
  sql: string;
}

/** `find_join_path`'s structured content, field by field (see the file comment). */
export function joinPathContent(path: JoinPath): JoinPathContent {
  return {
    from: tableRefContent(path.from),
    to: tableRefContent(path.to),
    hops: path.hops.map(joinHopContent),
    sql: path.sql,
  };
}

function joinHopContent(hop: JoinHop): JoinHopContent {
  return {
    from: tableRefContent(hop.from),
    fromColumns: [...hop.fromColumns],
    to: tableRefContent(hop.to),
    toColumns: [...hop.toColumns],
    kind: hop.kind,
    confidence: hop.confidence,
    ...(hop.evidence === undefined ? {} : { evidence: hop.evidence }),
  };
}

function tableRefContent(ref: TableRef): TableRefContent {
  return ref.schema === undefined ? { name: ref.name } : { schema: ref.schema, name: ref.name };
}
