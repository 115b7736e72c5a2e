import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // tsc --build (composite projects) is the type gate; tsup's d.ts pass must not be composite.
  dts: { compilerOptions: { composite: false, incremental: false } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  // The CJS build needs import.meta.url to locate the runner and better-sqlite3.
  shims: true,
  // The runner is a separate plain-CommonJS process entry, started by path, never bundled.
  onSuccess: async () => {
    await copyFile('src/sqlite-runner.cjs', 'dist/sqlite-runner.cjs');
  },
});
