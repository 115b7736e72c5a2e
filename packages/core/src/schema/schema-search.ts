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

/** The kind of evidence behind a match, strongest first (`synonym` and `description` come from the data dictionary). */
export type MatchKind =
  | 'exact'
  | 'prefix'
  | 'part'
  | 'synonym'
  | 'substring'
  | 'typo'
  | 'comment'
  | 'description'
  | 'abbreviation';

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
// A data dictionary synonym is a name people really use, so it counts a little more than a word part
// of the catalog name; a dictionary description counts like a comment.
const SCORE = {
  exact: 100,
  prefix: 70,
  synonym: 60,
  part: 55,
  substring: 40,
  typo: 30,
  comment: 27,
  description: 27,
  abbreviationBase: 15,
  abbreviationMax: 25,
} as const;

const RANK: Record<MatchKind, number> = {
  exact: 0,
  prefix: 1,
  part: 2,
  synonym: 3,
  substring: 4,
  typo: 5,
  comment: 6,
  description: 7,
  abbreviation: 8,
};

/** Free text indexed beside the names: comments, and the data dictionary's synonyms and descriptions. */
type TextKind = 'synonym' | 'description' | 'comment';

/** Strongest first: a word found in several texts of one member counts once, as the strongest. */
const TEXT_KINDS: readonly TextKind[] = ['synonym', 'description', 'comment'];

/** One kind of text: its distinct words sorted (prefix lookups by binary search), and who has each. */
interface TextIndex {
  readonly words: readonly string[];
  /** Member ids whose text has `words[i]`. */
  readonly members: readonly (readonly number[])[];
}

/** A query word found in a member's text. */
interface TextHit {
  readonly word: string;
  readonly kind: TextKind;
}

/** Names (tables and columns together) grouped by lower-case spelling: scored once per query. */
interface NameGroup {
  readonly lower: string;
  readonly parts: readonly string[];
  /** Member ids: table i is 2·i, column c is 2·c + 1. */
  readonly members: number[];
}

interface SearchIndex {
  readonly groups: readonly NameGroup[];
  readonly texts: Readonly<Record<TextKind, TextIndex>>;
  /** Listing order of each member (unique): a table's columns follow it, in their order. */
  readonly rank: Float64Array;
  /** Index into `groups` of each member. */
  readonly memberGroup: Int32Array;
  /** Name part → the groups whose names have it. */
  readonly partGroups: ReadonlyMap<string, readonly number[]>;
  /** The distinct parts that are not numbers: the only ones typos and abbreviations are tried on. */
  readonly alphaParts: readonly string[];
}

/** The index of a snapshot, built on the first search and kept with it. */
function indexOf(snapshot: SchemaSnapshot): SearchIndex {
  return snapshot.derive(`search:${snapshot.columns === undefined ? 'tables' : 'all'}`, buildIndex);
}

const tableId = (i: number) => 2 * i;
const columnId = (c: number) => 2 * c + 1;

function buildIndex(snapshot: SchemaSnapshot): SearchIndex {
  const byName = new Map<string, number>();
  const groups: { lower: string; parts: string[]; members: number[] }[] = [];
  const columns = snapshot.columns ?? [];
  const size = 2 * Math.max(snapshot.tables.length, columns.length) + 2;
  const memberGroup = new Int32Array(size);
  const add = (name: string, id: number) => {
    const lower = name.toLowerCase();
    let g = byName.get(lower);
    if (g === undefined) {
      g = groups.length;
      groups.push({ lower, parts: nameParts(name), members: [] });
      byName.set(lower, g);
    }
    groups[g]!.members.push(id);
    memberGroup[id] = g;
  };
  const byWord: Record<TextKind, Map<string, number[]>> = {
    synonym: new Map(),
    description: new Map(),
    comment: new Map(),
  };
  const addText = (kind: TextKind, text: string | undefined, id: number) => {
    if (!text) return;
    const index = byWord[kind];
    for (const w of new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u))) {
      if (w.length === 0) continue;
      const list = index.get(w);
      if (list === undefined) index.set(w, [id]);
      // Two synonyms of one member may share a word: list the member once.
      else if (list[list.length - 1] !== id) list.push(id);
    }
  };
  const addTexts = (
    item: {
      comment?: string | undefined;
      description?: string | undefined;
      synonyms?: readonly string[] | undefined;
    },
    id: number,
  ) => {
    addText('comment', item.comment, id);
    addText('description', item.description, id);
    for (const synonym of item.synonyms ?? []) addText('synonym', synonym, id);
  };
  const rank = new Float64Array(size);
  const tableRank = new Map<string, number>();
  snapshot.tables.forEach((t, i) => {
    add(t.name, tableId(i));
    addTexts(t, tableId(i));
    tableRank.set(`${t.schema ?? ''}\u0000${t.name}`, i);
    rank[tableId(i)] = i * (columns.length + 1);
  });
  columns.forEach((c, i) => {
    add(c.name, columnId(i));
    addTexts(c, columnId(i));
    const t = tableRank.get(`${c.table.schema ?? ''}\u0000${c.table.name}`) ?? snapshot.tables.length;
    // After its table, in the adapter's column order (ordinal).
    rank[columnId(i)] = t * (columns.length + 1) + 1 + i;
  });
  const textIndex = (kind: TextKind): TextIndex => {
    const words = [...byWord[kind].keys()].sort();
    return { words, members: words.map((w) => byWord[kind].get(w)!) };
  };
  const partGroups = new Map<string, number[]>();
  groups.forEach((group, g) => {
    for (const part of new Set(group.parts)) {
      const list = partGroups.get(part);
      if (list) list.push(g);
      else partGroups.set(part, [g]);
    }
  });
  return {
    groups,
    memberGroup,
    partGroups,
    alphaParts: [...partGroups.keys()].filter((part) => !isNumber(part)),
    texts: {
      synonym: textIndex('synonym'),
      description: textIndex('description'),
      comment: textIndex('comment'),
    },
    rank,
  };
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

/** Everything a name earned from the query. */
interface GroupScore {
  readonly score: number;
  readonly matched: MatchKind;
  readonly reason: string;
  /** Query words the name matched by more than an abbreviation (a comment adds nothing to those). */
  readonly strong: ReadonlySet<string>;
}

/** Members sharing a score: a name's tables, a name's columns, or one member with comment points. */
interface Bucket {
  readonly score: number;
  readonly matched: MatchKind;
  readonly reason: string;
  readonly members: readonly number[];
}

/**
 * Tables and columns of `snapshot` ranked against `query`: per word, exact name > name prefix > word
 * part (`ORD_HDR_2003`, `CustMst` split into parts) > data dictionary synonym > substring > one
 * typo > comment or dictionary description > abbreviation (`cust` ↔ customer, `hdr` ↔ header, `qty`
 * ↔ quantity, and compounds such as `CUSTMST` ↔ "customer master"); the words' points add up; a
 * table outranks a column with the same points. Pass a snapshot seen through the dictionary
 * (`withDictionary`) for its text to count.
 * Best first, at most `limit`. Each distinct name is scored once, and only the returned matches are
 * built as objects, so a warm search over 5,000 tables × 15 columns costs milliseconds.
 */
export function searchSnapshot(snapshot: SchemaSnapshot, query: string, limit: number): RankedMatch[] {
  const words = queryWords(query);
  if (words.length === 0) return [];
  const index = indexOf(snapshot);
  const comments = textHits(index, words);
  const { hits, covers } = collectHits(index, words);
  const buckets: Bucket[] = [];
  const scored = new Uint8Array(index.groups.length);
  const candidates = new Set<number>([...hits.keys(), ...covers.keys()]);
  for (const g of candidates) {
    const group = index.groups[g]!;
    const hit = scoreGroup(words, hits.get(g) ?? new Array(words.length), covers.get(g));
    if (hit === undefined) continue;
    let tables: number[] | undefined;
    let columns: number[] | undefined;
    for (const id of group.members) {
      const mentioned = comments.size > 0 ? comments.get(id) : undefined;
      const extra = mentioned?.filter((h) => !hit.strong.has(h.word));
      if (extra !== undefined && extra.length > 0) {
        buckets.push({
          score: hit.score + (id % 2 === 0 ? 1 : 0) + textPoints(extra),
          matched: strongest(hit.matched, extra),
          reason: `${hit.reason}; ${textReason(extra)}`,
          members: [id],
        });
      } else if (id % 2 === 0) {
        tables ??= [];
        tables.push(id);
      } else {
        columns ??= [];
        columns.push(id);
      }
    }
    if (tables)
      buckets.push({ score: hit.score + 1, matched: hit.matched, reason: hit.reason, members: tables });
    if (columns)
      buckets.push({ score: hit.score, matched: hit.matched, reason: hit.reason, members: columns });
    scored[g] = 1;
  }
  // Names that matched nothing but whose comment or dictionary text did.
  for (const [id, found] of comments) {
    if (scored[index.memberGroup[id]!] === 1) continue;
    buckets.push({
      score: textPoints(found) + (id % 2 === 0 ? 1 : 0),
      matched: strongest(undefined, found),
      reason: textReason(found),
      members: [id],
    });
  }
  return top(buckets, index.rank, limit).map(([id, bucket]) => toMatch(snapshot, id, bucket));
}

const TEXT_REASON: Record<TextKind, string> = {
  synonym: 'synonym has',
  description: 'description mentions',
  comment: 'comment mentions',
};

function textReason(found: readonly TextHit[]): string {
  return found.map((h) => `${TEXT_REASON[h.kind]} "${h.word}"`).join('; ');
}

function textPoints(found: readonly TextHit[]): number {
  let points = 0;
  for (const h of found) points += SCORE[h.kind];
  return points;
}

function strongest(name: MatchKind | undefined, found: readonly TextHit[]): MatchKind {
  let best = name;
  for (const h of found) if (best === undefined || RANK[h.kind] < RANK[best]) best = h.kind;
  return best!;
}

/**
 * Member id → the query words its texts have a word starting with (words of three letters or more;
 * a synonym's word also when equal, so "AR" finds a table with the synonym "AR invoices"), each word
 * once per member with its strongest kind of text.
 */
function textHits(index: SearchIndex, words: readonly string[]): Map<number, TextHit[]> {
  const hits = new Map<number, TextHit[]>();
  for (const w of words) {
    const seen = new Set<number>();
    for (const kind of TEXT_KINDS) {
      const { words: sorted, members } = index.texts[kind];
      if (sorted.length === 0) continue;
      for (let i = lowerBound(sorted, w); i < sorted.length && sorted[i]!.startsWith(w); i++) {
        // Short words match whole synonym words only: as prefixes they would match nearly anything.
        if (w.length < 3 && (kind !== 'synonym' || sorted[i] !== w)) break;
        for (const id of members[i]!) {
          if (seen.has(id)) continue;
          seen.add(id);
          const list = hits.get(id);
          if (list) list.push({ word: w, kind });
          else hits.set(id, [{ word: w, kind }]);
        }
      }
    }
  }
  return hits;
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// The best `limit` members by score, then listing order: buckets in score order, and within one
// score only the members that can still make the answer are sorted (typed-array sort of ranks).
function top(buckets: Bucket[], rank: Float64Array, limit: number): [number, Bucket][] {
  buckets.sort((a, b) => b.score - a.score);
  const out: [number, Bucket][] = [];
  let i = 0;
  while (i < buckets.length && out.length < limit) {
    const score = buckets[i]!.score;
    const tier: Bucket[] = [];
    let size = 0;
    while (i < buckets.length && buckets[i]!.score === score) {
      tier.push(buckets[i]!);
      size += buckets[i]!.members.length;
      i++;
    }
    // Ranks are unique: the need-th smallest rank of the tier is the cut, found by a typed-array sort.
    const keys = new Float64Array(size);
    let k = 0;
    for (const bucket of tier) for (const id of bucket.members) keys[k++] = rank[id]!;
    keys.sort();
    const need = Math.min(limit - out.length, size);
    const cut = keys[need - 1]!;
    const picked: [number, Bucket][] = [];
    for (const bucket of tier) {
      for (const id of bucket.members) if (rank[id]! <= cut) picked.push([id, bucket]);
    }
    picked.sort((a, b) => rank[a[0]]! - rank[b[0]]!);
    out.push(...picked);
  }
  return out;
}

function toMatch(snapshot: SchemaSnapshot, id: number, b: Bucket): RankedMatch {
  if (id % 2 === 0) {
    const t = snapshot.tables[id / 2]!;
    return {
      type: 'table',
      schema: t.schema,
      table: t.name,
      score: b.score,
      matched: b.matched,
      reason: b.reason,
    };
  }
  const col = snapshot.columns![(id - 1) / 2]!;
  return {
    type: 'column',
    schema: col.table.schema,
    table: col.table.name,
    column: col.name,
    score: b.score,
    matched: b.matched,
    reason: b.reason,
  };
}

type CoverHit = { readonly part: string; readonly cover: readonly CoverSegment[] };

/**
 * Every name any query word reaches, with each word's best hit. Whole names are scanned once per word
 * (one indexOf each: exact, prefix, substring; then a length-gated typo check); typos and
 * abbreviations are tried once per distinct name part and spread to the names having it through the
 * part index — legacy schemas repeat a few dozen parts across thousands of names.
 */
function collectHits(
  index: SearchIndex,
  words: readonly string[],
): { hits: Map<number, (WordHit | undefined)[]>; covers: Map<number, CoverHit[]> } {
  const hits = new Map<number, (WordHit | undefined)[]>();
  const offer = (g: number, wi: number, hit: WordHit) => {
    let row = hits.get(g);
    if (row === undefined) {
      row = new Array(words.length);
      hits.set(g, row);
    }
    const current = row[wi];
    if (current === undefined || hit.score > current.score) row[wi] = hit;
  };
  const { groups, partGroups, alphaParts } = index;
  words.forEach((w, wi) => {
    const numeric = isNumber(w);
    const typoable = !numeric && w.length >= 4;
    for (let g = 0; g < groups.length; g++) {
      const lower = groups[g]!.lower;
      const at = lower.indexOf(w);
      if (at === 0) {
        offer(
          g,
          wi,
          lower.length === w.length
            ? { kind: 'exact', score: SCORE.exact, reason: `name is "${w}"` }
            : { kind: 'prefix', score: SCORE.prefix, reason: `name starts with "${w}"` },
        );
      } else if (at > 0 && w.length >= 3) {
        offer(g, wi, { kind: 'substring', score: SCORE.substring, reason: `name contains "${w}"` });
      } else if (typoable && Math.abs(lower.length - w.length) <= 1) {
        const typo = oneTypo(w, lower);
        if (typo !== undefined) {
          offer(g, wi, {
            kind: 'typo',
            score: SCORE.typo - (typo === 'transposition' ? 1 : 0),
            reason: `name is "${w}" with one ${typo}`,
          });
        }
      }
    }
    const exactPart: WordHit = { kind: 'part', score: SCORE.part, reason: `name part "${w}"` };
    for (const g of partGroups.get(w) ?? []) offer(g, wi, exactPart);
    // A one-character slip in a number is another number, not a typo; numbers abbreviate nothing.
    if (numeric) return;
    for (const part of alphaParts) {
      if (part === w) continue;
      const hit = partHit(part, w);
      if (hit !== undefined) for (const g of partGroups.get(part)!) offer(g, wi, hit);
    }
  });
  // Words may together spell a compound part: CUSTMST = cust + mst for "customer master".
  const covers = new Map<number, CoverHit[]>();
  const alphaWords = words.filter((w) => w.length >= 3 && !isNumber(w));
  if (alphaWords.length >= 2) {
    for (const part of alphaParts) {
      const cover = coverByWords(part, alphaWords);
      if (cover === undefined) continue;
      for (const g of partGroups.get(part)!) {
        const list = covers.get(g);
        if (list) list.push({ part, cover });
        else covers.set(g, [{ part, cover }]);
      }
    }
  }
  return { hits, covers };
}

/**
 * A name's score from its words' best hits. A compound cover replaces the hits of the words it uses
 * when that is worth more: only covers of a whole part count, so stray letters never match.
 */
function scoreGroup(
  words: readonly string[],
  row: readonly (WordHit | undefined)[],
  covers: readonly CoverHit[] | undefined,
): GroupScore | undefined {
  const hits = [...row];
  if (covers !== undefined) {
    let bestGain = 0;
    let best: CoverHit | undefined;
    for (const candidate of covers) {
      const gain = candidate.cover.reduce(
        (sum, seg) => sum + abbreviationPoints(seg) - (hits[words.indexOf(seg.word)]?.score ?? 0),
        0,
      );
      if (gain > bestGain) {
        bestGain = gain;
        best = candidate;
      }
    }
    if (best !== undefined) {
      for (const seg of best.cover) {
        hits[words.indexOf(seg.word)] = {
          kind: seg.kind === 'exact' ? 'part' : 'abbreviation',
          score: abbreviationPoints(seg),
          reason:
            seg.kind === 'exact'
              ? `"${seg.word}" is part of "${best.part}"`
              : `"${best.part}" abbreviates "${seg.word}" as "${seg.segment}"`,
        };
      }
    }
  }
  let total = 0;
  let matched: MatchKind | undefined;
  let reason = '';
  const strong = new Set<string>();
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i];
    if (hit === undefined) continue;
    if (hit.kind !== 'abbreviation') strong.add(words[i]!);
    total += hit.score;
    reason = reason === '' ? hit.reason : `${reason}; ${hit.reason}`;
    if (matched === undefined || RANK[hit.kind] < RANK[matched]) matched = hit.kind;
  }
  return total > 0 && matched !== undefined ? { score: total, matched, reason, strong } : undefined;
}

function isNumber(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return text.length > 0;
}

/** A typo of `w` in part `p`, or an abbreviation either way round (hdr ↔ "header", "qty" ↔ QUANTITY, CUSTMST ↔ "customer"). */
function partHit(p: string, w: string): WordHit | undefined {
  if (isNumber(p)) return undefined;
  if (w.length >= 4 && p.length >= 4) {
    const kind = oneTypo(w, p);
    if (kind !== undefined) {
      return {
        kind: 'typo',
        score: SCORE.typo - 2 - (kind === 'transposition' ? 1 : 0),
        reason: `name part "${p}" is "${w}" with one ${kind}`,
      };
    }
  }
  const found = abbreviationIn(p, w);
  if (found === undefined) return undefined;
  return {
    kind: 'abbreviation',
    score: abbreviationPoints({ word: w, segment: found.segment, kind: found.kind }),
    reason:
      found.segment === w
        ? `"${w}" abbreviates name part "${p}"`
        : `"${p}" abbreviates "${w}" as "${found.segment}"`,
  };
}

function abbreviationPoints(segment: CoverSegment): number {
  if (segment.kind === 'exact') return SCORE.abbreviationMax;
  return Math.min(SCORE.abbreviationMax - 1, SCORE.abbreviationBase + 2 * segment.segment.length);
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
