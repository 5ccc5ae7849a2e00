/**
 * Installs the coding-agent CLIs the runner drives (Claude Code, Codex, Gemini CLI) from npm into
 * `.dursor/clis` (git-ignored), at the exact versions the runner's executors and tests were proven
 * against (runner/README.md, "Agent CLIs"). Idempotent: when every pinned version is already there, it only
 * says so. Tests find the binaries in `.dursor/clis/node_modules/.bin`.
 *
 *   node scripts/install-clis.ts            # install / verify
 *   node scripts/install-clis.ts --print    # print the bin directory and exit
 *
 * The Cursor agent is not on npm (it ships from cursor.com with its own installer), so it is not
 * installed here; its executor is unit-tested on recorded output.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const CLI_PACKAGES: Record<string, string> = {
  '@anthropic-ai/claude-code': '2.1.330',
  '@openai/codex': '0.169.0',
  '@google/gemini-cli': '0.61.0',
};

const root = path.resolve(import.meta.dirname, '..');
const prefix = path.join(root, '.dursor', 'clis');
const binDir = path.join(prefix, 'node_modules', '.bin');

function installedVersion(pkg: string): string | null {
  const file = path.join(prefix, 'node_modules', pkg, 'package.json');
  if (!existsSync(file)) return null;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

if (process.argv.includes('--print')) {
  process.stdout.write(`${binDir}\n`);
  process.exit(0);
}

const wanted = Object.entries(CLI_PACKAGES).filter(([pkg, version]) => installedVersion(pkg) !== version);
const bins = ['claude', 'codex', 'gemini'];
if (wanted.length === 0 && bins.every((b) => existsSync(path.join(binDir, b)))) {
  console.log(`· agent CLIs present in ${path.relative(root, prefix)} (${Object.entries(CLI_PACKAGES).map(([p, v]) => `${p}@${v}`).join(', ')})`);
  process.exit(0);
}

mkdirSync(prefix, { recursive: true });
const specs = Object.entries(CLI_PACKAGES).map(([pkg, version]) => `${pkg}@${version}`);
console.log(`· installing agent CLIs into ${path.relative(root, prefix)}: ${specs.join(' ')}`);
execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', ...specs], { stdio: 'inherit' });
const still = Object.entries(CLI_PACKAGES).filter(([pkg, version]) => installedVersion(pkg) !== version);
if (still.length > 0) {
  console.error(`agent CLIs missing after npm install: ${still.map(([p]) => p).join(', ')}`);
  process.exit(1);
}
