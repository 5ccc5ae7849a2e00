/**
 * Codex's `codex exec --json` lines → RunEvents (pure): `thread.started` carries the thread id (the
 * session a follow-up resumes); `item.started` / `item.completed` carry agent messages, shell
 * commands, file changes, MCP and web-search calls; `turn.completed` carries the turn's usage;
 * `turn.failed` and top-level `error` lines carry the failure reason — except "Reconnecting... n/5",
 * Codex's note that it replays a stream cut mid-way (a warning; the run goes on).
 */
import type { ExecutorEvent } from '../types.ts';
import type { ParsedLine, StreamParser } from '../cli/adapter.ts';
import { parseJsonLine } from '../cli/json-line.ts';

interface Item {
  id?: string; type?: string; text?: string; message?: string;
  command?: string; aggregated_output?: string; exit_code?: number | null; status?: string;
  changes?: Array<{ path?: string; kind?: string }>;
  server?: string; tool?: string; arguments?: unknown; result?: unknown; error?: { message?: string } | null;
  query?: string;
}

const RECONNECTING = /^Reconnecting\.\.\. \d+\/\d+/;

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

export class CodexStreamParser implements StreamParser {
  /** Tool items whose call was already reported (at item.started). */
  #started = new Set<string>();

  #call(item: Item): ExecutorEvent | null {
    const id = item.id ?? '';
    switch (item.type) {
      case 'command_execution': return { type: 'tool_call', callId: id, name: 'shell', input: { command: item.command ?? '' } };
      case 'file_change': return { type: 'tool_call', callId: id, name: 'apply_patch', input: { changes: item.changes ?? [] } };
      case 'mcp_tool_call': return { type: 'tool_call', callId: id, name: `${item.server ?? 'mcp'}.${item.tool ?? 'tool'}`, input: item.arguments ?? {} };
      case 'web_search': return { type: 'tool_call', callId: id, name: 'web_search', input: { query: item.query ?? '' } };
      default: return null;
    }
  }

  #result(item: Item): ExecutorEvent | null {
    const callId = item.id ?? '';
    switch (item.type) {
      case 'command_execution':
        return { type: 'tool_result', callId, output: item.aggregated_output ?? '', isError: item.status === 'failed' || (typeof item.exit_code === 'number' && item.exit_code !== 0) };
      case 'file_change':
        return { type: 'tool_result', callId, output: (item.changes ?? []).map((c) => `${c.kind ?? 'update'} ${c.path ?? ''}`).join('\n'), isError: item.status === 'failed' };
      case 'mcp_tool_call':
        return { type: 'tool_result', callId, output: item.error?.message ?? str(item.result), isError: item.status === 'failed' || !!item.error };
      case 'web_search':
        return { type: 'tool_result', callId, output: '', isError: false };
      default: return null;
    }
  }

  parse(line: string): ParsedLine {
    const msg = parseJsonLine(line);
    if (!msg) return { events: [] };
    const events: ExecutorEvent[] = [];
    switch (msg.type) {
      case 'thread.started':
        return typeof msg.thread_id === 'string' ? { events, sessionId: msg.thread_id } : { events };
      case 'item.started': {
        const item = (msg.item ?? {}) as Item;
        const call = this.#call(item);
        if (call && item.id) {
          this.#started.add(item.id);
          events.push(call);
        }
        return { events };
      }
      case 'item.completed': {
        const item = (msg.item ?? {}) as Item;
        if (item.type === 'agent_message' && item.text) return { events: [{ type: 'text', text: item.text }] };
        if (item.type === 'error' && item.message) return { events: [{ type: 'log', level: 'warn', message: `codex: ${item.message}` }] };
        const call = this.#call(item);
        if (call && !this.#started.has(item.id ?? '')) events.push(call);
        const result = this.#result(item);
        if (result) events.push(result);
        return { events };
      }
      case 'turn.completed': {
        const u = msg.usage as { input_tokens?: number; output_tokens?: number } | undefined;
        if (u) events.push({ type: 'usage', inputTokens: u.input_tokens ?? 0, outputTokens: u.output_tokens ?? 0 });
        return { events };
      }
      case 'turn.failed':
        return { events, error: (msg.error as { message?: string } | undefined)?.message ?? 'turn failed' };
      case 'error': {
        const message = typeof msg.message === 'string' ? msg.message : 'error';
        // Codex replays a cut stream itself (up to 5 times) and says so with an `error` line
        // ("Reconnecting... 1/5 (stream disconnected …)"); it failed only if a final error follows.
        if (RECONNECTING.test(message)) return { events: [{ type: 'log', level: 'warn', message: `codex: ${message}` }] };
        return { events, error: message };
      }
      default:
        return { events };
    }
  }
}
