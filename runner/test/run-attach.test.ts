/**
 * The run socket's attach timeout (issue 11): a run whose socket is upgraded but never `attached`
 * — what a runner saw when TaskRoom closed a refused socket before returning its 101, and the
 * close never arrived — is given up within the assignment's lease: its agent is stopped, nothing
 * is pushed, no result is sent, and the slot is free again. Real sockets: the fake Worker
 * upgrades them and then says nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

describe('runner: a run socket that is never attached', () => {
  let h: Harness;
  let releaseAgent = () => {};
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    releaseAgent();
    await h.close();
  });

  it('gives the run up within its attach timeout (the lease): agent stopped, no result, no push, slot freed', async () => {
    const url = await h.gitServer.createRepo('unattached', { 'a.txt': 'a\n' });
    // The agent would run until released: only the attach timeout can end this run.
    const held = new Promise<void>((r) => (releaseAgent = r));
    h.provider.addScenario({ match: 'unattached please', turns: [
      { text: 'working', hold: held, toolCalls: [{ name: 'write_file', arguments: { path: 'b.txt', content: 'b\n' } }] },
      { text: 'done' },
    ] });
    const leaseMs = 1_500;
    const a = h.worker.assign({ cloneUrl: url, instruction: 'unattached please', leaseMs, neverAttach: true });
    const run = h.worker.runs.get(a.runId)!;
    await h.worker.waitFor(() => h.worker.poolMessages.some((m) => m.type === 'accept' && m.runId === a.runId), 'accept');
    await h.worker.waitFor(() => run.sockets > 0, 'the run socket upgraded');
    await h.worker.waitFor(() => h.provider.requests.some((r) => JSON.stringify(r.body).includes('unattached please')), 'the agent at work');

    // Bounded well past the lease; without an attach timeout the run is never given up.
    await h.worker.waitFor(() => h.runner.jobs.size === 0, 'the run given up', 15_000);
    expect(h.logs.some((l) => l.includes('run socket not attached in time') && l.includes(a.runId))).toBe(true);
    expect(h.logs.some((l) => l.includes('no longer ours') && l.includes(`not attached within ${leaseMs} ms`))).toBe(true);
    expect(run.received).toEqual([]);
    expect(run.result).toBeUndefined();
    expect(await h.gitServer.listBranches('unattached')).toEqual(['main']);
    expect(h.worker.poolMessages.at(-1)).toEqual({ type: 'capacity', activeRuns: [] });
  });
});
