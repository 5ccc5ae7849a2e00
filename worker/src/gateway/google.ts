/**
 * Gemini API adapter (`/v1/llm/google/*`), for @google/genai and Gemini CLI: paths like
 * `/v1beta/models/{model}:streamGenerateContent?alt=sse`, `:generateContent`, `:countTokens`.
 * The run token arrives as `x-goog-api-key` or `?key=`; upstream gets `x-goog-api-key: <key>` and
 * the `key` parameter is stripped. Usage: `usageMetadata.promptTokenCount/candidatesTokenCount` (+ `thoughtsTokenCount`),
 * the last chunk that has it wins (SSE, a JSON body, or the JSON array of a non-SSE stream).
 */
import type { ProviderAdapter } from './adapter.ts';
import { count } from './adapter.ts';
import { gatewayApp } from './proxy.ts';
import type { UsageReader } from './usage-tap.ts';

function googleUsage(): UsageReader {
  let input = 0;
  let output = 0;
  const take = (chunk: unknown) => {
    const u = (chunk as { usageMetadata?: unknown } | null)?.usageMetadata;
    if (!u || typeof u !== 'object') return;
    input = count(u, 'promptTokenCount') ?? input;
    // Thinking models bill their thoughts as output tokens.
    const candidates = count(u, 'candidatesTokenCount');
    const thoughts = count(u, 'thoughtsTokenCount');
    if (candidates !== undefined || thoughts !== undefined) output = (candidates ?? 0) + (thoughts ?? 0);
  };
  return {
    event: (_name, data) => take(data),
    json: (body) => (Array.isArray(body) ? body.forEach(take) : take(body)),
    tokens: () => ({ input, output }),
  };
}

/** `/v1beta/models/gemini-2.5-pro:streamGenerateContent` → `gemini-2.5-pro` (tuned models keep their prefix). */
export function modelFromPath(rest: string): string | undefined {
  const m = /\/models\/([^:]+):[A-Za-z]+$/.exec(rest) ?? /\/(tunedModels\/[^:]+):[A-Za-z]+$/.exec(rest);
  if (!m?.[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

export const googleAdapter: ProviderAdapter = {
  family: 'google',
  readToken: (req, url) => req.headers.get('x-goog-api-key')?.trim() || url.searchParams.get('key') || undefined,
  keyHeader: (key) => ['x-goog-api-key', key],
  forwardHeaders: ['content-type', 'accept'],
  upstreamSearch: (url) => {
    if (!url.searchParams.has('key')) return url.search;
    const q = new URLSearchParams(url.search);
    q.delete('key');
    const s = q.toString();
    return s ? `?${s}` : '';
  },
  modelOf: (rest) => modelFromPath(rest),
  usageReader: googleUsage,
};

export const googleGateway = gatewayApp(googleAdapter);
