import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // tsc --build (composite projects) is the type gate; tsup's d.ts pass must not be composite.
  dts: { compilerOptions: { composite: false, incremental: false } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  // import.meta.url in the CommonJS bundle (createRequire in sdk-loader.ts).
  shims: true,
});
