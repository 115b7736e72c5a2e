import {
  type AbbreviationKind,
  abbreviatedStart,
  abbreviates,
  type CoverSegment,
  coverByWords,
  nameParts,
  oneTypo,
} from '../use-cases/name-matching.js';
import type { SchemaSnapshot } from './schema-snapshot.js';

/** The kind of evidence behind a match, strongest first. */
export type MatchKind = 'exact' | 'prefix' | 'part' | 'substring' | 'typo' | 'comment' | 'abbreviation';

/** One ranked hit: a table (no `column`) or a column. */
export interface RankedMatch {
  readonly type: 'table' | 'column';
  readonly schema?: string | undefined;
  readonly table: string;
  readonly column?: string | undefined;
  readonly score: number;
  /** The strongest kind of evidence among the query's words. */
  readonly matched: MatchKind;
  /** Why, word by word, e.g. `name part "hdr"; "customer" abbreviated as "cust"`. */
  readonly reason: string;
}

// Points per query word by the kind of hit; a table outranks a column with the same hits (+1).
// Typos and abbreviations form the fuzzy tier: below every exact, prefix or part match, and an
// abbreviation scores by how much of the word it keeps (custm of customer beats ord of order).
const SCORE = {
  exact: 100,
  prefix: 70,
  part: 55,
  substring: 40,
  typo: 30,
  comment: 27,
  abbreviationBase: 15,
  abbreviationMax: 25,
} as const;

const RANK: Record<MatchKind, number> = {
  exact: 0,
  prefix: 1,
  part: 2,
  substring: 3,
  typo: 4,
  comment: 5,
  abbreviation: 6,
};

/** Names (tables and columns together) grouped by lower-case spelling: scored once per query. */
interface NameGroup {
  readonly lower: string;
  readonly parts: readonly string[];
  /** Indexes into snapshot.tables. */
  readonly tables: number[];
  /** Indexes into snapshot.columns. */
  readonly columns: number[];
}

interface CommentEntry {
  readonly words: readonly string[];
  readonly table?: number | undefined;
  readonly column?: number | undefined;
}

interface SearchIndex {
  readonly groups: readonly NameGroup[];
  readonly comments: readonly CommentEntry[];
  /** Listing rank of each column's table (columns sort after their table, by position). */
  readonly columnRank: Int32Array;
}

/** The index of a snapshot, built on the first search and kept with it. */
function indexOf(snapshot: SchemaSnapshot): SearchIndex {
  return snapshot.derive(`search:${snapshot.columns === undefined ? 'tables' : 'all'}`, buildIndex);
}

function buildIndex(snapshot: SchemaSnapshot): SearchIndex {
  const byName = new Map<string, NameGroup>();
  const groupOf = (name: string): NameGroup => {
    const lower = name.toLowerCase();
    let group = byName.get(lower);
    if (group === undefined) {
      group = { lower, parts: nameParts(name), tables: [], columns: [] };
      byName.set(lower, group);
    }
    return group;
  };
  const comments: CommentEntry[] = [];
  const tableRank = new Map<string, number>();
  snapshot.tables.forEach((t, i) => {
    groupOf(t.name).tables.push(i);
    tableRank.set(`${t.schema ?? ''}\u0000${t.name}`, i);
    if (t.comment) comments.push({ words: commentWords(t.comment), table: i });
  });
  const columns = snapshot.columns ?? [];
  const columnRank = new Int32Array(columns.length);
  columns.forEach((c, i) => {
    groupOf(c.name).columns.push(i);
    columnRank[i] = tableRank.get(`${c.table.schema ?? ''}\u0000${c.table.name}`) ?? snapshot.tables.length;
    if (c.comment) comments.push({ words: commentWords(c.comment), column: i });
  });
  return { groups: [...byName.values()], comments, columnRank };
}

function commentWords(comment: string): readonly string[] {
  return [
    ...new Set(
      comment
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length > 0),
    ),
  ];
}

interface WordHit {
  readonly kind: MatchKind;
  readonly score: number;
  readonly reason: string;
}

/** The query's words: lower case, split on anything but letters, digits and underscores, deduplicated. */
export function queryWords(query: string): string[] {
  return [
    ...new Set(
      query
        .toLowerCase()
        .split(/[^\p{L}\p{N}_]+/u)
        .filter((w) => w.length > 0),
    ),
  ];
}

/**
 * Tables and columns of `snapshot` ranked against `query`: per word, exact name > name prefix > word
 * part (`ORD_HDR_2003`, `CustMst` split into parts) > substring > one typo > comment > abbreviation
 * (`cust` ↔ customer, `hdr` ↔ header, `qty` ↔ quantity, and compounds such as `CUSTMST` ↔
 * "customer master"); the words' points add up. Best first, at most `limit`.
 */
export function searchSnapshot(snapshot: SchemaSnapshot, query: string, limit: number): RankedMatch[] {
  const words = queryWords(query);
  if (words.length === 0) return [];
  const index = indexOf(snapshot);
  // Score every distinct name once; tables and columns sharing a name share the score.
  const scored: {
    group: NameGroup;
    score: number;
    matched: MatchKind;
    reason: string;
    words: ReadonlySet<string>;
  }[] = [];
  for (const group of index.groups) {
    const hit = scoreGroup(group, words);
    if (hit !== undefined) scored.push({ group, ...hit });
  }
  const candidates: Candidate[] = [];
  for (const s of scored) {
    for (const t of s.group.tables) {
      candidates.push({
        score: s.score + 1,
        rank: t * 2,
        table: t,
        matched: s.matched,
        reason: s.reason,
        words: s.words,
      });
    }
    for (const c of s.group.columns) {
      candidates.push({
        score: s.score,
        rank: index.columnRank[c]! * 2 + 1,
        column: c,
        matched: s.matched,
        reason: s.reason,
        words: s.words,
      });
    }
  }
  addCommentHits(index, words, candidates);
  return top(candidates, limit).map((c) => toMatch(snapshot, c));
}

interface Candidate {
  score: number;
  /** Listing order, to break ties: a table's columns follow it. */
  readonly rank: number;
  readonly table?: number | undefined;
  readonly column?: number | undefined;
  matched: MatchKind;
  reason: string;
  /** Query words the name itself matched by more than an abbreviation (a comment adds nothing to those). */
  readonly words: ReadonlySet<string>;
}

// A comment counts for the words the name did not match, or matched only as a guessed abbreviation:
// "credit" finds CREDLMT by its comment "Credit limit" as well as by its letters, while CUSTMST,
// matched by its prefix "cust", is not counted twice for its comment "Customer master".
function addCommentHits(index: SearchIndex, words: readonly string[], candidates: Candidate[]) {
  const usable = words.filter((w) => w.length >= 3);
  if (usable.length === 0 || index.comments.length === 0) return;
  const byKey = new Map<string, Candidate>();
  for (const c of candidates) byKey.set(c.table !== undefined ? `t${c.table}` : `c${c.column}`, c);
  for (const entry of index.comments) {
    const key = entry.table !== undefined ? `t${entry.table}` : `c${entry.column}`;
    const existing = byKey.get(key);
    const found = usable.filter(
      (w) => existing?.words.has(w) !== true && entry.words.some((cw) => cw.startsWith(w)),
    );
    if (found.length === 0) continue;
    const reason = found.map((w) => `comment mentions "${w}"`).join('; ');
    if (existing) {
      existing.score += SCORE.comment * found.length;
      existing.reason = `${existing.reason}; ${reason}`;
    } else {
      const isTable = entry.table !== undefined;
      const candidate: Candidate = {
        score: SCORE.comment * found.length + (isTable ? 1 : 0),
        rank: isTable ? entry.table! * 2 : index.columnRank[entry.column!]! * 2 + 1,
        table: entry.table,
        column: entry.column,
        matched: 'comment',
        reason,
        words: new Set(),
      };
      candidates.push(candidate);
      byKey.set(key, candidate);
    }
  }
}

// Best `limit` by score, then listing order. Sorting all candidates is fine at legacy scale: tens
// of thousands of numbers sort in a few milliseconds, and most queries match far fewer.
function top(candidates: Candidate[], limit: number): Candidate[] {
  candidates.sort((a, b) => b.score - a.score || a.rank - b.rank);
  return candidates.slice(0, limit);
}

function toMatch(snapshot: SchemaSnapshot, c: Candidate): RankedMatch {
  if (c.table !== undefined) {
    const t = snapshot.tables[c.table]!;
    return {
      type: 'table',
      schema: t.schema,
      table: t.name,
      score: c.score,
      matched: c.matched,
      reason: c.reason,
    };
  }
  const col = snapshot.columns![c.column!]!;
  return {
    type: 'column',
    schema: col.table.schema,
    table: col.table.name,
    column: col.name,
    score: c.score,
    matched: c.matched,
    reason: c.reason,
  };
}

function scoreGroup(
  group: NameGroup,
  words: readonly string[],
): { score: number; matched: MatchKind; reason: string; words: ReadonlySet<string> } | undefined {
  const hits = words.map((w) => scoreWord(group, w));
  // Words matched weakly or not at all may together spell a compound part: CUSTMST = cust + mst for
  // "customer master". Only covers of a whole part count, so stray letters never match; a cover
  // replaces those words' single hits when it is worth more.
  const weak = words.filter(
    (w, i) =>
      (hits[i] === undefined || hits[i]!.kind === 'abbreviation') && w.length >= 3 && !/^\d+$/.test(w),
  );
  if (weak.length >= 2) {
    let bestGain = 0;
    let bestCover: { part: string; cover: CoverSegment[] } | undefined;
    for (const part of group.parts) {
      const cover = coverByWords(part, weak);
      if (cover === undefined) continue;
      const gain = cover.reduce(
        (sum, seg) => sum + abbreviationPoints(seg) - (hits[words.indexOf(seg.word)]?.score ?? 0),
        0,
      );
      if (gain > bestGain) {
        bestGain = gain;
        bestCover = { part, cover };
      }
    }
    if (bestCover !== undefined) {
      for (const seg of bestCover.cover) {
        hits[words.indexOf(seg.word)] = {
          kind: seg.kind === 'exact' ? 'part' : 'abbreviation',
          score: abbreviationPoints(seg),
          reason:
            seg.kind === 'exact'
              ? `"${seg.word}" is part of "${bestCover.part}"`
              : `"${bestCover.part}" abbreviates "${seg.word}" as "${seg.segment}"`,
        };
      }
    }
  }
  let total = 0;
  let best: MatchKind | undefined;
  const reasons: string[] = [];
  const matchedWords = new Set<string>();
  for (const [i, hit] of hits.entries()) {
    if (hit === undefined) continue;
    if (hit.kind !== 'abbreviation') matchedWords.add(words[i]!);
    total += hit.score;
    reasons.push(hit.reason);
    if (best === undefined || RANK[hit.kind] < RANK[best]) best = hit.kind;
  }
  return total > 0 && best !== undefined
    ? { score: total, matched: best, reason: reasons.join('; '), words: matchedWords }
    : undefined;
}

function abbreviationPoints(segment: CoverSegment): number {
  if (segment.kind === 'exact') return SCORE.abbreviationMax;
  return Math.min(SCORE.abbreviationMax - 1, SCORE.abbreviationBase + 2 * segment.segment.length);
}

function scoreWord(group: NameGroup, w: string): WordHit | undefined {
  const { lower, parts } = group;
  if (lower === w) return { kind: 'exact', score: SCORE.exact, reason: `name is "${w}"` };
  if (lower.startsWith(w)) return { kind: 'prefix', score: SCORE.prefix, reason: `name starts with "${w}"` };
  if (parts.includes(w)) return { kind: 'part', score: SCORE.part, reason: `name part "${w}"` };
  if (w.length >= 3 && lower.includes(w)) {
    return { kind: 'substring', score: SCORE.substring, reason: `name contains "${w}"` };
  }
  const numeric = /^\d+$/.test(w);
  // A one-character slip in a number is another number, not a typo.
  if (w.length >= 4 && !numeric) {
    const whole = oneTypo(w, lower);
    if (whole !== undefined) {
      return {
        kind: 'typo',
        score: SCORE.typo - (whole === 'transposition' ? 1 : 0),
        reason: `name is "${w}" with one ${whole}`,
      };
    }
    for (const p of parts) {
      const kind = p.length >= 4 ? oneTypo(w, p) : undefined;
      if (kind !== undefined) {
        return {
          kind: 'typo',
          score: SCORE.typo - 2 - (kind === 'transposition' ? 1 : 0),
          reason: `name part "${p}" is "${w}" with one ${kind}`,
        };
      }
    }
  }
  if (numeric) return undefined;
  // Abbreviations, either way round: a part abbreviating the word (hdr ↔ "header"), the word
  // abbreviating a part ("qty" ↔ QUANTITY), or a compound part starting with an abbreviation
  // (CUSTMST for "customer").
  let bestHit: WordHit | undefined;
  for (const p of parts) {
    const found = abbreviationIn(p, w);
    if (found === undefined) continue;
    const points = abbreviationPoints({ word: w, segment: found.segment, kind: found.kind });
    if (bestHit === undefined || points > bestHit.score) {
      const reason =
        found.segment === w
          ? `"${w}" abbreviates name part "${p}"`
          : `"${p}" abbreviates "${w}" as "${found.segment}"`;
      bestHit = { kind: 'abbreviation', score: points, reason };
    }
  }
  return bestHit;
}

/** The run of `part` standing for `w` or the other way round, and how. */
function abbreviationIn(part: string, w: string): { segment: string; kind: AbbreviationKind } | undefined {
  const whole = abbreviates(part, w);
  if (whole !== undefined) return { segment: part, kind: whole };
  const reverse = abbreviates(w, part);
  if (reverse !== undefined) return { segment: w, kind: reverse };
  if (w.length < 4) return undefined;
  const start = abbreviatedStart(part, w);
  const kind = start !== undefined && start.length >= 3 ? abbreviates(start, w) : undefined;
  return start !== undefined && kind !== undefined ? { segment: start, kind } : undefined;
}
