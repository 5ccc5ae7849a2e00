/**
 * Gemini CLI's `--output-format stream-json` lines → RunEvents (pure): `init` carries the session
 * id; assistant `message` lines carry text (deltas); `tool_use` / `tool_result` carry tool calls;
 * `result` carries the run's usage and, when its status is `error`, the reason; `error` lines are
 * warnings or the failure reason.
 */
import type { ExecutorEvent } from '../types.ts';
import type { ParsedLine, StreamParser } from '../cli/adapter.ts';
import { parseJsonLine, sessionIdOf } from '../cli/json-line.ts';

export class GeminiStreamParser implements StreamParser {
  parse(line: string): ParsedLine {
    const msg = parseJsonLine(line);
    if (!msg) return { events: [] };
    const events: ExecutorEvent[] = [];
    switch (msg.type) {
      case 'init': {
        const sessionId = sessionIdOf(msg);
        return sessionId ? { events, sessionId } : { events };
      }
      case 'message':
        if (msg.role === 'assistant' && typeof msg.content === 'string' && msg.content) events.push({ type: 'text', text: msg.content });
        return { events };
      case 'tool_use':
        events.push({ type: 'tool_call', callId: String(msg.tool_id ?? ''), name: String(msg.tool_name ?? 'tool'), input: msg.parameters ?? {} });
        return { events };
      case 'tool_result': {
        const err = msg.error as { message?: string } | undefined;
        const output = typeof msg.output === 'string' ? msg.output : err?.message ?? String(msg.status ?? '');
        events.push({ type: 'tool_result', callId: String(msg.tool_id ?? ''), output, isError: msg.status === 'error' });
        return { events };
      }
      case 'error': {
        const message = typeof msg.message === 'string' ? msg.message : 'error';
        if (msg.severity === 'error') return { events, error: message };
        events.push({ type: 'log', level: 'warn', message: `gemini-cli: ${message}` });
        return { events };
      }
      case 'result': {
        const s = msg.stats as { input_tokens?: number; output_tokens?: number } | undefined;
        if (s && (s.input_tokens || s.output_tokens)) events.push({ type: 'usage', inputTokens: s.input_tokens ?? 0, outputTokens: s.output_tokens ?? 0 });
        const err = msg.error as { message?: string } | undefined;
        return { events, ...(msg.status === 'error' ? { error: err?.message ?? 'gemini-cli reported an error' } : {}) };
      }
      default:
        return { events };
    }
  }
}
