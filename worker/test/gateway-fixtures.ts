/**
 * Shared by the gateway, budget and follow-up tests: a scripted upstream (global fetch stubbed —
 * the Workers pool cannot open a server — answering with real provider wire bodies, optionally as
 * a stream the test feeds chunk by chunk), a transport that keeps each request's waitUntil work so
 * a test can await the usage recording, and runs with their per-run tokens.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { vi } from 'vitest';
import type { ModelProfile, Run, Task } from '../../protocol/src/index.ts';
import { app } from '../src/app.ts';
import type { Env } from '../src/env.ts';
import { signRunToken } from '../src/lib/run-token.ts';
import type { Client, Transport } from './helpers/api.ts';
import { appWith, json } from './helpers/api.ts';
import { fakeTaskRoom } from './helpers/fake-durables.ts';
import { createProfile } from './helpers/fixtures.ts';

export interface UpstreamCall {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

/** Stub the upstream: every call is recorded; `answer` builds each response. */
export function upstream(answer: (call: UpstreamCall) => Response | Promise<Response>) {
  const calls: UpstreamCall[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const call: UpstreamCall = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: init?.body ? new TextDecoder().decode(init.body as ArrayBuffer) : '',
    };
    calls.push(call);
    return answer(call);
  });
  return calls;
}

export const sse = (body: string | ReadableStream<Uint8Array>, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'text/event-stream' } });

/** A stream the test writes to after the gateway has already answered. */
export function controlledStream() {
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => { ctrl = c; } });
  const enc = new TextEncoder();
  return { stream, push: (s: string) => ctrl.enqueue(enc.encode(s)), close: () => ctrl.close() };
}

/** The real app with real bindings; `settle()` waits for every request's waitUntil work. */
export function gatewayTransport(overrides: Partial<Env> = {}): { via: Transport; settle: () => Promise<void> } {
  const pending: Promise<void>[] = [];
  return {
    via: async (req) => {
      const ctx = createExecutionContext();
      const res = await app.fetch(req, { ...env, ...overrides } as Env, ctx);
      pending.push(waitOnExecutionContext(ctx));
      return res;
    },
    settle: async () => {
      await Promise.all(pending.splice(0));
    },
  };
}

export const tokenFor = (run: Pick<Run, 'id' | 'taskId'>, expMs = 600_000) =>
  signRunToken(env.DURSOR_ENCRYPTION_KEY, { runId: run.id, taskId: run.taskId, exp: Date.now() + expMs });

/** One queued run of `task` on `profile` (handed to a fake TaskRoom), with its run token. */
export async function runOn(owner: Client, task: Task, profile: ModelProfile, extra: Record<string, unknown> = {}) {
  const executor = { anthropic: 'claude-code', google: 'gemini-cli', cursor: 'cursor-agent' }[profile.provider as string] ?? 'patch-agent';
  const res = await owner.with(appWith({ TASK_ROOM: fakeTaskRoom().TASK_ROOM }))
    .post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor, modelProfileId: profile.id }], ...extra });
  const run = (await json<{ runs: Run[] }>(res, 201)).runs[0];
  return { run, token: await tokenFor(run) };
}

export const profiles = {
  openai: (c: Client, baseUrl = 'https://openai.example.test/v1') => createProfile(c, { provider: 'openai-compatible', model: 'fake-model', baseUrl }),
  anthropic: (c: Client, baseUrl = 'https://anthropic.example.test') => createProfile(c, { provider: 'anthropic', model: 'claude-test', baseUrl }),
  google: (c: Client, baseUrl = 'https://gemini.example.test') => createProfile(c, { provider: 'google', model: 'gemini-test', baseUrl }),
};

export interface UsageRow { input_tokens: number; output_tokens: number; cost_micros: number }

export const d1Usage = (table: 'runs' | 'tasks', id: string) =>
  env.DB.prepare(`SELECT input_tokens, output_tokens, cost_micros FROM ${table} WHERE id = ?`).bind(id).first<UsageRow>();

export const d1Calls = (runId: string) =>
  env.DB.prepare('SELECT * FROM llm_calls WHERE run_id = ? ORDER BY created_at, rowid').bind(runId).all<Record<string, unknown>>().then((r) => r.results);

/** Wire bodies as each provider streams them. */
export const wire = {
  openaiChat: (text: string, usage: { prompt_tokens: number; completion_tokens: number }) => [
    `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[{"index":0,"delta":{"role":"assistant","content":${JSON.stringify(text)}},"finish_reason":null}],"usage":null}\n\n`,
    `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}\n\n`,
    `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[],"usage":${JSON.stringify({ ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens })}}\n\n`,
    'data: [DONE]\n\n',
  ],
  responses: (text: string, usage: { input_tokens: number; output_tokens: number }) => [
    `event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","output":[],"usage":null}}\n\n`,
    `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":${JSON.stringify(text)}}\n\n`,
    `event: response.completed\ndata: {"type":"response.completed","sequence_number":2,"response":{"id":"resp_1","object":"response","status":"completed","output":[],"usage":${JSON.stringify({ ...usage, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: usage.input_tokens + usage.output_tokens })}}}\n\n`,
  ],
  anthropic: (text: string, usage: { input_tokens: number; output_tokens: number; cache_creation_input_tokens?: number; cache_read_input_tokens?: number }) => [
    `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-test","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":${usage.input_tokens},"cache_creation_input_tokens":${usage.cache_creation_input_tokens ?? 0},"cache_read_input_tokens":${usage.cache_read_input_tokens ?? 0},"output_tokens":1}}}\n\n`,
    'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\nevent: ping\ndata: {"type": "ping"}\n\n',
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(text)}}}\n\n`,
    'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
    `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":${Math.max(1, usage.output_tokens - 7)}}}\n\n`,
    `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":${usage.output_tokens}}}\n\n`,
    'event: message_stop\ndata: {"type":"message_stop"}\n\n',
  ],
  /** Gemini's SSE uses CRLF line ends; every chunk carries usageMetadata, the last one is final. */
  gemini: (text: string, usage: { promptTokenCount: number; candidatesTokenCount: number; thoughtsTokenCount?: number }) => [
    `data: {"candidates":[{"content":{"parts":[{"text":${JSON.stringify(text)}}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":${usage.promptTokenCount},"candidatesTokenCount":1,"totalTokenCount":${usage.promptTokenCount + 1}},"modelVersion":"gemini-test"}\r\n\r\n`,
    `data: {"candidates":[{"content":{"parts":[{"text":"."}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":${usage.promptTokenCount},"candidatesTokenCount":${usage.candidatesTokenCount},${usage.thoughtsTokenCount ? `"thoughtsTokenCount":${usage.thoughtsTokenCount},` : ''}"totalTokenCount":${usage.promptTokenCount + usage.candidatesTokenCount + (usage.thoughtsTokenCount ?? 0)}},"modelVersion":"gemini-test"}\r\n\r\n`,
  ],
};
