/**
 * Gemini adapter (`@google/genai`, `models.generateContentStream`), pointed at the gateway with
 * `httpOptions.baseUrl`. The model's parts are kept verbatim (function calls with their thought
 * signatures, which Gemini wants back) and sent back as the `model` turn; the turn's results go
 * back as one `user` turn of `functionResponse` parts. Usage: the last chunk's `usageMetadata`
 * (a running total within one response): input = promptTokenCount, output = candidates + thoughts.
 * A turn is complete only when a chunk carried a finishReason.
 */
import { ApiError, GoogleGenAI, type Content, type FunctionDeclaration, type GenerateContentResponseUsageMetadata, type Part } from '@google/genai';
import { TOOL_SPECS } from '../tools.ts';
import {
  REQUEST_TIMEOUT_MS, SDK_RETRIES, causeText, refused, unreachable,
  type AdapterInit, type ModelAdapter, type ModelCall, type ToolResult, type TurnStream,
} from './model-adapter.ts';

const DECLARATIONS: FunctionDeclaration[] = TOOL_SPECS.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters }));

function googleFailure(e: unknown, baseURL: string): Error {
  if (e instanceof ApiError) {
    let message = e.message;
    try {
      const body = JSON.parse(e.message);
      if (typeof body?.error?.message === 'string') message = body.error.message;
    } catch { /* not JSON: keep the text */ }
    return refused(e.status, message);
  }
  // fetch() failures are TypeErrors whose cause names the socket error.
  if (e instanceof TypeError && causeText(e) !== e.message) return unreachable(baseURL, e);
  return refused(undefined, (e as Error).message);
}

export class GoogleAdapter implements ModelAdapter {
  readonly #ai: GoogleGenAI;
  readonly #init: AdapterInit;
  readonly #contents: Content[];
  #turns = 0;
  /** Call id → function name, for the functionResponse parts. */
  #pendingIds = new Map<string, { name: string; wireId?: string }>();

  constructor(init: AdapterInit) {
    this.#init = init;
    this.#ai = new GoogleGenAI({
      vertexai: false,
      apiKey: init.apiKey,
      httpOptions: { baseUrl: init.baseURL, timeout: REQUEST_TIMEOUT_MS, retryOptions: { attempts: SDK_RETRIES + 1, initialDelay: 0.5, maxDelay: 4 } },
    });
    this.#contents = init.seed.map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] }));
  }

  async *streamTurn(signal: AbortSignal): TurnStream {
    let stream;
    try {
      stream = await this.#ai.models.generateContentStream({
        model: this.#init.model,
        contents: this.#contents,
        config: { systemInstruction: this.#init.system, tools: [{ functionDeclarations: DECLARATIONS }], abortSignal: signal },
      });
    } catch (e) {
      if (signal.aborted) throw e;
      throw googleFailure(e, this.#init.baseURL);
    }
    const parts: Part[] = [];
    let text = '';
    let usage: GenerateContentResponseUsageMetadata | undefined;
    let finished = false;
    for await (const chunk of stream) {
      if (chunk.usageMetadata) usage = chunk.usageMetadata;
      const candidate = chunk.candidates?.[0];
      if (candidate?.finishReason) finished = true;
      for (const part of candidate?.content?.parts ?? []) {
        const last = parts.at(-1);
        const plain = (p: Part | undefined) => p && typeof p.text === 'string' && !p.thought && !p.thoughtSignature;
        if (typeof part.text === 'string' && !part.thought) {
          text += part.text;
          if (part.text) yield part.text;
        }
        if (plain(part) && plain(last)) last!.text += part.text!;
        else parts.push({ ...part });
      }
    }
    if (!finished) throw new Error('the stream ended before a finishReason');

    const turn = ++this.#turns;
    const calls: ModelCall[] = [];
    this.#pendingIds.clear();
    for (const p of parts) {
      if (!p.functionCall) continue;
      const id = p.functionCall.id || `call_${turn}_${calls.length}`;
      const name = p.functionCall.name ?? '';
      calls.push({ id, name, args: JSON.stringify(p.functionCall.args ?? {}) });
      this.#pendingIds.set(id, { name, ...(p.functionCall.id ? { wireId: p.functionCall.id } : {}) });
    }
    if (parts.length > 0) this.#contents.push({ role: 'model', parts });
    const tokens = usage
      ? { inputTokens: usage.promptTokenCount ?? 0, outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0) }
      : undefined;
    return { text, calls, ...(tokens ? { usage: tokens } : {}) };
  }

  addToolResults(results: ToolResult[]): void {
    if (results.length === 0) return;
    this.#contents.push({
      role: 'user',
      parts: results.map((r) => {
        const pending = this.#pendingIds.get(r.call.id);
        const response = r.isError ? { error: r.output } : { output: r.output };
        return { functionResponse: { ...(pending?.wireId ? { id: pending.wireId } : {}), name: pending?.name ?? r.call.name, response } };
      }),
    });
  }
}
