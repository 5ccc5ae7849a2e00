import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/src/index.ts';
import { expectCleanLog, startHarness, type Harness } from './harness.ts';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
const texts = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');

describe('runner: faults', () => {
  let h: Harness;
  const gates: Array<() => void> = [];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    for (const open of gates) open();
    await h.close();
  });

  const heldRun = async (name: string, secondTurn: { text: string; chunkDelayMs?: number }) => {
    const g = gate();
    gates.push(g.open);
    const url = await h.gitServer.createRepo(name, { 'a.txt': 'a\n' });
    h.provider.addScenario({ match: `${name} please`, turns: [
      { text: 'first part', toolCalls: [{ name: 'write_file', arguments: { path: 'b.txt', content: 'b\n' } }] },
      { ...secondTurn, hold: g.promise },
    ] });
    const a = h.worker.assign({ cloneUrl: url, instruction: `${name} please` });
    const run = h.worker.runs.get(a.runId)!;
    // Turn 2 has been requested and is held after its first chunk; turn 1's events are stored.
    await h.worker.waitFor(() => h.provider.requests.filter((r) => JSON.stringify(r.body).includes(`${name} please`)).length === 2, 'second model call');
    await h.worker.waitFor(() => run.events.some((e) => e.type === 'tool_result'), 'tool_result stored');
    return { a, run, release: g.open };
  };

  it('frames lost in flight are resent after the socket drops: no gap, no duplicate', async () => {
    // ~7 pieces 50 ms apart span several 100 ms batching windows, so at least two text frames
    // (and then the result's) are in flight however fast the commit and push are.
    const second = 'second part, streamed in many small pieces across several batch windows';
    const { a, run, release } = await heldRun('drop-lost', { text: second, chunkDelayMs: 50 });
    h.worker.setAckMode(a.runId, 'discard');
    release();
    await h.worker.waitFor(() => run.received.some((f) => f.events.some((e) => e.type === 'result')), 'result frame sent (and lost)');
    const storedBefore = run.stored.length;
    const lost = run.received.filter((f) => f.frame > storedBefore).length;
    expect(lost).toBeGreaterThan(1);
    h.worker.dropRunSocket(a.runId);
    h.worker.setAckMode(a.runId, 'auto');
    const r = await h.result(a.runId);
    await h.idle();
    expect(r.outcome).toBe('succeeded');
    expect(run.sockets).toBe(2);
    expectCleanLog(run);
    expect(run.stored.length).toBe(storedBefore + lost);
    expect(texts(run.events)).toBe(`first part${second}`);
    expect(await h.gitServer.readFile('drop-lost', a.branch, 'b.txt')).toBe('b\n');
  });

  it('frames stored but not acked are not resent; a dropped pool socket re-says hello with the active run', async () => {
    const { a, run, release } = await heldRun('drop-unacked', { text: 'final words' });
    h.worker.setAckMode(a.runId, 'hold');
    release();
    await h.result(a.runId);
    const stored = run.stored.length;
    expect(run.received.length).toBe(stored);
    // The job waits for its result ack: still active, heartbeating (lease 3 s → every 1 s).
    await h.worker.waitFor(() => run.heartbeats >= 1, 'a heartbeat');
    const hellos = h.worker.hellos.length;
    h.worker.dropPoolSocket();
    const hello = await h.worker.waitFor(() => h.worker.hellos[hellos], 'hello after pool reconnect');
    expect(hello.activeRuns).toEqual([a.runId]);
    h.worker.dropRunSocket(a.runId);
    h.worker.setAckMode(a.runId, 'auto');
    await h.idle();
    expect(run.sockets).toBe(2);
    expect(run.received.length).toBe(stored);
    expectCleanLog(run);
  });

  it('cancel mid-run ends the run as cancelled quickly and pushes nothing', async () => {
    const { a, run } = await heldRun('cancel-mid', { text: 'never finished' });
    const t0 = Date.now();
    h.worker.cancel(a.runId, 'user pressed cancel');
    const r = await h.result(a.runId);
    const elapsed = Date.now() - t0;
    expect(r).toMatchObject({ outcome: 'cancelled', error: 'cancelled: user pressed cancel' });
    expect(elapsed).toBeLessThan(1_000);
    await h.idle();
    expect(await h.gitServer.listBranches('cancel-mid')).toEqual(['main']);
    expectCleanLog(run);
  });

  it('a cancel already pending when the run socket attaches cancels the run', async () => {
    const url = await h.gitServer.createRepo('cancel-early', { 'a.txt': 'a\n' });
    h.provider.addScenario({ match: 'cancel-early please', turns: [{ text: 'hi' }] });
    const a = h.worker.assign({ cloneUrl: url, instruction: 'cancel-early please' });
    h.worker.cancel(a.runId, 'changed my mind');
    const r = await h.result(a.runId);
    expect(r.outcome).toBe('cancelled');
    await h.idle();
    expect(await h.gitServer.listBranches('cancel-early')).toEqual(['main']);
  });

  it('a stale assignment stops the run without a result or a push', async () => {
    const { a, run } = await heldRun('stale', { text: 'never finished' });
    h.worker.staleAssignment(a.runId);
    await h.idle();
    expect(run.result).toBeUndefined();
    expect(await h.gitServer.listBranches('stale')).toEqual(['main']);
    expect(h.logs.some((l) => l.includes('no longer ours') && l.includes(a.runId))).toBe(true);
  });
});

describe('runner: cancel of an executor that ignores the signal', () => {
  it('waits the grace period, abandons it, and reports cancelled', async () => {
    const stuck = {
      async *run() {
        yield { type: 'text' as const, text: 'working hard' };
        await new Promise(() => {});
      },
    };
    const h = await startHarness({ cancelGraceMs: 300, executors: new Map([['patch-agent', stuck]]) });
    try {
      const url = await h.gitServer.createRepo('stuck', { 'a.txt': 'a\n' });
      const a = h.worker.assign({ cloneUrl: url, instruction: 'stuck' });
      const run = h.worker.runs.get(a.runId)!;
      await h.worker.waitFor(() => run.events.some((e) => e.type === 'text'), 'executor started');
      const t0 = Date.now();
      h.worker.cancel(a.runId);
      const r = await h.result(a.runId);
      const elapsed = Date.now() - t0;
      expect(r.outcome).toBe('cancelled');
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(1_500);
      await h.idle();
      expect(await h.gitServer.listBranches('stuck')).toEqual(['main']);
    } finally {
      await h.close();
    }
  });
});

describe('runner: a run socket refused on the upgrade (HTTP 409: a stale assignment, as TaskRoom answers it)', () => {
  it('stops the run without a result, like a stale assignment', async () => {
    const h = await startHarness({ workerOptions: { staleRun: 'http' } });
    try {
      const url = await h.gitServer.createRepo('gone', { 'a.txt': 'a\n' });
      h.provider.addScenario({ match: 'gone please', turns: [{ text: 'hi' }] });
      const a = h.worker.assign({ cloneUrl: url, instruction: 'gone please' });
      h.worker.staleAssignment(a.runId); // before the runner can dial its run socket
      await h.worker.waitFor(() => h.worker.poolMessages.some((m) => m.type === 'accept' && m.runId === a.runId), 'accept');
      await h.worker.waitFor(() => h.logs.some((l) => l.includes('no longer ours') && l.includes(a.runId)), 'run stopped');
      await h.idle();
      const run = h.worker.runs.get(a.runId)!;
      expect(run.sockets).toBe(0);
      expect(run.result).toBeUndefined();
      expect(await h.gitServer.listBranches('gone')).toEqual(['main']);
      expect(h.worker.poolMessages.at(-1)).toEqual({ type: 'capacity', activeRuns: [] });
    } finally {
      await h.close();
    }
  });
});
