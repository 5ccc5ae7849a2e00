/**
 * The fake worker's LLM gateway: `/v1/llm/openai/<rest>` → `<upstream>/<rest>`, streamed through
 * unchanged, with the per-run token (the runner's "API key") swapped for the upstream key —
 * the runner never sees a real key. Tokens of unknown or finished runs get a 401.
 */
import { request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeRun } from './fake-run-room.ts';

export interface ProxyContext {
  path: string;
  runTokens: Map<string, string>;
  runs: Map<string, FakeRun>;
  upstream?: string;
  upstreamKey: string;
  log: Array<{ runId: string | null; path: string; status: number }>;
}

const fail = (res: ServerResponse, status: number, message: string, ctx: ProxyContext, runId: string | null) => {
  ctx.log.push({ runId, path: ctx.path, status });
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
};

export function forwardLlm(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext): void {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const runId = ctx.runTokens.get(token) ?? null;
  const run = runId ? ctx.runs.get(runId) : undefined;
  if (!run || run.result || run.assignment.runToken !== token) return fail(res, 401, 'run token is invalid or its run has ended', ctx, runId);
  if (!ctx.upstream) return fail(res, 502, 'fake-worker: no upstream configured', ctx, runId);
  const target = new URL(ctx.upstream.replace(/\/$/, '') + ctx.path);
  const headers: Record<string, string> = { authorization: `Bearer ${ctx.upstreamKey}` };
  for (const h of ['content-type', 'accept', 'content-length']) if (req.headers[h]) headers[h] = String(req.headers[h]);
  const up = request(target, { method: req.method, headers }, (upRes) => {
    ctx.log.push({ runId, path: ctx.path, status: upRes.statusCode ?? 502 });
    res.writeHead(upRes.statusCode ?? 502, { 'content-type': upRes.headers['content-type'] ?? 'application/json' });
    upRes.pipe(res);
    // An upstream cut mid-stream reaches the runner as a cut too, as it would through the real gateway.
    upRes.on('aborted', () => res.destroy());
  });
  up.on('error', (e) => fail(res, 502, `upstream unreachable: ${e.message}`, ctx, runId));
  res.on('close', () => up.destroy());
  req.pipe(up);
}
