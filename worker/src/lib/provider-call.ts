/**
 * Calls from the Worker itself to a model profile's provider (the PR writer, "test connection"),
 * with the key in the header the gateway's adapter for that provider puts it in. The gateway has
 * its own path (it forwards the runner's requests); this is for the Worker's own small,
 * non-streamed calls.
 */
import type { ModelProfileRow } from '../db/rows.ts';
import type { ProviderAdapter } from '../gateway/adapter.ts';
import { ADAPTERS } from '../gateway/adapters.ts';
import { familyOf, type Family } from '../gateway/families.ts';
import { resolveBaseUrl } from './provider-urls.ts';

/** Headers the runner's SDKs send themselves and the gateway passes on; the Worker's own calls add them. */
const OWN_HEADERS: Partial<Record<Family, Record<string, string>>> = { anthropic: { 'anthropic-version': '2023-06-01' } };

/** Where a family lists its models (relative to the profile's base URL): a cheap, harmless probe. */
export const MODELS_PATH: Record<Family, string> = { openai: '/models', anthropic: '/v1/models', google: '/v1beta/models' };

export interface ProviderTarget { family: Family; base: string; adapter: ProviderAdapter }

/** The family, base URL and adapter of a profile the Worker can call; null for Cursor. */
export function providerTarget(profile: ModelProfileRow): ProviderTarget | null {
  const family = familyOf(profile.provider);
  const base = family ? resolveBaseUrl(profile.provider, profile.baseUrl, true) : null;
  return family && base ? { family, base, adapter: ADAPTERS[family] } : null;
}

export function callProvider(target: ProviderTarget, apiKey: string, path: string, init: { method?: string; body?: object; timeoutMs?: number } = {}): Promise<Response> {
  return fetch(`${target.base}${path}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: {
      ...Object.fromEntries([target.adapter.keyHeader(apiKey)]), ...OWN_HEADERS[target.family],
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
    redirect: 'manual',
    signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
  });
}
