/** Seeded randomness for the guard's generated-SQL tests: a failure always reproduces from its seed. */

/** mulberry32: a tiny, fast, seedable generator of numbers in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of `items`, chosen by `random`. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Up to seven pieces of `alphabet` (quotes, comment markers, …) run together. */
export function trickyText(random: () => number, alphabet: readonly string[]): string {
  let text = '';
  const length = Math.floor(random() * 8);
  for (let k = 0; k < length; k++) text += pick(random, alphabet);
  return text;
}
