/**
 * Builds Anthropic Messages API payloads for one scripted turn: the SSE event sequence as
 * api.anthropic.com streams it (`message_start` with input usage, `content_block_start`, `ping`,
 * `content_block_delta` text_delta / input_json_delta, `content_block_stop`, `message_delta` with
 * stop_reason and cumulative usage, `message_stop`) and the non-streaming message. Also reduces a
 * Messages request to the scenario engine's conversation. Pure functions; fake-anthropic.ts owns HTTP.
 */
import { fragments, newId, type ConversationEntry, type ScriptedTurn, type TurnUsage } from './scenario.ts';

/**
 * User messages with text blocks are user entries (tool_result blocks are not user text), every
 * assistant message is a model turn.
 */
export function anthropicConversation(messages: unknown[]): ConversationEntry[] {
  return messages.map((m: any): ConversationEntry => {
    if (m?.role === 'assistant') return { kind: 'model' };
    if (m?.role !== 'user') return { kind: 'other' };
    if (typeof m.content === 'string') return { kind: 'user', text: m.content };
    const texts = Array.isArray(m.content) ? m.content.filter((b: any) => b?.type === 'text' && typeof b.text === 'string').map((b: any) => b.text) : [];
    return texts.length > 0 ? { kind: 'user', text: texts.join('\n') } : { kind: 'other' };
  });
}

export interface AnthropicPayloads {
  frames: string[];
  message: Record<string, unknown>;
}

export function buildAnthropicTurn(model: string, turn: ScriptedTurn, u: TurnUsage): AnthropicPayloads {
  const id = newId('msg_01', 12);
  const calls = (turn.toolCalls ?? []).map((c) => ({ id: newId('toolu_01', 12), name: c.name, input: c.arguments }));
  const stopReason = calls.length > 0 ? 'tool_use' : 'end_turn';
  const frames: string[] = [];
  const emit = (type: string, data: object = {}) => frames.push(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const usageFull = { input_tokens: u.input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: u.output };
  const content: object[] = [];

  // message_start reports the input tokens and a first output token, as the real API does;
  // message_delta's usage is cumulative (the final output count), not an increment.
  emit('message_start', {
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usageFull, output_tokens: 1, service_tier: 'standard' } },
  });
  let index = 0;
  if (turn.text || calls.length === 0) {
    const text = turn.text ?? '';
    emit('content_block_start', { index, content_block: { type: 'text', text: '' } });
    emit('ping');
    for (const piece of fragments(text)) emit('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
    emit('content_block_stop', { index });
    content.push({ type: 'text', text });
    index++;
  }
  for (const call of calls) {
    emit('content_block_start', { index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } });
    if (index === 0) emit('ping');
    emit('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } });
    for (const piece of fragments(JSON.stringify(call.input), turn.argumentPieceChars ?? 16)) emit('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
    emit('content_block_stop', { index });
    content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input });
    index++;
  }
  emit('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: usageFull });
  emit('message_stop');
  const message = { id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage: { ...usageFull, service_tier: 'standard' } };
  return { frames, message };
}
