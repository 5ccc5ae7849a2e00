/**
 * The pool socket's dead-peer watchdog (issue 12): a pool socket gone half-open — the TCP proxy
 * between runner and Worker keeps both connections open but forwards nothing and closes nothing —
 * is dropped once it has been silent for the watchdog's bound, and the runner redials, says hello
 * again and takes new runs. Against an older Worker (no `answersPing` in its welcome) the runner
 * sends no ping, which that Worker would refuse as a bad message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

/** Short enough for a test; the production values are LIMITS.socketPingEveryMs / socketSilenceMs. */
const watchdog = { pingEveryMs: 200, silenceMs: 1_000 };

describe('runner: pool socket watchdog', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a half-open pool socket is dropped and redialled, and the runner takes new runs', async () => {
    h = await startHarness({ throughProxy: true, poolWatchdog: watchdog });
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

  it('does not ping an older Worker, and keeps its quiet socket', async () => {
    h = await startHarness({ poolWatchdog: watchdog, workerOptions: { answersPing: false } });
    const { worker } = h;
    await worker.waitFor(() => h!.runner.pool.welcomed, 'welcome');
    // Three silence bounds without a word from the Worker: a watchdog still armed would have dropped it.
    await new Promise((r) => setTimeout(r, 3 * watchdog.silenceMs));
    expect(worker.poolPings).toBe(0);
    expect(worker.poolConnections).toBe(1);
    expect(worker.poolMessages.map((m) => m.type)).toEqual(['hello']);
  });
});
