/**
 * `npm run bench`: every benchmark, one after the other (they would skew each other in
 * parallel), then one table of their headline rows (bench/rows.ts) with the machine's load.
 *
 *   npm run bench                        # all, at the sizes bench/README.md reports
 *   npm run bench -- --quick             # small sizes: checks that every bench runs, not the figures
 *   npm run bench -- --only git,sandbox  # some of them
 *
 * A bench that fails is a row saying so; the others still run, and the exit code is 1.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatRatio, type BenchRow } from './rows.ts';

interface Bench {
  name: string;
  file: string;
  args: string[];
  /** Arguments / environment for `--quick`: the smallest run that still exercises every path. */
  quickArgs?: string[];
  quickEnv?: Record<string, string>;
}

const BENCHES: Bench[] = [
  { name: 'usage-parser', file: 'usage-parser.ts', args: [], quickArgs: ['--rounds', '1', '--old-max-mib', '2'] },
  { name: 'redaction', file: 'redaction.ts', args: [], quickArgs: ['--events', '200', '--rounds', '2'] },
  { name: 'frame-gate', file: 'frame-gate.ts', args: [], quickEnv: { ROUNDS: '10' } },
  { name: 'do-storage', file: 'do-storage.ts', args: [], quickArgs: ['--events', '200', '--rounds', '2'] },
  { name: 'sandbox', file: 'sandbox.ts', args: [], quickArgs: ['--rounds', '2'] },
  { name: 'git', file: 'git.ts', args: [], quickArgs: ['--files', '200', '--rounds', '1'] },
  { name: 'event-latency', file: 'event-latency.ts', args: [], quickEnv: { CHUNKS: '40' } },
  { name: 'runner-load', file: 'runner-load.ts', args: [], quickArgs: ['--rounds', '3', '--cancels', '2', '--turn-ms', '500'] },
  { name: 'web-ui', file: 'web-ui.ts', args: [] },
];

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = only?.filter((n) => !BENCHES.some((b) => b.name === n)) ?? [];
if (unknown.length) {
  console.error(`unknown bench ${unknown.join(', ')}; there are: ${BENCHES.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const chosen = BENCHES.filter((b) => !only || only.includes(b.name));

const dir = await mkdtemp(join(tmpdir(), 'dursor-bench-'));
const rowsFile = join(dir, 'rows.jsonl');
const failed: string[] = [];
const loadBefore = loadavg();
const started = Date.now();

for (const b of chosen) {
  console.log(`\n── ${b.name} ${'─'.repeat(Math.max(0, 60 - b.name.length))}`);
  const args = values.quick && b.quickArgs ? b.quickArgs : b.args;
  const env = { ...process.env, ...(values.quick ? b.quickEnv : {}), DURSOR_BENCH_ROWS: rowsFile };
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, b.file), ...args], { stdio: 'inherit', env });
    child.on('error', () => resolve(127));
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  if (code !== 0) failed.push(`${b.name} (exit ${code})`);
}

const rows: BenchRow[] = (await readFile(rowsFile, 'utf8').catch(() => ''))
  .split('\n').filter(Boolean).map((l) => JSON.parse(l) as BenchRow);
await rm(dir, { recursive: true, force: true });

const cell = (s: string) => s.replaceAll('|', '\\|');
console.log(`\n## dursor benchmarks${values.quick ? ' (--quick: small sizes, figures not comparable)' : ''}\n`);
console.log(`${cpus().length} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} at the start, `
  + `${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end; ${Math.round((Date.now() - started) / 1000)} s\n`);
console.log('| bench | measure | figure | baseline (same run) | ratio | goal |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  const goal = r.goal ? `${r.goal}${r.met === undefined ? '' : r.met ? ' ✓' : ' ✗ over'}` : '';
  console.log(`| ${r.bench} | ${cell(r.measure)} | ${cell(r.figure)} | ${cell(r.baseline)} | ×${formatRatio(r.ratio)} | ${cell(goal)} |`);
}
for (const f of failed) console.log(`| ${f.split(' ')[0]} | **failed**: ${f} — see its output above | | | | |`);
process.exit(failed.length ? 1 : 0);
