/**
 * The cap on one model answer (issue 11): a provider that streams a 20 MB tool-call argument in
 * one SSE event gets that answer cut at the gateway's 16 MiB cap, and only that run stops —
 * `failed` with "the model's answer exceeded the gateway's 16 MiB response cap" — while a viewer
 * of the task keeps its socket and another run's call streams through and is recorded as usual.
 * Real TaskRoom, real D1, the upstream stubbed with a stream made as it is read.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '../../protocol/src/index.ts';
import type { ModelProfile, Run, Task } from '../../protocol/src/index.ts';
import { answerTooLargeReason } from '../src/gateway/answer-cap.ts';
import type { Client } from './helpers/api.ts';
import { client, json, setupOwner } from './helpers/api.ts';
import { createRepo } from './helpers/fixtures.ts';
import { d1Run } from './do-helpers/seed.ts';
import { cleanup, ev, openRunStream, openViewer, roomStub } from './do-helpers/stubs.ts';
import { d1Calls, d1Usage, gatewayTransport, profiles, sse, upstream, wire } from './gateway-fixtures.ts';

afterEach(async () => {
  vi.restoreAllMocks();
  await cleanup();
});

const MiB = 1024 * 1024;

/** An OpenAI Chat stream whose one tool-call chunk carries `argBytes` of argument, made 1 MiB at a time as it is read. */
function hugeToolCallStream(argBytes: number): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const head = enc.encode(
    'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"write_file","arguments":"{\\"content\\":\\"',
  );
  const tail = enc.encode(
    '\\"}"}}]},"finish_reason":null}],"usage":null}\n\n' + wire.openaiChat('', { prompt_tokens: 10, completion_tokens: 5_000_000 }).slice(1).join(''),
  );
  const piece = enc.encode('x'.repeat(MiB));
  let left = argBytes;
  let sentHead = false;
  return new ReadableStream({
    pull(ctrl) {
      if (!sentHead) {
        sentHead = true;
        return ctrl.enqueue(head);
      }
      if (left <= 0) {
        ctrl.enqueue(tail);
        return ctrl.close();
      }
      const n = Math.min(left, MiB);
      ctrl.enqueue(n === MiB ? piece : piece.slice(0, n));
      left -= n;
    },
  });
}

describe('the answer cap', () => {
  let owner: Client;
  let repoId: string;
  let openai: ModelProfile;
  beforeAll(async () => {
    owner = await setupOwner();
    repoId = (await createRepo(owner)).id;
    openai = await profiles.openai(owner);
  });

  /** A run created through the real route and TaskRoom, then claimed and attached as a runner would. */
  async function runningRun(task: Task, runnerId: string) {
    const res = await owner.post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: openai.id }] });
    const run = (await json<{ runs: Run[] }>(res, 201)).runs[0];
    const assignment = await roomStub(task.id).claim(run.id, runnerId);
    if (!assignment) throw new Error('claim failed');
    const sock = await openRunStream(task.id, run.id, assignment.assignment, runnerId);
    expect(await sock.next()).toMatchObject({ type: 'attached', cancelRequested: false });
    sock.send({ type: 'frame', frame: 1, events: [ev.status(run.id, 'running')] });
    await sock.nextOfType('ack');
    return { run, sock, token: assignment.runToken };
  }

  it('cuts a 20 MB streamed tool-call argument at 16 MiB and fails only that run, with the reason', async () => {
    expect(LIMITS.gatewayMaxResponseBytes).toBe(16 * MiB);
    const reason = "the model's answer exceeded the gateway's 16 MiB response cap";
    expect(answerTooLargeReason(LIMITS.gatewayMaxResponseBytes)).toBe(reason);

    const task = (await json<{ task: Task }>(await owner.post('/v1/tasks', { repoId, instruction: 'Write a big file' }), 201)).task;
    const big = await runningRun(task, 'runner-a');
    const other = await runningRun(task, 'runner-b');
    const viewer = await openViewer(task.id);
    await viewer.nextOfType('sync');

    upstream(() => sse(hugeToolCallStream(20 * 1000 * 1000)));
    const gw = gatewayTransport();
    const res = await client({ authorization: `Bearer ${big.token}` }, gw.via)
      .post('/v1/llm/openai/chat/completions', { model: 'fake-model', stream: true, stream_options: { include_usage: true }, messages: [] });
    expect(res.status).toBe(200);
    // The client gets the answer as it came, up to the cap, then the stream breaks off.
    const reader = res.body!.getReader();
    let received = 0;
    const broke = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return null;
        received += value.byteLength;
      }
    })().catch((err: unknown) => err);
    expect(broke, 'the answer must not end normally').toBeInstanceOf(Error);
    expect(received).toBeGreaterThan(15 * MiB);
    expect(received).toBeLessThanOrEqual(16 * MiB);
    await gw.settle();

    // The room was told before the client saw the cut: the runner is asked to stop the run.
    expect(await big.sock.nextOfType('cancel')).toEqual({ type: 'cancel', reason });
    // The agent fails on its broken stream; the run ends failed with the gateway's reason.
    big.sock.send({ type: 'frame', frame: 2, events: [ev.result(big.run.id, 'failed', { error: 'Connection error: terminated' })] });
    await big.sock.nextOfType('ack');
    await vi.waitFor(async () => expect(await d1Run(big.run.id)).toMatchObject({ status: 'failed', error: reason }));
    // The viewer, still connected, is told.
    await vi.waitFor(() => expect(viewer.received.flatMap((m) => (m.type === 'events' ? m.events : [])))
      .toContainEqual(expect.objectContaining({ runId: big.run.id, type: 'status', status: 'failed', reason })));

    // The call is still recorded (no usage arrived before the cut).
    expect(await d1Calls(big.run.id)).toMatchObject([{ status: 200, input_tokens: 0, output_tokens: 0 }]);

    // The other run of the same task carries on: its call streams through whole and is recorded.
    upstream(() => sse(wire.openaiChat('fine', { prompt_tokens: 7, completion_tokens: 3 }).join('')));
    const ok = await client({ authorization: `Bearer ${other.token}` }, gw.via)
      .post('/v1/llm/openai/chat/completions', { model: 'fake-model', stream: true, messages: [] });
    expect(await ok.text()).toBe(wire.openaiChat('fine', { prompt_tokens: 7, completion_tokens: 3 }).join(''));
    await gw.settle();
    expect(await d1Usage('runs', other.run.id)).toMatchObject({ input_tokens: 7, output_tokens: 3 });
    expect((await d1Run(other.run.id))?.status).toBe('running');
    expect(viewer.closed).toBeNull();
  });

  it('passes an answer of exactly the cap through whole', async () => {
    const task = (await json<{ task: Task }>(await owner.post('/v1/tasks', { repoId, instruction: 'Exactly the cap' }), 201)).task;
    const { run, sock, token } = await runningRun(task, 'runner-c');
    const chunk = new Uint8Array(MiB).fill(0x61);
    let sent = 0;
    upstream(() => new Response(new ReadableStream({
      pull(ctrl) {
        if (sent === LIMITS.gatewayMaxResponseBytes) return ctrl.close();
        ctrl.enqueue(chunk);
        sent += chunk.byteLength;
      },
    }), { headers: { 'content-type': 'application/octet-stream' } }));
    const gw = gatewayTransport();
    const res = await client({ authorization: `Bearer ${token}` }, gw.via).post('/v1/llm/openai/files', {});
    expect((await res.arrayBuffer()).byteLength).toBe(LIMITS.gatewayMaxResponseBytes);
    await gw.settle();
    expect((await d1Run(run.id))?.status).toBe('running');
    expect(sock.received.some((m) => m.type === 'cancel')).toBe(false);
  });
});
