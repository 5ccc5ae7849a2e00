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
  REQUEST_TIMEOUT_MS, SDK_RETRIES, argsObject, causeText, refused, unreachable,
  type AdapterInit, type ModelAdapter, type ModelCall, type PastTurn, type ToolResult, type TurnStream,
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

/** The id of a call Gemini sent without one: its turn and position (never sent on the wire). */
const madeUpId = (turn: number, index: number) => `call_${turn}_${index}`;

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
      const id = p.functionCall.id || madeUpId(turn, calls.length);
      const name = p.functionCall.name ?? '';
      calls.push({ id, name, args: JSON.stringify(p.functionCall.args ?? {}), ...(p.thoughtSignature ? { signature: p.thoughtSignature } : {}) });
      this.#pendingIds.set(id, { name, ...(p.functionCall.id ? { wireId: p.functionCall.id } : {}) });
    }
    if (parts.length > 0) this.#contents.push({ role: 'model', parts });
    const tokens = usage
      ? { inputTokens: usage.promptTokenCount ?? 0, outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0) }
      : undefined;
    return { text, calls, ...(tokens ? { usage: tokens } : {}) };
  }

  /**
   * A resumed turn: one model content of its text part, then a functionCall part per call with its
   * thoughtSignature back (Gemini 3 refuses function calls of the current turn without theirs) and
   * the call id only when Gemini gave one (an id this adapter made up never went on the wire).
   */
  recordTurn(t: PastTurn): void {
    const turn = ++this.#turns;
    this.#pendingIds.clear();
    const parts: Part[] = t.text ? [{ text: t.text }] : [];
    t.calls.forEach((c, i) => {
      const wireId = c.id === madeUpId(turn, i) ? undefined : c.id;
      parts.push({ functionCall: { ...(wireId ? { id: wireId } : {}), name: c.name, args: argsObject(c.args) }, ...(c.signature ? { thoughtSignature: c.signature } : {}) });
      this.#pendingIds.set(c.id, { name: c.name, ...(wireId ? { wireId } : {}) });
    });
    if (parts.length > 0) this.#contents.push({ role: 'model', parts });
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
