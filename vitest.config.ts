import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests through the
// "@aurora/source" export condition, so `npm test` never runs stale builds.
export default defineConfig({
  resolve: { conditions: ['@aurora/source'] },
  ssr: { resolve: { conditions: ['@aurora/source', ...defaultServerConditions] } },
  test: {
    include: ['packages/*/src/**/*.test.{ts,tsx}', 'bench/**/*.test.ts', 'test/**/*.test.ts'],
    // Generous: CI boxes have two cores; these bound hung tests, they are not performance checks (bench/ does those).
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/announce-skips.ts'],
  },
});
