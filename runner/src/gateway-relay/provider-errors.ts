/**
 * The relay's own answers (a refused request, the final give-up after an outage) in the error
 * format of the provider family its run speaks, so every SDK and CLI reports the message instead of
 * failing to parse — the same shapes the Worker's gateway uses (worker/src/gateway/refusals.ts).
 */
import type { ServerResponse } from 'node:http';

export type Family = 'openai' | 'anthropic' | 'google';

export function familyOf(gatewayPath: string): Family {
  const last = gatewayPath.replace(/\/+$/, '').split('/').at(-1);
  return last === 'anthropic' || last === 'google' ? last : 'openai';
}

const ANTHROPIC_TYPES: Record<number, string> = { 401: 'authentication_error', 404: 'not_found_error', 413: 'request_too_large', 502: 'api_error' };
const GOOGLE_STATUSES: Record<number, string> = { 401: 'UNAUTHENTICATED', 404: 'NOT_FOUND', 413: 'INVALID_ARGUMENT', 502: 'UNAVAILABLE' };

export function errorBody(family: Family, status: number, code: string, message: string): unknown {
  if (family === 'anthropic') return { type: 'error', error: { type: ANTHROPIC_TYPES[status] ?? 'api_error', message } };
  if (family === 'google') return { error: { code: status, message, status: GOOGLE_STATUSES[status] ?? 'UNAVAILABLE' } };
  return { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', code } };
}

/**
 * Sends the error. `x-should-retry: false` makes the Stainless SDKs (openai, @anthropic-ai/sdk) and
 * Claude Code take it as final: the relay already waited out what could be waited out.
 */
export function sendError(res: ServerResponse, family: Family, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json', 'x-should-retry': 'false', 'x-dursor-relay': code });
  res.end(JSON.stringify(errorBody(family, status, code, message)));
}
