/**
 * Path confinement for the patch agent's tools: a tool path is relative to the workspace; it
 * is refused if absolute, if it resolves outside the workspace, if the real path of its nearest
 * existing ancestor (or of the file itself — symlinks!) lies outside, or if it reaches into
 * .git. Every refusal is a policy violation: the tool errors and the run fails.
 */
import { lstat, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { isInside as inside } from '../../policy.ts';

export type Confined =
  | { ok: true; abs: string; rel: string }
  | { ok: false; violation: string };

/** Real path of `p` if it exists, else of its nearest existing ancestor; follows dangling links lexically. */
async function realOfNearest(p: string, depth = 0): Promise<string> {
  let cur = p;
  for (;;) {
    const st = await lstat(cur).catch(() => null);
    if (st) {
      const real = await realpath(cur).catch(() => null);
      if (real) return real + p.slice(cur.length);
      // A dangling symlink: where would a write through it land?
      if (st.isSymbolicLink() && depth < 40) return realOfNearest(resolve(dirname(cur), await readlink(cur)) + p.slice(cur.length), depth + 1);
      return p;
    }
    const up = dirname(cur);
    if (up === cur) return p;
    cur = up;
  }
}

/** `root` must already be a real path. */
export async function confine(root: string, input: string | undefined): Promise<Confined> {
  const raw = (input ?? '').trim() || '.';
  if (raw.includes('\0')) return { ok: false, violation: 'path contains a NUL byte' };
  if (isAbsolute(raw)) return { ok: false, violation: `path escapes the workspace: ${raw}` };
  const abs = resolve(root, raw);
  if (!inside(root, abs)) return { ok: false, violation: `path escapes the workspace: ${raw}` };
  const rel = relative(root, abs).split(sep).join('/') || '.';
  if (rel === '.git' || rel.startsWith('.git/')) return { ok: false, violation: `${rel} — nothing under .git/ may be touched` };
  const real = await realOfNearest(abs);
  if (!inside(root, real)) return { ok: false, violation: `path escapes the workspace: ${raw} (resolves to ${real})` };
  const realRel = relative(root, real).split(sep).join('/');
  if (realRel === '.git' || realRel.startsWith('.git/')) return { ok: false, violation: `${rel} — leads into .git/, which may not be touched` };
  return { ok: true, abs: real, rel };
}
