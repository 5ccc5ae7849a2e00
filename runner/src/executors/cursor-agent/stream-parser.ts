/**
 * Cursor agent's `--print --output-format stream-json` lines → RunEvents (pure), per Cursor's
 * documented format: `system/init` (session_id = the chat id `--resume` takes), `assistant`
 * messages with text content, `tool_call` `started` / `completed` whose `tool_call` object holds
 * one `<kind>ToolCall` (readToolCall, writeToolCall, shellToolCall, …) or a generic `function`,
 * and a final `result` (is_error, result text, usage when present).
 */
import type { ExecutorEvent } from '../types.ts';
import type { ParsedLine, StreamParser } from '../cli/adapter.ts';
import { parseJsonLine, sessionIdOf } from '../cli/json-line.ts';

interface ToolBody { args?: unknown; result?: Record<string, unknown>; name?: string; arguments?: unknown }

/** `{ writeToolCall: {...} }` → ['write', body]; `{ function: { name, arguments } }` → [name, body]. */
function unwrap(toolCall: unknown): [string, ToolBody] {
  const obj = (toolCall && typeof toolCall === 'object' ? toolCall : {}) as Record<string, ToolBody>;
  const key = Object.keys(obj)[0] ?? 'tool';
  const body = obj[key] ?? {};
  if (key === 'function') return [String(body.name ?? 'function'), { ...body, args: body.arguments }];
  return [key.replace(/ToolCall$/, ''), body];
}

function resultText(result: Record<string, unknown> | undefined): { output: string; isError: boolean } {
  if (!result) return { output: '', isError: false };
  const [kind, value] = Object.entries(result)[0] ?? ['success', ''];
  const isError = kind !== 'success';
  if (typeof value === 'string') return { output: value, isError };
  const v = (value ?? {}) as Record<string, unknown>;
  const text = v.content ?? v.stdout ?? v.output ?? v.error ?? v.message;
  return { output: typeof text === 'string' ? text : JSON.stringify(value), isError };
}

export class CursorStreamParser implements StreamParser {
  parse(line: string): ParsedLine {
    const msg = parseJsonLine(line);
    if (!msg) return { events: [] };
    const events: ExecutorEvent[] = [];
    const sessionId = sessionIdOf(msg);
    switch (msg.type) {
      case 'system':
        return { events, ...(msg.subtype === 'init' && sessionId ? { sessionId } : {}) };
      case 'assistant': {
        const content = (msg.message as { content?: Array<{ type?: string; text?: string }> })?.content ?? [];
        for (const c of content) if (c.type === 'text' && c.text) events.push({ type: 'text', text: c.text });
        return { events };
      }
      case 'tool_call': {
        const callId = String(msg.call_id ?? '');
        const [name, body] = unwrap(msg.tool_call);
        if (msg.subtype === 'started') events.push({ type: 'tool_call', callId, name, input: body.args ?? {} });
        else if (msg.subtype === 'completed') events.push({ type: 'tool_result', callId, ...resultText(body.result) });
        return { events };
      }
      case 'result': {
        const u = msg.usage as { inputTokens?: number; outputTokens?: number; input_tokens?: number; output_tokens?: number } | undefined;
        const input = u?.inputTokens ?? u?.input_tokens ?? 0;
        const output = u?.outputTokens ?? u?.output_tokens ?? 0;
        if (input || output) events.push({ type: 'usage', inputTokens: input, outputTokens: output });
        const error = msg.is_error === true ? (typeof msg.result === 'string' && msg.result) || String(msg.subtype ?? 'error') : undefined;
        return { events, ...(sessionId ? { sessionId } : {}), ...(error ? { error } : {}) };
      }
      default:
        return { events };
    }
  }
}
