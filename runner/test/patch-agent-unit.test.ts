/** The patch agent alone: readable failures before any model turn, and the seed conversation. */
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startGatewayRelay } from '../src/gateway-relay/relay.ts';
import type { ExecutorSpec } from '../../protocol/src/index.ts';
import { PatchAgent } from '../src/executors/patch-agent/patch-agent.ts';
import { seedConversation } from '../src/executors/patch-agent/prompt.ts';
import { ExecutorError, type ExecutorEvent } from '../src/executors/types.ts';

/** A port nothing listens on (fetch refuses "bad ports" such as 1 before connecting). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function drive(spec: ExecutorSpec, gatewayBaseUrl = 'http://127.0.0.1:1'): Promise<{ events: ExecutorEvent[]; error: unknown }> {
  const dir = await mkdtemp(join(tmpdir(), 'pa-unit-'));
  const events: ExecutorEvent[] = [];
  try {
    const req = { runId: 'r1', workspaceDir: dir, instruction: 'do it', spec, limits: { maxTurns: 3, maxTokens: 1000, maxFileBytes: 1000 }, gatewayBaseUrl, runToken: 'drt_x' };
    for await (const e of new PatchAgent().run(req, new AbortController().signal)) events.push(e);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('patch agent: failures before the first turn', () => {
  it.each([
    { provider: 'openai-compatible', gatewayPath: '/v1/llm/openai' },
    { provider: 'openai', wireApi: 'responses', gatewayPath: '/v1/llm/openai' },
    { provider: 'anthropic', gatewayPath: '/v1/llm/anthropic' },
    { provider: 'google', gatewayPath: '/v1/llm/google' },
  ] as const)('an unreachable gateway ($provider $wireApi) fails with where and why', async (s) => {
    const port = await closedPort();
    const { events, error } = await drive({ id: 'patch-agent', model: 'm', ...s }, `http://127.0.0.1:${port}`);
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(ExecutorError);
    expect((error as Error).message).toBe(`model call failed: cannot reach the LLM gateway at http://127.0.0.1:${port}${s.gatewayPath} (connect ECONNREFUSED 127.0.0.1:${port})`);
  });

  it.each([
    { provider: 'openai-compatible', gatewayPath: '/v1/llm/openai' },
    { provider: 'openai', wireApi: 'responses', gatewayPath: '/v1/llm/openai' },
    { provider: 'anthropic', gatewayPath: '/v1/llm/anthropic' },
    { provider: 'google', gatewayPath: '/v1/llm/google' },
  ] as const)('through the run relay, a Worker that stays away ($provider $wireApi) fails after the outage bound, once', async (s) => {
    const port = await closedPort();
    const reports: string[] = [];
    const relay = await startGatewayRelay({ workerUrl: `http://127.0.0.1:${port}`, gatewayPath: s.gatewayPath, runToken: 'drt_real', maxOutageMs: 1_000, report: (_l, m) => reports.push(m) });
    try {
      const t0 = Date.now();
      const { error } = await (async () => {
        const dir = await mkdtemp(join(tmpdir(), 'pa-unit-'));
        try {
          const req = { runId: 'r1', workspaceDir: dir, instruction: 'do it', spec: { id: 'patch-agent' as const, model: 'm', ...s }, limits: { maxTurns: 3, maxTokens: 1000, maxFileBytes: 1000 }, gatewayBaseUrl: relay.url, runToken: relay.token };
          for await (const _ of new PatchAgent().run(req, new AbortController().signal)) { /* no events expected */ }
          return { error: undefined };
        } catch (error) {
          return { error };
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      })();
      expect(error).toBeInstanceOf(ExecutorError);
      // The Gemini SDK retries a 502 twice after its own pauses (0.5–4 s); each retry meets the relay's
      // outage clock and fails at once instead of waiting out another bound.
      const secs = s.provider === 'google' ? '[1-5]' : '1';
      expect((error as Error).message).toMatch(new RegExp(`^model call failed: cannot reach the LLM gateway at http://127\\.0\\.0\\.1:${port}${s.gatewayPath} after ${secs} s \\(ECONNREFUSED\\)$`));
      expect(Date.now() - t0).toBeLessThan(s.provider === 'google' ? 6_000 : 2_500);
      expect(reports.filter((r) => r.includes('giving up')).length).toBeGreaterThanOrEqual(1);
    } finally {
      await relay.close();
    }
  });

  it('refuses a provider it cannot speak and a spec without model or gateway', async () => {
    expect(((await drive({ id: 'patch-agent', provider: 'cursor', model: 'm', gatewayPath: '/x' })).error as Error).message)
      .toBe('patch-agent cannot run on a cursor model profile (it speaks openai, openai-compatible, anthropic and google)');
    expect(((await drive({ id: 'patch-agent', provider: 'openai', gatewayPath: '/x' })).error as Error).message).toBe('patch-agent needs a model in the executor spec');
    expect(((await drive({ id: 'patch-agent', provider: 'openai', model: 'm' })).error as Error).message).toBe('patch-agent needs the LLM gateway path in the executor spec');
  });
});

describe('patch agent: seed conversation', () => {
  it('puts history before the instruction, alternating from the user', () => {
    expect(seedConversation([], 'go')).toEqual([{ role: 'user', content: 'go' }]);
    expect(seedConversation([{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }], 'c')).toEqual([
      { role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' },
    ]);
    expect(seedConversation([{ role: 'assistant', content: 'hi' }, { role: 'user', content: 'x' }, { role: 'user', content: '  ' }], 'y')).toEqual([
      { role: 'user', content: '(Earlier in this conversation.)' }, { role: 'assistant', content: 'hi' }, { role: 'user', content: 'x\n\ny' },
    ]);
  });
});
