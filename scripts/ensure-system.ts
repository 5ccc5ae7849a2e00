/**
 * `pretest`: the tests need what `npm ci` does not install — git (its `git http-backend` serves the
 * test repositories), Debian's Chromium (the browser test), bubblewrap, socat and ripgrep (the
 * agents' sandbox; a runner refuses to start where it cannot sandbox them:
 * runner/src/sandbox/preflight.ts), buildah and mmdebstrap (the runner image is built and run
 * without a Docker daemon or an image registry:
 * e2e/harness/runner-image.ts), and the agent CLIs. Installs the Debian packages with apt-get
 * when they are missing and this runs as root (otherwise says exactly what to run), and the CLIs
 * from npm into .dursor/clis (scripts/install-clis.ts).
 */
import { execFileSync } from 'node:child_process';
import { ensureDebianPackages } from './dev/debian-packages.ts';

// Chromium is looked for where the browser tests launch it (e2e/harness/browser.ts).
const needs = ensureDebianPackages({
  git: 'git', chromium: '/usr/bin/chromium', bubblewrap: 'bwrap', socat: 'socat', ripgrep: 'rg', buildah: 'buildah', mmdebstrap: 'mmdebstrap',
  // `ip`: the runner's redirect test gives its own network namespace a public address (runner/test/guarded-http-redirects.test.ts).
  iproute2: '/bin/ip',
}, 'needed by the tests');
if (needs) {
  console.error(`The tests need ${needs.missing.join(', ')} from Debian. Run: sudo sh -c '${needs.command}'`);
  process.exit(1);
}

// The agent CLIs (Claude Code, Codex, Gemini CLI) the runner drives in tests, into .dursor/clis.
execFileSync(process.execPath, [`${import.meta.dirname}/install-clis.ts`], { stdio: 'inherit' });
