/**
 * Builds OpenAI Responses API payloads for one scripted turn: the SSE event sequence as
 * api.openai.com streams it (`response.created`, `response.in_progress`, per output item
 * `response.output_item.added` … `response.output_item.done`, `response.completed` with usage)
 * and the non-streaming `response` object. Also reduces a Responses `input` to the scenario
 * engine's conversation. Pure functions; fake-openai.ts owns the HTTP side.
 */
import { contentText, fragments, newId, type ConversationEntry, type ScriptedTurn, type TurnUsage } from './scenario.ts';

/** Input item types the model produced (a run of them without anything between is one model turn). */
const MODEL_ITEMS = new Set(['function_call', 'reasoning', 'custom_tool_call', 'local_shell_call', 'web_search_call', 'file_search_call', 'computer_call', 'image_generation_call', 'code_interpreter_call', 'mcp_call']);

/**
 * `input` → conversation: user messages are user entries (input_text parts), each run of
 * consecutive model-produced items (assistant messages, function calls, reasoning…) is one model
 * turn, and everything else (function_call_output, developer/system messages) separates them.
 */
export function responsesConversation(input: unknown): ConversationEntry[] {
  if (typeof input === 'string') return [{ kind: 'user', text: input }];
  if (!Array.isArray(input)) return [];
  const out: ConversationEntry[] = [];
  for (const item of input) {
    if (!item || typeof item !== 'object') continue;
    const type = item.type ?? 'message';
    let entry: ConversationEntry;
    if (type === 'message' && item.role === 'user') entry = { kind: 'user', text: contentText(item.content) };
    else if ((type === 'message' && item.role === 'assistant') || MODEL_ITEMS.has(type)) entry = { kind: 'model' };
    else entry = { kind: 'other' };
    if (entry.kind === 'model' && out.at(-1)?.kind === 'model') continue;
    out.push(entry);
  }
  return out;
}

export interface ResponsesPayloads {
  /** SSE frames (`event: …\ndata: …\n\n`). */
  frames: string[];
  response: Record<string, unknown>;
}

export function buildResponsesTurn(body: Record<string, any>, turn: ScriptedTurn, u: TurnUsage): ResponsesPayloads {
  const model = String(body.model);
  const base = {
    id: newId('resp_'), object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'in_progress',
    background: false, error: null, incomplete_details: null, instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null, model, output: [] as object[], parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null, reasoning: { effort: body.reasoning?.effort ?? null, summary: null },
    service_tier: 'default', store: body.store ?? true, temperature: body.temperature ?? 1, text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto', tools: body.tools ?? [], top_p: body.top_p ?? 1, truncation: 'disabled',
    usage: null as object | null, user: null, metadata: body.metadata ?? {},
  };
  const usage = {
    input_tokens: u.input, input_tokens_details: { cached_tokens: 0 },
    output_tokens: u.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: u.input + u.output,
  };
  const frames: string[] = [];
  let seq = 0;
  const emit = (type: string, data: object) => frames.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
  const output: object[] = [];

  emit('response.created', { response: base });
  emit('response.in_progress', { response: base });
  if (turn.text || !turn.toolCalls?.length) {
    const text = turn.text ?? '';
    const msgId = newId('msg_');
    const output_index = output.length;
    const part = { type: 'output_text', annotations: [], logprobs: [], text };
    emit('response.output_item.added', { output_index, item: { id: msgId, type: 'message', status: 'in_progress', content: [], role: 'assistant' } });
    emit('response.content_part.added', { item_id: msgId, output_index, content_index: 0, part: { ...part, text: '' } });
    for (const delta of fragments(text)) emit('response.output_text.delta', { item_id: msgId, output_index, content_index: 0, delta, logprobs: [] });
    emit('response.output_text.done', { item_id: msgId, output_index, content_index: 0, text, logprobs: [] });
    emit('response.content_part.done', { item_id: msgId, output_index, content_index: 0, part });
    const item = { id: msgId, type: 'message', status: 'completed', content: [part], role: 'assistant' };
    emit('response.output_item.done', { output_index, item });
    output.push(item);
  }
  for (const call of turn.toolCalls ?? []) {
    const itemId = newId('fc_');
    const callId = newId('call_');
    const args = JSON.stringify(call.arguments);
    const output_index = output.length;
    emit('response.output_item.added', { output_index, item: { id: itemId, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name: call.name } });
    for (const delta of fragments(args, turn.argumentPieceChars ?? 16)) emit('response.function_call_arguments.delta', { item_id: itemId, output_index, delta });
    emit('response.function_call_arguments.done', { item_id: itemId, output_index, name: call.name, arguments: args });
    const item = { id: itemId, type: 'function_call', status: 'completed', arguments: args, call_id: callId, name: call.name };
    emit('response.output_item.done', { output_index, item });
    output.push(item);
  }
  const response = { ...base, status: 'completed', output, usage };
  emit('response.completed', { response });
  return { frames, response };
}
