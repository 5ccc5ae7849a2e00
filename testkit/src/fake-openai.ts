/**
 * Fake OpenAI provider: a real HTTP server on 127.0.0.1 speaking Chat Completions
 * (`POST /v1/chat/completions`) and the Responses API (`POST /v1/responses`), each streamed (SSE)
 * or plain JSON, plus `GET /v1/models`, playing scripted turns (scenario.ts) so the official
 * `openai` SDK and Codex run unmodified against it.
 *
 * Strict by default: a request no scenario matches gets 400 `no_scenario`; with `strict: false`
 * it gets the fallback text turn instead (recorded with `scenario: null`).
 */
import type { ServerResponse } from 'node:http';
import { buildTurn } from './openai-chunks.ts';
import { buildResponsesTurn, responsesConversation } from './openai-responses-events.ts';
import { contentText, createScenarioEngine, fallbackTurn, type ConversationEntry, type PickedTurn, type Scenario, type ScriptedTurn } from './scenario.ts';
import { sendJson, startFakeServer, streamSse, type RecordedRequest } from './fake-http.ts';

export interface FakeProviderOptions {
  scenarios?: Scenario[];
  /** When set, requests with another key are refused in the provider's own error format. */
  apiKey?: string;
  /** Unmatched requests: error (true) or the fallback turn (false). */
  strict?: boolean;
  /** Turn answered to unmatched requests when not strict; default `{ text: 'ok' }`. */
  fallback?: ScriptedTurn;
}
export interface FakeProvider {
  /** Base URL for the SDK / CLI. */
  url: string;
  requests: RecordedRequest[];
  addScenario(s: Scenario): void;
  close(): Promise<void>;
}
export type FakeOpenAI = FakeProvider;

const sendError = (res: ServerResponse, status: number, message: string, type: string, code: string | null) =>
  sendJson(res, status, { error: { message, type, param: null, code } });

function chatConversation(messages: unknown[]): ConversationEntry[] {
  return messages.map((m: any) =>
    m?.role === 'user' ? { kind: 'user', text: contentText(m.content) } : m?.role === 'assistant' ? { kind: 'model' } : { kind: 'other' });
}

export async function startFakeOpenAI(opts: FakeProviderOptions = {}): Promise<FakeOpenAI> {
  const engine = createScenarioEngine(opts.scenarios);
  const requests: RecordedRequest[] = [];
  const strict = opts.strict ?? true;

  const server = await startFakeServer(requests, async ({ res, record, jsonOk }) => {
    if (!jsonOk) return sendError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
    if (opts.apiKey !== undefined && record.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return sendError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    }
    const { method, path, body } = record;
    if (method === 'GET' && path === '/v1/models') {
      const ids = [...new Set(engine.scenarios.map((s) => s.model).filter(Boolean))] as string[];
      // `data` is the OpenAI list; `models` keeps Codex's own model-list parser happy too.
      return sendJson(res, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })), models: [] });
    }
    const chat = method === 'POST' && path === '/v1/chat/completions';
    const responses = method === 'POST' && path === '/v1/responses';
    if (!chat && !responses) return sendError(res, 404, `Unknown request URL: ${method} ${path}.`, 'invalid_request_error', 'unknown_url');
    const list = chat ? body?.messages : body?.input;
    if (!body || typeof body !== 'object' || typeof body.model !== 'string' || (chat ? !Array.isArray(list) : list === undefined)) {
      return sendError(res, 400, `Missing required parameters: 'model' and '${chat ? 'messages' : 'input'}'.`, 'invalid_request_error', null);
    }
    const conversation = chat ? chatConversation(list) : responsesConversation(list);
    let picked: PickedTurn | undefined = engine.pick(conversation, body.model, body);
    if (!picked && strict) {
      const user = conversation.find((e) => e.kind === 'user');
      const msg = `fake-openai: no scenario matches model "${body.model}" and user message "${(user?.kind === 'user' ? user.text : '').slice(0, 200)}"`;
      return sendError(res, 400, msg, 'invalid_request_error', 'no_scenario');
    }
    picked ??= fallbackTurn(body, opts.fallback);
    record.scenario = picked.scenario;
    record.turnIndex = picked.turnIndex;
    const { turn, usage } = picked;

    if (body.stream !== true) {
      if (turn.hold) await turn.hold;
      return sendJson(res, 200, chat ? buildTurn(body.model, turn, usage, false).completion : buildResponsesTurn(body, turn, usage).response);
    }
    const cutAt = engine.takeCut(turn);
    if (responses) return streamSse(res, buildResponsesTurn(body, turn, usage).frames, turn, cutAt);
    const { chunks } = buildTurn(body.model, turn, usage, body.stream_options?.include_usage === true);
    return streamSse(res, chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), turn, cutAt, 'data: [DONE]\n\n');
  }, (res, status, message) => sendError(res, status, message, status === 500 ? 'server_error' : 'invalid_request_error', null));

  return { url: `${server.origin}/v1`, requests, addScenario: engine.add, close: server.close };
}
