/**
 * What secret redaction (issue 11) adds to an event's way out, as ratios against a baseline measured
 * in the same run: JSON.stringify of the same events (which the runner and the TaskRoom do to every
 * event anyway).
 *
 *   node_modules/.bin/node bench/redaction.ts [--events 2000] [--rounds 7]
 *
 * Three costs, each the median of `rounds` passes over the same generated events:
 * - runner, whole events: `redactDeep` with a SecretRedactor holding 50 known values (a long-lived
 *   runner's log redactor holds every run token it has seen) — tool calls, tool results, log lines;
 * - runner, streamed text: the same prose pushed through a StreamRedactor in 4-character pieces,
 *   as a model streams it (the hold-back check runs on every piece);
 * - TaskRoom: `redactDeep` with the shared shapes only (what frame-ingest does before it stores).
 * No events contain secrets: this is the price every ordinary event pays.
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { redactDeep, redactPatterns, SecretRedactor, StreamRedactor } from '../protocol/src/secrets.ts';
import { reportRow } from './rows.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '7' } } });
const EVENTS = Number(values.events);
const ROUNDS = Number(values.rounds);

const words = 'the runner applies the patch and pushes a branch while the viewer streams each event to the page'.split(' ');
const prose = (n: number) => Array.from({ length: n }, (_, i) => words[i % words.length]).join(' ');
const events = Array.from({ length: EVENTS }, (_, i) => {
  const ts = Date.now();
  switch (i % 3) {
    case 0: return { type: 'tool_call', runId: 'r1', ts, callId: `c${i}`, name: 'edit_file', input: { path: `src/f${i}.ts`, old_string: prose(20), new_string: prose(24) } };
    case 1: return { type: 'tool_result', runId: 'r1', ts, callId: `c${i}`, output: prose(200), isError: false };
    default: return { type: 'log', runId: 'r1', ts, level: 'info', message: prose(12) };
  }
});
const text = prose(EVENTS * 20);
const pieces = text.match(/[\s\S]{1,4}/g)!;

const known = new SecretRedactor();
for (let i = 0; i < 50; i++) known.add(`drt_${randomBytes(24).toString('base64url')}`);

function median(f: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

let sink = 0;
const baseline = median(() => { for (const e of events) sink += JSON.stringify(e).length; });
const textBaseline = median(() => { for (const p of pieces) sink += JSON.stringify({ type: 'text', text: p }).length; });
const runnerEvents = median(() => { for (const e of events) sink += JSON.stringify(redactDeep(e, (s) => known.redactSecrets(s))).length; });
const runnerText = median(() => {
  const s = new StreamRedactor(known);
  for (const p of pieces) sink += JSON.stringify({ type: 'text', text: s.push(p) }).length;
  sink += s.end().length;
});
const room = median(() => { for (const e of events) sink += JSON.stringify(redactDeep(e, redactPatterns)).length; });

const row = (name: string, ms: number, base: number, n: number) =>
  console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms  ${((ms / n) * 1000).toFixed(2).padStart(7)} µs each  ×${(ms / base).toFixed(2)} of the baseline`);
console.log(`${EVENTS} events, ${pieces.length} text pieces, median of ${ROUNDS} (sink ${sink % 10})`);
row('baseline: JSON.stringify events', baseline, baseline, EVENTS);
row('runner: redact + stringify', runnerEvents, baseline, EVENTS);
row('TaskRoom: shapes + stringify', room, baseline, EVENTS);
row('baseline: stringify text pieces', textBaseline, textBaseline, pieces.length);
row('runner: stream-redact + stringify', runnerText, textBaseline, pieces.length);
const us = (ms: number, n: number) => `${((ms / n) * 1000).toFixed(2)} µs`;
reportRow('redaction', { measure: 'runner: redact + stringify, per event', figure: us(runnerEvents, EVENTS), baseline: `JSON.stringify ${us(baseline, EVENTS)}`, ratio: runnerEvents / baseline });
reportRow('redaction', { measure: 'TaskRoom: shapes + stringify, per event', figure: us(room, EVENTS), baseline: `JSON.stringify ${us(baseline, EVENTS)}`, ratio: room / baseline });
reportRow('redaction', { measure: 'runner: stream-redact, per text piece', figure: us(runnerText, pieces.length), baseline: `JSON.stringify ${us(textBaseline, pieces.length)}`, ratio: runnerText / textBaseline });
