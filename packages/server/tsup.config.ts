import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // tsc --build (composite projects) is the type gate; tsup's d.ts pass must not be composite.
    dts: { compilerOptions: { composite: false, incremental: false } },
    sourcemap: true,
    clean: false,
    target: 'node20',
    // import.meta.url in the CommonJS bundle (from __filename): the demo dictionary is found by it.
    shims: true,
  },
  {
    // The CLI is ESM only; the banner makes dist/cli.js runnable as the `legacybridge` bin.
    entry: ['src/cli.ts'],
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
