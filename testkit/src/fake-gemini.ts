/**
 * Fake Gemini provider: a real HTTP server on 127.0.0.1 speaking the Gemini API
 * (`POST /v1beta/models/{model}:streamGenerateContent?alt=sse`, `:generateContent`,
 * `:countTokens`, `GET /v1beta/models`), playing scripted turns (scenario.ts) so `@google/genai`
 * and Gemini CLI run unmodified against it.
 *
 * Keys: `x-goog-api-key` or `?key=`; a missing key gets 403, a wrong one 400 API_KEY_INVALID, as
 * Google answers. Not strict by default: Gemini CLI's routing and next-speaker calls (JSON on a
 * flash model) that no scenario scripts get the fallback turn (recorded with `scenario: null`); when
 * they ask for JSON, its text is the smallest value of their response schema.
 */
import type { ServerResponse } from 'node:http';
import { buildGeminiTurn, geminiConversation } from './gemini-chunks.ts';
import { createScenarioEngine, fallbackTurn, type PickedTurn } from './scenario.ts';
import { sendJson, startFakeServer, streamSse, type RecordedRequest } from './fake-http.ts';
import type { FakeProvider, FakeProviderOptions } from './fake-openai.ts';

export type FakeGemini = FakeProvider;

const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 413: 'INVALID_ARGUMENT', 500: 'INTERNAL' };

/** An error exactly as the Gemini API shapes it. */
export function geminiError(res: ServerResponse, code: number, message: string, reason?: string): void {
  const details = reason ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } }] : undefined;
  sendJson(res, code, { error: { code, message, status: STATUS[code] ?? 'UNKNOWN', ...(details ? { details } : {}) } });
}

/** The smallest value a JSON schema accepts (first enum value, minimum, required properties). */
function sampleOf(schema: any): unknown {
  if (!schema || typeof schema !== 'object') return {};
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (String(schema.type ?? (schema.properties ? 'object' : 'string')).toLowerCase()) {
    case 'object': {
      const keys: string[] = schema.required ?? Object.keys(schema.properties ?? {});
      return Object.fromEntries(keys.map((k) => [k, sampleOf(schema.properties?.[k])]));
    }
    case 'array': return [];
    case 'integer': case 'number': return schema.minimum ?? 1;
    case 'boolean': return false;
    default: return '';
  }
}

/**
 * Unscripted calls that ask for JSON (Gemini CLI's model router and next-speaker check) get a
 * value their schema accepts, so the CLI does not retry them with backoff.
 */
function fallbackFor(body: any, configured: FakeProviderOptions['fallback']) {
  const config = body?.generationConfig;
  if (configured || config?.responseMimeType !== 'application/json') return fallbackTurn(body, configured);
  return fallbackTurn(body, { text: JSON.stringify(sampleOf(config.responseJsonSchema ?? config.responseSchema)) });
}

const presentedKey = (r: RecordedRequest): string | undefined => r.headers['x-goog-api-key'] ?? r.query.key;
const ROUTE = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

export async function startFakeGemini(opts: FakeProviderOptions = {}): Promise<FakeGemini> {
  const engine = createScenarioEngine(opts.scenarios);
  const requests: RecordedRequest[] = [];

  const server = await startFakeServer(requests, async ({ res, record, jsonOk }) => {
    const { method, path, body } = record;
    if (opts.apiKey !== undefined) {
      const key = presentedKey(record);
      if (!key) return geminiError(res, 403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
      if (key !== opts.apiKey) return geminiError(res, 400, 'API key not valid. Please pass a valid API key.', 'API_KEY_INVALID');
    }
    if (!jsonOk) return geminiError(res, 400, 'Invalid JSON payload received.');
    if (method === 'GET' && /^\/(v1beta|v1|v1alpha)\/models$/.test(path)) {
      const ids = [...new Set(engine.scenarios.map((s) => s.model).filter(Boolean))] as string[];
      return sendJson(res, 200, { models: ids.map((id) => ({ name: `models/${id}`, displayName: id, supportedGenerationMethods: ['generateContent', 'countTokens'] })) });
    }
    const route = ROUTE.exec(path);
    if (method !== 'POST' || !route) return geminiError(res, 404, `Method not found: ${method} ${path}`);
    const model = decodeURIComponent(route[2]);
    const contents = body?.contents;
    if (route[3] === 'countTokens') {
      const size = JSON.stringify(contents ?? body?.generateContentRequest?.contents ?? []).length;
      return sendJson(res, 200, { totalTokens: Math.max(1, Math.ceil(size / 4)), promptTokensDetails: [] });
    }
    if (!Array.isArray(contents) || contents.length === 0) return geminiError(res, 400, '* GenerateContentRequest.contents: contents is not specified');

    let picked: PickedTurn | undefined = engine.pick(geminiConversation(contents), model, body);
    if (!picked && opts.strict) return geminiError(res, 400, `fake-gemini: no scenario matches model "${model}"`);
    picked ??= fallbackFor(body, opts.fallback);
    record.scenario = picked.scenario;
    record.turnIndex = picked.turnIndex;
    const { chunks, response } = buildGeminiTurn(model, picked.turn, picked.usage);
    if (route[3] === 'generateContent') {
      if (picked.turn.hold) await picked.turn.hold;
      return sendJson(res, 200, response);
    }
    const cutAt = engine.takeCut(picked.turn);
    // Google frames SSE events with CRLF; without alt=sse the stream is one JSON array.
    if (record.query.alt === 'sse') return streamSse(res, chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`), picked.turn, cutAt);
    const frames = chunks.map((c, i) => `${i === 0 ? '[' : ',\r\n'}${JSON.stringify(c)}`);
    return streamSse(res, frames, picked.turn, cutAt, ']', 'application/json; charset=UTF-8');
  }, (res, status, message) => geminiError(res, status, message));

  return { url: server.origin, requests, addScenario: engine.add, close: server.close };
}
