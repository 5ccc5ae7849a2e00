/**
 * Anthropic Messages adapter (`@anthropic-ai/sdk`, `messages.create({ stream: true })`). Content
 * blocks are assembled by index from the raw events (text_delta, input_json_delta, and thinking
 * deltas kept verbatim so the turn can be sent back); the turn's tool results go back as one user
 * message of `tool_result` blocks. Usage: `message_start` gives the input tokens (plus cache
 * reads/writes), `message_delta` the cumulative output tokens. A turn is complete only with `message_stop`.
 */
import Anthropic from '@anthropic-ai/sdk';
import { TOOL_SPECS } from '../tools.ts';
import {
  REQUEST_TIMEOUT_MS, SDK_RETRIES, argsObject, refused, unreachable,
  type AdapterInit, type ModelAdapter, type ModelCall, type PastTurn, type ToolResult, type TurnStream,
} from './model-adapter.ts';

/** Output cap per turn; 8192 fits every current Claude model's output limit. */
const MAX_TOKENS = 8192;
const TOOLS: Anthropic.Tool[] = TOOL_SPECS.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters }));

type Block = { type: string; text?: string; json?: string; id?: string; name?: string; thinking?: string; signature?: string; data?: string };

function anthropicFailure(e: unknown, baseURL: string): Error {
  if (e instanceof Anthropic.APIConnectionError) return unreachable(baseURL, e);
  if (e instanceof Anthropic.APIError) {
    const inner = (e.error as { error?: { message?: unknown } } | undefined)?.error?.message;
    return refused(e.status, typeof inner === 'string' ? inner : e.message);
  }
  return refused(undefined, (e as Error).message);
}

const total = (u: { input_tokens?: number | null; cache_creation_input_tokens?: number | null; cache_read_input_tokens?: number | null }) =>
  (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);

export class AnthropicAdapter implements ModelAdapter {
  readonly #client: Anthropic;
  readonly #init: AdapterInit;
  readonly #messages: Anthropic.MessageParam[];

  constructor(init: AdapterInit) {
    this.#init = init;
    // The SDK sends apiKey as a Bearer token; x-api-key too, for gateways that read Anthropic's own header.
    this.#client = new Anthropic({ baseURL: init.baseURL, apiKey: init.apiKey, defaultHeaders: { 'x-api-key': init.apiKey }, maxRetries: SDK_RETRIES, timeout: REQUEST_TIMEOUT_MS });
    this.#messages = init.seed.map((m) => ({ role: m.role, content: m.content }));
  }

  async *streamTurn(signal: AbortSignal): TurnStream {
    let stream;
    try {
      stream = await this.#client.messages.create(
        { model: this.#init.model, max_tokens: MAX_TOKENS, system: this.#init.system, messages: this.#messages, tools: TOOLS, stream: true },
        { signal },
      );
    } catch (e) {
      if (signal.aborted) throw e;
      throw anthropicFailure(e, this.#init.baseURL);
    }
    const blocks: Block[] = [];
    let text = '';
    let inputTokens: number | undefined;
    let outputTokens: number | undefined;
    let stopped = false;
    for await (const event of stream) {
      if (event.type === 'message_start') {
        inputTokens = total(event.message.usage);
        outputTokens = event.message.usage.output_tokens;
      } else if (event.type === 'content_block_start') {
        const b = event.content_block as Block & { input?: unknown };
        blocks[event.index] = { ...b, json: '' };
      } else if (event.type === 'content_block_delta') {
        const b = (blocks[event.index] ??= { type: 'text', text: '' });
        const d = event.delta;
        if (d.type === 'text_delta') {
          b.text = (b.text ?? '') + d.text;
          text += d.text;
          yield d.text;
        } else if (d.type === 'input_json_delta') b.json = (b.json ?? '') + d.partial_json;
        else if (d.type === 'thinking_delta') b.thinking = (b.thinking ?? '') + d.thinking;
        else if (d.type === 'signature_delta') b.signature = d.signature;
      } else if (event.type === 'message_delta') {
        if (event.usage.input_tokens != null) inputTokens = total(event.usage);
        outputTokens = event.usage.output_tokens;
      } else if (event.type === 'message_stop') stopped = true;
    }
    if (!stopped) throw new Error('the stream ended before message_stop');

    const calls: ModelCall[] = [];
    const content: Anthropic.ContentBlockParam[] = [];
    for (const b of blocks.filter(Boolean)) {
      if (b.type === 'text' && b.text) content.push({ type: 'text', text: b.text });
      else if (b.type === 'tool_use') {
        const args = b.json || '{}';
        calls.push({ id: b.id ?? `toolu_${calls.length}`, name: b.name ?? '', args });
        content.push({ type: 'tool_use', id: b.id ?? `toolu_${calls.length - 1}`, name: b.name ?? '', input: argsObject(args) });
      } else if (b.type === 'thinking') content.push({ type: 'thinking', thinking: b.thinking ?? '', signature: b.signature ?? '' });
      else if (b.type === 'redacted_thinking') content.push({ type: 'redacted_thinking', data: b.data ?? '' });
    }
    if (content.length > 0) this.#messages.push({ role: 'assistant', content });
    const usage = inputTokens !== undefined && outputTokens !== undefined ? { inputTokens, outputTokens } : undefined;
    return { text, calls, ...(usage ? { usage } : {}) };
  }

  addToolResults(results: ToolResult[]): void {
    if (results.length === 0) return;
    this.#messages.push({
      role: 'user',
      content: results.map((r) => ({ type: 'tool_result' as const, tool_use_id: r.call.id, content: r.output, ...(r.isError ? { is_error: true } : {}) })),
    });
  }

  /** A resumed turn: its text block, then its tool_use blocks (the adapter asks for no thinking, so there is none to keep). */
  recordTurn(t: PastTurn): void {
    const content: Anthropic.ContentBlockParam[] = [
      ...(t.text ? [{ type: 'text' as const, text: t.text }] : []),
      ...t.calls.map((c) => ({ type: 'tool_use' as const, id: c.id, name: c.name, input: argsObject(c.args) })),
    ];
    if (content.length > 0) this.#messages.push({ role: 'assistant', content });
  }
}
