/**
 * What `npm start` promises when the Worker dies under it (issue 9): the supervisor says why in
 * words and starts `wrangler dev` again on the same state within seconds; the runner stays up and
 * reconnects; the attempt that was running rides out the outage (its model call waits in the
 * runner's gateway relay, its frames are resent) and finishes, with a gapless log.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Run } from '../protocol/src/index.ts';
import { startFakeOpenAI, startGitServer, type FakeOpenAI, type GitServer } from '../testkit/src/index.ts';
import { Client, ownerClient } from '../testkit/src/stack/client.ts';
import { startDevStack, type DevStack } from '../testkit/src/stack/dev-stack.ts';
import { waitFor } from '../testkit/src/wait.ts';
import { killAll } from '../testkit/src/stack/processes.ts';
import { call } from './harness/scenarios.ts';
import { isDone, openViewer, statuses } from '../testkit/src/stack/viewer.ts';

let dev: DevStack, git: GitServer, fake: FakeOpenAI, owner: Client;

beforeAll(async () => {
  [dev, git, fake] = await Promise.all([startDevStack(), startGitServer(), startFakeOpenAI()]);
  owner = await ownerClient(dev.url);
}, 180_000);
afterAll(async () => {
  await dev?.stop();
  await killAll();
  await Promise.all([git?.close(), fake?.close()]);
});

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

it('restarts a killed Worker on the same state; the running attempt finishes and its log has no gap', { timeout: 180_000 }, async () => {
  const { modelProfile } = await owner.ok('POST', '/v1/model-profiles', {
    provider: 'openai-compatible', model: 'scripted', displayName: 'Scripted', baseUrl: fake.url, apiKey: 'sk-npm-start-key-1234',
  });
  const cloneUrl = await git.createRepo('outlives', { 'README.md': '# outlives\n' });
  const { repo } = await owner.ok('POST', '/v1/repos', { cloneUrl, defaultBranch: 'main' });
  const instruction = 'Write two files, one on each side of a Worker crash.';
  const hold = gate();
  fake.addScenario({ match: instruction, turns: [
    { text: 'First file. ', toolCalls: [call('write_file', { path: 'before.txt', content: 'before\n' })] },
    { text: 'Second file. ', hold: hold.opened, toolCalls: [call('write_file', { path: 'after.txt', content: 'after\n' })] },
    { text: 'Both written.' },
  ] });
  const { task } = await owner.ok('POST', '/v1/tasks', { repoId: repo.id, instruction });
  const { runs: [created] } = await owner.ok('POST', `/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: modelProfile.id, count: 1 }] });
  const viewer = await openViewer(dev.url, task.id, owner.cookie);
  await viewer.waitFor('the first tool result', (evs) => evs.some((e) => e.runId === created.id && e.type === 'tool_result'));
  await waitFor('the second turn to be asked for', async () => fake.requests.filter((r) => JSON.stringify(r.body).includes(instruction)).length >= 2);

  dev.killWorker();
  const before = dev.proc.output().length;
  await waitFor('the supervisor to explain and restart', async () => /The Worker \(wrangler dev\) was stopped by SIGKILL.*Starting it again in 1 s, on the same state\./.test(dev.proc.output().slice(before)), 20_000);
  const downAt = Date.now();
  await waitFor('the Worker to answer again', async () => (await fetch(`${dev.url}/v1/auth/state`)).ok, 30_000, 200);
  expect(Date.now() - downAt, 'restarted within seconds').toBeLessThan(20_000);
  hold.open();

  // The same state: the task, its run and its events are still there; the run goes on to the end.
  const after = await openViewer(dev.url, task.id, owner.cookie);
  await after.waitFor('the run to finish', (evs) => isDone(evs, created.id), 90_000);
  const run = Run.parse((await owner.ok('GET', `/v1/runs/${created.id}`)).run);
  expect(run.status, JSON.stringify(statuses(after.events, created.id))).toBe('succeeded');
  expect(await git.readFile('outlives', run.branch!, 'before.txt')).toBe('before\n');
  expect(await git.readFile('outlives', run.branch!, 'after.txt')).toBe('after\n');
  const seqs = after.events.map((e) => e.seq);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  expect(dev.proc.output()).toMatch(/the Worker is back on http:\/\/127\.0\.0\.1:\d+/);
  // The runner never went away: no second "runner starting".
  expect(dev.proc.output().match(/"msg":"runner starting"/g)).toHaveLength(1);
  viewer.close();
  after.close();
});
