/**
 * The fake worker's LLM gateway: `/v1/llm/<provider>/<rest>` → `<upstream of provider>/<rest>`,
 * streamed through unchanged, with the per-run token (the runner's "API key") swapped for the
 * upstream key in the provider's own header — the runner never sees a real key:
 *   openai     token in `Authorization: Bearer`            → `Authorization: Bearer <key>`
 *   anthropic  token in `x-api-key` or `Authorization`     → `x-api-key: <key>`; `HEAD` on the base path → 200
 *   google     token in `x-goog-api-key` or `?key=`        → `x-goog-api-key: <key>` (`key` dropped from the query)
 * Tokens of unknown or finished runs get a 401 in the provider's error format. Every answer carries
 * `x-dursor-gateway: 1`, as the Worker's does.
 */
import { request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeRun } from './fake-run-room.ts';
import { sendJson } from './fake-http.ts';
import { anthropicError } from './fake-anthropic.ts';
import { geminiError } from './fake-gemini.ts';

export type LlmProvider = 'openai' | 'anthropic' | 'google';
export const LLM_PROVIDERS: readonly LlmProvider[] = ['openai', 'anthropic', 'google'];

export interface LlmLogEntry { runId: string | null; provider: LlmProvider; path: string; status: number }
export interface ProxyContext {
  provider: LlmProvider;
  /** Path after `/v1/llm/<provider>`, with its query string. */
  path: string;
  runTokens: Map<string, string>;
  runs: Map<string, FakeRun>;
  upstream?: string;
  upstreamKey: string;
  log: LlmLogEntry[];
}

/** Request headers that never travel upstream: hop-by-hop ones and every place a key can sit. */
const DROP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'proxy-authorization', 'authorization', 'x-api-key', 'x-goog-api-key']);
const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding']);

function fail(res: ServerResponse, status: number, message: string, ctx: ProxyContext, runId: string | null): void {
  ctx.log.push({ runId, provider: ctx.provider, path: ctx.path, status });
  if (ctx.provider === 'anthropic') return anthropicError(res, status, message);
  if (ctx.provider === 'google') return geminiError(res, status, message);
  sendJson(res, status, { error: { message, type: 'invalid_request_error', param: null, code: status === 401 ? 'invalid_api_key' : 'upstream_error' } });
}

function runToken(req: IncomingMessage, provider: LlmProvider, url: URL): string {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (provider === 'anthropic') return String(req.headers['x-api-key'] ?? bearer ?? '');
  if (provider === 'google') return String(req.headers['x-goog-api-key'] ?? url.searchParams.get('key') ?? '');
  return bearer ?? '';
}

export function forwardLlm(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext): void {
  // Like the Worker's gateway, every answer is marked as the gateway's (the runner's relay retries unmarked 5xx).
  res.setHeader('x-dursor-gateway', '1');
  const url = new URL(ctx.path, 'http://x');
  if (ctx.provider === 'anthropic' && req.method === 'HEAD' && (url.pathname === '/' || url.pathname === '')) {
    // Claude Code probes its base URL before the first call.
    ctx.log.push({ runId: null, provider: ctx.provider, path: ctx.path, status: 200 });
    return void res.writeHead(200).end();
  }
  const token = runToken(req, ctx.provider, url);
  const runId = ctx.runTokens.get(token) ?? null;
  const run = runId ? ctx.runs.get(runId) : undefined;
  if (!run || run.result || run.assignment.runToken !== token) return fail(res, 401, 'run token is invalid or its run has ended', ctx, runId);
  if (!ctx.upstream) return fail(res, 502, `fake-worker: no ${ctx.provider} upstream configured`, ctx, runId);
  url.searchParams.delete('key');
  const target = new URL(ctx.upstream.replace(/\/$/, '') + url.pathname + url.search);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !DROP.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  if (ctx.provider === 'openai') headers.authorization = `Bearer ${ctx.upstreamKey}`;
  else if (ctx.provider === 'anthropic') headers['x-api-key'] = ctx.upstreamKey;
  else headers['x-goog-api-key'] = ctx.upstreamKey;
  const up = request(target, { method: req.method, headers }, (upRes) => {
    ctx.log.push({ runId, provider: ctx.provider, path: ctx.path, status: upRes.statusCode ?? 502 });
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined && !DROP_RESPONSE.has(k)) out[k] = v;
    res.writeHead(upRes.statusCode ?? 502, out);
    upRes.pipe(res);
    // An upstream cut mid-stream reaches the runner as a cut too, as it would through the real gateway.
    upRes.on('aborted', () => res.destroy());
  });
  up.on('error', (e) => fail(res, 502, `upstream unreachable: ${e.message}`, ctx, runId));
  res.on('close', () => up.destroy());
  req.pipe(up);
}
