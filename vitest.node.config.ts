import { defineConfig } from 'vitest/config';

// Unit and component tests that run on Node: protocol, runner (with its real git server,
// fake worker and fake providers), web models.
export default defineConfig({
  test: {
    include: ['protocol/test/**/*.test.ts', 'scripts/test/**/*.test.ts', 'runner/test/**/*.test.ts', 'web/test/**/*.test.ts', 'testkit/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
