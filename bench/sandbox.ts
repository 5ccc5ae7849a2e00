/**
 * Benchmark: what the per-attempt sandbox (runner/src/sandbox/, issue 10) costs.
 *
 * - per spawned command: `true` spawned and awaited plainly vs inside a sandbox as the runner builds
 *   it (reaper shell, srt with its proxy and bridges, bubblewrap namespaces, prlimit);
 * - an attempt's start: an agent CLI (Claude Code) from spawn until it has printed its version,
 *   plainly vs sandboxed — the part of an attempt's start the sandbox adds to.
 *
 * Prints medians of ROUNDS each and the ratio against the plain figure of the same run.
 *
 *   node_modules/.bin/node bench/sandbox.ts [--rounds 7]
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectClis, DEFAULT_CLI_DIR } from '../runner/src/capabilities.ts';
import { resolveLimits } from '../runner/src/sandbox/limits.ts';
import { sandboxDeps } from '../runner/src/sandbox/job-sandbox.ts';
import { sandboxedSpawn } from '../runner/src/sandbox/sandboxed-command.ts';
import { median, reportRow } from './rows.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const ROUNDS = Number(values.rounds);

const root = await realpath(await mkdtemp(join(tmpdir(), 'bench-sandbox-')));
const work = join(root, 'work');
const ws = join(work, 'runs', 'bench-1');
const scratch = join(work, 'agents', 'scratch', 'bench');
for (const d of [ws, join(scratch, 'home'), join(scratch, 'tmp')]) await mkdir(d, { recursive: true });
const claude = (await detectClis({ dirs: [DEFAULT_CLI_DIR], path: '' })).find((c) => c.id === 'claude-code');
const deps = sandboxDeps({ stateDir: join(root, 'state'), workDir: work, cliBins: claude ? [claude.binPath] : [] });
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(scratch, 'home'), TMPDIR: join(scratch, 'tmp') };

function run(command: string, args: string[], cwd: string, e: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${command} exited ${code}`))));
  });
}

async function sandboxed(bin: string, args: string[]): Promise<number> {
  const spec = await sandboxedSpawn({
    box: { workspace: ws, scratch, hidden: deps.hidden, programs: deps.programs, relayPort: 1, allowedHosts: [] },
    limits: resolveLimits({}), privateDir: join(work, 'sandbox'), bin, args, env, processesNow: 0,
  });
  try {
    return await run(spec.command, spec.args, ws, spec.env);
  } finally {
    await spec.dispose();
  }
}

async function rounds(fn: () => Promise<number>): Promise<number> {
  await fn(); // warm the page cache
  const out: number[] = [];
  for (let i = 0; i < ROUNDS; i++) out.push(await fn());
  return median(out);
}

const rows: Array<[string, number, number]> = [];
rows.push(['spawn `true`', await rounds(() => run('/bin/true', [], ws, env)), await rounds(() => sandboxed('/bin/true', []))]);
if (claude) {
  const bin = await realpath(claude.binPath);
  rows.push(['Claude Code start (--version)', await rounds(() => run(bin, ['--version'], ws, env)), await rounds(() => sandboxed(bin, ['--version']))]);
}
console.log(`\nsandbox cost, median of ${ROUNDS} (ms)\n`);
console.log('| measure | plain | sandboxed | added | ratio |\n|---|---|---|---|---|');
for (const [what, plain, boxed] of rows) {
  console.log(`| ${what} | ${plain.toFixed(0)} | ${boxed.toFixed(0)} | +${(boxed - plain).toFixed(0)} | ×${(boxed / plain).toFixed(1)} |`);
}
for (const [what, plain, boxed] of rows) {
  reportRow('sandbox', { measure: `${what}, sandboxed`, figure: `${boxed.toFixed(0)} ms`, baseline: `plain ${plain.toFixed(0)} ms`, ratio: boxed / plain });
}
await rm(root, { recursive: true, force: true });
