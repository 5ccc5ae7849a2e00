import { applyD1Migrations, env } from 'cloudflare:test';

// Real migrations from migrations/, the same files wrangler applies.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS ?? []);
