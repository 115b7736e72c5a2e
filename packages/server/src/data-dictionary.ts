import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ConfigFailure,
  configFailure,
  type DataDictionary,
  parseDataDictionary,
} from '@legacybridge/core';
import { err, ok, type Result } from 'neverthrow';
import { isScalar, parseDocument, visit } from 'yaml';

/** A data dictionary read from a file, and where from, for the startup log. */
export interface LoadedDictionary {
  readonly dictionary: DataDictionary;
  readonly path: string;
  /** True when it is the demo dictionary shipped with the server (no DATA_DICTIONARY_PATH, demo database). */
  readonly demo: boolean;
}

// Larger than any hand-written dictionary of 5,000 tables; a bigger file is a wrong path (a dump).
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * Reads and validates the data dictionary at `path`: JSON when the name ends in `.json`, else YAML
 * (which also reads JSON). Synchronous: it runs once at startup, before anything is served.
 * @returns err(InvalidConfig naming DATA_DICTIONARY_PATH) when the file cannot be read or parsed, or
 * breaks the schema — the message names the file and the key path of each problem (at most five).
 */
export function loadDataDictionary(path: string): Result<DataDictionary, ConfigFailure> {
  const fail = (what: string) => err(configFailure(VARIABLE, `${VARIABLE}: ${path}: ${what}`));
  let text: string;
  try {
    // A FIFO or a device (/dev/zero) would block or grow without end in readFileSync: regular files only.
    const stat = statSync(path);
    if (!stat.isFile()) return fail('is not a regular file.');
    if (stat.size > MAX_BYTES)
      return fail(`is ${stat.size} bytes; a data dictionary may have at most ${MAX_BYTES}.`);
    const buffer = readFileSync(path);
    if (buffer.length > MAX_BYTES)
      return fail(`is ${buffer.length} bytes; a data dictionary may have at most ${MAX_BYTES}.`);
    text = buffer.toString('utf8');
  } catch (error) {
    // The errno says enough (ENOENT, EACCES, EISDIR); a stack says nothing to an operator.
    return fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  const format = extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML';
  const parsed = parseText(text);
  if (parsed.isErr()) return fail(`is not valid ${format}: ${firstLine(parsed.error)}`);
  const value = parsed.value;
  return parseDataDictionary(value).mapErr((issues) => {
    const shown = issues.slice(0, 5).map((issue) => `${issue.path}: ${issue.message}`);
    const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
    return configFailure(VARIABLE, `${VARIABLE}: ${path}: ${shown.join('; ')}${more}`);
  });
}

const VARIABLE = 'DATA_DICTIONARY_PATH';

/**
 * YAML or JSON (YAML 1.2 reads JSON) to a value, refusing a key written twice in one mapping: a table
 * listed twice would silently lose one entry, and `{"T": {"hidden": true}, "T": {}}` would show T.
 * JSON goes through the same path because JSON.parse keeps the last duplicate without a word. The
 * duplicate check is our own, one Set per mapping: the yaml package's `uniqueKeys` compares every
 * key with every earlier one, which took 6 s for 20,000 tables and minutes for a file under the cap.
 * A leading BOM is dropped (editors on Windows write one). Aliases are bounded (billion laughs).
 */
function parseText(text: string): Result<unknown, string> {
  const doc = parseDocument(text.startsWith('\uFEFF') ? text.slice(1) : text, {
    uniqueKeys: false,
  });
  if (doc.errors.length > 0) return err(doc.errors[0]?.message ?? 'unreadable');
  let duplicate: string | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          duplicate = `the key ${JSON.stringify(String(key))} appears twice in one mapping (keys must be unique)`;
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  if (duplicate !== undefined) return err(duplicate);
  try {
    return ok(doc.toJS({ maxAliasCount: 100 }));
  } catch (error) {
    return err((error as Error).message);
  }
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}

/**
 * The dictionary the server uses: DATA_DICTIONARY_PATH when set; else, when the embedded demo
 * database is served, the demo dictionary shipped in this package; else none.
 * @returns err(InvalidConfig) when DATA_DICTIONARY_PATH is set and unusable; a broken demo dictionary
 * (a packaging bug) is reported the same way rather than silently ignored.
 */
export function chooseDataDictionary(
  configuredPath: string | undefined,
  servingDemo: boolean,
): Result<LoadedDictionary | undefined, ConfigFailure> {
  if (configuredPath !== undefined) {
    return loadDataDictionary(configuredPath).map((dictionary) => ({
      dictionary,
      path: configuredPath,
      demo: false,
    }));
  }
  if (!servingDemo) return ok(undefined);
  const path = demoDictionaryPath();
  if (path === undefined) return ok(undefined);
  return loadDataDictionary(path).map((dictionary) => ({ dictionary, path, demo: true }));
}

/**
 * Where the demo dictionary is: src/demo/demo-dictionary.yaml ships in the package (`files` has src),
 * next to this module when running from source, or `../src/demo` from the bundles in dist/.
 * Undefined when neither exists. The CommonJS bundle gets import.meta.url from tsup's shim.
 */
export function demoDictionaryPath(): string | undefined {
  for (const relative of ['./demo/demo-dictionary.yaml', '../src/demo/demo-dictionary.yaml']) {
    try {
      const candidate = fileURLToPath(new URL(relative, import.meta.url));
      if (existsSync(candidate)) return candidate;
    } catch {
      // Not a file URL (a bundler that rewrote import.meta.url): no demo dictionary from here.
    }
  }
  return undefined;
}
