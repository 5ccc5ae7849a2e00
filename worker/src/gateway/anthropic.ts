/**
 * Anthropic Messages adapter (`/v1/llm/anthropic/*`). The SDK and Claude Code send the run token
 * as `x-api-key`, or as `Authorization: Bearer` when ANTHROPIC_AUTH_TOKEN is used: both are
 * accepted; upstream gets `x-api-key: <key>` with `anthropic-version`/`anthropic-beta` kept.
 * Claude Code first probes the base URL with `HEAD /`: answered 200 without a token. Usage:
 * `message_start.message.usage.input_tokens` (+ its cache write/read tokens) and the last
 * `message_delta.usage.output_tokens` (or the JSON body's `usage`).
 */
import type { ProviderAdapter } from './adapter.ts';
import { bearer, count, stringField } from './adapter.ts';
import { gatewayApp } from './proxy.ts';
import type { UsageReader } from './usage-tap.ts';

function anthropicUsage(): UsageReader {
  let input = 0;
  let output = 0;
  let cacheWrite = 0;
  let cacheRead = 0;
  const take = (u: unknown) => {
    input = count(u, 'input_tokens') ?? input;
    output = count(u, 'output_tokens') ?? output;
    cacheWrite = count(u, 'cache_creation_input_tokens') ?? cacheWrite;
    cacheRead = count(u, 'cache_read_input_tokens') ?? cacheRead;
  };
  return {
    event: (_name, data) => {
      const d = data as { type?: string; message?: { usage?: unknown }; usage?: unknown } | null;
      if (d?.type === 'message_start') take(d.message?.usage);
      else if (d?.type === 'message_delta') output = count(d.usage, 'output_tokens') ?? output;
    },
    json: (body) => {
      if ((body as { type?: string } | null)?.type === 'message') take((body as { usage?: unknown }).usage);
    },
    // Anthropic's input_tokens leaves the cached part out; the call processed all of it.
    tokens: () => ({ input: input + cacheWrite + cacheRead, output, cacheWrite, cacheRead }),
  };
}

export const anthropicAdapter: ProviderAdapter = {
  family: 'anthropic',
  readToken: (req) => req.headers.get('x-api-key')?.trim() || bearer(req),
  keyHeader: (key) => ['x-api-key', key],
  forwardHeaders: ['content-type', 'accept', 'anthropic-version', 'anthropic-beta'],
  upstreamSearch: (url) => url.search,
  modelOf: (_rest, body) => stringField(body, 'model'),
  usageReader: anthropicUsage,
  preflight: (req, rest) => (req.method === 'HEAD' && (rest === '' || rest === '/') ? new Response(null, { status: 200 }) : null),
};

export const anthropicGateway = gatewayApp(anthropicAdapter);
