/**
 * Budgets (issue 3): a run whose recorded cost reaches its budget — or whose task's does — is
 * refused by the gateway in the provider's own format, and TaskRoom stops it: it ends
 * `failed` with `budget exceeded: …` whether the runner confirms the cancel, stays silent past
 * the cancel deadline, or had not been handed out yet. Real TaskRoom, real D1, stubbed upstream.
 */
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ModelProfile, Run, Task } from '../../protocol/src/index.ts';
import type { Client } from './helpers/api.ts';
import { client, json, setupOwner } from './helpers/api.ts';
import { createRepo } from './helpers/fixtures.ts';
import { d1Run } from './do-helpers/seed.ts';
import { cleanup, ev, expire, openRunStream, roomStub, storedEvents } from './do-helpers/stubs.ts';
import { gatewayTransport, profiles, sse, tokenFor, upstream, wire } from './gateway-fixtures.ts';

afterEach(async () => {
  vi.restoreAllMocks();
  await cleanup();
});

describe('budgets', () => {
  let owner: Client;
  let repoId: string;
  let openai: ModelProfile;
  let anthropic: ModelProfile;
  let google: ModelProfile;
  beforeAll(async () => {
    owner = await setupOwner();
    repoId = (await createRepo(owner)).id;
    [openai, anthropic, google] = [await profiles.openai(owner), await profiles.anthropic(owner), await profiles.google(owner)];
    const price = { inputUsdPerMTok: 0.15, outputUsdPerMTok: 0.6 };
    const res = await owner.fetch('/v1/prices/openai-compatible/fake-model', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(price) });
    expect(res.status).toBe(200);
  });

  async function taskWith(budgetUsd?: number): Promise<Task> {
    const res = await owner.post('/v1/tasks', { repoId, instruction: 'Add a README', ...(budgetUsd ? { budgetUsd } : {}) });
    return (await json<{ task: Task }>(res, 201)).task;
  }

  /** A run created through the real route and TaskRoom, then claimed and attached as a runner would. */
  async function runningRun(task: Task, profile: ModelProfile, executor: string, budgetUsd?: number) {
    const res = await owner.post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor, modelProfileId: profile.id }], ...(budgetUsd ? { budgetUsd } : {}) });
    const run = (await json<{ runs: Run[] }>(res, 201)).runs[0];
    const assignment = await roomStub(task.id).claim(run.id, 'runner-b');
    if (!assignment) throw new Error('claim failed');
    const sock = await openRunStream(task.id, run.id, assignment.assignment, 'runner-b');
    expect(await sock.next()).toMatchObject({ type: 'attached', cancelRequested: false });
    sock.send({ type: 'frame', frame: 1, events: [ev.status(run.id, 'running')] });
    await sock.nextOfType('ack');
    return { run, sock, token: assignment.runToken };
  }

  it('run budget: the call that reaches it stops the run; the next call is refused (OpenAI 429 insufficient_quota); the run ends failed', async () => {
    const task = await taskWith();
    const { run, sock, token } = await runningRun(task, openai, 'patch-agent', 0.0002);
    expect(run.budgetUsd).toBe(0.0002);
    const calls = upstream(() => sse(wire.openaiChat('hi', { prompt_tokens: 1234, completion_tokens: 56 }).join('')));
    const gw = gatewayTransport();
    const c = client({ authorization: `Bearer ${token}` }, gw.via);
    const first = await c.post('/v1/llm/openai/chat/completions', { model: 'fake-model', stream: true });
    expect(first.status).toBe(200);
    await first.text();
    await gw.settle();

    const reason = 'budget exceeded: run spent $0.000219 of its $0.0002 budget';
    expect(await sock.nextOfType('cancel')).toEqual({ type: 'cancel', reason });
    const refused = await c.post('/v1/llm/openai/chat/completions', { model: 'fake-model', stream: true });
    expect(refused.headers.get('x-should-retry')).toBe('false');
    expect(await json(refused, 429)).toEqual({ error: { message: `dursor ${reason}`, type: 'insufficient_quota', code: 'budget_exceeded' } });
    expect(calls).toHaveLength(1);

    // The runner confirms the cancel; the run ends failed, not cancelled, in the room and in D1.
    sock.send({ type: 'frame', frame: 2, events: [ev.result(run.id, 'cancelled', { error: 'interrupted' })] });
    await sock.nextOfType('ack');
    await vi.waitFor(async () => expect(await d1Run(run.id)).toMatchObject({ status: 'failed', error: reason }));
    const api = await json<{ run: Run }>(await owner.fetch(`/v1/runs/${run.id}`), 200);
    expect(api.run).toMatchObject({ status: 'failed', error: reason, usage: { inputTokens: 1234, outputTokens: 56, costUsd: 0.000219 } });
    const events = await storedEvents(task.id);
    expect(events.filter((e) => e.runId === run.id && e.type === 'status').at(-1)).toMatchObject({ status: 'failed', reason });
    const messages = await json<{ messages: { content: string; runId: string | null }[] }>(await owner.fetch(`/v1/tasks/${task.id}/messages`), 200);
    expect(messages.messages.find((m) => m.runId === run.id)?.content).toBe(`Run failed: ${reason}`);
  });

  it('task budget already spent: refused before forwarding (Anthropic 402 billing_error); a silent runner is failed at the cancel deadline', async () => {
    const task = await taskWith(0.5);
    const { run, sock, token } = await runningRun(task, anthropic, 'claude-code');
    await env.DB.prepare('UPDATE tasks SET cost_micros = 500000 WHERE id = ?').bind(task.id).run();
    const calls = upstream(() => new Response('unexpected'));
    const gw = gatewayTransport();
    const res = await client({ 'x-api-key': token, 'anthropic-version': '2023-06-01' }, gw.via).post('/v1/llm/anthropic/v1/messages?beta=true', { model: 'claude-test' });
    const reason = 'budget exceeded: task spent $0.5 of its $0.5 budget';
    expect(await json(res, 402)).toEqual({ type: 'error', error: { type: 'billing_error', message: `dursor ${reason}` } });
    expect(calls).toHaveLength(0);
    expect(await sock.nextOfType('cancel')).toEqual({ type: 'cancel', reason });

    await expire(task.id, run.id, 'cancel_deadline');
    await runDurableObjectAlarm(roomStub(task.id));
    await vi.waitFor(async () => expect(await d1Run(run.id)).toMatchObject({ status: 'failed', error: reason }));
    expect(await sock.waitClose()).toMatchObject({ code: expect.any(Number) });
  });

  it('a run not yet handed to a runner fails at once (Google 429 RESOURCE_EXHAUSTED) and leaves the pool', async () => {
    const task = await taskWith(0.001);
    const res = await owner.post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'gemini-cli', modelProfileId: google.id }] });
    const run = (await json<{ runs: Run[] }>(res, 201)).runs[0];
    await env.DB.prepare('UPDATE tasks SET cost_micros = 2000 WHERE id = ?').bind(task.id).run();
    upstream(() => new Response('unexpected'));
    const gw = gatewayTransport();
    const refused = await client({ 'x-goog-api-key': await tokenFor(run) }, gw.via)
      .post('/v1/llm/google/v1beta/models/gemini-test:streamGenerateContent?alt=sse', {});
    expect(await json(refused, 429)).toEqual({
      error: { code: 429, message: 'dursor budget exceeded: task spent $0.002 of its $0.001 budget', status: 'RESOURCE_EXHAUSTED' },
    });
    await vi.waitFor(async () => expect(await d1Run(run.id)).toMatchObject({ status: 'failed', error: 'budget exceeded: task spent $0.002 of its $0.001 budget' }));
    expect(await roomStub(task.id).claim(run.id, 'runner-b')).toBeNull();
    // Now finished, its token is refused outright.
    const again = await client({ 'x-goog-api-key': await tokenFor(run) }, gw.via).post('/v1/llm/google/v1beta/models/gemini-test:generateContent', {});
    expect(again.status).toBe(401);
  });

  it('budgetExceeded is idempotent and leaves a user cancel already under way alone', async () => {
    const task = await taskWith();
    const { run, sock } = await runningRun(task, openai, 'patch-agent');
    const room = roomStub(task.id);
    expect(await room.cancelRun(run.id)).toBe('running');
    expect(await room.budgetExceeded(run.id, 'run spent $1 of its $1 budget')).toBe('running');
    expect(await room.budgetExceeded('unknown-run', 'x')).toBeNull();
    sock.send({ type: 'frame', frame: 2, events: [ev.result(run.id, 'cancelled')] });
    await sock.nextOfType('ack');
    await vi.waitFor(async () => expect(await d1Run(run.id)).toMatchObject({ status: 'cancelled' }));
    // Only the user's cancel went down the socket, and the run ended cancelled, not failed.
    expect(sock.received.filter((m: { type: string }) => m.type === 'cancel')).toEqual([{ type: 'cancel', reason: 'cancelled by user' }]);
  });
});
