/**
 * Where a key could leak, gathered for a scan: a process's environment (/proc/<pid>/environ), its
 * output, the stored event log (a fresh replay), the local D1 database (a wrangler export) and every
 * API response a client saw. The scan reports each (secret, place) it finds.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Client } from '../../testkit/src/stack/client.ts';
import type { Proc } from '../../testkit/src/stack/processes.ts';
import type { Stack } from '../../testkit/src/stack/stack.ts';
import { openViewer } from '../../testkit/src/stack/viewer.ts';

export async function processEnvironment(proc: Proc): Promise<string> {
  return (await readFile(`/proc/${proc.child.pid}/environ`)).toString('utf8').replace(/\0/g, '\n');
}

/**
 * Every row of every table of local D1, as `table: {json}` lines, read straight from the SQLite
 * file wrangler dev keeps under its persist directory (read-only; `wrangler d1 export` cannot
 * take a persist directory).
 */
export async function d1Dump(stack: Stack): Promise<string> {
  const dir = path.join(stack.dir, 'state/v3/d1/miniflare-D1DatabaseObject');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  const lines: string[] = [];
  for (const f of files) {
    const db = new DatabaseSync(path.join(dir, f), { readOnly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      for (const { name } of tables) {
        for (const row of db.prepare(`SELECT * FROM "${name}"`).all()) lines.push(`${name}: ${JSON.stringify(row)}`);
      }
    } finally {
      db.close();
    }
  }
  return lines.join('\n');
}

/** Every stored event of a task, as JSON text. */
export async function storedEvents(stack: Stack, taskId: string, cookie: string): Promise<string> {
  const v = await openViewer(stack.url, taskId, cookie, 0);
  await v.waitFor('the replay', () => v.syncs.length === 1, 10_000);
  v.close();
  return JSON.stringify(v.events);
}

export function findSecrets(secrets: string[], places: Record<string, string>): string[] {
  const hits: string[] = [];
  for (const [place, text] of Object.entries(places)) for (const s of secrets) if (text.includes(s)) hits.push(`${s.slice(0, 6)}… in ${place}`);
  return hits;
}

export function apiResponses(...clients: Client[]): string {
  return clients.flatMap((c) => c.bodies).join('\n');
}
