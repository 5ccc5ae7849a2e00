/**
 * LLM gateway for the OpenAI wire protocol (DESIGN §3): `ALL /v1/llm/openai/*`. The runner's SDK
 * sends the per-run token as its API key; the Worker swaps it for the profile's real key and
 * forwards method, body, content type and query to `${profile.baseUrl}/<rest>`, then streams the
 * upstream response back unchanged (SSE included). The key is never logged or echoed.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { AppEnv } from '../lib/app-env.ts';
import { readBearer } from '../lib/credentials.ts';
import { GATEWAY_PATHS } from '../lib/run-plan.ts';
import { allowPrivateUrls, checkOutboundUrl } from '../lib/url-policy.ts';
import { GatewayError, openAiErrorResponse } from './openai-error.ts';
import { authorizeRun } from './run-access.ts';

const MOUNT = '/v1/llm/openai';
/** LLM requests carry whole conversations (400k tokens ≈ 1.6 MB of JSON), so more than the API's 1 MiB. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const FORWARD_REQUEST_HEADERS = ['content-type', 'accept', 'openai-beta'];
const RETURN_RESPONSE_HEADERS = ['content-type', 'retry-after'];

async function readBody(req: Request): Promise<ArrayBuffer | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  if (Number(req.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  const body = await req.arrayBuffer();
  if (body.byteLength > MAX_BODY_BYTES) throw tooLarge();
  return body;
}
const tooLarge = () => new GatewayError(413, 'request_too_large', `request body over ${MAX_BODY_BYTES} bytes`);

async function forward(c: Context<AppEnv>): Promise<Response> {
  const { profile, apiKey } = await authorizeRun(c.env, readBearer(c));
  if (!GATEWAY_PATHS[profile.provider]) {
    throw new GatewayError(400, 'unsupported_provider', `this gateway speaks the OpenAI protocol; the run's profile is ${profile.provider}`);
  }
  const base = checkOutboundUrl(profile.baseUrl ?? '', allowPrivateUrls(c.env));
  if (!base.ok) throw new GatewayError(400, 'invalid_base_url', `the model profile's base URL ${base.reason}`);
  const rest = c.req.path.slice(MOUNT.length);
  const target = new URL(`${base.url.href.replace(/\/+$/, '')}${rest}${new URL(c.req.raw.url).search}`);
  const headers = new Headers({ authorization: `Bearer ${apiKey}` });
  for (const h of FORWARD_REQUEST_HEADERS) {
    const v = c.req.raw.headers.get(h);
    if (v) headers.set(h, v);
  }
  const body = await readBody(c.req.raw);
  let upstream: Response;
  try {
    // redirect: manual — a redirect to a private address must not bypass the URL policy.
    upstream = await fetch(target, { method: c.req.raw.method, headers, body, redirect: 'manual' });
  } catch {
    throw new GatewayError(502, 'upstream_unreachable', `could not reach the model provider at ${target.host}`);
  }
  const out = new Headers();
  for (const h of RETURN_RESPONSE_HEADERS) {
    const v = upstream.headers.get(h);
    if (v) out.set(h, v);
  }
  return new Response(upstream.body, { status: upstream.status, headers: out });
}

export const openaiGateway = new Hono<AppEnv>()
  .all('/*', async (c) => {
    try {
      return await forward(c);
    } catch (err) {
      if (err instanceof GatewayError) return openAiErrorResponse(err.status, err.code, err.message);
      console.error('llm gateway: unexpected error:', err instanceof Error ? err.message : String(err));
      return openAiErrorResponse(500, 'internal_error', 'the gateway failed; try again');
    }
  });
