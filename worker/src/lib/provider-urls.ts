/**
 * Upstream base URL of a model profile: the provider's public API unless one is given;
 * `openai-compatible` (Ollama, vLLM, OpenRouter, test fakes) must name its own. Every URL passes
 * the outbound URL policy. Stored without a trailing slash so `${baseUrl}/${path}` is exact.
 */
import type { Provider } from '../../../protocol/src/index.ts';
import { badRequest } from './errors.ts';
import { checkOutboundUrl } from './url-policy.ts';

const DEFAULT_BASE_URLS: Record<Provider, string | null> = {
  openai: 'https://api.openai.com/v1',
  'openai-compatible': null,
  anthropic: 'https://api.anthropic.com',
  google: 'https://generativelanguage.googleapis.com',
  // The Cursor agent talks to Cursor itself (it cannot use the gateway): no base URL to store.
  cursor: null,
};

export function resolveBaseUrl(provider: Provider, given: string | null | undefined, allowPrivate: boolean): string | null {
  // Cursor profiles only hold a key for the Cursor agent, which reaches Cursor on its own.
  if (provider === 'cursor') return null;
  const raw = given ?? DEFAULT_BASE_URLS[provider];
  if (!raw) throw badRequest(`baseUrl: required for provider ${provider}`);
  const check = checkOutboundUrl(raw, allowPrivate);
  if (!check.ok) throw badRequest(`baseUrl: ${check.reason}`);
  return check.url.href.replace(/\/+$/, '');
}

/** The last four characters, for recognition; short keys get no hint rather than half a key. */
export function keyHint(apiKey: string): string {
  return apiKey.length >= 12 ? apiKey.slice(-4) : '';
}
