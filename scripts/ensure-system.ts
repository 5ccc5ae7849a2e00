/**
 * `pretest`: the tests need what `npm ci` does not install — git (its `git http-backend` serves the
 * test repositories), Debian's Chromium (the browser test), and the agent CLIs. Installs git and
 * Chromium with apt-get when running as root (otherwise says exactly what to run), and the CLIs from
 * npm into .dursor/clis (scripts/install-clis.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const missing: string[] = [];
if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
try {
  execFileSync('git', ['--version'], { stdio: 'ignore' });
} catch {
  missing.push('git');
}

if (missing.length > 0) {
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`The tests need ${missing.join(' and ')} from Debian. Run: sudo sh -c '${cmd}'`);
    process.exit(1);
  }
  console.log(`· installing ${missing.join(', ')} from Debian (needed by the tests)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
}

// The agent CLIs (Claude Code, Codex, Gemini CLI) the runner drives in tests, into .dursor/clis.
execFileSync(process.execPath, [`${import.meta.dirname}/install-clis.ts`], { stdio: 'inherit' });
