import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Resolve workspace packages to their TypeScript sources, so tests never run stale builds.
    conditions: ['@legacybridge/source'],
  },
  // Tests run in Vite's SSR environment, which ignores `resolve.conditions`: without this, a
  // workspace package with a dist/ silently resolves to its stale build, and one without fails.
  ssr: { resolve: { conditions: ['@legacybridge/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
