/**
 * Event latency runner → viewer on the real stack (`node bench/event-latency.ts`).
 *
 * A real runner process streams a scripted agent's text (N chunks, one every few ms) through
 * wrangler dev; a viewer socket records, for every `text` event, now − event.ts (both clocks are
 * this machine's). The baseline, measured in the same run, is one HTTP round trip to the same
 * Worker (`GET /v1/auth/state`). Printed: p50/p99 of both and their ratio. Batching on the runner
 * (≤100 ms per frame, docs/architecture.md §5) is part of what is measured, on purpose.
 */
import { performance } from 'node:perf_hooks';
import { buildWeb } from '../testkit/src/stack/build-web.ts';
import { registrationToken, startRunner } from '../testkit/src/stack/runner.ts';
import { isDone, openViewer } from '../testkit/src/stack/viewer.ts';
import { startWorld } from '../testkit/src/stack/world.ts';
import { reportRow } from './rows.ts';

const CHUNKS = Number(process.env.CHUNKS ?? 400);
const CHUNK_DELAY_MS = Number(process.env.CHUNK_DELAY_MS ?? 5);
const ROUND_TRIPS = 200;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

buildWeb(); // wrangler dev serves web/dist as its assets and will not start without it
const w = await startWorld();
try {
  await startRunner({ url: w.stack.url, token: await registrationToken(w.owner), name: 'bench', dir: w.stack.dir, slots: 1 });
  const base: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const t0 = performance.now();
    await (await fetch(`${w.stack.url}/v1/auth/state`)).text();
    base.push(performance.now() - t0);
  }

  const repo = await w.repo('bench');
  const instruction = 'Stream a lot of text for the latency bench.';
  const text = Array.from({ length: CHUNKS }, (_, i) => `chunk ${i} `).join('');
  w.fake.addScenario({ match: instruction, turns: [{ text, chunkDelayMs: CHUNK_DELAY_MS }] });
  const { taskId, runIds: [runId] } = await w.start(repo.id, instruction);
  const viewer = await openViewer(w.stack.url, taskId, w.owner.cookie);
  const latencies: number[] = [];
  // Measure at arrival: the viewer appends every received batch to its array.
  const push = viewer.events.push.bind(viewer.events);
  viewer.events.push = (...evs) => {
    const now = Date.now();
    for (const e of evs) if (e.type === 'text') latencies.push(now - e.ts);
    return push(...evs);
  };
  await viewer.waitFor('the run to finish', (evs) => isDone(evs, runId), 120_000);
  viewer.close();

  const p = (xs: number[]) => ({ p50: pct(xs, 50), p99: pct(xs, 99) });
  const ev = p(latencies);
  const rt = p(base);
  console.log(`text events measured: ${latencies.length} (chunks streamed: ${CHUNKS}, every ${CHUNK_DELAY_MS} ms)`);
  console.log(`baseline  HTTP round trip to the Worker: p50 ${rt.p50.toFixed(1)} ms, p99 ${rt.p99.toFixed(1)} ms`);
  console.log(`runner → viewer event latency:           p50 ${ev.p50.toFixed(1)} ms, p99 ${ev.p99.toFixed(1)} ms`);
  console.log(`ratio (event / baseline):                p50 ×${(ev.p50 / rt.p50).toFixed(1)}, p99 ×${(ev.p99 / rt.p99).toFixed(1)}`);
  // Goals from issue 14 ("Fast on real repositories and live to the millisecond").
  for (const [p, goal] of [['p50', 15], ['p99', 60]] as const) {
    reportRow('event-latency', { measure: `runner → viewer event latency ${p}`, figure: `${ev[p].toFixed(1)} ms`,
      baseline: `HTTP round trip ${p} ${rt[p].toFixed(1)} ms`, ratio: ev[p] / rt[p], goal: `≤ ${goal} ms`, met: ev[p] <= goal });
  }
} finally {
  await w.stop();
}
