/**
 * Each Durable Object's SQLite schema (worker/src/<do>/schema.ts) and its generated migrations
 * (worker/src/<do>/drizzle/) agree: a schema edited without `npm run db:generate:do` fails here,
 * before a room wakes with tables its code does not match.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

async function pendingStatements(dir: string): Promise<string[]> {
  const journal = JSON.parse(readFileSync(path.join(root, dir, 'drizzle/meta/_journal.json'), 'utf8')) as { entries: { idx: number }[] };
  const last = String(journal.entries.at(-1)!.idx).padStart(4, '0');
  const snapshot = JSON.parse(readFileSync(path.join(root, dir, `drizzle/meta/${last}_snapshot.json`), 'utf8'));
  const schema = await import(path.join(root, dir, 'schema.ts'));
  return generateSQLiteMigration(snapshot, await generateSQLiteDrizzleJson(schema));
}

describe('Durable Object migrations', () => {
  it.each(['worker/src/task-room', 'worker/src/runner-pool'])('%s: the last migration is the schema', async (dir) => {
    expect(await pendingStatements(dir)).toEqual([]);
  });
});
