/** Name matching shared by listing, lookup suggestions and schema search. */

/** True when `name` matches `pattern`: a glob (`*`, `?`) when it has wildcards, else a substring; case-insensitive. */
export function matchesNamePattern(name: string, pattern: string): boolean {
  return compileNamePattern(pattern)(name);
}

/** `matchesNamePattern` with the pattern compiled once, for scanning many names. */
export function compileNamePattern(pattern: string): (name: string) => boolean {
  const p = pattern.toLowerCase();
  if (!/[*?]/.test(p)) return (name) => name.toLowerCase().includes(p);
  const re = new RegExp(
    `^${p
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  return (name) => re.test(name.toLowerCase());
}

/** Levenshtein distance, bounded: returns `max + 1` as soon as the distance must exceed `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Splits an identifier into lower-case word parts: `ORD_HDR_2003` → ord, hdr, 2003;
 * `CustMst` → cust, mst; `orderID` → order, id.
 */
export function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])/g, '$1 $2')
    .replace(/([0-9])([A-Za-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p.length > 0)
    .map((p) => p.toLowerCase());
}

/** Up to `count` names closest to `wanted` (case-insensitive), for "did you mean" hints. */
export function closestNames(wanted: string, names: readonly string[], count = 3): string[] {
  const w = wanted.toLowerCase();
  const maxDistance = Math.max(2, Math.floor(w.length / 3));
  return names
    .map((name) => {
      const n = name.toLowerCase();
      const d = n.includes(w) || w.includes(n) ? 1 : editDistance(w, n, maxDistance);
      return { name, d };
    })
    .filter((x) => x.d <= maxDistance)
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, count)
    .map((x) => x.name);
}

/** How `typo` differs from `word` by exactly one edit. */
export type TypoKind = 'substitution' | 'insertion' | 'deletion' | 'transposition';

/**
 * The one edit that turns `word` into `typo` (a swapped pair of neighbours counts as one, as people
 * type it), or undefined when they are equal or further apart. Linear, for scanning every name.
 */
export function oneTypo(word: string, typo: string): TypoKind | undefined {
  const n = word.length;
  const m = typo.length;
  if (Math.abs(n - m) > 1 || word === typo) return undefined;
  let i = 0;
  while (i < n && i < m && word.charCodeAt(i) === typo.charCodeAt(i)) i++;
  if (n === m) {
    if (word.slice(i + 1) === typo.slice(i + 1)) return 'substitution';
    if (
      i + 1 < n &&
      word[i] === typo[i + 1] &&
      word[i + 1] === typo[i] &&
      word.slice(i + 2) === typo.slice(i + 2)
    ) {
      return 'transposition';
    }
    return undefined;
  }
  if (m === n + 1) return word.slice(i) === typo.slice(i + 1) ? 'insertion' : undefined;
  return word.slice(i + 1) === typo.slice(i) ? 'deletion' : undefined;
}

/**
 * Abbreviations legacy schemas use that the letter rule of `abbreviates` cannot find (`txn` has no
 * `x` in "transaction", `no` is not in "number") or should find with certainty.
 */
const KNOWN_ABBREVIATIONS: Readonly<Record<string, readonly string[]>> = {
  account: ['acct', 'acc', 'acnt'],
  address: ['addr', 'adr'],
  amount: ['amt'],
  balance: ['bal'],
  code: ['cd'],
  credit: ['crd', 'cr'],
  customer: ['cust', 'cus', 'cst'],
  date: ['dt'],
  description: ['desc', 'dsc'],
  detail: ['dtl', 'det'],
  employee: ['emp'],
  flag: ['flg'],
  header: ['hdr'],
  history: ['hist'],
  invoice: ['inv'],
  inventory: ['inv'],
  journal: ['jrnl', 'jnl'],
  location: ['loc'],
  manifest: ['mfst'],
  master: ['mst', 'mstr'],
  memo: ['mmo'],
  number: ['no', 'nbr', 'num'],
  order: ['ord'],
  price: ['prc'],
  purchase: ['po', 'pur'],
  quantity: ['qty'],
  reference: ['ref'],
  remark: ['rmk'],
  ship: ['shp'],
  shipment: ['shp', 'shpmt'],
  status: ['stat', 'sts'],
  text: ['tx', 'txt'],
  transaction: ['txn', 'trx', 'trans'],
  update: ['upd'],
  user: ['usr'],
  vendor: ['vend', 'vnd'],
  warehouse: ['whs', 'wh'],
};

// short → the words it abbreviates, so a check allocates nothing (it runs for every name part).
const KNOWN_SHORTS = new Map<string, Set<string>>();
for (const [word, shorts] of Object.entries(KNOWN_ABBREVIATIONS)) {
  for (const short of shorts) {
    const words = KNOWN_SHORTS.get(short) ?? new Set<string>();
    words.add(word);
    KNOWN_SHORTS.set(short, words);
  }
}

/** How `short` abbreviates `word`: a listed legacy abbreviation, or by keeping letters in order. */
export type AbbreviationKind = 'known' | 'letters';

/**
 * Whether `short` abbreviates `word`: a known legacy abbreviation (`qty` ↔ quantity), or — for three
 * letters or more — the same first letter and the rest of `short` found in order in `word`
 * (`hdr` ↔ header, `custm` ↔ customer, `mst` ↔ master). Both lower case.
 */
export function abbreviates(short: string, word: string): AbbreviationKind | undefined {
  if (short.length >= word.length || short.length < 2) return undefined;
  if (KNOWN_SHORTS.get(short)?.has(word)) return 'known';
  if (short.length < 3 || short.charCodeAt(0) !== word.charCodeAt(0)) return undefined;
  let j = 1;
  for (let i = 1; i < short.length; i++) {
    const c = short.charCodeAt(i);
    while (j < word.length && word.charCodeAt(j) !== c) j++;
    if (j === word.length) return undefined;
    j++;
  }
  return 'letters';
}

/** One run of a compound name standing for one query word, e.g. `cust` of `custmst` for "customer". */
export interface CoverSegment {
  readonly word: string;
  readonly segment: string;
  readonly kind: AbbreviationKind | 'exact';
}

/**
 * Splits a name part written as one run of letters (`custmst`, `ordhdr`) into consecutive segments that
 * each are or abbreviate a different one of `words`, covering the whole part; undefined when no such
 * split exists. Small dynamic programme: parts are short and queries have a few words.
 */
export function coverByWords(part: string, words: readonly string[]): CoverSegment[] | undefined {
  if (words.length === 0 || words.length > 8 || part.length < 2 || part.length > 40) return undefined;
  // Memo of dead ends by (start, words used): keeps the search linear-ish in the part's length.
  const failed = new Set<number>();
  const solve = (start: number, used: number): CoverSegment[] | undefined => {
    if (start === part.length) return [];
    if (failed.has(start * 256 + used)) return undefined;
    for (let w = 0; w < words.length; w++) {
      if ((used & (1 << w)) !== 0) continue;
      const word = words[w]!;
      if (word.charCodeAt(0) !== part.charCodeAt(start)) continue;
      // Longest segment first: "custm" before "cust", so the split keeps the most of each word.
      for (let end = part.length; end >= start + 2; end--) {
        const segment = part.slice(start, end);
        const kind = segment === word ? 'exact' : abbreviates(segment, word);
        if (kind === undefined) continue;
        const rest = solve(end, used | (1 << w));
        if (rest !== undefined) return [{ word, segment, kind }, ...rest];
      }
    }
    failed.add(start * 256 + used);
    return undefined;
  };
  return solve(0, 0);
}

/** The longest start of `part` (three letters or more) that abbreviates `word`, e.g. `custm` of `custmst`. */
export function abbreviatedStart(part: string, word: string): string | undefined {
  if (part.charCodeAt(0) !== word.charCodeAt(0)) return undefined;
  for (let end = Math.min(part.length, word.length - 1); end >= 2; end--) {
    const segment = part.slice(0, end);
    if (abbreviates(segment, word) !== undefined) return segment;
  }
  return undefined;
}
