import { err, ok, type Result } from 'neverthrow';
import { type ConfigFailure, configFailure } from './errors.js';
import type { AdapterCreateInput, AdapterDefinition, DatabasePort } from './ports.js';

/**
 * Maps URL schemes to adapter definitions. Core ships it empty: the composition root (the server,
 * or an application) registers the adapters it installed, so core never imports a driver.
 */
export interface AdapterRegistry {
  /** Adds an adapter's schemes; a later registration of the same scheme replaces the earlier one. */
  register(definition: AdapterDefinition): AdapterRegistry;
  /** Supported schemes, sorted, for messages and `--help`. */
  schemes(): readonly string[];
  /**
   * Finds the adapter for a URL. A bare file path (no scheme) goes to the `sqlite` scheme when registered.
   * @returns err(InvalidConfig) naming `variable` and listing the supported schemes for an unknown one.
   */
  resolve(url: string, variable?: string): Result<AdapterDefinition, ConfigFailure>;
  /** `resolve` then `create`. */
  create(input: AdapterCreateInput, variable?: string): Result<DatabasePort, ConfigFailure>;
}

/** A new registry holding `definitions`. */
export function createAdapterRegistry(definitions: readonly AdapterDefinition[] = []): AdapterRegistry {
  const byScheme = new Map<string, AdapterDefinition>();
  const registry: AdapterRegistry = {
    register(definition) {
      for (const scheme of definition.schemes) byScheme.set(scheme.toLowerCase(), definition);
      return registry;
    },
    schemes() {
      return [...byScheme.keys()].sort();
    },
    resolve(url, variable = 'DATABASE_URL') {
      const scheme = urlScheme(url);
      if (scheme === undefined) {
        const sqlite = byScheme.get('sqlite');
        if (sqlite && url.trim() !== '') return ok(sqlite);
        return err(
          configFailure(variable, `is not a database URL. Supported schemes: ${listSchemes(registry)}.`),
        );
      }
      const found = byScheme.get(scheme);
      if (found) return ok(found);
      return err(
        configFailure(
          variable,
          `uses the unsupported scheme "${scheme}:". Supported schemes: ${listSchemes(registry)}.`,
        ),
      );
    },
    create(input, variable) {
      return registry.resolve(input.url, variable).andThen((definition) => definition.create(input));
    },
  };
  for (const d of definitions) registry.register(d);
  return registry;
}

function listSchemes(registry: AdapterRegistry): string {
  return registry
    .schemes()
    .map((s) => `${s}://`)
    .join(', ');
}

/**
 * The scheme of a URL in lower case, or undefined for a bare path. `mssql+pyodbc://` yields
 * `mssql+pyodbc`; a Windows drive letter (`C:\data.db`) is a path, not a scheme.
 */
export function urlScheme(url: string): string | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url.trim());
  if (!m || m[1]!.length === 1) return undefined;
  return m[1]!.toLowerCase();
}
