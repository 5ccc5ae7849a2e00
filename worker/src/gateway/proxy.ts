/**
 * The gateway's shared path (docs/architecture.md §3), one Hono sub-app per provider adapter:
 * token → run access (run-access.ts) → budget check (budget.ts) → the request forwarded to
 * `${profile.baseUrl}<rest><query>` with the real key in the provider's header → the upstream
 * response streamed back unchanged (status, content type, body) up to the answer cap
 * (answer-cap.ts: past it the run is stopped and the answer cut). The body is teed: the client
 * reads one branch as it arrives, the gateway reads the other for usage after returning
 * (waitUntil) and records the call (record.ts). Every refusal is in the provider's error format.
 * The key is never logged or echoed.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { AppEnv } from '../lib/app-env.ts';
import { allowPrivateUrls, checkOutboundUrl } from '../lib/url-policy.ts';
import type { ProviderAdapter } from './adapter.ts';
import { capAnswer, stopRunForAnswer } from './answer-cap.ts';
import { notifyBudget, overBudget } from './budget.ts';
import { FAMILY_PATHS } from './families.ts';
import { recordCall } from './record.ts';
import { BUDGET_STATUS, GatewayError, refusal } from './refusals.ts';
import { authorizeRun } from './run-access.ts';
import { tapUsage } from './usage-tap.ts';

/** LLM requests carry whole conversations (400k tokens ≈ 1.6 MB of JSON), so more than the API's 1 MiB. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const RETURN_HEADERS = ['content-type', 'retry-after', 'request-id', 'x-request-id'];
const RETURN_PREFIXES = ['anthropic-ratelimit-', 'x-ratelimit-'];

const tooLarge = () => new GatewayError(413, 'request_too_large', `request body over ${MAX_BODY_BYTES} bytes`);

async function readBody(req: Request): Promise<ArrayBuffer | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  if (Number(req.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  const body = await req.arrayBuffer();
  if (body.byteLength > MAX_BODY_BYTES) throw tooLarge();
  return body;
}

function jsonOf(req: Request, body: ArrayBuffer | undefined): unknown {
  if (!body?.byteLength || !/json/i.test(req.headers.get('content-type') ?? '')) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
}

function returnedHeaders(upstream: Response): Headers {
  const out = new Headers();
  for (const [name, value] of upstream.headers) {
    if (RETURN_HEADERS.includes(name) || RETURN_PREFIXES.some((p) => name.startsWith(p))) out.set(name, value);
  }
  return out;
}

async function forward(c: Context<AppEnv>, adapter: ProviderAdapter): Promise<Response> {
  const req = c.req.raw;
  const url = new URL(req.url);
  // The raw path, not Hono's decoded one: forward exactly what the client asked for.
  const rest = url.pathname.slice(FAMILY_PATHS[adapter.family].length);
  const early = adapter.preflight?.(req, rest);
  if (early) return early;

  const access = await authorizeRun(c.env, adapter.family, adapter.readToken(req, url));
  const { run, task, profile } = access;
  const over = overBudget({ costMicros: run.costMicros, budgetMicros: run.budgetMicros }, task);
  if (over) {
    await notifyBudget(c.env, run.taskId, run.id, over);
    throw new GatewayError(BUDGET_STATUS[adapter.family], 'budget_exceeded', `dursor budget exceeded: ${over}`);
  }
  const base = checkOutboundUrl(profile.baseUrl ?? '', allowPrivateUrls(c.env));
  if (!base.ok) throw new GatewayError(400, 'invalid_base_url', `the model profile's base URL ${base.reason}`);
  const target = new URL(`${base.url.href.replace(/\/+$/, '')}${rest}${adapter.upstreamSearch(url)}`);
  const headers = new Headers([adapter.keyHeader(access.apiKey)]);
  for (const h of adapter.forwardHeaders) {
    const v = req.headers.get(h);
    if (v) headers.set(h, v);
  }
  const body = await readBody(req);
  const model = (adapter.modelOf(rest, jsonOf(req, body)) ?? profile.model).slice(0, 200);

  const started = Date.now();
  let upstream: Response;
  try {
    // redirect: manual — a redirect to a private address must not bypass the URL policy.
    upstream = await fetch(target, { method: req.method, headers, body, redirect: 'manual' });
  } catch {
    throw new GatewayError(502, 'upstream_unreachable', `could not reach the model provider at ${target.host}`);
  }
  const call = { access, model, status: upstream.status, started, firstByteMs: Date.now() - started };
  let clientBody: ReadableStream<Uint8Array> | null = null;
  let usage: Promise<{ input: number; output: number }> = Promise.resolve({ input: 0, output: 0 });
  if (upstream.body) {
    const capped = capAnswer(upstream.body, (reason) => stopRunForAnswer(c.env, run.taskId, run.id, reason));
    const [mine, tapped] = capped.tee();
    clientBody = mine;
    usage = tapUsage(tapped, upstream.headers.get('content-type') ?? '', adapter.usageReader());
  }
  c.executionCtx.waitUntil(recordCall(c.env, call, usage));
  return new Response(clientBody, { status: upstream.status, headers: returnedHeaders(upstream) });
}

async function answer(c: Context<AppEnv>, adapter: ProviderAdapter): Promise<Response> {
  try {
    return await forward(c, adapter);
  } catch (err) {
    if (err instanceof GatewayError) return refusal(adapter.family, err);
    console.error(`llm gateway (${adapter.family}): unexpected error:`, err instanceof Error ? err.message : String(err));
    return refusal(adapter.family, new GatewayError(500, 'internal_error', 'the gateway failed; try again'));
  }
}

/**
 * Every gateway answer says it is one: the runner's relay (runner/src/gateway-relay/forward.ts) retries
 * a 5xx without this mark as "the Worker is not there" (wrangler's dev proxy while workerd restarts,
 * Cloudflare's 52x pages) and passes every marked answer through untouched.
 */
export const GATEWAY_MARK = 'x-dursor-gateway';

export function gatewayApp(adapter: ProviderAdapter) {
  return new Hono<AppEnv>().all('/*', async (c) => {
    const res = await answer(c, adapter);
    res.headers.set(GATEWAY_MARK, '1');
    return res;
  });
}
