/**
 * The runs route for issue 3: every executor needs a compatible model profile; specs point at the
 * profile's gateway path (wireApi for OpenAI); a follow-up (`parentRunId`) starts from the parent's
 * branch, resumes its agent session on the same executor, and carries the conversation so far.
 * Then through the real TaskRoom: the result's agent session and the time to first token reach
 * D1, a follow-up's assignment carries them, and the Cursor agent's key is added only at claim.
 */
import { env } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ModelProfile, Run, Task } from '../../protocol/src/index.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { appWith, json, setupOwner } from './helpers/api.ts';
import { fakeTaskRoom } from './helpers/fake-durables.ts';
import { createProfile, createRepo, createTask, TEST_API_KEY } from './helpers/fixtures.ts';
import { d1Run } from './do-helpers/seed.ts';
import { cleanup, ev, openRunStream, roomRun, roomStub } from './do-helpers/stubs.ts';
import { profiles } from './gateway-fixtures.ts';

afterEach(cleanup);

describe('runs: executors, profiles and follow-ups', () => {
  let owner: Client;
  let task: Task;
  let openai: ModelProfile;
  let responses: ModelProfile;
  let anthropic: ModelProfile;
  let google: ModelProfile;
  let cursor: ModelProfile;
  beforeAll(async () => {
    owner = await setupOwner();
    task = await createTask(owner, (await createRepo(owner)).id, 'Add a README');
    [openai, anthropic, google] = [await profiles.openai(owner), await profiles.anthropic(owner), await profiles.google(owner)];
    responses = await createProfile(owner, { provider: 'openai', model: 'gpt-test', baseUrl: 'https://openai.example.test/v1', wireApi: 'responses' });
    cursor = await createProfile(owner, { provider: 'cursor', model: 'auto' });
  });

  const post = (room: ReturnType<typeof fakeTaskRoom>, body: unknown, t = task) =>
    owner.with(appWith({ TASK_ROOM: room.TASK_ROOM })).post(`/v1/tasks/${t.id}/runs`, body);

  it('refuses a missing or incompatible profile with a 400 naming the attempt', async () => {
    const room = fakeTaskRoom();
    const missing = await json<ApiErrorBody>(await post(room, { attempts: [{ executor: 'codex' }] }), 400);
    expect(missing.error.message).toMatch(/attempts\.0\.modelProfileId: required for codex/);
    const cases: [string, ModelProfile, RegExp][] = [
      ['claude-code', openai, /attempts\.1: claude-code cannot run on a openai-compatible model profile; it needs provider anthropic/],
      ['codex', google, /attempts\.1: codex cannot run on a google model profile; it needs provider openai or openai-compatible/],
      ['gemini-cli', anthropic, /attempts\.1: gemini-cli .* google/],
      ['cursor-agent', openai, /attempts\.1: cursor-agent .* cursor/],
      ['patch-agent', cursor, /attempts\.1: patch-agent cannot run on a cursor model profile/],
    ];
    for (const [executor, profile, message] of cases) {
      const res = await post(room, { attempts: [{ executor: 'patch-agent', modelProfileId: openai.id }, { executor, modelProfileId: profile.id }] });
      const body = await json<ApiErrorBody>(res, 400);
      expect(body.error).toMatchObject({ code: 'incompatible_profile', message: expect.stringMatching(message) });
    }
    expect(room.calls.createRuns).toEqual([]);
  });

  it('builds each executor spec from its profile: gateway path per provider, wireApi for OpenAI, no key in the spec', async () => {
    const room = fakeTaskRoom();
    const res = await post(room, {
      budgetUsd: 1.25,
      attempts: [
        { executor: 'patch-agent', modelProfileId: responses.id },
        { executor: 'codex', modelProfileId: openai.id },
        { executor: 'claude-code', modelProfileId: anthropic.id },
        { executor: 'gemini-cli', modelProfileId: google.id },
        { executor: 'cursor-agent', modelProfileId: cursor.id },
      ],
    });
    const body = await json<{ runs: Run[] }>(res, 201);
    expect(body.runs.map((r) => r.budgetUsd)).toEqual([1.25, 1.25, 1.25, 1.25, 1.25]);
    const specs = room.calls.createRuns[0].runs.map((r) => r.executor);
    expect(specs).toEqual([
      { id: 'patch-agent', provider: 'openai', model: 'gpt-test', gatewayPath: '/v1/llm/openai', wireApi: 'responses' },
      { id: 'codex', provider: 'openai-compatible', model: 'fake-model', gatewayPath: '/v1/llm/openai' },
      { id: 'claude-code', provider: 'anthropic', model: 'claude-test', gatewayPath: '/v1/llm/anthropic' },
      { id: 'gemini-cli', provider: 'google', model: 'gemini-test', gatewayPath: '/v1/llm/google' },
      { id: 'cursor-agent', provider: 'cursor', model: 'auto' },
    ]);
    const rows = await env.DB.prepare('SELECT budget_micros FROM runs WHERE task_id = ?').bind(task.id).all<{ budget_micros: number }>();
    expect(rows.results.every((r) => r.budget_micros === 1_250_000)).toBe(true);
    expect(JSON.stringify([body, room.calls.createRuns])).not.toContain(TEST_API_KEY);
  });

  it('a follow-up starts from the parent branch, resumes its session on the same executor, and carries the history', async () => {
    const t = await createTask(owner, (await createRepo(owner)).id, 'Add a README');
    const first = await json<{ runs: Run[] }>(await post(fakeTaskRoom(), { attempts: [{ executor: 'claude-code', modelProfileId: anthropic.id }] }, t), 201);
    const parent = first.runs[0];
    await env.DB.batch([
      env.DB.prepare("UPDATE runs SET status = 'succeeded', agent_session = 'sess-parent' WHERE id = ?").bind(parent.id),
      env.DB.prepare("INSERT INTO messages (id, task_id, role, content, run_id, created_at) VALUES ('m-asst', ?, 'assistant', 'I added README.md', ?, ?)")
        .bind(t.id, parent.id, Date.now() + 1),
      env.DB.prepare("INSERT INTO messages (id, task_id, role, content, created_at) VALUES ('m-sys', ?, 'system', 'internal note', ?)").bind(t.id, Date.now() + 2),
    ]);
    const room = fakeTaskRoom();
    const res = await post(room, {
      parentRunId: parent.id, message: 'Now add a license',
      attempts: [{ executor: 'claude-code', modelProfileId: anthropic.id }, { executor: 'patch-agent', modelProfileId: anthropic.id }],
    }, t);
    const body = await json<{ runs: Run[] }>(res, 201);
    expect(body.runs.map((r) => r.parentRunId)).toEqual([parent.id, parent.id]);
    const [resumed, fresh] = room.calls.createRuns[0].runs;
    expect(resumed.repo.baseRef).toBe(parent.branch);
    expect(fresh.repo.baseRef).toBe(parent.branch);
    expect(resumed.executor.resumeSession).toBe('sess-parent');
    expect(fresh.executor).not.toHaveProperty('resumeSession');
    const history = [{ role: 'user', content: 'Add a README' }, { role: 'assistant', content: 'I added README.md' }];
    expect(resumed.history).toEqual(history);
    expect(resumed.instruction).toBe('Now add a license');
    const row = await d1Run(body.runs[0].id);
    expect(row).toMatchObject({ parent_run_id: parent.id });

    // Without a new message the round answers the latest user message: history stops before it.
    const again = fakeTaskRoom();
    await json(await post(again, { parentRunId: parent.id, attempts: [{ executor: 'patch-agent', modelProfileId: anthropic.id }] }, t), 201);
    expect(again.calls.createRuns[0].runs[0]).toMatchObject({ instruction: 'Now add a license', history });
  });

  it('refuses a parent run that is unknown, of another task, or not succeeded', async () => {
    const other = await createTask(owner, (await createRepo(owner)).id);
    const foreign = (await json<{ runs: Run[] }>(await post(fakeTaskRoom(), { attempts: [{ executor: 'patch-agent', modelProfileId: openai.id }] }, other), 201)).runs[0];
    await env.DB.prepare("UPDATE runs SET status = 'succeeded' WHERE id = ?").bind(foreign.id).run();
    const mine = (await json<{ runs: Run[] }>(await post(fakeTaskRoom(), { attempts: [{ executor: 'patch-agent', modelProfileId: openai.id }] }), 201)).runs[0];
    const attempts = [{ executor: 'patch-agent', modelProfileId: openai.id }];
    expect((await post(fakeTaskRoom(), { parentRunId: 'nope', attempts })).status).toBe(404);
    expect((await post(fakeTaskRoom(), { parentRunId: foreign.id, attempts })).status).toBe(404);
    const queued = await json<ApiErrorBody>(await post(fakeTaskRoom(), { parentRunId: mine.id, attempts }), 400);
    expect(queued.error).toMatchObject({ code: 'invalid_parent_run', message: expect.stringMatching(/is queued/) });
  });

  it('real TaskRoom: agent session and first token reach D1; the follow-up assignment resumes the session from the parent branch', async () => {
    const t = await createTask(owner, (await createRepo(owner)).id, 'Add a README');
    const res = await owner.post(`/v1/tasks/${t.id}/runs`, { attempts: [{ executor: 'claude-code', modelProfileId: anthropic.id }] });
    const parent = (await json<{ runs: Run[] }>(res, 201)).runs[0];
    const room = roomStub(t.id);
    const a = await room.claim(parent.id, 'runner-f');
    expect(a?.history).toEqual([]);
    const sock = await openRunStream(t.id, parent.id, 1, 'runner-f');
    await sock.next();
    sock.send({ type: 'frame', frame: 1, events: [ev.status(parent.id, 'running'), ev.text(parent.id, 'thinking'), ev.text(parent.id, 'more')] });
    await sock.nextOfType('ack');
    sock.send({ type: 'frame', frame: 2, events: [ev.result(parent.id, 'succeeded', { branch: parent.branch, headCommit: 'b'.repeat(40), agentSession: 'sess-42', summary: 'Added README.md' })] });
    await sock.nextOfType('ack');
    await vi.waitFor(async () => expect(await d1Run(parent.id)).toMatchObject({ status: 'succeeded', agent_session: 'sess-42' }));
    const row = (await d1Run(parent.id))!;
    expect(row.first_token_at).toBeGreaterThanOrEqual(row.started_at as number);
    expect(row.first_token_at).toBeLessThanOrEqual(row.finished_at as number);
    const api = (await json<{ run: Run }>(await owner.fetch(`/v1/runs/${parent.id}`), 200)).run;
    expect(api.timings.ttftMs).toBe((row.first_token_at as number) - (row.started_at as number));
    expect(api.timings.wallMs).toBe((row.finished_at as number) - (row.started_at as number));

    const follow = await owner.post(`/v1/tasks/${t.id}/runs`, {
      parentRunId: parent.id, message: 'Now add a license', attempts: [{ executor: 'claude-code', modelProfileId: anthropic.id }],
    });
    const child = (await json<{ runs: Run[] }>(follow, 201)).runs[0];
    const assignment = await room.claim(child.id, 'runner-f');
    expect(assignment).toMatchObject({
      instruction: 'Now add a license',
      repo: { baseRef: parent.branch },
      executor: { id: 'claude-code', resumeSession: 'sess-42', gatewayPath: '/v1/llm/anthropic' },
      history: [{ role: 'user', content: 'Add a README' }, { role: 'assistant', content: 'Added README.md' }],
    });
  });

  it('real TaskRoom: the Cursor agent gets its key at claim only; a run whose profile is gone fails readably', async () => {
    const t = await createTask(owner, (await createRepo(owner)).id);
    const res = await owner.post(`/v1/tasks/${t.id}/runs`, { attempts: [{ executor: 'cursor-agent', modelProfileId: cursor.id, count: 2 }] });
    const [r1, r2] = (await json<{ runs: Run[] }>(res, 201)).runs;
    const room = roomStub(t.id);
    const a = await room.claim(r1.id, 'runner-c');
    expect(a?.executor).toEqual({ id: 'cursor-agent', provider: 'cursor', model: 'auto', directApiKey: TEST_API_KEY });
    expect(JSON.stringify(await roomRun(t.id, r1.id))).not.toContain(TEST_API_KEY);
    expect(JSON.stringify(await d1Run(r1.id))).not.toContain(TEST_API_KEY);

    await env.DB.prepare('UPDATE runs SET model_profile_id = NULL WHERE id = ?').bind(r2.id).run();
    expect(await room.claim(r2.id, 'runner-c')).toBeNull();
    await vi.waitFor(async () => expect(await d1Run(r2.id)).toMatchObject({ status: 'failed', error: 'cannot start: its Cursor model profile no longer exists' }));
  });
});
