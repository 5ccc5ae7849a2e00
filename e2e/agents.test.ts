/**
 * The real agent CLIs on the real stack: one task whose attempts run on four different executors
 * (the patch agent, Claude Code, Codex, Gemini CLI) at the same time on one runner, each through the
 * Worker's LLM gateway to a fake provider speaking its wire protocol; then a follow-up round that
 * resumes Claude Code's own session from the chosen attempt's branch.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Run } from '../protocol/src/index.ts';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, startGitServer, type FakeProvider, type GitServer } from '../testkit/src/index.ts';
import { ownerClient, type Client } from '../testkit/src/stack/client.ts';
import { waitFor } from '../testkit/src/wait.ts';
import { killAll } from '../testkit/src/stack/processes.ts';
import { registrationToken, startRunner, type RunnerProc } from '../testkit/src/stack/runner.ts';
import { call } from './harness/scenarios.ts';
import { startStack, type Stack } from '../testkit/src/stack/stack.ts';
import { isDone, openViewer, statuses } from '../testkit/src/stack/viewer.ts';

let stack: Stack, git: GitServer, openai: FakeProvider, anthropic: FakeProvider, gemini: FakeProvider, owner: Client, runner: RunnerProc;

beforeAll(async () => {
  [stack, git, openai, anthropic, gemini] = await Promise.all([startStack(), startGitServer(), startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  owner = await ownerClient(stack.url);
  runner = await startRunner({ url: stack.url, token: await registrationToken(owner), name: 'agents', dir: stack.dir, slots: 4 });
  // The runner advertises what it found installed (scripts/install-clis.ts puts the CLIs in .dursor/clis).
  await waitFor('the runner to advertise the CLIs', async () => {
    const { runners } = await owner.ok('GET', '/v1/runners');
    const executors: string[] = runners[0]?.executors ?? [];
    return ['patch-agent', 'claude-code', 'codex', 'gemini-cli'].every((e) => executors.includes(e));
  }, 60_000, 250);
});
afterAll(async () => {
  await killAll();
  await Promise.all([stack?.stop(), git?.close(), openai?.close(), anthropic?.close(), gemini?.close()]);
});

const profile = async (body: Record<string, unknown>): Promise<string> =>
  (await owner.ok('POST', '/v1/model-profiles', { apiKey: 'sk-agents-e2e-key-5678', ...body })).modelProfile.id;

it('runs the patch agent, Claude Code, Codex and Gemini CLI at once on one runner, then resumes Claude Code', async () => {
  const instruction = 'Each agent leaves a note named after itself.';
  const ids = {
    'patch-agent': await profile({ provider: 'openai-compatible', model: 'mix-chat', baseUrl: openai.url }),
    'claude-code': await profile({ provider: 'anthropic', model: 'mix-claude', baseUrl: anthropic.url }),
    codex: await profile({ provider: 'openai-compatible', model: 'mix-codex', baseUrl: openai.url }),
    'gemini-cli': await profile({ provider: 'google', model: 'mix-gemini', baseUrl: gemini.url }),
  };
  // Every agent's first model turn waits at the provider until all four are there: they overlap.
  let openGate!: () => void;
  const gate = new Promise<void>((r) => (openGate = r));
  const first = (text: string, tool: ReturnType<typeof call>) => ({ text, toolCalls: [tool], hold: gate });
  openai.addScenario({ match: instruction, model: 'mix-chat', turns: [first('Patch agent here.', call('write_file', { path: 'patch-agent.txt', content: 'patch agent\n' })), { text: 'Done.' }] });
  anthropic.addScenario({ match: instruction, model: 'mix-claude', turns: [first('Claude here.', call('Bash', { command: "printf 'claude code\\n' > claude-code.txt", description: 'write the note' })), { text: 'Done.' }] });
  openai.addScenario({ match: instruction, model: 'mix-codex', turns: [first('Codex here.', call('exec_command', { cmd: "printf 'codex\\n' > codex.txt" })), { text: 'Done.' }] });
  gemini.addScenario({ match: instruction, model: 'mix-gemini', turns: [first('Gemini here.', call('run_shell_command', { command: "printf 'gemini cli\\n' > gemini-cli.txt" })), { text: 'Done.' }] });

  const cloneUrl = await git.createRepo('agents', { 'README.md': '# agents\n' });
  const { repo } = await owner.ok('POST', '/v1/repos', { cloneUrl, defaultBranch: 'main' });
  const { task } = await owner.ok('POST', '/v1/tasks', { repoId: repo.id, instruction });
  const viewer = await openViewer(stack.url, task.id, owner.cookie);
  const { runs } = await owner.ok('POST', `/v1/tasks/${task.id}/runs`, {
    attempts: Object.entries(ids).map(([executor, modelProfileId]) => ({ executor, modelProfileId, count: 1 })),
  });
  const runIds: string[] = runs.map((r: { id: string }) => r.id);
  const asked = (fake: FakeProvider, model: string) => fake.requests.some((r) => JSON.stringify(r.body ?? '').includes(instruction) && (r.body?.model === model || r.path.includes(model)));
  await waitFor('all four agents to be at their provider at once', async () =>
    asked(openai, 'mix-chat') && asked(anthropic, 'mix-claude') && asked(openai, 'mix-codex') && asked(gemini, 'mix-gemini'), 90_000, 100);
  expect(runIds.every((id) => statuses(viewer.events, id).includes('running') && !isDone(viewer.events, id))).toBe(true);
  openGate();
  await viewer.waitFor('all four to finish', (evs) => runIds.every((id) => isDone(evs, id)), 120_000);

  const done = await Promise.all(runIds.map(async (id) => Run.parse((await owner.ok('GET', `/v1/runs/${id}`)).run)));
  const notes: Record<string, string> = { 'patch-agent': 'patch agent\n', 'claude-code': 'claude code\n', codex: 'codex\n', 'gemini-cli': 'gemini cli\n' };
  for (const run of done) {
    expect({ executor: run.executor, status: run.status, error: run.error }).toEqual({ executor: run.executor, status: 'succeeded', error: null });
    expect(await git.diffNames('agents', 'main', run.branch)).toEqual([`${run.executor}.txt`]);
    expect(await git.readFile('agents', run.branch, `${run.executor}.txt`)).toBe(notes[run.executor]);
    expect(run.usage.inputTokens).toBeGreaterThan(0);
  }
  // The CLIs reported their own sessions, kept for a follow-up.
  const claude = done.find((r) => r.executor === 'claude-code')!;

  // Follow-up on Claude Code's attempt: same executor → its session is resumed; the fake sees the earlier turns.
  const followUp = 'Now add a second line to your note.';
  anthropic.addScenario({ match: followUp, model: 'mix-claude', turns: [
    { toolCalls: [call('Bash', { command: "printf 'second line\\n' >> claude-code.txt", description: 'append' })] },
    { text: 'Appended.' },
  ] });
  const next = await owner.ok('POST', `/v1/tasks/${task.id}/runs`, { message: followUp, parentRunId: claude.id, attempts: [{ executor: 'claude-code', modelProfileId: ids['claude-code'], count: 1 }] });
  const nextId: string = next.runs[0].id;
  await viewer.waitFor('the follow-up to finish', (evs) => isDone(evs, nextId), 90_000);
  const resumed = Run.parse((await owner.ok('GET', `/v1/runs/${nextId}`)).run);
  expect({ status: resumed.status, error: resumed.error, parent: resumed.parentRunId }).toEqual({ status: 'succeeded', error: null, parent: claude.id });
  expect(await git.readFile('agents', resumed.branch, 'claude-code.txt')).toBe('claude code\nsecond line\n');
  const followUpRequest = anthropic.requests.find((r) => JSON.stringify(r.body ?? '').includes(followUp))!;
  expect(JSON.stringify(followUpRequest.body.messages)).toContain(instruction);
  viewer.close();

  // The CLIs ran with the run token against the gateway: the user's key reached only the providers.
  expect(runner.output()).not.toContain('sk-agents-e2e-key-5678');
});
