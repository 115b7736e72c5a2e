import type { UseCaseDeps } from '../use-cases/deps.js';
import { type SchemaCache } from './schema-cache.js';
/** `deps.schemaCache`, or the default cache of `deps.db` (created with the first caller's metrics and logger). */
export declare function schemaCacheOf(deps: UseCaseDeps): SchemaCache;
//# sourceMappingURL=default-schema-cache.d.ts.map