export * from './pool-options.js';
export * from './session-pool.js';
export * from './wait-queue.js';
