/**
 * Faults on the real stack: a runner killed mid-run, a runner whose network drops mid-run, and a
 * cancel mid-run. Leases are 3 s here so an orphaned run is noticed quickly.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Run } from '../protocol/src/index.ts';
import { waitFor } from '../testkit/src/wait.ts';
import { registrationToken, startRunner, stopRunners } from '../testkit/src/stack/runner.ts';
import { call } from './harness/scenarios.ts';
import { startTcpProxy } from '../testkit/src/tcp-proxy.ts';
import { isDone, openViewer, statuses } from '../testkit/src/stack/viewer.ts';
import { startWorld, type World } from '../testkit/src/stack/world.ts';

let w: World;
beforeAll(async () => { w = await startWorld({ leaseMs: 3_000 }); });
afterEach(stopRunners);
afterAll(async () => { await w?.stop(); });

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

async function getRun(id: string) {
  return Run.parse((await w.owner.ok('GET', `/v1/runs/${id}`)).run);
}

describe('faults', () => {
  it('hands a run whose runner was SIGKILLed to a second runner, which finishes it', async () => {
    const repo = await w.repo('killed');
    const instruction = 'Survive a dead runner.';
    const hold = gate();
    w.fake.addScenario({ match: instruction, turns: [
      { text: 'Working…', hold: hold.opened, toolCalls: [call('write_file', { path: 'survivor.txt', content: 'made it\n' })] },
      { text: 'Done.' },
    ] });
    const token = await registrationToken(w.owner);
    const first = await startRunner({ url: w.stack.url, token, name: 'doomed', dir: w.stack.dir, slots: 1 });
    const { taskId, runIds: [runId] } = await w.start(repo.id, instruction);
    const viewer = await openViewer(w.stack.url, taskId, w.owner.cookie);
    await viewer.waitFor('the run to be running on the first runner', (evs) => statuses(evs, runId).includes('running'));
    await waitFor('the provider to be mid-stream', async () => w.fake.requests.some((r) => JSON.stringify(r.body).includes(instruction)));

    await first.kill('SIGKILL');
    await startRunner({ url: w.stack.url, token, name: 'rescuer', dir: w.stack.dir, slots: 1 });
    hold.open();

    await viewer.waitFor('the run to finish', (evs) => isDone(evs, runId), 60_000);
    const s = statuses(viewer.events, runId);
    expect(s).toContain('lost');
    expect(s.slice(s.indexOf('lost'))).toEqual(['lost', 'queued', 'assigned', 'preparing', 'running', 'finishing', 'succeeded']);
    const run = await getRun(runId);
    expect(run.status).toBe('succeeded');
    expect(run.retries).toBe(1);
    expect(await w.git.readFile(repo.name, run.branch, 'survivor.txt')).toBe('made it\n');
    viewer.close();
  });

  it('keeps the log gapless and duplicate-free when the runner network drops mid-run', async () => {
    const repo = await w.repo('flaky');
    const instruction = 'Stream through a flaky network.';
    const hold = gate();
    const many = Array.from({ length: 40 }, (_, i) => `line ${i}\n`).join('');
    w.fake.addScenario({ match: instruction, turns: [
      { text: many, chunkDelayMs: 5, toolCalls: [call('write_file', { path: 'a.txt', content: 'a\n' })] },
      { text: many, hold: hold.opened, chunkDelayMs: 5, toolCalls: [call('write_file', { path: 'b.txt', content: 'b\n' })] },
      { text: 'Done.' },
    ] });
    const proxyTarget = Number(new URL(w.stack.url).port);
    const proxy = await startTcpProxy(proxyTarget);
    const runner = await startRunner({ url: proxy.url, token: await registrationToken(w.owner), name: 'flaky', dir: w.stack.dir, slots: 1 });
    const { taskId, runIds: [runId] } = await w.start(repo.id, instruction);
    const viewer = await openViewer(w.stack.url, taskId, w.owner.cookie);
    await viewer.waitFor('the first tool result', (evs) => evs.some((e) => e.runId === runId && e.type === 'tool_result'));

    expect(proxy.dropAll()).toBeGreaterThan(0);
    hold.open();
    await viewer.waitFor('the run to finish', (evs) => isDone(evs, runId), 60_000);
    expect((await getRun(runId)).status).toBe('succeeded');
    expect(runner.output()).toMatch(/reconnect/i);

    // The stored log (a fresh replay from 0) is gapless, and no runner event is stored twice.
    const replay = await openViewer(w.stack.url, taskId, w.owner.cookie, 0);
    await replay.waitFor('the replay', () => replay.syncs.length === 1);
    const seqs = replay.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const runnerEvents = replay.events.filter((e) => e.type !== 'status' || !['queued', 'assigned'].includes((e as { status: string }).status));
    const keys = runnerEvents.map(({ seq: _seq, ...rest }) => JSON.stringify(rest));
    expect(new Set(keys).size).toBe(keys.length);
    replay.close();
    viewer.close();
    await proxy.close();
  });

  it('cancels a running run within 2 s and pushes nothing', async () => {
    const repo = await w.repo('cancelled');
    const instruction = 'Take forever.';
    const never = new Promise<void>(() => {});
    w.fake.addScenario({ match: instruction, turns: [{ text: 'Thinking very hard…', hold: never, toolCalls: [call('write_file', { path: 'nope.txt', content: 'x\n' })] }] });
    await startRunner({ url: w.stack.url, token: await registrationToken(w.owner), name: 'canceller', dir: w.stack.dir, slots: 1 });
    const { taskId, runIds: [runId] } = await w.start(repo.id, instruction);
    const viewer = await openViewer(w.stack.url, taskId, w.owner.cookie);
    await viewer.waitFor('the run to be running', (evs) => statuses(evs, runId).includes('running'));
    await waitFor('the agent to be mid-turn at the provider', async () => w.fake.requests.some((r) => JSON.stringify(r.body).includes(instruction)));

    const t0 = Date.now();
    await w.owner.ok('POST', `/v1/runs/${runId}/cancel`);
    await viewer.waitFor('the run to be cancelled', (evs) => statuses(evs, runId).includes('cancelled'), 5_000);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(2_000);
    expect((await getRun(runId)).status).toBe('cancelled');
    expect(await w.git.listBranches(repo.name)).toEqual(['main']);
    viewer.close();
  });
});
