import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(root, 'migrations'));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: path.join(root, 'wrangler.toml') },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            DURSOR_ENCRYPTION_KEY: 'q4/0B8dHh4yQmW2kQ5m3mQ9o1x3V0b7u6t5r4e3w2q0=',
            DURSOR_ALLOW_PRIVATE_URLS: 'true',
            DURSOR_LEASE_MS: '2000',
            // Hermetic: a developer's .dev.vars (written by `npm start`) must not change what tests see.
            DURSOR_RUNNER_BOOTSTRAP_TOKEN: '',
          },
        },
      }),
    ],
    test: {
      include: ['worker/test/**/*.test.ts'],
      setupFiles: ['worker/test/setup.ts'],
      globalSetup: ['worker/test/global-setup.ts'],
      root,
    },
  };
});
