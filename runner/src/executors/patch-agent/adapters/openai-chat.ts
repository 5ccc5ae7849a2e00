/**
 * OpenAI Chat Completions adapter (`openai` SDK): OpenAI itself and every OpenAI-compatible
 * endpoint (Ollama, vLLM, OpenRouter). Streams with `stream_options.include_usage` so the last
 * chunk carries the turn's usage; tool calls arrive as indexed deltas and are assembled here.
 */
import OpenAI from 'openai';
import { TOOL_SPECS } from '../tools.ts';
import { REQUEST_TIMEOUT_MS, SDK_RETRIES, refused, unreachable, type AdapterInit, type ModelAdapter, type ModelCall, type PastTurn, type ToolResult, type TurnStream } from './model-adapter.ts';

const TOOLS: OpenAI.ChatCompletionTool[] = TOOL_SPECS.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));

/** Opening failures of an OpenAI-SDK call as readable, final reasons (shared with the Responses adapter). */
export function openAiFailure(e: unknown, baseURL: string): Error {
  if (e instanceof OpenAI.APIConnectionError) return unreachable(baseURL, e);
  if (e instanceof OpenAI.APIError) return refused(e.status, e.message);
  return refused(undefined, (e as Error).message);
}

export function openAiClient(init: AdapterInit): OpenAI {
  return new OpenAI({ baseURL: init.baseURL, apiKey: init.apiKey, maxRetries: SDK_RETRIES, timeout: REQUEST_TIMEOUT_MS });
}

export class OpenAIChatAdapter implements ModelAdapter {
  readonly #client: OpenAI;
  readonly #init: AdapterInit;
  readonly #messages: OpenAI.ChatCompletionMessageParam[];
  #turns = 0;

  constructor(init: AdapterInit) {
    this.#init = init;
    this.#client = openAiClient(init);
    this.#messages = [{ role: 'system', content: init.system }, ...init.seed.map((m) => ({ role: m.role, content: m.content }))];
  }

  async *streamTurn(signal: AbortSignal): TurnStream {
    let stream;
    try {
      stream = await this.#client.chat.completions.create(
        { model: this.#init.model, messages: this.#messages, tools: TOOLS, stream: true, stream_options: { include_usage: true } },
        { signal },
      );
    } catch (e) {
      if (signal.aborted) throw e;
      throw openAiFailure(e, this.#init.baseURL);
    }
    let text = '';
    const calls: ModelCall[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const delta = chunk.choices[0]?.delta;
      if (!delta) continue;
      if (delta.content) {
        text += delta.content;
        yield delta.content;
      }
      for (const tc of delta.tool_calls ?? []) {
        const c = (calls[tc.index] ??= { id: '', name: '', args: '' });
        if (tc.id) c.id = tc.id;
        if (tc.function?.name) c.name += tc.function.name;
        if (tc.function?.arguments) c.args += tc.function.arguments;
      }
    }
    const turn = this.#turns + 1;
    const done = calls.filter(Boolean).map((c, i) => ({ ...c, id: c.id || `call_${turn}_${i}` }));
    this.recordTurn({ text, calls: done });
    return { text, calls: done, ...(usage ? { usage: { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens } } : {}) };
  }

  addToolResults(results: ToolResult[]): void {
    for (const r of results) this.#messages.push({ role: 'tool', tool_call_id: r.call.id, content: r.output });
  }

  recordTurn(t: PastTurn): void {
    this.#turns++;
    this.#messages.push({
      role: 'assistant',
      content: t.text || null,
      ...(t.calls.length > 0 ? { tool_calls: t.calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.args } })) } : {}),
    });
  }
}
