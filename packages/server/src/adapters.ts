import { sqliteAdapter } from '@legacybridge/adapter-sqlite';
import type { AdapterDefinition } from '@legacybridge/core';

/**
 * The adapters this package registers by default. Network databases join as their adapter packages
 * land; until then their schemes are refused with the list of supported ones.
 */
export const DEFAULT_ADAPTERS: readonly AdapterDefinition[] = [sqliteAdapter];
