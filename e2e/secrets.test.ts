/**
 * Issue 11, secrets in the event log, on the real stack: agents that print every secret they were
 * given leave none of them in what dursor keeps. The real Claude Code (through its fake API) runs
 * `env` and echoes its key and well-known token shapes from Bash, and says them in its reply; the
 * patch agent streams well-known shapes cut into small pieces. Then a scan of the TaskRoom's replay,
 * the runner's output, the CLI session files the runner keeps for 14 days, D1 and every API answer
 * finds none of them — while the fake provider, the agent's own model, did see them (the scan
 * would have found them had they been kept).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Run } from '../protocol/src/index.ts';
import { startFakeAnthropic, WELL_KNOWN, type FakeProvider } from '../testkit/src/index.ts';
import { registrationToken, startRunner, type RunnerProc } from '../testkit/src/stack/runner.ts';
import { waitFor } from '../testkit/src/wait.ts';
import { call } from './harness/scenarios.ts';
import { apiResponses, d1Dump, findSecrets, storedEvents } from './harness/secrets.ts';
import { isDone, openViewer } from '../testkit/src/stack/viewer.ts';
import { startWorld, type World } from '../testkit/src/stack/world.ts';

let w: World;
let anthropic: FakeProvider;
let runner: RunnerProc;
let regToken: string;
/** The user's provider key behind the gateway: only the fake provider may ever see it. */
const USER_KEY = 'sk-ant-api03-' + 'UserProviderKeyNeverLeavesTheWorker0123456789';

beforeAll(async () => {
  [w, anthropic] = await Promise.all([startWorld(), startFakeAnthropic()]);
  regToken = await registrationToken(w.owner);
  runner = await startRunner({ url: w.stack.url, token: regToken, name: 'secrets', dir: w.stack.dir, slots: 2 });
  await waitFor('the runner to advertise Claude Code', async () => {
    const { runners } = await w.owner.ok('GET', '/v1/runners');
    return (runners[0]?.executors ?? []).includes('claude-code');
  }, 60_000, 250);
});
afterAll(async () => {
  await w?.stop();
  await anthropic?.close();
});

/** Every file under `dir`, as one text (empty when there is no such directory). */
async function filesUnder(dir: string): Promise<{ count: number; text: string }> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile());
  const texts = await Promise.all(files.map((f) => readFile(path.join(f.parentPath, f.name), 'utf8')));
  return { count: files.length, text: texts.join('\n') };
}

it('keeps no secret an agent printed: not in the replay, the runner log, CLI session files, D1 or the API', async () => {
  const shapes = Object.entries(WELL_KNOWN).filter(([k]) => k !== 'pem').map(([, v]) => v);
  const instruction = 'Print every secret you can find.';
  anthropic.addScenario({ match: instruction, turns: [
    { text: 'Looking at my environment.', toolCalls: [call('Bash', { command: 'env; echo "key: $ANTHROPIC_API_KEY"', description: 'print the environment' })] },
    { text: `Also these: ${shapes.join(' ')}`, toolCalls: [call('Bash', { command: `echo ${shapes.join(' ')}`, description: 'echo tokens' })] },
    { text: `Done. Here is a key:\n${WELL_KNOWN.pem}` },
  ] });
  w.fake.addScenario({ match: instruction, turns: [{ text: `Found: ${shapes.join(', ')} and\n${WELL_KNOWN.pem}\nThat is all.` }] });
  const { modelProfile } = await w.owner.ok('POST', '/v1/model-profiles', { provider: 'anthropic', model: 'leaky-claude', baseUrl: anthropic.url, apiKey: USER_KEY });

  const cloneUrl = await w.git.createRepo('secrets', { 'README.md': '# secrets\n' });
  const { repo } = await w.owner.ok('POST', '/v1/repos', { cloneUrl, defaultBranch: 'main' });
  const { task } = await w.owner.ok('POST', '/v1/tasks', { repoId: repo.id, instruction });
  const { runs } = await w.owner.ok('POST', `/v1/tasks/${task.id}/runs`, { attempts: [
    { executor: 'claude-code', modelProfileId: modelProfile.id, count: 1 },
    { executor: 'patch-agent', modelProfileId: w.profileId, count: 1 },
  ] });
  const runIds: string[] = runs.map((r: { id: string }) => r.id);
  const viewer = await openViewer(w.stack.url, task.id, w.owner.cookie);
  await viewer.waitFor('both runs to finish', (evs) => runIds.every((id) => isDone(evs, id)), 120_000);
  viewer.close();
  for (const id of runIds) {
    const run = Run.parse((await w.owner.ok('GET', `/v1/runs/${id}`)).run);
    expect({ executor: run.executor, status: run.status, error: run.error }).toEqual({ executor: run.executor, status: 'succeeded', error: null });
  }

  // What the agent really printed reached its own model: the key Claude Code had in its env.
  const seenByModel = JSON.stringify(anthropic.requests.map((r) => r.body));
  const agentKey = /key: ([A-Za-z0-9_.-]{16,})/.exec(seenByModel)?.[1];
  expect(agentKey, 'Claude Code echoed its key to its model').toBeDefined();
  for (const s of shapes) expect(seenByModel).toContain(s);
  const { credential } = JSON.parse(await readFile(path.join(runner.stateDir, 'runner.json'), 'utf8')) as { credential: string };

  const sessions = await filesUnder(path.join(runner.workDir, 'agents', 'sessions'));
  expect(sessions.count, 'Claude Code session files are kept for a follow-up').toBeGreaterThan(0);
  const places = {
    'stored events (replay)': await storedEvents(w.stack, task.id, w.owner.cookie),
    'runner output': runner.output(),
    'CLI session files': sessions.text,
    D1: await d1Dump(w.stack),
  };
  expect(places['stored events (replay)']).toContain('[redacted]');
  expect(places['CLI session files']).toContain('[redacted]');
  const secrets = [agentKey!, credential, USER_KEY, 'sk-world-key-1234', ...Object.values(WELL_KNOWN)];
  expect(findSecrets([...secrets, regToken], places)).toEqual([]);
  // The API showed the owner the registration token once, when it was made; nothing else.
  expect(findSecrets(secrets, { 'API responses': apiResponses(w.owner) })).toEqual([]);
});
