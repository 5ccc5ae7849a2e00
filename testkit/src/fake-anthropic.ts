/**
 * Fake Anthropic provider: a real HTTP server on 127.0.0.1 speaking the Messages API
 * (`POST /v1/messages`, with or without `?beta=true`, SSE or JSON), `POST /v1/messages/count_tokens`,
 * `GET /v1/models` and `HEAD /` (Claude Code's reachability probe), playing scripted turns
 * (scenario.ts) so `@anthropic-ai/sdk` and Claude Code run unmodified against it.
 *
 * Keys: `x-api-key` or `Authorization: Bearer`. Not strict by default: Claude Code makes side
 * requests (titles, topic checks on a small model) that no scenario scripts; they get the
 * fallback text turn (recorded with `scenario: null`) instead of an error.
 */
import type { ServerResponse } from 'node:http';
import { anthropicConversation, buildAnthropicTurn } from './anthropic-events.ts';
import { createScenarioEngine, fallbackTurn, newId, type PickedTurn } from './scenario.ts';
import { sendJson, startFakeServer, streamSse, type RecordedRequest } from './fake-http.ts';
import type { FakeProvider, FakeProviderOptions } from './fake-openai.ts';

export type FakeAnthropic = FakeProvider;

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error',
};

/** An error exactly as the Anthropic API shapes it. */
export function anthropicError(res: ServerResponse, status: number, message: string): void {
  const requestId = newId('req_011', 12);
  sendJson(res, status, { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message }, request_id: requestId }, { 'request-id': requestId });
}

function presentedKey(r: RecordedRequest): string | undefined {
  return r.headers['x-api-key'] ?? /^Bearer (.+)$/.exec(r.headers.authorization ?? '')?.[1];
}

export async function startFakeAnthropic(opts: FakeProviderOptions = {}): Promise<FakeAnthropic> {
  const engine = createScenarioEngine(opts.scenarios);
  const requests: RecordedRequest[] = [];

  const server = await startFakeServer(requests, async ({ res, record, jsonOk }) => {
    const { method, path, body } = record;
    if (method === 'HEAD' && path === '/') return void res.writeHead(200).end();
    if (opts.apiKey !== undefined) {
      const key = presentedKey(record);
      if (key === undefined) return anthropicError(res, 401, 'x-api-key header is required');
      if (key !== opts.apiKey) return anthropicError(res, 401, 'invalid x-api-key');
    }
    if (!jsonOk) return anthropicError(res, 400, 'There was an error parsing the body of your request.');
    if (method === 'GET' && path === '/v1/models') {
      const ids = [...new Set(engine.scenarios.map((s) => s.model).filter(Boolean))] as string[];
      const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
      return sendJson(res, 200, { data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null });
    }
    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      if (!Array.isArray(body?.messages)) return anthropicError(res, 400, 'messages: Field required');
      const size = JSON.stringify([body.system ?? '', body.messages, body.tools ?? []]).length;
      return sendJson(res, 200, { input_tokens: Math.max(1, Math.ceil(size / 4)) });
    }
    if (method !== 'POST' || path !== '/v1/messages') return anthropicError(res, 404, `Not Found: ${method} ${path}`);
    if (!body || typeof body !== 'object') return anthropicError(res, 400, 'request body must be a JSON object');
    for (const field of ['model', 'messages', 'max_tokens']) {
      if (body[field] === undefined) return anthropicError(res, 400, `${field}: Field required`);
    }
    if (!Array.isArray(body.messages)) return anthropicError(res, 400, 'messages: Input should be a valid list');

    let picked: PickedTurn | undefined = engine.pick(anthropicConversation(body.messages), String(body.model), body);
    if (!picked && opts.strict) return anthropicError(res, 400, `fake-anthropic: no scenario matches model "${body.model}"`);
    picked ??= fallbackTurn(body, opts.fallback);
    record.scenario = picked.scenario;
    record.turnIndex = picked.turnIndex;
    const { frames, message } = buildAnthropicTurn(String(body.model), picked.turn, picked.usage);
    if (body.stream !== true) {
      if (picked.turn.hold) await picked.turn.hold;
      return sendJson(res, 200, message);
    }
    return streamSse(res, frames, picked.turn, engine.takeCut(picked.turn));
  }, (res, status, message) => anthropicError(res, status, message));

  return { url: server.origin, requests, addScenario: engine.add, close: server.close };
}
