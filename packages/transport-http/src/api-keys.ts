import { createHash, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from 'neverthrow';

/** One named API key. The name identifies the caller in logs, metrics and rate limits; the key is secret. */
export interface ApiKey {
  readonly name: string;
  readonly key: string;
}

/**
 * Parses `API_KEYS`: comma-separated `name:key` pairs (the key may itself contain colons).
 * @returns err with a message that names the bad entry by position, never by its text (it holds a key).
 */
export function parseApiKeys(text: string): Result<ApiKey[], string> {
  const keys: ApiKey[] = [];
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const [i, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const name = colon === -1 ? '' : entry.slice(0, colon).trim();
    const key = colon === -1 ? '' : entry.slice(colon + 1).trim();
    if (name === '' || key === '') return err(`entry ${i + 1} is not of the form name:key`);
    if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(name)) {
      return err(`entry ${i + 1} has a name that is not 1-64 letters, digits, _ . @ or -`);
    }
    if (keys.some((k) => k.name === name)) return err(`the name "${name}" appears twice`);
    keys.push({ name, key });
  }
  return ok(keys);
}

/** Finds the name of a presented key; keeps only SHA-256 hashes of the configured keys. */
export interface ApiKeyVerifier {
  /** The key's name, or undefined when no configured key matches. Constant time per configured key. */
  identify(presented: string): string | undefined;
  readonly size: number;
}

/**
 * Hashes every key once. Both sides are hashed before comparing, so `timingSafeEqual` always sees
 * equal lengths and the comparison time says nothing about how much of a guess was right; every
 * configured key is compared, so the time does not say which one matched either.
 */
export function createApiKeyVerifier(keys: readonly ApiKey[]): ApiKeyVerifier {
  const hashed = keys.map((k) => ({ name: k.name, hash: sha256(k.key) }));
  return {
    size: hashed.length,
    identify(presented) {
      const candidate = sha256(presented);
      let found: string | undefined;
      for (const k of hashed) {
        if (timingSafeEqual(candidate, k.hash) && found === undefined) found = k.name;
      }
      return found;
    },
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
