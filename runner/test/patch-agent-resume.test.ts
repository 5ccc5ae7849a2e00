/**
 * A patch-agent run that continues an earlier, lost assignment (Assignment.resume), on every wire
 * (OpenAI Chat + Responses, Anthropic, Gemini) through the fake worker and the fake providers: the
 * uninterrupted run's `turn` events are the resume; the resumed run replays those turns on its fresh
 * workspace without calling the model, sends the provider exactly the conversation the uninterrupted
 * run sent at that point, makes only the remaining calls, and ends with the identical change. Plus:
 * the turn budget counts replayed turns, a resume made on another base commit starts over, and a
 * CLI run with a resume says it starts over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Assignment, ExecutorSpec, RunEvent, TurnEvent } from '../../protocol/src/index.ts';
import { startFakeAnthropic, startFakeGemini, type FakeProvider, type LlmProvider, type RecordedRequest, type Scenario } from '../../testkit/src/index.ts';
import { expectCleanLog, startHarness, type Harness } from './harness.ts';

interface Wire {
  name: string;
  route: LlmProvider;
  executor: Partial<ExecutorSpec>;
  model: string;
  /** The conversation a request carries, in a form two runs can be compared by. */
  conversation(r: RecordedRequest): unknown;
}
/** Responses output items carry per-response ids and statuses; a resumed turn goes back as plain items. */
function responsesInput(input: any[]): unknown[] {
  return input.map((i) => {
    if (i.type === 'message' && i.role === 'assistant') return { role: 'assistant', content: i.content.map((c: any) => c.text).join('') };
    if (i.type === 'function_call') return { type: 'function_call', call_id: i.call_id, name: i.name, arguments: i.arguments };
    return i;
  });
}
const WIRES: Wire[] = [
  { name: 'openai chat', route: 'openai', executor: { provider: 'openai-compatible' }, model: 'gpt-chat', conversation: (r) => r.body.messages },
  { name: 'openai responses', route: 'openai', executor: { provider: 'openai', wireApi: 'responses' }, model: 'gpt-resp', conversation: (r) => ({ instructions: r.body.instructions, input: responsesInput(r.body.input) }) },
  { name: 'anthropic', route: 'anthropic', executor: { provider: 'anthropic' }, model: 'claude-x', conversation: (r) => ({ system: r.body.system, messages: r.body.messages }) },
  { name: 'google', route: 'google', executor: { provider: 'google' }, model: 'gemini-x', conversation: (r) => ({ system: r.body.systemInstruction, contents: r.body.contents }) },
];
const FILES = { 'README.md': '# Demo\n', 'src/app.ts': 'export const x = 1;\n' };

function script(match: string, model: string): Scenario {
  return { match, model, turns: [
    { text: 'Looking around.', toolCalls: [{ name: 'list_files', arguments: {} }, { name: 'read_file', arguments: { path: 'src/app.ts' } }], usage: { prompt_tokens: 100, completion_tokens: 10 } },
    { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/app.ts', old_string: 'x = 1', new_string: 'x = 2' } }, { name: 'write_file', arguments: { path: 'docs/a.md', content: 'A\n' } }], usage: { prompt_tokens: 200, completion_tokens: 20 } },
    { text: 'One more, and a look at it.', toolCalls: [{ name: 'write_file', arguments: { path: 'docs/b.md', content: 'B\n' } }, { name: 'read_file', arguments: { path: 'docs/a.md' } }, { name: 'edit_file', arguments: { path: 'nope.md', old_string: 'a', new_string: 'b' } }], usage: { prompt_tokens: 300, completion_tokens: 30 } },
    { text: 'Changed x, added two docs.', usage: { prompt_tokens: 400, completion_tokens: 40 } },
  ] };
}
const turnsOf = (events: RunEvent[]) => events.filter((e): e is TurnEvent => e.type === 'turn');
const resumeFrom = (turns: TurnEvent[], k: number): NonNullable<Assignment['resume']> => ({
  turns: turns.slice(0, k).map((t) => ({ text: t.text, calls: t.calls, ...(t.tokens !== undefined ? { tokens: t.tokens } : {}) })),
  baseCommit: turns[0].baseCommit,
});
const logs = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'log' ? [e.message] : []));

describe('patch agent: a resumed run continues from the last finished turn', () => {
  let h: Harness;
  let anthropic: FakeProvider;
  let google: FakeProvider;
  const fakes: Record<LlmProvider, () => FakeProvider> = { openai: () => h.provider, anthropic: () => anthropic, google: () => google };
  beforeAll(async () => {
    [anthropic, google] = await Promise.all([startFakeAnthropic({ apiKey: 'sk-upstream', strict: true }), startFakeGemini({ apiKey: 'sk-upstream', strict: true })]);
    h = await startHarness({ workerOptions: { upstreams: { anthropic: anthropic.url, google: google.url } } });
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([anthropic.close(), google.close()]);
  });

  it.each(WIRES)('$name: replays 2 turns without the model, sends the recorded conversation, calls only for the rest, same change', async (wire) => {
    const repo = `resume-${wire.model}`;
    const url = await h.gitServer.createRepo(repo, FILES);
    const match = `${wire.name}: change x and add docs`;
    const fake = fakes[wire.route]();
    fake.addScenario(script(match, wire.model));

    const whole = h.worker.assign({ cloneUrl: url, instruction: match, model: wire.model, executor: wire.executor });
    const wholeResult = await h.result(whole.runId);
    expect(wholeResult.outcome).toBe('succeeded');
    const wholeRequests = fake.requests.filter((r) => r.scenario === match);
    expect(wholeRequests.map((r) => r.turnIndex)).toEqual([0, 1, 2, 3]);
    const turns = turnsOf(h.worker.runs.get(whole.runId)!.events);
    expect(turns.map((t) => [t.turn, t.calls.map((c) => c.name), t.tokens])).toEqual([
      [1, ['list_files', 'read_file'], 110], [2, ['edit_file', 'write_file'], 220], [3, ['write_file', 'read_file', 'edit_file'], 330],
    ]);
    expect(turns.every((t) => t.baseCommit === wholeResult.baseCommit)).toBe(true);

    const resumed = h.worker.assign({ cloneUrl: url, instruction: match, model: wire.model, executor: wire.executor, resume: resumeFrom(turns, 2) });
    const result = await h.result(resumed.runId);
    expect(result).toMatchObject({ outcome: 'succeeded', summary: 'Changed x, added two docs.' });
    const requests = fake.requests.filter((r) => r.scenario === match).slice(wholeRequests.length);
    // Only the turns after the replayed ones reached the provider, the first with the uninterrupted run's conversation.
    expect(requests.map((r) => r.turnIndex)).toEqual([2, 3]);
    expect(wire.conversation(requests[0])).toEqual(wire.conversation(wholeRequests[2]));
    // The last call also carries turn 3, which the provider answered anew (with new call ids).
    const ids = (t: TurnEvent | undefined) => t?.calls.map((c) => c.id) ?? [];
    const fresh = ids(turnsOf(h.worker.runs.get(resumed.runId)!.events).find((t) => t.turn === 3));
    const same = ids(turns[2]);
    expect(fresh).toHaveLength(3);
    const renamed = fresh.reduce((text, id, i) => text.replaceAll(id, same[i]), JSON.stringify(wire.conversation(requests[1])));
    expect(JSON.parse(renamed)).toEqual(wire.conversation(wholeRequests[3]));
    // The same change, to the byte.
    expect(result.patch).toBe(wholeResult.patch);
    expect(await h.gitServer.diffNames(repo, whole.branch, resumed.branch)).toEqual([]);

    const run = h.worker.runs.get(resumed.runId)!;
    expectCleanLog(run);
    expect(logs(run.events)).toContain('continuing from turn 3 of the previous assignment (2 turns replayed, no model calls)');
    expect(turnsOf(run.events).map((t) => t.turn)).toEqual([3]);
    expect(run.events.flatMap((e) => (e.type === 'usage' ? [e.inputTokens] : []))).toEqual([300, 400]);
    expect(run.events.filter((e) => e.type === 'tool_call').length).toBe(3);
  });

  it('counts replayed turns against the turn budget', async () => {
    const url = await h.gitServer.createRepo('resume-budget', FILES);
    const match = 'budget: change x and add docs';
    h.provider.addScenario(script(match, 'gpt-budget'));
    const whole = h.worker.assign({ cloneUrl: url, instruction: match, model: 'gpt-budget' });
    await h.result(whole.runId);
    const turns = turnsOf(h.worker.runs.get(whole.runId)!.events);
    const before = h.provider.requests.length;
    const resumed = h.worker.assign({ cloneUrl: url, instruction: match, model: 'gpt-budget', limits: { maxTurns: 3 }, resume: resumeFrom(turns, 2) });
    const result = await h.result(resumed.runId);
    expect(result).toMatchObject({ outcome: 'failed', error: 'turn limit reached: the agent used all 3 turns without finishing' });
    expect(h.provider.requests.slice(before).map((r) => r.turnIndex)).toEqual([2]);
  });

  it('starts over when the base moved since the turns were made, and says why', async () => {
    const url = await h.gitServer.createRepo('resume-moved', FILES);
    const match = 'moved: change x and add docs';
    h.provider.addScenario(script(match, 'gpt-moved'));
    const whole = h.worker.assign({ cloneUrl: url, instruction: match, model: 'gpt-moved' });
    await h.result(whole.runId);
    const turns = turnsOf(h.worker.runs.get(whole.runId)!.events);
    await h.gitServer.commitFiles('resume-moved', { 'NEWS.md': 'moved\n' }, { branch: 'main', message: 'someone pushed' });
    const before = h.provider.requests.length;
    const resumed = h.worker.assign({ cloneUrl: url, instruction: match, model: 'gpt-moved', resume: resumeFrom(turns, 2) });
    const result = await h.result(resumed.runId);
    expect(result.outcome).toBe('succeeded');
    expect(h.provider.requests.slice(before).map((r) => r.turnIndex)).toEqual([0, 1, 2, 3]);
    expect(logs(h.worker.runs.get(resumed.runId)!.events)).toContain(
      `the previous assignment's 2 finished turn(s) were made on ${turns[0].baseCommit!.slice(0, 12)}, but the base is now at ${result.baseCommit!.slice(0, 12)}: starting over from turn 1`);
  });
});

describe('patch agent: turn events and the Worker version', () => {
  it('sends no turn event to a Worker of protocol 1 (it would refuse the frame)', async () => {
    const h = await startHarness({ workerOptions: { protocolVersion: 1 } });
    try {
      const url = await h.gitServer.createRepo('v1', FILES);
      h.provider.addScenario(script('v1: change x and add docs', 'gpt-v1'));
      const a = h.worker.assign({ cloneUrl: url, instruction: 'v1: change x and add docs', model: 'gpt-v1' });
      expect((await h.result(a.runId)).outcome).toBe('succeeded');
      const run = h.worker.runs.get(a.runId)!;
      expectCleanLog(run);
      expect(run.events.filter((e) => e.type === 'tool_call')).toHaveLength(7);
      expect(turnsOf(run.events)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
