/**
 * The three wire protocols the gateway speaks, and which model-profile providers each serves:
 * the openai route carries OpenAI and every OpenAI-compatible endpoint; `cursor` profiles have no
 * route (the Cursor agent cannot be pointed at the gateway).
 */
import type { Provider } from '../../../protocol/src/index.ts';

export type Family = 'openai' | 'anthropic' | 'google';

const FAMILY: Record<Provider, Family | null> = {
  openai: 'openai',
  'openai-compatible': 'openai',
  anthropic: 'anthropic',
  google: 'google',
  cursor: null,
};

export const familyOf = (provider: Provider): Family | null => FAMILY[provider];

/** Where each family is mounted, relative to the Worker URL (what the runner points SDKs at). */
export const FAMILY_PATHS: Record<Family, string> = {
  openai: '/v1/llm/openai',
  anthropic: '/v1/llm/anthropic',
  google: '/v1/llm/google',
};
