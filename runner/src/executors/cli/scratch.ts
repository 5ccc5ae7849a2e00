/**
 * Per-run scratch area for a CLI executor: `<stateDir>/scratch/<runId>-<random>/{home,tmp}`,
 * outside the workspace (nothing in it can be committed) and removed after the run. Leftovers of
 * a runner that died mid-run are swept once they are older than STALE_MS.
 */
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliScratch } from './cli-env.ts';

export interface Scratch extends CliScratch {
  root: string;
  remove(): Promise<void>;
}

const STALE_MS = 24 * 3600_000;

async function sweep(parent: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    const st = await stat(join(parent, name)).catch(() => null);
    if (st && now - st.mtimeMs > STALE_MS) await rm(join(parent, name), { recursive: true, force: true }).catch(() => {});
  }
}

export async function createScratch(stateDir: string, runId: string): Promise<Scratch> {
  const parent = join(stateDir, 'scratch');
  await mkdir(parent, { recursive: true });
  await sweep(parent);
  const root = await mkdtemp(join(parent, `${runId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}-`));
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  await mkdir(home, { recursive: true, mode: 0o700 });
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  return { root, home, tmp, remove: () => rm(root, { recursive: true, force: true }) };
}
