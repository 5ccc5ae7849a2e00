/**
 * Claude Code's `--output-format stream-json --verbose` lines → RunEvents (pure):
 * `system/init` carries the session id; `assistant` messages carry text and `tool_use` blocks;
 * `user` messages carry `tool_result` blocks; the final `result` line carries the run's total
 * usage (the per-message usage in the stream is the message_start snapshot, not the final count)
 * and, when `is_error`, the reason.
 */
import type { ExecutorEvent } from '../types.ts';
import type { ParsedLine, StreamParser } from '../cli/adapter.ts';
import { parseJsonLine, sessionIdOf } from '../cli/json-line.ts';

interface Block { type?: string; text?: string; id?: string; name?: string; input?: unknown; tool_use_id?: string; content?: unknown; is_error?: boolean }

function toolOutput(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((c: { type?: string; text?: string }) => (c?.type === 'text' ? c.text ?? '' : `[${c?.type ?? 'content'}]`)).join('\n');
  }
  return content === undefined ? '' : JSON.stringify(content);
}

export class ClaudeStreamParser implements StreamParser {
  parse(line: string): ParsedLine {
    const msg = parseJsonLine(line);
    if (!msg) return { events: [] };
    const events: ExecutorEvent[] = [];
    const sessionId = sessionIdOf(msg);
    switch (msg.type) {
      case 'system':
        return { events, ...(msg.subtype === 'init' && sessionId ? { sessionId } : {}) };
      case 'assistant': {
        const content = ((msg.message as { content?: Block[] })?.content ?? []) as Block[];
        for (const b of content) {
          if (b.type === 'text' && b.text) events.push({ type: 'text', text: b.text });
          else if (b.type === 'tool_use' && b.id && b.name) events.push({ type: 'tool_call', callId: b.id, name: b.name, input: b.input ?? {} });
        }
        return { events };
      }
      case 'user': {
        const content = (msg.message as { content?: unknown })?.content;
        if (!Array.isArray(content)) return { events };
        for (const b of content as Block[]) {
          if (b.type === 'tool_result' && b.tool_use_id) events.push({ type: 'tool_result', callId: b.tool_use_id, output: toolOutput(b.content), isError: b.is_error === true });
        }
        return { events };
      }
      case 'result': {
        const u = msg.usage as Record<string, number> | undefined;
        if (u && typeof u.input_tokens === 'number') {
          const input = u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
          if (input > 0 || (u.output_tokens ?? 0) > 0) events.push({ type: 'usage', inputTokens: input, outputTokens: u.output_tokens ?? 0 });
        }
        let error: string | undefined;
        if (msg.is_error === true) {
          const errs = Array.isArray(msg.errors) ? (msg.errors as unknown[]).map(String) : [];
          error = errs.join('; ') || (typeof msg.result === 'string' && msg.result) || String(msg.subtype ?? 'error');
        }
        return { events, ...(sessionId ? { sessionId } : {}), ...(error ? { error } : {}) };
      }
      default:
        return { events };
    }
  }
}
