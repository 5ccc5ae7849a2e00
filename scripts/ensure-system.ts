/**
 * `pretest`: the tests need what `npm ci` does not install — git (its `git http-backend` serves the
 * test repositories), Debian's Chromium (the browser test), bubblewrap, socat and ripgrep (the
 * agents' sandbox; the runner refuses to start where it cannot sandbox them: runner/src/sandbox/preflight.ts), buildah and mmdebstrap (the
 * runner image is built and run without a Docker daemon or an image registry:
 * e2e/harness/runner-image.ts), and the agent CLIs. Installs the Debian packages with apt-get
 * when they are missing and this runs as root (otherwise says exactly what to run), and the CLIs
 * from npm into .dursor/clis (scripts/install-clis.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Debian package → the program the tests run from it. */
const NEEDED: Record<string, string> = {
  git: 'git', chromium: 'chromium', bubblewrap: 'bwrap', socat: 'socat', ripgrep: 'rg', buildah: 'buildah', mmdebstrap: 'mmdebstrap',
};

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, bin)));
}

// Chromium is looked for where the browser tests launch it (e2e/harness/browser.ts).
const missing = Object.entries(NEEDED).filter(([pkg, bin]) => !(pkg === 'chromium' ? existsSync('/usr/bin/chromium') : onPath(bin))).map(([pkg]) => pkg);

if (missing.length > 0) {
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`The tests need ${missing.join(', ')} from Debian. Run: sudo sh -c '${cmd}'`);
    process.exit(1);
  }
  console.log(`· installing ${missing.join(', ')} from Debian (needed by the tests)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
}

// The agent CLIs (Claude Code, Codex, Gemini CLI) the runner drives in tests, into .dursor/clis.
execFileSync(process.execPath, [`${import.meta.dirname}/install-clis.ts`], { stdio: 'inherit' });
