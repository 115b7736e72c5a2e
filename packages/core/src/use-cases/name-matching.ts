/** Name matching shared by listing, lookup suggestions and schema search. */

/** True when `name` matches `pattern`: a glob (`*`, `?`) when it has wildcards, else a substring; case-insensitive. */
export function matchesNamePattern(name: string, pattern: string): boolean {
  const lower = name.toLowerCase();
  const p = pattern.toLowerCase();
  if (!/[*?]/.test(p)) return lower.includes(p);
  const re = new RegExp(
    `^${p
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  return re.test(lower);
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
