export * from './default-schema-cache.js';
export * from './schema-cache.js';
export * from './schema-search.js';
export * from './schema-snapshot.js';
//# sourceMappingURL=index.d.ts.map