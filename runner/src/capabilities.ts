/**
 * Which agent CLIs this runner can run (issue 3 §4): each CLI executor's binary is looked up in
 * the extra directories given (default: `.dursor/clis/node_modules/.bin` of this checkout, where
 * `scripts/install-clis.ts` puts them) and then on PATH, and counts as installed only when
 * `<bin> --version` answers within the timeout. Probes run in parallel with a throwaway HOME and
 * a scrubbed env. The runner advertises patch-agent plus what is found here in `hello`, so the
 * pool never assigns a CLI this runner lacks.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { ExecutorId } from '../../protocol/src/index.ts';
import type { CliAdapter } from './executors/cli/adapter.ts';
import { CLI_ADAPTERS } from './executors/registry.ts';

export interface DetectedCli {
  id: ExecutorId;
  adapter: CliAdapter;
  /** Absolute path of the executable. */
  binPath: string;
  version: string;
}

export interface DetectOptions {
  /**
   * Remembers each answer keyed by the binary's real path, size and mtime, so a restart does not
   * probe an unchanged CLI again (Gemini CLI takes seconds to print its version).
   */
  cacheFile?: string;
  /** Searched before PATH. */
  dirs?: string[];
  path?: string;
  timeoutMs?: number;
  adapters?: CliAdapter[];
}

/** Gemini CLI answers `--version` in ~5 s on a cold start (2 cores); the others in < 1 s. */
export const DEFAULT_PROBE_TIMEOUT_MS = 20_000;
export const DEFAULT_CLI_DIR = resolve(import.meta.dirname, '..', '..', '.dursor', 'clis', 'node_modules', '.bin');

async function findBin(name: string, dirs: string[]): Promise<string | null> {
  for (const dir of dirs) {
    const p = join(dir, name);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return null;
}

async function binKey(binPath: string): Promise<string> {
  const real = await realpath(binPath).catch(() => binPath);
  const st = await stat(real).catch(() => null);
  return `${real}:${st?.size ?? 0}:${st?.mtimeMs ?? 0}`;
}

function probe(binPath: string, home: string, path: string, timeoutMs: number): Promise<string | null> {
  // GEMINI_CLI_NO_RELAUNCH: Gemini CLI otherwise re-spawns itself with a bigger heap (~1 s more).
  const env = { PATH: path, HOME: home, TMPDIR: home, LANG: 'C.UTF-8', NO_COLOR: '1', CI: '1', GEMINI_CLI_NO_RELAUNCH: 'true' };
  return new Promise((done) => {
    execFile(binPath, ['--version'], { env, timeout: timeoutMs, killSignal: 'SIGKILL', cwd: home, maxBuffer: 64 * 1024 }, (err, stdout) => {
      const first = String(stdout ?? '').split('\n').map((l) => l.trim()).find(Boolean);
      done(err || !first ? null : first.slice(0, 100));
    });
  });
}

export async function detectClis(o: DetectOptions = {}): Promise<DetectedCli[]> {
  const pathVar = o.path ?? process.env.PATH ?? '';
  const dirs = [...(o.dirs ?? [DEFAULT_CLI_DIR]), ...pathVar.split(delimiter).filter(Boolean)];
  const probePath = [dirname(process.execPath), ...pathVar.split(delimiter).filter(Boolean)].join(delimiter);
  const home = await mkdtemp(join(tmpdir(), 'dursor-probe-'));
  const cache: Record<string, string> = o.cacheFile ? await readFile(o.cacheFile, 'utf8').then((t) => JSON.parse(t), () => ({})) : {};
  const fresh: Record<string, string> = {};
  try {
    const found = await Promise.all((o.adapters ?? CLI_ADAPTERS).map(async (adapter): Promise<DetectedCli | null> => {
      const binPath = await findBin(adapter.bin, dirs);
      if (!binPath) return null;
      const key = await binKey(binPath);
      const version = cache[key] ?? await probe(binPath, home, probePath, o.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
      if (version) fresh[key] = version;
      return version ? { id: adapter.id, adapter, binPath, version } : null;
    }));
    if (o.cacheFile) {
      await mkdir(dirname(o.cacheFile), { recursive: true }).catch(() => {});
      await writeFile(o.cacheFile, JSON.stringify(fresh, null, 2)).catch(() => {});
    }
    return found.filter((d): d is DetectedCli => d !== null);
  } finally {
    await rm(home, { recursive: true, force: true }).catch(() => {});
  }
}
