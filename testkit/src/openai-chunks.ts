/**
 * Builds OpenAI Chat Completions payloads for one scripted turn: the streamed
 * `chat.completion.chunk` sequence (as api.openai.com sends it) and the non-streaming
 * `chat.completion` object. Pure functions; fake-openai.ts owns the HTTP side.
 */
import { fragments, newId, type ScriptedTurn, type TurnUsage } from './scenario.ts';

const id = newId;

export interface TurnPayloads {
  /** Each element is one SSE `data:` JSON object (the `[DONE]` line is added by the server). */
  chunks: object[];
  completion: object;
}

export function buildTurn(model: string, turn: ScriptedTurn, u: TurnUsage, includeUsage: boolean): TurnPayloads {
  const usage = { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output };
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
    for (const piece of fragments(c.args, turn.argumentPieceChars ?? 16)) chunks.push(envelope({ tool_calls: [{ index, function: { arguments: piece } }] }, null));
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
