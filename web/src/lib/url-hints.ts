/**
 * Hints under the URL fields of Settings (pure, unit-tested), worded for what this dursor
 * accepts (GET /v1/settings/url-policy): local development allows http and local addresses,
 * a deployment https to public hosts only. Null policy: not known yet, so nothing is promised.
 * Base URL hints also say each provider's root, since Anthropic and Google do not end in /v1.
 */
import type { Provider, UrlPolicy } from '../../../protocol/src/index.ts';

export function cloneUrlHint(policy: UrlPolicy | null): string {
  if (!policy) return 'e.g. https://github.com/you/project.git';
  return policy.allowPrivateUrls
    ? 'https or http — this dursor allows local addresses — e.g. https://github.com/you/project.git or http://127.0.0.1:9418/project.git'
    : 'https to a public host, e.g. https://github.com/you/project.git (http and local addresses are refused here)';
}

export function baseUrlHint(provider: Provider, policy: UrlPolicy | null): string {
  switch (provider) {
    case 'openai':
      return 'Optional. Leave empty for https://api.openai.com/v1.';
    case 'anthropic':
      return 'Optional. Leave empty for https://api.anthropic.com (the API root, without /v1).';
    case 'google':
      return 'Optional. Leave empty for Google’s Gemini API (https://generativelanguage.googleapis.com, without /v1beta).';
    case 'cursor':
      return 'Not used: the Cursor agent talks to Cursor directly with this key.';
    case 'openai-compatible':
      if (policy && !policy.allowPrivateUrls) {
        return 'Required: the server’s OpenAI-compatible base URL, over https to a public host, e.g. https://openrouter.ai/api/v1 (http and local addresses are refused here).';
      }
      return 'Required: the server’s OpenAI-compatible base URL, e.g. http://localhost:11434/v1 for Ollama.';
  }
}
