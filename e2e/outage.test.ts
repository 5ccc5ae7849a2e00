/**
 * A Worker outage under a running attempt, on the real stack: the runner reaches wrangler dev through
 * a TCP proxy; while the fake provider holds the agent's second turn open, the proxy cuts every
 * connection and refuses new ones for 10 s (the held model stream, the run socket and the pool socket
 * all go). The run's gateway relay waits the Worker out, the patch agent replays the cut turn, the
 * run socket reconnects and resends: the run succeeds with its edits pushed, the stored log is
 * gapless with no event twice, and the log shows the relay's retry lines. The lease is 60 s here so
 * TaskRoom does not take the run away during the outage.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Run } from '../protocol/src/index.ts';
import { waitFor } from '../testkit/src/wait.ts';
import { registrationToken, startRunner, stopRunners } from '../testkit/src/stack/runner.ts';
import { call } from './harness/scenarios.ts';
import { startTcpProxy } from '../testkit/src/tcp-proxy.ts';
import { isDone, openViewer } from '../testkit/src/stack/viewer.ts';
import { startWorld, type World } from '../testkit/src/stack/world.ts';

let w: World;
beforeAll(async () => { w = await startWorld({ leaseMs: 60_000 }); });
afterEach(stopRunners);
afterAll(async () => { await w?.stop(); });

describe('outage', () => {
  it('a run rides out a 10 s Worker outage between model turns and succeeds, its log gapless', async () => {
    const repo = await w.repo('outage');
    const instruction = 'Keep going through an outage.';
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    w.fake.addScenario({ match: instruction, turns: [
      { text: 'First file.', toolCalls: [call('write_file', { path: 'a.txt', content: 'a\n' })] },
      // Held after its first text piece: the test cuts the network only once that piece reached the
      // viewer, so the cut always falls inside a stream the agent is reading (else the relay would
      // retry a request that never got an answer, quietly, and no stream would be interrupted).
      { text: 'Second file, after a pause.', hold: held, holdAfterChunks: 2, toolCalls: [call('write_file', { path: 'b.txt', content: 'b\n' })] },
      { text: 'Wrote a.txt and b.txt.' },
    ] });
    const proxy = await startTcpProxy(Number(new URL(w.stack.url).port));
    const runner = await startRunner({ url: proxy.url, token: await registrationToken(w.owner), name: 'outage', dir: w.stack.dir, slots: 1 });
    const { taskId, runIds: [runId] } = await w.start(repo.id, instruction);
    const viewer = await openViewer(w.stack.url, taskId, w.owner.cookie);
    await waitFor('the second turn held at the provider', async () => w.fake.requests.some((r) => r.scenario === instruction && r.turnIndex === 1), 60_000);
    await viewer.waitFor('the held turn streaming to the agent', (evs) => evs.some((e) => e.type === 'text' && e.text.startsWith('Second')), 30_000);

    const outage = proxy.outage(10_000, { drop: true });
    setTimeout(release, 1_000);
    await outage;
    await viewer.waitFor('the run to finish', (evs) => isDone(evs, runId), 90_000);

    const run = Run.parse((await w.owner.ok('GET', `/v1/runs/${runId}`)).run);
    expect(run.status).toBe('succeeded');
    expect(run.retries).toBe(0);
    expect(await w.git.readFile(repo.name, run.branch, 'a.txt')).toBe('a\n');
    expect(await w.git.readFile(repo.name, run.branch, 'b.txt')).toBe('b\n');

    const replay = await openViewer(w.stack.url, taskId, w.owner.cookie, 0);
    await replay.waitFor('the replay', () => replay.syncs.length === 1);
    const seqs = replay.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const keys = replay.events.map(({ seq: _seq, ...rest }) => JSON.stringify(rest));
    expect(new Set(keys).size).toBe(keys.length);
    const lines = replay.events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    expect(lines.filter((l) => /^LLM gateway unreachable \(ECONNREFUSED\); retrying in \d+\.\d s \(attempt \d+\)$/.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => /^LLM gateway reachable again after \d+\.\d s$/.test(l))).toBe(true);
    expect(lines.some((l) => /^model stream interrupted .*; retrying turn 2 \(2\/3\)$/.test(l))).toBe(true);
    expect(runner.output()).toMatch(/LLM gateway unreachable/);
    replay.close();
    viewer.close();
    await proxy.close();
  });
});
