import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ConfigFailure,
  configFailure,
  type DataDictionary,
  parseDataDictionary,
} from '@legacybridge/core';
import { err, ok, type Result } from 'neverthrow';
import { parse as parseYaml } from 'yaml';

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
    const buffer = readFileSync(path);
    if (buffer.length > MAX_BYTES)
      return fail(`is ${buffer.length} bytes; a data dictionary may have at most ${MAX_BYTES}.`);
    text = buffer.toString('utf8');
  } catch (error) {
    // The errno says enough (ENOENT, EACCES, EISDIR); a stack says nothing to an operator.
    return fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  let value: unknown;
  try {
    value =
      extname(path).toLowerCase() === '.json'
        ? JSON.parse(text)
        : // Unique keys: a table listed twice would silently lose one entry otherwise.
          parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    return fail(
      `is not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${firstLine((error as Error).message)}`,
    );
  }
  return parseDataDictionary(value).mapErr((issues) => {
    const shown = issues.slice(0, 5).map((issue) => `${issue.path}: ${issue.message}`);
    const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
    return configFailure(VARIABLE, `${VARIABLE}: ${path}: ${shown.join('; ')}${more}`);
  });
}

const VARIABLE = 'DATA_DICTIONARY_PATH';

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
 * Undefined when neither exists (a CommonJS bundle has no import.meta.url to look from).
 */
export function demoDictionaryPath(): string | undefined {
  for (const relative of ['./demo/demo-dictionary.yaml', '../src/demo/demo-dictionary.yaml']) {
    try {
      const candidate = fileURLToPath(new URL(relative, import.meta.url));
      if (existsSync(candidate)) return candidate;
    } catch {
      // import.meta.url is empty in the CommonJS bundle: no demo dictionary there.
    }
  }
  return undefined;
}
