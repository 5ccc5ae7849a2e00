/**
 * Builds OpenAI Chat Completions payloads for one scripted turn: the streamed
 * `chat.completion.chunk` sequence (as api.openai.com sends it) and the non-streaming
 * `chat.completion` object. Pure functions; fake-openai.ts owns the HTTP side.
 */
import { randomBytes } from 'node:crypto';

export interface ScriptedToolCall { name: string; arguments: Record<string, unknown> }
export interface ScriptedTurn {
  text?: string;
  toolCalls?: ScriptedToolCall[];
  usage?: { prompt_tokens: number; completion_tokens: number };
  chunkDelayMs?: number;
  /** Stream the first chunk, then wait for this before the rest. */
  hold?: Promise<void>;
  /** The first time this turn is served, cut the connection after this many chunks (a network drop mid-stream). */
  cutAfterChunks?: number;
}

export interface Usage { prompt_tokens: number; completion_tokens: number; total_tokens: number }

const id = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

/** Splits text into small pieces, like a model's token stream (keeps the whitespace). */
export function fragments(text: string, size = 12): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Rough usage when a turn does not script one: ~4 characters per token. */
export function estimateUsage(requestBody: unknown, turn: ScriptedTurn): Usage {
  const prompt = Math.max(1, Math.ceil(JSON.stringify(requestBody ?? '').length / 4));
  const out = (turn.text ?? '') + JSON.stringify(turn.toolCalls ?? []);
  const completion = Math.max(1, Math.ceil(out.length / 4));
  const u = turn.usage ?? { prompt_tokens: prompt, completion_tokens: completion };
  return { ...u, total_tokens: u.prompt_tokens + u.completion_tokens };
}

export interface TurnPayloads {
  /** Each element is one SSE `data:` JSON object (the `[DONE]` line is added by the server). */
  chunks: object[];
  completion: object;
}

export function buildTurn(model: string, turn: ScriptedTurn, usage: Usage, includeUsage: boolean): TurnPayloads {
  const completionId = id('chatcmpl-');
  const created = Math.floor(Date.now() / 1000);
  const calls = (turn.toolCalls ?? []).map((c) => ({ id: id('call_'), name: c.name, args: JSON.stringify(c.arguments) }));
  const finish = calls.length > 0 ? 'tool_calls' : 'stop';
  const envelope = (delta: object, finishReason: string | null) => ({
    id: completionId,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });

  const chunks: object[] = [envelope({ role: 'assistant', content: '', refusal: null }, null)];
  for (const piece of fragments(turn.text ?? '')) chunks.push(envelope({ content: piece }, null));
  calls.forEach((c, index) => {
    chunks.push(envelope({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }, null));
    for (const piece of fragments(c.args, 16)) chunks.push(envelope({ tool_calls: [{ index, function: { arguments: piece } }] }, null));
  });
  chunks.push(envelope({}, finish));
  if (includeUsage) {
    chunks.push({ id: completionId, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake', choices: [], usage });
  }

  const message: Record<string, unknown> = { role: 'assistant', content: turn.text ?? null, refusal: null };
  if (calls.length > 0) {
    message.tool_calls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } }));
  }
  const completion = {
    id: completionId,
    object: 'chat.completion',
    created,
    model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    usage,
  };
  return { chunks, completion };
}
