/**
 * The sockets' dead-peer watchdog (issue 12): a socket gone half-open — the TCP proxy between
 * runner and Worker keeps both connections open but forwards nothing and closes nothing — is
 * dropped once it has been silent for the watchdog's bound, and the runner redials: the pool socket
 * says hello again and takes new runs, a run socket re-attaches and its run finishes. Against an
 * older Worker (no `answersPing` in its welcome) the runner sends no ping, which that Worker would
 * refuse as a bad message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectCleanLog, startHarness, type Harness } from './harness.ts';

/** Short enough for a test; the production values are LIMITS.socketPingEveryMs / socketSilenceMs. */
const watchdog = { pingEveryMs: 200, silenceMs: 1_000 };

describe('runner: socket watchdog', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a half-open pool socket is dropped and redialled, and the runner takes new runs', async () => {
    h = await startHarness({ throughProxy: true, watchdog });
    const { worker, proxy } = h;
    await worker.waitFor(() => worker.poolPings >= 2, 'pings answered on the pool socket');
    expect(worker.poolConnections).toBe(1);

    expect(proxy!.blackhole()).toBe(1);
    // Generous against a loaded machine; without a watchdog the runner waits forever.
    await worker.waitFor(() => worker.hellos.length === 2, 'hello on a redialled pool socket', watchdog.silenceMs + 10_000);
    expect(worker.poolConnections).toBe(2);
    expect(h.logs.some((l) => l.includes('silent'))).toBe(true);

    const url = await h.gitServer.createRepo('after-blackhole', { 'a.txt': 'a\n' });
    h.provider.addScenario({ match: 'after the blackhole', turns: [
      { text: 'writing', toolCalls: [{ name: 'write_file', arguments: { path: 'b.txt', content: 'b\n' } }] },
      { text: 'done' },
    ] });
    const a = worker.assign({ cloneUrl: url, instruction: 'after the blackhole' });
    expect((await h.result(a.runId)).outcome).toBe('succeeded');
    expect(await h.gitServer.readFile('after-blackhole', a.branch, 'b.txt')).toBe('b\n');
  });

  it('a run socket gone half-open while its result waits for an ack is redialled, and the run finishes', async () => {
    h = await startHarness({ throughProxy: true, watchdog });
    const { worker, proxy } = h;
    const url = await h.gitServer.createRepo('half-open-run', { 'a.txt': 'a\n' });
    h.provider.addScenario({ match: 'half-open run', turns: [
      { text: 'writing', toolCalls: [{ name: 'write_file', arguments: { path: 'b.txt', content: 'b\n' } }] },
      { text: 'done' },
    ] });
    const a = worker.assign({ cloneUrl: url, instruction: 'half-open run' });
    const run = worker.runs.get(a.runId)!;
    worker.setAckMode(a.runId, 'hold');
    // Stored but never acked: the job waits on its run socket for the ack (no model call is open now).
    await worker.waitFor(() => run.events.some((e) => e.type === 'result'), 'result stored, not acked');
    await worker.waitFor(() => run.pings >= 1, 'a ping answered on the run socket');

    expect(proxy!.blackhole()).toBeGreaterThanOrEqual(2); // the pool socket and the run socket
    worker.setAckMode(a.runId, 'auto');
    await worker.waitFor(() => run.sockets === 2, 'the run socket redialled', watchdog.silenceMs + 10_000);
    await h.idle();
    expect(run.result?.outcome).toBe('succeeded');
    expectCleanLog(run);
    await worker.waitFor(() => worker.hellos.length === 2, 'the pool socket redialled too', watchdog.silenceMs + 10_000);
  });

  it('does not ping an older Worker, and keeps its quiet socket', async () => {
    h = await startHarness({ watchdog, workerOptions: { answersPing: false } });
    const { worker } = h;
    await worker.waitFor(() => h!.runner.pool.welcomed, 'welcome');
    // Three silence bounds without a word from the Worker: a watchdog still armed would have dropped it.
    await new Promise((r) => setTimeout(r, 3 * watchdog.silenceMs));
    expect(worker.poolPings).toBe(0);
    expect(worker.poolConnections).toBe(1);
    expect(worker.poolMessages.map((m) => m.type)).toEqual(['hello']);
  });
});
