/**
 * The spine, end to end: one task, 3 attempts over 2 model profiles, on a real runner process,
 * against wrangler dev, the local git server and the fake OpenAI-compatible provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Run, type StoredEvent } from '../protocol/src/index.ts';
import { startFakeOpenAI, startGitServer, type FakeOpenAI, type GitServer } from '../testkit/src/index.ts';
import { ownerClient, type Client } from '../testkit/src/stack/client.ts';
import { killAll } from '../testkit/src/stack/processes.ts';
import { registrationToken, startRunner } from '../testkit/src/stack/runner.ts';
import { call, editThenSay } from './harness/scenarios.ts';
import { startStack, type Stack } from '../testkit/src/stack/stack.ts';
import { apiResponses, d1Dump, findSecrets, processEnvironment, storedEvents } from './harness/secrets.ts';
import { isDone, openViewer } from '../testkit/src/stack/viewer.ts';

let stack: Stack, git: GitServer, fake: FakeOpenAI, owner: Client;
const KEY_A = 'sk-model-a-0123456789abcdef';
const KEY_B = 'sk-model-b-fedcba9876543210';

beforeAll(async () => {
  [stack, git, fake] = await Promise.all([startStack(), startGitServer(), startFakeOpenAI()]);
  owner = await ownerClient(stack.url);
});
afterAll(async () => {
  await killAll();
  await Promise.all([stack?.stop(), git?.close(), fake?.close()]);
});

describe('instruction → parallel runs → pushed branches, live', () => {
  it('runs 3 attempts over 2 model profiles, pushes each branch, and streams every event', async () => {
    const cloneUrl = await git.createRepo('app', {
      'README.md': '# app\n',
      'src/greet.ts': 'export const greet = () => "hi";\n',
    });
    const instruction = 'Make the greeting friendlier and leave a note.';
    fake.addScenario({
      match: instruction,
      model: 'model-a',
      turns: editThenSay(
        [call('read_file', { path: 'src/greet.ts' }), call('edit_file', { path: 'src/greet.ts', old_string: '"hi"', new_string: '"hello, friend"' }), call('write_file', { path: 'NOTES.md', content: 'Greeting changed.\n' })],
        'I changed the greeting and left a note.',
      ),
    });
    fake.addScenario({
      match: instruction,
      model: 'model-b',
      turns: editThenSay([call('write_file', { path: 'src/farewell.ts', content: 'export const bye = () => "bye";\n' })], 'Added a farewell.'),
    });

    const a = (await owner.ok('POST', '/v1/model-profiles', { provider: 'openai-compatible', model: 'model-a', displayName: 'Model A', baseUrl: fake.url, apiKey: KEY_A })).modelProfile;
    const b = (await owner.ok('POST', '/v1/model-profiles', { provider: 'openai-compatible', model: 'model-b', displayName: 'Model B', baseUrl: fake.url, apiKey: KEY_B })).modelProfile;
    const repo = (await owner.ok('POST', '/v1/repos', { cloneUrl, defaultBranch: 'main' })).repo;
    const runner = await startRunner({ url: stack.url, token: await registrationToken(owner), name: 'runner-1', dir: stack.dir, slots: 4 });

    const { task } = await owner.ok('POST', '/v1/tasks', { repoId: repo.id, instruction });
    const viewer = await openViewer(stack.url, task.id, owner.cookie);
    const created = await owner.ok('POST', `/v1/tasks/${task.id}/runs`, {
      attempts: [{ executor: 'patch-agent', modelProfileId: a.id, count: 2 }, { executor: 'patch-agent', modelProfileId: b.id, count: 1 }],
    });
    const runIds: string[] = created.runs.map((r: { id: string }) => r.id);
    expect(runIds).toHaveLength(3);

    await viewer.waitFor('all three runs to finish', (evs) => runIds.every((id) => isDone(evs, id)), 90_000);

    const runs = await Promise.all(runIds.map(async (id) => Run.parse((await owner.ok('GET', `/v1/runs/${id}`)).run)));
    for (const run of runs) expect({ id: run.id, status: run.status, error: run.error }).toEqual({ id: run.id, status: 'succeeded', error: null });

    // Each attempt pushed its own branch with exactly the scripted edits.
    const branches = await git.listBranches('app');
    const base = await git.revParse('app', 'main');
    for (const run of runs) {
      expect(branches).toContain(run.branch);
      expect(run.branch).toBe(`dursor/${task.id}/${run.id}`);
      expect(run.baseCommit).toBe(base);
      expect(await git.revParse('app', run.branch)).toBe(run.headCommit);
      const changed = (await git.diffNames('app', 'main', run.branch)).sort();
      if (run.modelProfileId === a.id) {
        expect(changed).toEqual(['NOTES.md', 'src/greet.ts']);
        expect(await git.readFile('app', run.branch, 'src/greet.ts')).toBe('export const greet = () => "hello, friend";\n');
        expect(run.patch).toContain('+export const greet = () => "hello, friend";');
        expect(run.stats).toEqual({ files: 2, additions: 2, deletions: 1 });
      } else {
        expect(changed).toEqual(['src/farewell.ts']);
        expect(await git.readFile('app', run.branch, 'src/farewell.ts')).toBe('export const bye = () => "bye";\n');
        expect(run.patch).toContain('+export const bye = () => "bye";');
      }
    }

    // The provider saw the user's real keys (swapped in by the gateway), never the run tokens.
    const auths = new Set(fake.requests.map((r) => r.headers.authorization));
    expect(auths).toEqual(new Set([`Bearer ${KEY_A}`, `Bearer ${KEY_B}`]));

    // The viewer saw every stored event in order, with no gap and no duplicate.
    const seqs = viewer.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(viewer.syncs).toEqual([0]);
    for (const id of runIds) {
      const kinds = viewer.events.filter((e) => e.runId === id).map((e) => e.type);
      expect(kinds).toContain('tool_call');
      expect(kinds).toContain('text');
      expect(kinds[kinds.length - 1] === 'status' || kinds[kinds.length - 1] === 'result').toBe(true);
    }

    // A late viewer with ?after=N gets exactly the remainder, then `sync`.
    const n = Math.floor(seqs.length / 2);
    const late = await openViewer(stack.url, task.id, owner.cookie, n);
    await late.waitFor('the replay', () => late.syncs.length === 1, 10_000);
    expect(late.events).toEqual(viewer.events.slice(n) as StoredEvent[]);
    expect(late.syncs).toEqual([seqs.length]);
    late.close();
    viewer.close();

    // Keys stay at the edge: not in the runner's environment or output, the stored events, D1, or
    // anything the API answered (the provider, behind the gateway, is the only one that saw them).
    const places = {
      'runner environment': await processEnvironment(runner),
      'runner output': runner.output(),
      'stored events': await storedEvents(stack, task.id, owner.cookie),
      'D1': await d1Dump(stack),
      'API responses': apiResponses(owner),
    };
    expect(places.D1).toContain('model_profiles: {');
    expect(findSecrets([KEY_A, KEY_B], places)).toEqual([]);
  });
});
