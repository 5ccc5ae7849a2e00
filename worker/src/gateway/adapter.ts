/**
 * What differs between the providers the gateway fronts: where the run token arrives, how the
 * real key goes upstream, which request headers pass, what the query keeps, where the model is
 * named, how usage is read, and any answer given before the token check. proxy.ts does the rest.
 */
import type { Family } from './families.ts';
import type { UsageReader } from './usage-tap.ts';

export interface ProviderAdapter {
  family: Family;
  /** The run token, as this provider's SDKs and CLIs send their API key. */
  readToken(req: Request, url: URL): string | undefined;
  /** Name of the header that carries the real key upstream, and its value. */
  keyHeader(apiKey: string): [string, string];
  /** Request headers passed upstream as they are (lower case). */
  forwardHeaders: readonly string[];
  /** The query string for upstream, with any credential removed. */
  upstreamSearch(url: URL): string;
  /** The model a request names (body `model`, or the URL path). */
  modelOf(rest: string, body: unknown): string | undefined;
  usageReader(): UsageReader;
  /** An answer that needs no token (Claude Code's `HEAD /` probe), or null. */
  preflight?(req: Request, rest: string): Response | null;
}

/** A JSON object's field, if the body is an object and the field a non-empty string. */
export function stringField(body: unknown, field: string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>)[field];
  return typeof v === 'string' && v ? v : undefined;
}

/** A non-negative integer field of an object (usage counters), else undefined. */
export function count(obj: unknown, field: string): number | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  const v = (obj as Record<string, unknown>)[field];
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

export const bearer = (req: Request): string | undefined => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get('authorization') ?? '')?.[1];
