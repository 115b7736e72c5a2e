export * from './data-dictionary.js';
export * from './default-schema-cache.js';
export * from './relationships.js';
export * from './schema-cache.js';
export * from './schema-search.js';
export * from './schema-snapshot.js';
