/**
 * OpenAI protocol adapter (`/v1/llm/openai/*`): Chat Completions and Responses, for OpenAI and
 * every OpenAI-compatible endpoint. Token: `Authorization: Bearer <runToken>`; upstream gets
 * `Authorization: Bearer <key>`. Usage: Chat's `usage.prompt_tokens/completion_tokens` (the final
 * SSE chunk with `stream_options.include_usage`, or the JSON body); Responses'
 * `response.usage.input_tokens/output_tokens` in `response.completed` (or the JSON `usage`).
 * The last usage seen wins.
 */
import type { ProviderAdapter } from './adapter.ts';
import { bearer, count, stringField } from './adapter.ts';
import { gatewayApp } from './proxy.ts';
import type { UsageReader } from './usage-tap.ts';

function openAiUsage(): UsageReader {
  let input = 0;
  let output = 0;
  const take = (u: unknown) => {
    if (!u || typeof u !== 'object') return;
    input = count(u, 'prompt_tokens') ?? count(u, 'input_tokens') ?? input;
    output = count(u, 'completion_tokens') ?? count(u, 'output_tokens') ?? output;
  };
  const fromBody = (b: unknown) => {
    if (!b || typeof b !== 'object') return;
    const o = b as { usage?: unknown; response?: { usage?: unknown } };
    // Responses streams carry it in response.{completed,incomplete,failed}.response.usage.
    take(o.response?.usage ?? o.usage);
  };
  return { event: (_name, data) => fromBody(data), json: fromBody, tokens: () => ({ input, output }) };
}

export const openaiAdapter: ProviderAdapter = {
  family: 'openai',
  readToken: (req) => bearer(req),
  keyHeader: (key) => ['authorization', `Bearer ${key}`],
  forwardHeaders: ['content-type', 'accept', 'openai-beta'],
  upstreamSearch: (url) => url.search,
  modelOf: (_rest, body) => stringField(body, 'model'),
  usageReader: openAiUsage,
};

export const openaiGateway = gatewayApp(openaiAdapter);
