/**
 * Fake OpenAI-compatible provider: a real HTTP server on 127.0.0.1 that speaks Chat Completions
 * (`POST /v1/chat/completions`, SSE streaming and plain JSON) and plays scripted turns, so the
 * official `openai` SDK runs unmodified against it in tests.
 *
 * Scenario choice: the first scenario (in the order added) whose `match` is a substring of the
 * request's first user message and whose `model` (if set) equals the request's model.
 * Turn choice: the number of assistant messages already in the request; past the script's end
 * the fake answers a plain "done" text turn.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildTurn, estimateUsage, type ScriptedToolCall, type ScriptedTurn } from './openai-chunks.ts';

export type { ScriptedToolCall, ScriptedTurn };
export interface Scenario {
  /** Substring of the first user message. */
  match: string;
  /** Only for requests with this model. */
  model?: string;
  turns: ScriptedTurn[];
}
export interface RecordedRequest { path: string; headers: Record<string, string>; body: any }
export interface FakeOpenAI {
  /** Base URL for the SDK, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  requests: RecordedRequest[];
  addScenario(s: Scenario): void;
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;

function sendError(res: ServerResponse, status: number, message: string, type: string, code: string | null): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type, param: null, code } }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const parts: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

function firstUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  const first = messages.find((m) => m && typeof m === 'object' && (m as { role?: unknown }).role === 'user');
  const content = (first as { content?: unknown } | undefined)?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startFakeOpenAI(opts: { scenarios?: Scenario[]; apiKey?: string } = {}): Promise<FakeOpenAI> {
  const scenarios: Scenario[] = [...(opts.scenarios ?? [])];
  const requests: RecordedRequest[] = [];
  const cutOnce = new WeakSet<ScriptedTurn>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    let raw = '';
    try {
      raw = await readBody(req);
    } catch (e) {
      return sendError(res, 413, (e as Error).message, 'invalid_request_error', null);
    }
    let body: any = null;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        requests.push({ path, headers, body: raw });
        return sendError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
      }
    }
    requests.push({ path, headers, body });

    if (opts.apiKey !== undefined && headers.authorization !== `Bearer ${opts.apiKey}`) {
      return sendError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const models = [...new Set(scenarios.map((s) => s.model).filter(Boolean))];
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ object: 'list', data: models.map((m) => ({ id: m, object: 'model', created: 0, owned_by: 'fake' })) }));
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      return sendError(res, 404, `Unknown request URL: ${req.method} ${path}.`, 'invalid_request_error', 'unknown_url');
    }
    if (!body || typeof body !== 'object' || !Array.isArray(body.messages) || typeof body.model !== 'string') {
      return sendError(res, 400, "Missing required parameters: 'model' and 'messages'.", 'invalid_request_error', null);
    }
    const userText = firstUserText(body.messages);
    const scenario = scenarios.find((s) => userText.includes(s.match) && (s.model === undefined || s.model === body.model));
    if (!scenario) {
      const msg = `fake-openai: no scenario matches model "${body.model}" and first user message "${userText.slice(0, 200)}"`;
      return sendError(res, 400, msg, 'invalid_request_error', 'no_scenario');
    }
    const turnIndex = body.messages.filter((m: { role?: string }) => m?.role === 'assistant').length;
    const turn: ScriptedTurn = scenario.turns[turnIndex] ?? { text: 'done' };
    const usage = estimateUsage(body, turn);

    if (body.stream !== true) {
      if (turn.hold) await turn.hold;
      const { completion } = buildTurn(body.model, turn, usage, false);
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(completion));
    }
    const includeUsage = body.stream_options?.include_usage === true;
    const { chunks } = buildTurn(body.model, turn, usage, includeUsage);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const cutAt = turn.cutAfterChunks !== undefined && !cutOnce.has(turn) ? turn.cutAfterChunks : -1;
    if (cutAt >= 0) cutOnce.add(turn);
    for (let i = 0; i < chunks.length; i++) {
      if (res.destroyed) return;
      if (i === cutAt) {
        // Let what was written reach the client first, so the cut lands mid-stream, not before it.
        await new Promise<void>((r) => res.write('', () => r()));
        return void res.socket?.destroy();
      }
      res.write(`data: ${JSON.stringify(chunks[i])}\n\n`);
      if (i === 0 && turn.hold) await turn.hold;
      else if (turn.chunkDelayMs) await sleep(turn.chunkDelayMs);
    }
    if (!res.destroyed) res.end('data: [DONE]\n\n');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => sendError(res, 500, `fake-openai: ${(e as Error).message}`, 'server_error', null));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    addScenario: (s) => void scenarios.push(s),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
