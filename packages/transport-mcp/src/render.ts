import type {
  CellValue,
  ColumnInfo,
  ForeignKeyInfo,
  InferredRelationship,
  JoinPath,
  ListTablesOutput,
  QueryPlan,
  QueryResult,
  ResultColumn,
  SearchSchemaOutput,
  TableDetail,
  TableInfo,
  TableRef,
} from '@legacybridge/core';

/**
 * Compact text renderings of the use-case outputs, written for a model's context window: a header
 * line, then one `|`-separated line per row, never a key repeated per row and never pretty JSON.
 * Shared by the MCP tools and resources, and exported for other transports (REST `text/plain`).
 */

/** The separator between fields of a row. */
export const FIELD_SEPARATOR = '|';

/** How a SQL NULL is shown, so it is not confused with an empty string. */
export const NULL_TEXT = 'NULL';

/**
 * One cell as text: NULL for null (and the string "NULL" quoted), binary as a size marker, nested
 * JSON compact, and the separator, backslash and line breaks escaped so every row stays on one line
 * with a fixed number of fields.
 */
export function renderCell(value: CellValue | undefined): string {
  if (value === null || value === undefined) return NULL_TEXT;
  // The text "NULL" is quoted so it never reads as a SQL NULL.
  if (typeof value === 'string') return value === NULL_TEXT ? `"${NULL_TEXT}"` : escapeField(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isBinary(value)) {
    return `<binary ${value.length} bytes${value.truncated ? ', truncated' : ''}>`;
  }
  return escapeField(JSON.stringify(value));
}

/** A table or view name, schema-qualified when the schema is known. */
export function renderTableName(ref: TableRef): string {
  return ref.schema ? `${ref.schema}.${ref.name}` : ref.name;
}

/**
 * One page of `list_tables`: a count line, a header, one line per table, and the cursor for the next
 * page. The schema is said once, on a `schema <name>:` line before its tables (pages are sorted by
 * schema, so each schema gets one line), not repeated on every row: on MySQL the schema is the
 * database, often a long name, and was a third of a page's tokens. No schema line when a table has
 * none (SQLite).
 */
export function renderTableList(output: ListTablesOutput): string {
  const { tables, total, nextCursor } = output;
  if (tables.length === 0) {
    return total === 0 ? 'No tables match.' : `No tables on this page (${total} match in total).`;
  }
  // A legacy schema is mostly plain tables: the kind column is left out of a page that holds nothing
  // else (2 of a row's ~15 tokens), and the count line says so.
  const withKind = tables.some((t) => t.kind !== 'table');
  const lines = [
    `${tables.length} of ${total} tables${nextCursor ? '' : ' (last page)'}${withKind ? '' : '; all on this page are tables, not views'}`,
    joinFields(withKind ? ['name', 'kind', 'rows~', 'comment'] : ['name', 'rows~', 'comment']),
  ];
  let schema: string | undefined;
  for (const t of tables) {
    if (t.schema !== schema) {
      schema = t.schema;
      lines.push(schema === undefined ? 'no schema:' : `schema ${oneLine(schema)}:`);
    }
    lines.push(
      joinFields([
        escapeField(t.name),
        ...(withKind ? [t.kind] : []),
        t.rowEstimate === undefined ? '' : String(t.rowEstimate),
        // The operator's dictionary description, when there is one, says more than a legacy comment.
        escapeField(t.description ?? t.comment ?? ''),
      ]),
    );
  }
  if (nextCursor) lines.push(`next_cursor: ${nextCursor}`);
  return lines.join('\n');
}

/**
 * `describe_table`: a title line, a compact column table (name, type, nullable, default, pk
 * position, comment), then primary key, foreign keys both ways and indexes, one per line. Data
 * dictionary text joins the comment: description, `[unit: …]`, `[pii]`, `(aka: …)`.
 */
export function renderTableDetail(detail: TableDetail): string {
  const { table } = detail;
  const lines = [`${table.kind} ${renderTableName(table)}${describeSize(table)}${describeComment(table)}`];
  if (table.synonyms !== undefined && table.synonyms.length > 0) {
    lines.push(`aka: ${oneLine(table.synonyms.join(', '))}`);
  }
  lines.push(joinFields(['column', 'type', 'null', 'default', 'pk', 'comment']));
  for (const c of detail.columns) {
    lines.push(
      joinFields([
        escapeField(c.name),
        escapeField(c.nativeType),
        c.nullable ? 'yes' : 'no',
        // MySQL reports the default of a nullable column without one as the text NULL: no information.
        escapeField(c.default === NULL_TEXT && c.nullable ? '' : (c.default ?? '')),
        c.primaryKeyPosition === undefined ? '' : String(c.primaryKeyPosition),
        escapeField(columnNotes(c)),
      ]),
    );
  }
  lines.push(`primary key: ${detail.primaryKey.length > 0 ? detail.primaryKey.join(', ') : 'none declared'}`);
  // Tables in this table's own schema are named without it below (on MySQL the schema is the
  // database name, written twice on every key line before), and one line says so.
  const here = table.schema;
  const related =
    detail.foreignKeys.length +
    detail.referencedBy.length +
    (detail.inferredForeignKeys?.length ?? 0) +
    (detail.inferredReferencedBy?.length ?? 0);
  if (here !== undefined && related > 0)
    lines.push(`tables named below without a schema are in ${oneLine(here)}`);
  if (detail.foreignKeys.length > 0) {
    lines.push('foreign keys:');
    for (const fk of detail.foreignKeys) lines.push(`  ${renderForeignKey(fk, here)}`);
  }
  if (detail.referencedBy.length > 0) renderReferencedBy(detail.referencedBy, here, lines);
  if (detail.inferredForeignKeys !== undefined && detail.inferredForeignKeys.length > 0) {
    lines.push('inferred references (not declared):');
    for (const r of detail.inferredForeignKeys) lines.push(`  ${renderInferred(r, here)}`);
  }
  if (detail.inferredReferencedBy !== undefined && detail.inferredReferencedBy.length > 0) {
    lines.push('inferred referenced by (not declared):');
    for (const r of detail.inferredReferencedBy) lines.push(`  ${renderInferred(r, here)}`);
    if (detail.inferredReferencedByOmitted) {
      lines.push(
        `  … and ${detail.inferredReferencedByOmitted} more (search_schema the key column to see them)`,
      );
    }
  }
  if (detail.indexes.length > 0) {
    lines.push('indexes:');
    for (const ix of detail.indexes) {
      const flags = [ix.primary ? 'primary' : '', ix.unique && !ix.primary ? 'unique' : ''].filter(Boolean);
      lines.push(`  ${ix.name} (${ix.columns.join(', ')})${flags.length ? ` ${flags.join(' ')}` : ''}`);
    }
  }
  return lines.join('\n');
}

/**
 * How many declared foreign keys from other tables `describe_table`'s text lists. A master table in a
 * legacy schema can be referenced by hundreds of tables (the bench's ORD_DTL_0001 by 100: 3.5k of its
 * 3.8k tokens on PostgreSQL); a model deciding how to query it needs a sample and a count, not all of
 * them. The structured content keeps the full list, for programs.
 */
const REFERENCED_BY_TEXT_LIMIT = 20;

/**
 * Declared foreign keys from other tables, one short line each: `T(cols) -> cols here`. The side
 * pointing here is this table every time, so only its columns are written, and the constraint name
 * (in the structured content) is left out. Past REFERENCED_BY_TEXT_LIMIT, the first ones by table
 * name, then how many more and how to reach them.
 */
function renderReferencedBy(
  referencedBy: readonly ForeignKeyInfo[],
  here: string | undefined,
  lines: string[],
): void {
  const total = referencedBy.length;
  const capped = total > REFERENCED_BY_TEXT_LIMIT;
  const shown = capped
    ? [...referencedBy]
        .sort((a, b) => compareText(renderTableName(a.table), renderTableName(b.table)))
        .slice(0, REFERENCED_BY_TEXT_LIMIT)
    : referencedBy;
  lines.push(
    capped
      ? `referenced by ${total} foreign keys, the first ${REFERENCED_BY_TEXT_LIMIT} by table name (their columns -> columns here):`
      : 'referenced by (their columns -> columns here):',
  );
  for (const fk of shown) {
    lines.push(
      `  ${nameFrom(fk.table, here)}(${fk.columns.join(', ')}) -> ${fk.referencedColumns.join(', ')}`,
    );
  }
  if (capped) {
    const omitted = total - shown.length;
    const column = mostCommonColumn(referencedBy);
    lines.push(
      `  … and ${omitted} more: find_join_path from a table to this one gives its join; ` +
        `search_schema ${column} lists the tables with that column`,
    );
  }
}

/** The referencing column most foreign keys start with (`MST_ID`): the word to give search_schema. */
function mostCommonColumn(keys: readonly ForeignKeyInfo[]): string {
  const counts = new Map<string, number>();
  let best = '';
  let bestCount = 0;
  for (const fk of keys) {
    const column = fk.columns[0] ?? '';
    const count = (counts.get(column) ?? 0) + 1;
    counts.set(column, count);
    if (count > bestCount) {
      best = column;
      bestCount = count;
    }
  }
  return best;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A foreign key as `from(cols) -> to(cols) [name]`, the shape a model copies into a JOIN. Tables in
 * schema `here` are named without it.
 */
export function renderForeignKey(fk: ForeignKeyInfo, here?: string): string {
  const name = fk.name ? ` [${fk.name}]` : '';
  return `${nameFrom(fk.table, here)}(${fk.columns.join(', ')}) -> ${nameFrom(fk.referencedTable, here)}(${fk.referencedColumns.join(', ')})${name}`;
}

/**
 * An inferred relationship as `from(cols) -> to(cols) ~0.9 evidence`: the confidence stands out.
 * Tables in schema `here` are named without it.
 */
export function renderInferred(r: InferredRelationship, here?: string): string {
  return `${nameFrom(r.table, here)}(${r.columns.join(', ')}) -> ${nameFrom(r.referencedTable, here)}(${r.referencedColumns.join(', ')}) ~${r.confidence} ${oneLine(r.evidence)}`;
}

/** `ref` as a name, schema-qualified unless its schema is `here`. */
function nameFrom(ref: TableRef, here: string | undefined): string {
  return ref.schema !== undefined && ref.schema === here ? ref.name : renderTableName(ref);
}

/**
 * `find_join_path`: the SQL to paste first, then one line per hop saying whether it is a declared key
 * or a guess (with its confidence and evidence), so the model knows what to double-check.
 */
export function renderJoinPath(path: JoinPath): string {
  const from = renderTableName(path.from);
  const to = renderTableName(path.to);
  if (path.hops.length === 0) return `${from} is ${to}: no join needed.\n${path.sql}`;
  const lines = [
    `${path.hops.length} ${path.hops.length === 1 ? 'join' : 'joins'} from ${from} to ${to}:`,
    path.sql,
  ];
  path.hops.forEach((hop, i) => {
    const on = hop.fromColumns.map((c, j) => `${c} = ${hop.toColumns[j] ?? ''}`).join(', ');
    const how =
      hop.kind === 'declared'
        ? 'declared foreign key'
        : `inferred ~${hop.confidence}: ${oneLine(hop.evidence ?? '')}`;
    lines.push(`${i + 1}. ${renderTableName(hop.from)} -> ${renderTableName(hop.to)} on ${on} (${how})`);
  });
  return lines.join('\n');
}

/**
 * `search_schema`: best match first, one line each, with why it matched. Two repeats are written
 * once: the schema, when every match is in the same one (MySQL's is the database name), goes on the
 * count line; and a reason the same as the line above's is written `same as above` — a family of
 * legacy tables (CUSTMST_0002, CUSTMST_0017 …) matches for one long reason, which made up most of the
 * answer.
 */
export function renderSearchResults(output: SearchSchemaOutput): string {
  const { matches } = output;
  if (matches.length === 0) {
    return 'No tables or columns match. Try other words, a shorter prefix, or list_tables.';
  }
  const schema = matches[0]?.schema;
  const oneSchema = schema !== undefined && matches.every((m) => m.schema === schema);
  const lines = [
    `${matches.length} matches${oneSchema ? ` in schema ${oneLine(schema)}` : ''}, best first`,
    joinFields(['type', 'table', 'column', 'score', 'why']),
  ];
  let previousReason: string | undefined;
  for (const m of matches) {
    const table = oneSchema ? m.table : renderTableName({ schema: m.schema, name: m.table });
    lines.push(
      joinFields([
        m.type,
        escapeField(table),
        escapeField(m.column ?? ''),
        String(m.score),
        m.reason === previousReason ? 'same as above' : escapeField(m.reason),
      ]),
    );
    previousReason = m.reason;
  }
  return lines.join('\n');
}

/**
 * `run_query`: column names once, one line per row, then a summary line saying how many rows came
 * back, how long it took, and — prominently — whether reading stopped at a cap.
 */
export function renderQueryResult(result: QueryResult): string {
  // Built by appending to one string (V8 ropes) rather than arrays of fields and lines joined at the
  // end: a point query's answer is a handful of short strings, and this runs on every call.
  const { columns, rows } = result;
  let text = '';
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) text += FIELD_SEPARATOR;
    text += escapeField((columns[i] as ResultColumn).name);
  }
  for (const row of rows) {
    text += '\n';
    for (let i = 0; i < row.length; i++) {
      if (i > 0) text += FIELD_SEPARATOR;
      text += renderCell(row[i]);
    }
  }
  const count = `${result.rowCount} ${result.rowCount === 1 ? 'row' : 'rows'}, ${Math.round(result.durationMs)} ms${result.cached ? ', from the query cache' : ''}`;
  if (!result.truncated) return `${text}\n(${count})`;
  const cap = result.truncatedBy === 'bytes' ? 'the size limit' : 'the row limit';
  return `${text}\n(${count}; TRUNCATED at ${cap}: more rows exist. Aggregate, filter or page with ORDER BY … LIMIT/OFFSET instead of reading everything.)`;
}

/** `explain_query`: the engine's plan text under one line naming the dialect and estimated cost. */
export function renderQueryPlan(plan: QueryPlan): string {
  const cost = plan.estimatedCost === undefined ? '' : `, estimated cost ${plan.estimatedCost}`;
  return `plan (${plan.dialect}${cost}; not executed):\n${plan.text}`;
}

function describeSize(table: TableInfo): string {
  return table.rowEstimate === undefined ? '' : ` (~${table.rowEstimate} rows)`;
}

function describeComment(table: TableInfo): string {
  const text = noteText(table.description, table.comment);
  return `${text ? ` — ${oneLine(text)}` : ''}${table.pii ? ' [pii]' : ''}`;
}

/** Description and comment, both when they differ (a curated description, then the catalog's comment). */
function noteText(description: string | undefined, comment: string | undefined): string {
  if (!description) return comment ?? '';
  return comment && comment !== description ? `${description} / ${comment}` : description;
}

function columnNotes(c: ColumnInfo): string {
  let text = noteText(c.description, c.comment);
  if (c.unit) text += `${text ? ' ' : ''}[unit: ${c.unit}]`;
  if (c.pii) text += `${text ? ' ' : ''}[pii]`;
  if (c.synonyms !== undefined && c.synonyms.length > 0)
    text += `${text ? ' ' : ''}(aka: ${c.synonyms.join(', ')})`;
  return text;
}

function joinFields(fields: readonly string[]): string {
  return fields.join(FIELD_SEPARATOR);
}

// The characters escapeField rewrites; most fields have none, and one test is cheaper than four replaces.
const NEEDS_ESCAPE = /[\\|\r\n\t]/;

// Backslash first, so an escape we add is never escaped twice.
function escapeField(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/\t/g, '\\t');
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

function isBinary(value: object): value is { $binary: string; length: number; truncated?: boolean } {
  return (
    !Array.isArray(value) &&
    typeof (value as { $binary?: unknown }).$binary === 'string' &&
    typeof (value as { length?: unknown }).length === 'number'
  );
}
