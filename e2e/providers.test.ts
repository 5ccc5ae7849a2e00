/**
 * Issue 3 on the real stack: the patch agent on each official SDK (OpenAI Chat Completions and
 * Responses, Anthropic Messages, Google Gemini) through the Worker's LLM gateway to fake providers
 * speaking those wire protocols; tokens and cost recorded from the providers' own usage fields;
 * budgets stopping a run; bad keys and unreachable providers failing one attempt readably while
 * the others succeed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Run, Task } from '../protocol/src/index.ts';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, startGitServer, type FakeProvider, type GitServer } from '../testkit/src/index.ts';
import { ownerClient, type Client } from '../testkit/src/stack/client.ts';
import { killAll } from '../testkit/src/stack/processes.ts';
import { registrationToken, startRunner } from '../testkit/src/stack/runner.ts';
import { call } from './harness/scenarios.ts';
import { startStack, type Stack } from '../testkit/src/stack/stack.ts';
import { isDone, openViewer } from '../testkit/src/stack/viewer.ts';

let stack: Stack, git: GitServer, openai: FakeProvider, anthropic: FakeProvider, gemini: FakeProvider, locked: FakeProvider, owner: Client;

beforeAll(async () => {
  [stack, git, openai, anthropic, gemini, locked] = await Promise.all([
    startStack(), startGitServer(), startFakeOpenAI(), startFakeAnthropic({ strict: true }), startFakeGemini({ strict: true }),
    startFakeOpenAI({ apiKey: 'sk-the-right-key-0000' }),
  ]);
  owner = await ownerClient(stack.url);
  await startRunner({ url: stack.url, token: await registrationToken(owner), name: 'sdk-runner', dir: stack.dir, slots: 6 });
});
afterAll(async () => {
  await killAll();
  await Promise.all([stack?.stop(), git?.close(), openai?.close(), anthropic?.close(), gemini?.close(), locked?.close()]);
});

async function profile(body: Record<string, unknown>): Promise<string> {
  return (await owner.ok('POST', '/v1/model-profiles', { apiKey: 'sk-e2e-provider-key-1234', ...body })).modelProfile.id;
}

async function startTask(repoName: string, instruction: string, attempts: { modelProfileId: string }[], extra: Record<string, unknown> = {}) {
  const cloneUrl = await git.createRepo(repoName, { 'README.md': `# ${repoName}\n` });
  const { repo } = await owner.ok('POST', '/v1/repos', { cloneUrl, defaultBranch: 'main' });
  const { task } = await owner.ok('POST', '/v1/tasks', { repoId: repo.id, instruction, ...extra });
  const viewer = await openViewer(stack.url, task.id, owner.cookie);
  const { runs } = await owner.ok('POST', `/v1/tasks/${task.id}/runs`, { attempts: attempts.map((a) => ({ executor: 'patch-agent', count: 1, ...a })) });
  const ids: string[] = runs.map((r: { id: string }) => r.id);
  await viewer.waitFor('every attempt to finish', (evs) => ids.every((id) => isDone(evs, id)), 90_000);
  viewer.close();
  const done = await Promise.all(ids.map(async (id) => Run.parse((await owner.ok('GET', `/v1/runs/${id}`)).run)));
  return { taskId: task.id as string, runs: done };
}

// Two priced calls per run: (100 in, 20 out) then (150 in, 10 out) at $2 / $8 per million tokens.
const USAGE = [{ prompt_tokens: 100, completion_tokens: 20 }, { prompt_tokens: 150, completion_tokens: 10 }];
const COST_USD = (100 * 2 + 20 * 8 + 150 * 2 + 10 * 8) / 1e6;

describe('the patch agent on every SDK, through the gateway', () => {
  it('edits files on each provider and records the providers\' usage and the priced cost', async () => {
    const instruction = 'Write a file named after your provider.';
    const models = { chat: 'chat-model', responses: 'responses-model', anthropic: 'claude-fake', google: 'gemini-fake' } as const;
    const ids = {
      chat: await profile({ provider: 'openai-compatible', model: models.chat, baseUrl: openai.url }),
      responses: await profile({ provider: 'openai-compatible', model: models.responses, baseUrl: openai.url, wireApi: 'responses' }),
      anthropic: await profile({ provider: 'anthropic', model: models.anthropic, baseUrl: anthropic.url }),
      google: await profile({ provider: 'google', model: models.google, baseUrl: gemini.url }),
    };
    const providerOf = { chat: 'openai-compatible', responses: 'openai-compatible', anthropic: 'anthropic', google: 'google' } as const;
    for (const [kind, model] of Object.entries(models) as [keyof typeof models, string][]) {
      await owner.ok('PUT', `/v1/prices/${providerOf[kind]}/${encodeURIComponent(model)}`, { inputUsdPerMTok: 2, outputUsdPerMTok: 8 });
      const fake = kind === 'anthropic' ? anthropic : kind === 'google' ? gemini : openai;
      fake.addScenario({ match: instruction, model, turns: [
        { text: `Writing ${kind}.txt.`, toolCalls: [call('write_file', { path: `${kind}.txt`, content: `written through ${kind}\n` })], usage: USAGE[0] },
        { text: `Done with ${kind}.`, usage: USAGE[1] },
      ] });
    }

    const { taskId, runs } = await startTask('sdks', instruction, Object.values(ids).map((modelProfileId) => ({ modelProfileId })));
    for (const [kind, id] of Object.entries(ids)) {
      const run = runs.find((r) => r.modelProfileId === id)!;
      expect({ kind, status: run.status, error: run.error }).toEqual({ kind, status: 'succeeded', error: null });
      expect(await git.readFile('sdks', run.branch, `${kind}.txt`)).toBe(`written through ${kind}\n`);
      expect(run.usage).toEqual({ inputTokens: 250, outputTokens: 30, costUsd: COST_USD });
      expect(run.timings.wallMs).toBeGreaterThan(0);
      expect(run.timings.ttftMs).toBeGreaterThanOrEqual(0);
      expect(run.timings.ttftMs!).toBeLessThanOrEqual(run.timings.wallMs!);
    }
    const task = Task.parse((await owner.ok('GET', `/v1/tasks/${taskId}`)).task);
    expect(task.usage).toEqual({ inputTokens: 4 * 250, outputTokens: 4 * 30, costUsd: 4 * COST_USD });

    // Each wire protocol was really spoken, with the user's key and never the run token.
    const seen = (fake: FakeProvider, path: RegExp) => fake.requests.filter((r) => path.test(r.path) && JSON.stringify(r.body).includes(instruction));
    expect(seen(openai, /\/chat\/completions$/).map((r) => r.body.model)).toEqual([models.chat, models.chat]);
    expect(seen(openai, /\/responses$/).map((r) => r.body.model)).toEqual([models.responses, models.responses]);
    expect(seen(anthropic, /\/v1\/messages$/)).toHaveLength(2);
    expect(seen(gemini, /streamGenerateContent/)).toHaveLength(2);
    const keys = [...openai.requests.map((r) => r.headers.authorization), ...anthropic.requests.map((r) => r.headers['x-api-key']), ...gemini.requests.map((r) => r.headers['x-goog-api-key'])];
    expect(new Set(keys)).toEqual(new Set(['Bearer sk-e2e-provider-key-1234', 'sk-e2e-provider-key-1234']));
  });

  it('stops a run whose spend passes its budget: failed, budget exceeded', async () => {
    const instruction = 'Spend more than allowed.';
    const model = 'budget-model';
    const id = await profile({ provider: 'openai-compatible', model, baseUrl: openai.url });
    await owner.ok('PUT', `/v1/prices/openai-compatible/${model}`, { inputUsdPerMTok: 2, outputUsdPerMTok: 8 });
    const step = (n: number) => ({ text: `step ${n}`, toolCalls: [call('write_file', { path: `step-${n}.txt`, content: `${n}\n` })], usage: USAGE[0] });
    openai.addScenario({ match: instruction, model, turns: [step(1), step(2), step(3), step(4), { text: 'done' }] });
    // 360 µ$ per call: the second call crosses a 500 µ$ task budget.
    const { runs: [run] } = await startTask('budget', instruction, [{ modelProfileId: id }], { budgetUsd: 0.0005 });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^budget exceeded: /);
    expect(run.usage.costUsd).toBeGreaterThanOrEqual(0.0005);
    expect(await git.listBranches('budget')).toEqual(['main']);
  });

  it('fails an attempt with a bad key or an unreachable provider readably, and the others succeed', async () => {
    const instruction = 'Three attempts, one good.';
    const good = await profile({ provider: 'openai-compatible', model: 'good-model', baseUrl: openai.url });
    const badKey = await profile({ provider: 'openai-compatible', model: 'locked-model', baseUrl: locked.url, apiKey: 'sk-not-the-right-key' });
    const unreachable = await profile({ provider: 'openai-compatible', model: 'nowhere-model', baseUrl: 'http://127.0.0.1:9/v1' });
    openai.addScenario({ match: instruction, model: 'good-model', turns: [{ toolCalls: [call('write_file', { path: 'ok.txt', content: 'ok\n' })] }, { text: 'ok' }] });
    locked.addScenario({ match: instruction, turns: [{ text: 'never' }] });
    const { runs } = await startTask('mixed', instruction, [{ modelProfileId: good }, { modelProfileId: badKey }, { modelProfileId: unreachable }]);
    const by = (id: string) => runs.find((r) => r.modelProfileId === id)!;
    expect(by(good).status).toBe('succeeded');
    expect(by(badKey)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^model call failed: 401 .*(api key|API key)/) });
    expect(by(unreachable)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^model call failed: 502 .*127\.0\.0\.1:9/) });

    // An unknown provider never gets as far as a run.
    const bad = await owner.req('POST', '/v1/model-profiles', { provider: 'mistral', model: 'm', apiKey: 'k' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
  });
});
