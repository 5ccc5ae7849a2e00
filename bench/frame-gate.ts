/**
 * What TaskRoom's ingest checks cost (`node_modules/.bin/node bench/frame-gate.ts`): the run
 * socket's limits (protocol/src/frame-limits.ts — message size and nesting before parsing, then
 * events per frame, bytes and depth per event) checked on a frame, against the JSON.parse of the
 * same message that TaskRoom does anyway, measured in the same run. Frames:
 * - typical: 100 events as a streaming agent sends them (text, tool calls, tool output of ~1 KiB);
 * - large: one result event with a 512 KiB patch (the largest a runner sends);
 * - hostile: a tool input 400,000 levels deep (refused at level 33).
 * Printed per frame: median µs of parse and of the checks, and checks/parse.
 */
import { performance } from 'node:perf_hooks';
import { frameEventsViolation, frameTextViolation } from '../protocol/src/index.ts';
import { median, reportRow } from './rows.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 200);
const runId = 'run-bench';
const typical = Array.from({ length: 100 }, (_, i) => i % 3 === 0
  ? { type: 'text', runId, ts: i, text: 'Reading the file to see how the parser handles it. '.repeat(4) }
  : i % 3 === 1
    ? { type: 'tool_call', runId, ts: i, callId: `c${i}`, name: 'edit_file', input: { path: 'src/a.ts', edits: [{ old: 'x', new: 'y' }] } }
    : { type: 'tool_result', runId, ts: i, callId: `c${i - 1}`, output: 'const x = "value";\n'.repeat(50), isError: false });
const patch = Array.from({ length: 512 }, (_, i) => `diff --git a/f${i} b/f${i}\n${'+ line of "code"\n'.repeat(60)}`).join('').slice(0, 512 * 1024);
const large = [{ type: 'result', runId, ts: 1, result: { outcome: 'succeeded', patch, files: [], stats: { files: 512, additions: 30_000, deletions: 0 } } }];
const hostile = `{"type":"frame","frame":1,"events":[{"type":"tool_call","runId":"${runId}","ts":1,"callId":"c","name":"x","input":${'['.repeat(400_000)}${']'.repeat(400_000)}}]}`;

const frames: Array<[string, string]> = [
  ['typical (100 events)', JSON.stringify({ type: 'frame', frame: 1, events: typical })],
  ['large (512 KiB patch)', JSON.stringify({ type: 'frame', frame: 1, events: large })],
  ['hostile (400,000 deep)', hostile],
];

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) * 1000;
}

console.log(`frame checks vs JSON.parse, median of ${ROUNDS} rounds (a refused frame is never parsed: its parse is what the checks saved)`);
for (const [name, text] of frames) {
  const parse: number[] = [];
  const check: number[] = [];
  const textRefusal = frameTextViolation(text);
  const events = textRefusal ? [] : (JSON.parse(text) as { events: unknown[] }).events;
  // The hostile parse takes ~0.4 s: a few rounds of it are enough.
  const parseRounds = textRefusal ? Math.min(ROUNDS, 5) : ROUNDS;
  for (let r = 0; r < ROUNDS; r++) {
    if (r < parseRounds) parse.push(time(() => JSON.parse(text)));
    check.push(time(() => frameTextViolation(text) ?? frameEventsViolation(events)));
  }
  const verdict = textRefusal ?? frameEventsViolation(events) ?? 'accepted';
  const [p, c] = [median(parse), median(check)];
  console.log(`${name.padEnd(24)} ${(text.length / 1024).toFixed(0).padStart(5)} KiB  parse ${p.toFixed(0).padStart(6)} µs  checks ${c.toFixed(0).padStart(6)} µs  ×${(c / p).toFixed(3)}  (${verdict})`);
  reportRow('frame-gate', { measure: `ingest checks, ${name} (${(text.length / 1024).toFixed(0)} KiB)`, figure: `${c.toFixed(0)} µs`,
    baseline: `JSON.parse ${p.toFixed(0)} µs`, ratio: c / p });
}
