/**
 * Issue 11, item 7, on the real stack: one model answer streams a 20 MB tool-call argument in one
 * SSE event (the fake OpenAI server, `argumentPieceChars: Infinity`). It used to take `wrangler dev`
 * down ~35 s later with every run and viewer on it. Now the gateway cuts that answer at its 16 MiB
 * cap and only that run ends — `failed`, "the model's answer exceeded the gateway's 16 MiB response
 * cap", nothing pushed — while an attempt of the same task that was running meanwhile finishes
 * and pushes, the viewer that watched it all stays connected, another attempt started afterwards
 * succeeds, and the Worker process never exits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, Run } from '../protocol/src/index.ts';
import { startFakeOpenAI, startGitServer, type FakeProvider, type GitServer } from '../testkit/src/index.ts';
import { ownerClient, type Client } from '../testkit/src/stack/client.ts';
import { killAll } from '../testkit/src/stack/processes.ts';
import { registrationToken, startRunner } from '../testkit/src/stack/runner.ts';
import { call } from './harness/scenarios.ts';
import { startStack, type Stack } from '../testkit/src/stack/stack.ts';
import { isDone, openViewer, statuses } from '../testkit/src/stack/viewer.ts';

let stack: Stack, git: GitServer, openai: FakeProvider, owner: Client;
let workerExit: number | null | undefined;

beforeAll(async () => {
  // The production lease (30 s), not the e2e default of 3 s: the runner's own OpenAI SDK spends
  // seconds of CPU on a 16 MiB line (its line decoder rescans its buffer per chunk), and on this
  // shared machine that can delay the runner's heartbeats past 3 s — a runner-side cost, not the
  // Worker's, which this test is about.
  [stack, git, openai] = await Promise.all([startStack({ leaseMs: 30_000 }), startGitServer(), startFakeOpenAI()]);
  void stack.worker.exited.then((code) => { workerExit = code; });
  owner = await ownerClient(stack.url);
  await startRunner({ url: stack.url, token: await registrationToken(owner), name: 'huge-runner', dir: stack.dir, slots: 3 });
});
afterAll(async () => {
  await killAll();
  await Promise.all([stack?.stop(), git?.close(), openai?.close()]);
});

const profile = async (model: string): Promise<string> =>
  (await owner.ok('POST', '/v1/model-profiles', { provider: 'openai-compatible', model, baseUrl: openai.url, apiKey: 'sk-e2e-provider-key-1234' })).modelProfile.id;

const getRun = async (id: string) => Run.parse((await owner.ok('GET', `/v1/runs/${id}`)).run);

describe('one huge model answer', () => {
  it('ends only its own run, with the reason; the Worker, the other runs and the viewer carry on', async () => {
    expect(LIMITS.gatewayMaxResponseBytes).toBe(16 * 1024 * 1024);
    const instruction = 'Write one enormous file.';
    const [huge, calm] = [await profile('huge-model'), await profile('calm-model')];
    // The huge answer's first chunk comes at once, the rest (its one 20 MB event) once the calm attempt runs.
    let go!: () => void;
    const calmRunning = new Promise<void>((r) => { go = r; });
    openai.addScenario({ match: instruction, model: 'huge-model', turns: [
      { toolCalls: [call('write_file', { path: 'huge.txt', content: 'x'.repeat(20_000_000) })], argumentPieceChars: Infinity, hold: calmRunning },
      { text: 'never reached' },
    ] });
    // The calm attempt is mid-answer (its provider holds the rest) while the huge answer streams.
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    openai.addScenario({ match: instruction, model: 'calm-model', turns: [
      { text: 'Writing calm.txt.', toolCalls: [call('write_file', { path: 'calm.txt', content: 'calm\n' })], hold: held },
      { text: 'Done.' },
    ] });

    const cloneUrl = await git.createRepo('huge', { 'README.md': '# huge\n' });
    const { repo } = await owner.ok('POST', '/v1/repos', { cloneUrl, defaultBranch: 'main' });
    const { task } = await owner.ok('POST', '/v1/tasks', { repoId: repo.id, instruction });
    const viewer = await openViewer(stack.url, task.id, owner.cookie);
    let viewerClosed = false;
    void viewer.closed.then(() => { viewerClosed = true; });
    const { runs } = await owner.ok('POST', `/v1/tasks/${task.id}/runs`, { attempts: [
      { executor: 'patch-agent', count: 1, modelProfileId: huge },
      { executor: 'patch-agent', count: 1, modelProfileId: calm },
    ] });
    const [hugeId, calmId] = [runs.find((r: Run) => r.modelProfileId === huge).id, runs.find((r: Run) => r.modelProfileId === calm).id];

    await viewer.waitFor('the calm attempt to run', (evs) => statuses(evs, calmId).includes('running'), 60_000);
    go();
    await viewer.waitFor('the huge attempt to end', (evs) => isDone(evs, hugeId), 120_000);
    const reason = "the model's answer exceeded the gateway's 16 MiB response cap";
    expect(await getRun(hugeId)).toMatchObject({ status: 'failed', error: reason });
    expect(statuses(viewer.events, calmId).at(-1)).toBe('running');

    release();
    await viewer.waitFor('the calm attempt to end', (evs) => isDone(evs, calmId), 90_000);
    const calmRun = await getRun(calmId);
    expect({ status: calmRun.status, error: calmRun.error }).toEqual({ status: 'succeeded', error: null });
    expect(await git.readFile('huge', calmRun.branch, 'calm.txt')).toBe('calm\n');
    expect(await git.listBranches('huge')).not.toContain((await getRun(hugeId)).branch);

    // Later work on the same Worker goes on as usual.
    const again = 'Write a small file afterwards.';
    openai.addScenario({ match: again, model: 'calm-model', turns: [{ toolCalls: [call('write_file', { path: 'after.txt', content: 'after\n' })] }, { text: 'ok' }] });
    const { task: task2 } = await owner.ok('POST', '/v1/tasks', { repoId: repo.id, instruction: again });
    const viewer2 = await openViewer(stack.url, task2.id, owner.cookie);
    const { runs: [after] } = await owner.ok('POST', `/v1/tasks/${task2.id}/runs`, { attempts: [{ executor: 'patch-agent', count: 1, modelProfileId: calm }] });
    await viewer2.waitFor('the attempt afterwards to end', (evs) => isDone(evs, after.id), 90_000);
    expect((await getRun(after.id)).status).toBe('succeeded');
    viewer2.close();

    expect(viewerClosed).toBe(false);
    expect(workerExit).toBeUndefined();
    viewer.close();
  }, 300_000);
});
