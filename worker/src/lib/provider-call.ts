/**
 * Calls from the Worker itself to a model profile's provider (the PR writer, "test connection"),
 * with the key in the header that provider expects. The gateway has its own path (it forwards
 * the runner's requests); this is for the Worker's own small, non-streamed calls.
 */
import type { ModelProfileRow } from '../db/rows.ts';
import { familyOf, type Family } from '../gateway/families.ts';
import { resolveBaseUrl } from './provider-urls.ts';

const AUTH: Record<Family, (key: string) => Record<string, string>> = {
  openai: (key) => ({ authorization: `Bearer ${key}` }),
  anthropic: (key) => ({ 'x-api-key': key, 'anthropic-version': '2023-06-01' }),
  google: (key) => ({ 'x-goog-api-key': key }),
};

/** Where a family lists its models (relative to the profile's base URL): a cheap, harmless probe. */
export const MODELS_PATH: Record<Family, string> = { openai: '/models', anthropic: '/v1/models', google: '/v1beta/models' };

export interface ProviderTarget { family: Family; base: string }

/** The family and base URL of a profile the Worker can call; null for Cursor. */
export function providerTarget(profile: ModelProfileRow): ProviderTarget | null {
  const family = familyOf(profile.provider);
  const base = family ? resolveBaseUrl(profile.provider, profile.baseUrl, true) : null;
  return family && base ? { family, base } : null;
}

export function callProvider(target: ProviderTarget, apiKey: string, path: string, init: { method?: string; body?: object; timeoutMs?: number } = {}): Promise<Response> {
  return fetch(`${target.base}${path}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { ...AUTH[target.family](apiKey), ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
    redirect: 'manual',
    signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
  });
}
