/** The gateway's adapter for each provider family (key header, usage reader, …), by family. */
import type { ProviderAdapter } from './adapter.ts';
import { anthropicAdapter } from './anthropic.ts';
import type { Family } from './families.ts';
import { googleAdapter } from './google.ts';
import { openaiAdapter } from './openai.ts';

export const ADAPTERS: Record<Family, ProviderAdapter> = { openai: openaiAdapter, anthropic: anthropicAdapter, google: googleAdapter };
