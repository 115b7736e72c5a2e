import { defineConfig } from 'tsup';

export default defineConfig({
  // The catalog module is built too (not exported) so bench/ can time its statements on raw pg.
  entry: ['src/index.ts', 'src/postgres-catalog-sql.ts'],
  format: ['esm', 'cjs'],
  // tsc --build (composite projects) is the type gate; tsup's d.ts pass must not be composite.
  dts: { compilerOptions: { composite: false, incremental: false } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
