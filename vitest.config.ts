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
    // Vitest's default is one worker fewer than the cores, so one on a 2-core CI box; most files spend
    // their time waiting on servers, child processes and sockets, so two keep both cores busy.
    maxWorkers: 2,
    // expect.poll waits on a browser, a server and agents sharing those two cores: Vitest's 1 s default
    // fails a console test whenever the box is busy. Like testTimeout, this bounds a hang, not speed.
    expect: { poll: { timeout: 15_000 } },
    globalSetup: ['test/announce-skips.ts'],
  },
});
