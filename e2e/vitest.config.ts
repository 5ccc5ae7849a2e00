import { defineConfig } from 'vitest/config';
import path from 'node:path';

// Whole-system tests: wrangler dev + runner processes + fake providers + local git server (+ Chromium).
// One file at a time: each starts its own stack and the machine has two cores.
export default defineConfig({
  test: {
    root: path.resolve(import.meta.dirname, '..'),
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['e2e/harness/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
