/**
 * "Test connection" for a model profile: one authenticated, harmless call (list models) to the
 * profile's provider with its key, reported as what the user needs to know — in the provider's
 * own terms (an Anthropic base URL is not an OpenAI one). Never throws for the provider's answer;
 * the key is not echoed.
 */
import type { ModelProfileTest } from '../../../protocol/src/index.ts';
import type { ModelProfileRow } from '../db/rows.ts';
import type { Family } from '../gateway/families.ts';
import { callProvider, MODELS_PATH, providerTarget } from './provider-call.ts';

const TIMEOUT_MS = 10_000;

/** What a family's base URL looks like, for the 404 hint: each family's probe path differs, so does the mistake. */
const ROOT_HINT: Record<Family, string> = {
  openai: 'the API root including /v1, e.g. https://api.openai.com/v1 or http://localhost:11434/v1 for Ollama',
  anthropic: 'the API root without /v1, e.g. https://api.anthropic.com',
  google: 'the API root without /v1beta, e.g. https://generativelanguage.googleapis.com',
};

/** Why the provider's answer is not "key accepted", in the profile's own terms. */
export function explain(status: number, family: Family, base: string): string {
  if (status === 401 || status === 403) return `the provider refused the API key (HTTP ${status}); check the key`;
  if (status === 404) {
    return `${base}${MODELS_PATH[family]} answered 404; the base URL should be ${ROOT_HINT[family]} (dursor adds ${MODELS_PATH[family]} itself)`;
  }
  if (status === 429) return 'reached, but rate-limited or out of quota (HTTP 429)';
  if (status >= 300 && status < 400) return `the base URL redirects (HTTP ${status}); use the final URL`;
  return `the provider answered HTTP ${status}`;
}

export async function testProfile(profile: ModelProfileRow, apiKey: string): Promise<ModelProfileTest> {
  const target = providerTarget(profile);
  if (!target) return { ok: false, status: null, latencyMs: 0, message: 'Cursor keys go straight to Cursor from the runner; the Worker cannot test them' };
  const t0 = Date.now();
  try {
    const res = await callProvider(target, apiKey, MODELS_PATH[target.family], { timeoutMs: TIMEOUT_MS });
    await res.arrayBuffer().catch(() => undefined); // a models list is small; reading it frees the connection
    const latencyMs = Date.now() - t0;
    return res.ok
      ? { ok: true, status: res.status, latencyMs, message: `reached ${target.base}; the key was accepted` }
      : { ok: false, status: res.status, latencyMs, message: explain(res.status, target.family, target.base) };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return {
      ok: false, status: null, latencyMs: Date.now() - t0,
      message: timedOut ? `no answer from ${target.base} within ${TIMEOUT_MS / 1000} s` : `could not reach ${target.base}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
