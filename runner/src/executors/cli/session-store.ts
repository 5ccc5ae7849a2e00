/**
 * Keeps each CLI's own session files between runs on this runner, so a follow-up run (which gets
 * a fresh per-run HOME and a new workspace path) can resume the agent's session:
 * `<stateDir>/sessions/<executor>/<sessionId>/<path relative to HOME>`. Saved after a run, copied
 * into the next run's HOME by the executor's adapter. Entries older than SESSION_TTL_MS are
 * pruned on save. A follow-up that lands on another runner finds nothing and starts fresh.
 *
 * The files are kept for 14 days and hold everything the agent printed, so text files are saved
 * through the caller's redaction (issue 11: the run's token, the keys in the agent's environment,
 * the well-known secret shapes); a resumed agent sees `[redacted]` where a secret was.
 */
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

const SESSION_TTL_MS = 14 * 24 * 3600_000;
/** Session ids come from the Worker (a parent run's result); only plain ids become path segments. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;

export interface StoredFile {
  /** Path relative to the HOME it was saved from. */
  rel: string;
  abs: string;
}

export function isSafeSessionId(id: string): boolean {
  return SAFE_ID.test(id);
}

/** Files under `root` (recursively, bounded) whose path relative to `root` passes `keep`. */
export async function findFiles(root: string, keep: (rel: string) => boolean, maxDepth = 8): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > maxDepth) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) await walk(abs, depth + 1);
      else if (e.isFile()) {
        const rel = relative(root, abs).split(sep).join('/');
        if (keep(rel)) out.push(rel);
      }
    }
  };
  await walk(root, 0);
  return out.sort();
}

export class SessionStore {
  readonly root: string;

  constructor(stateDir: string) {
    this.root = join(stateDir, 'sessions');
  }

  #dir(executor: string, id: string): string {
    return join(this.root, executor, id);
  }

  async save(executor: string, id: string, home: string, rels: string[], redact: (text: string) => string): Promise<void> {
    if (!isSafeSessionId(id) || rels.length === 0) return;
    const dir = this.#dir(executor, id);
    await rm(dir, { recursive: true, force: true });
    for (const rel of rels) {
      const to = join(dir, rel);
      await mkdir(dirname(to), { recursive: true });
      const bytes = await readFile(join(home, rel));
      // Session files are JSON / JSONL; a binary one (a NUL byte) is copied as it is.
      if (bytes.includes(0)) await copyFile(join(home, rel), to);
      else await writeFile(to, redact(bytes.toString('utf8')));
    }
    await this.#prune(executor, id);
  }

  async load(executor: string, id: string): Promise<StoredFile[] | null> {
    if (!isSafeSessionId(id)) return null;
    const dir = this.#dir(executor, id);
    const rels = await findFiles(dir, () => true);
    return rels.length ? rels.map((rel) => ({ rel, abs: join(dir, rel) })) : null;
  }

  async #prune(executor: string, keep: string): Promise<void> {
    const base = join(this.root, executor);
    const now = Date.now();
    for (const name of await readdir(base).catch(() => [] as string[])) {
      if (name === keep) continue;
      const st = await stat(join(base, name)).catch(() => null);
      if (st && now - st.mtimeMs > SESSION_TTL_MS) await rm(join(base, name), { recursive: true, force: true });
    }
  }
}

export async function copyInto(home: string, rel: string, from: string): Promise<string> {
  const to = join(home, rel);
  await mkdir(dirname(to), { recursive: true });
  await copyFile(from, to);
  return to;
}
