/**
 * Half-open sockets on the real stack (issue 12): the TCP proxy between a runner process and
 * `wrangler dev` goes silent — both connections stay open, nothing is forwarded, nobody hears a
 * close. The runner's watchdog notices its pool socket's silence within LIMITS.socketSilenceMs
 * (workerd answers its pings through RunnerPool's WebSocket auto-response until then), drops it,
 * redials through the proxy, and takes and finishes a new run.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, Run } from '../protocol/src/index.ts';
import { waitFor } from '../testkit/src/wait.ts';
import { registrationToken, startRunner, stopRunners } from '../testkit/src/stack/runner.ts';
import { writeOneFile } from './harness/scenarios.ts';
import { startTcpProxy, type TcpProxy } from '../testkit/src/tcp-proxy.ts';
import { isDone, openViewer } from '../testkit/src/stack/viewer.ts';
import { startWorld, type World } from '../testkit/src/stack/world.ts';

let w: World;
let proxy: TcpProxy | undefined;
beforeAll(async () => { w = await startWorld(); });
afterEach(async () => {
  await stopRunners();
  await proxy?.close();
});
afterAll(async () => { await w?.stop(); });

const welcomes = (out: string) => out.split('\n').filter((l) => l.includes('"connected to pool"')).length;

describe('half-open sockets', () => {
  it('a runner whose pool socket goes half-open redials within the watchdog bound and takes new runs', async () => {
    proxy = await startTcpProxy(Number(new URL(w.stack.url).port));
    const runner = await startRunner({ url: proxy.url, token: await registrationToken(w.owner), name: 'half-open', dir: w.stack.dir, slots: 1 });
    await waitFor('the runner connected', async () => welcomes(runner.output()) === 1, 60_000);

    expect(proxy.blackhole()).toBeGreaterThan(0);
    // Bounded by the watchdog (plus a redial's backoff and a loaded machine); without one it never comes.
    await waitFor('the runner to redial its pool socket', async () => welcomes(runner.output()) === 2, LIMITS.socketSilenceMs + 30_000, 200);
    expect(runner.output()).toContain('socket silent');

    const repo = await w.repo('after-half-open');
    const instruction = 'Work after a half-open socket.';
    w.fake.addScenario({ match: instruction, turns: writeOneFile('back.txt', 'back\n') });
    const { taskId, runIds: [runId] } = await w.start(repo.id, instruction);
    const viewer = await openViewer(w.stack.url, taskId, w.owner.cookie);
    await viewer.waitFor('the run to finish', (evs) => isDone(evs, runId), 90_000);
    const run = Run.parse((await w.owner.ok('GET', `/v1/runs/${runId}`)).run);
    expect(run.status).toBe('succeeded');
    expect(await w.git.readFile(repo.name, run.branch, 'back.txt')).toBe('back\n');
    viewer.close();
  });
});
