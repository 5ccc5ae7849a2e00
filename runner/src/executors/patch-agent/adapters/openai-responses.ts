/**
 * OpenAI Responses API adapter (`openai` SDK, `client.responses.create({ stream: true })`), for
 * profiles with `wireApi: 'responses'`. The system prompt travels as `instructions`; each turn's
 * output items (messages, function calls, reasoning) are appended to `input` verbatim, as the API
 * documents for manual conversation state, followed by one `function_call_output` per call.
 * The turn is complete only with `response.completed`, which carries the output and the usage.
 * A resumed turn (recordTurn) goes back as an assistant message and bare function_call items.
 */
import type OpenAI from 'openai';
import { TOOL_SPECS } from '../tools.ts';
import { openAiClient, openAiFailure } from './openai-chat.ts';
import { refused, type AdapterInit, type ModelAdapter, type ModelCall, type PastTurn, type ToolResult, type TurnStream } from './model-adapter.ts';

type InputItem = OpenAI.Responses.ResponseInputItem;

const TOOLS: OpenAI.Responses.FunctionTool[] = TOOL_SPECS.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.parameters, strict: false }));

export class OpenAIResponsesAdapter implements ModelAdapter {
  readonly #client: OpenAI;
  readonly #init: AdapterInit;
  readonly #input: InputItem[];

  constructor(init: AdapterInit) {
    this.#init = init;
    this.#client = openAiClient(init);
    this.#input = init.seed.map((m) => ({ role: m.role, content: m.content }));
  }

  async *streamTurn(signal: AbortSignal): TurnStream {
    let stream;
    try {
      stream = await this.#client.responses.create(
        { model: this.#init.model, instructions: this.#init.system, input: this.#input, tools: TOOLS, stream: true },
        { signal },
      );
    } catch (e) {
      if (signal.aborted) throw e;
      throw openAiFailure(e, this.#init.baseURL);
    }
    let text = '';
    let final: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') {
        text += event.delta;
        yield event.delta;
      } else if (event.type === 'response.completed' || event.type === 'response.incomplete') {
        final = event.response;
      } else if (event.type === 'response.failed') {
        // A failure the server reports mid-stream: retried like a broken stream.
        throw new Error(`response failed: ${event.response.error?.message ?? 'no reason given'}`);
      } else if (event.type === 'error') {
        throw refused(undefined, event.message);
      }
    }
    if (!final) throw new Error('the stream ended before response.completed');
    const calls: ModelCall[] = [];
    for (const item of final.output) {
      if (item.type === 'function_call') calls.push({ id: item.call_id, name: item.name, args: item.arguments });
    }
    this.#input.push(...(final.output as InputItem[]));
    const usage = final.usage ? { inputTokens: final.usage.input_tokens, outputTokens: final.usage.output_tokens } : undefined;
    return { text, calls, ...(usage ? { usage } : {}) };
  }

  addToolResults(results: ToolResult[]): void {
    for (const r of results) this.#input.push({ type: 'function_call_output', call_id: r.call.id, output: r.output });
  }

  /**
   * A resumed turn cannot be the output items verbatim (their ids refer to responses stored by the
   * provider, and a function_call sent with its id but without its reasoning item is refused): an
   * assistant message with the text, then one function_call per call, without item ids.
   */
  recordTurn(t: PastTurn): void {
    if (t.text) this.#input.push({ role: 'assistant', content: t.text });
    for (const c of t.calls) this.#input.push({ type: 'function_call', call_id: c.id, name: c.name, arguments: c.args });
  }
}
