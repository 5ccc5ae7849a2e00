/**
 * Each CLI's stream parser on recorded output: Claude Code, Codex and Gemini CLI lines were
 * captured from the real CLIs (versions pinned in scripts/install-clis.ts) against local fakes;
 * the Cursor agent's are written in its documented stream-json format (its backend cannot be faked).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StreamParser } from '../src/executors/cli/adapter.ts';
import type { ExecutorEvent } from '../src/executors/types.ts';
import { ClaudeStreamParser } from '../src/executors/claude-code/stream-parser.ts';
import { CodexStreamParser } from '../src/executors/codex/stream-parser.ts';
import { GeminiStreamParser } from '../src/executors/gemini-cli/stream-parser.ts';
import { CursorStreamParser } from '../src/executors/cursor-agent/stream-parser.ts';

function run(parser: StreamParser, fixture: string) {
  const lines = readFileSync(join(import.meta.dirname, 'fixtures', 'cli', fixture), 'utf8').split('\n').filter(Boolean);
  const events: ExecutorEvent[] = [];
  const sessions: string[] = [];
  const errors: string[] = [];
  for (const line of lines) {
    const p = parser.parse(line);
    events.push(...p.events);
    if (p.sessionId) sessions.push(p.sessionId);
    if (p.error) errors.push(p.error);
  }
  return { events, sessions: [...new Set(sessions)], errors };
}

describe('claude-code stream parser', () => {
  it('maps init, text, Write tool call, its result and the total usage', () => {
    const r = run(new ClaudeStreamParser(), 'claude-code-edit.jsonl');
    expect(r.sessions).toEqual(['460f7e11-57ff-4006-8f1b-656ae6e12ad2']);
    expect(r.errors).toEqual([]);
    expect(r.events).toEqual([
      { type: 'text', text: 'Writing the file.' },
      { type: 'tool_call', callId: 'toolu_1', name: 'Write', input: { file_path: '/tmp/exp/ws1/hello.txt', content: 'hi\n' } },
      { type: 'tool_result', callId: 'toolu_1', output: expect.stringContaining('File created successfully'), isError: false },
      { type: 'text', text: 'Done.' },
      { type: 'usage', inputTokens: 201, outputTokens: 25 },
    ]);
  });

  it('reports denied git commands as failed tool results', () => {
    const r = run(new ClaudeStreamParser(), 'claude-code-git-denied.jsonl');
    const results = r.events.filter((e) => e.type === 'tool_result');
    expect(results).toHaveLength(3);
    expect(results.every((e) => e.type === 'tool_result' && e.isError)).toBe(true);
    expect(results[0]).toMatchObject({ output: 'Permission to use Bash with command git commit --allow-empty -m evil has been denied.' });
  });

  it('turns an error result (session gone) into the failure reason', () => {
    const r = run(new ClaudeStreamParser(), 'claude-code-resume-missing.jsonl');
    expect(r.events).toEqual([]);
    expect(r.errors).toEqual(['No conversation found with session ID: 460f7e11-57ff-4006-8f1b-656ae6e12ad2']);
  });

  it('ignores lines that are not JSON objects', () => {
    const p = new ClaudeStreamParser();
    expect(p.parse('not json')).toEqual({ events: [] });
    expect(p.parse('[1,2]')).toEqual({ events: [] });
    expect(p.parse('{"type":"stream_event"}')).toEqual({ events: [] });
  });
});

describe('codex stream parser', () => {
  it('maps thread id, messages, the shell command and its result, and the turn usage', () => {
    const r = run(new CodexStreamParser(), 'codex-edit.jsonl');
    expect(r.sessions).toEqual(['01a2013b-3685-7e61-86e9-1516e33bf492']);
    expect(r.errors).toEqual([]);
    expect(r.events).toEqual([
      { type: 'log', level: 'warn', message: expect.stringContaining('Model metadata for `gpt-fake` not found') },
      { type: 'text', text: 'Writing.' },
      { type: 'tool_call', callId: 'item_2', name: 'shell', input: { command: '/bin/bash -lc "printf \\"hi\\\\n\\" > hello.txt"' } },
      { type: 'tool_result', callId: 'item_2', output: '', isError: false },
      { type: 'text', text: 'Done.' },
      { type: 'usage', inputTokens: 103, outputTokens: 14 },
    ]);
  });

  it('marks a failed command (read-only .git) as an error result', () => {
    const r = run(new CodexStreamParser(), 'codex-git-denied.jsonl');
    const result = r.events.find((e) => e.type === 'tool_result');
    expect(result).toMatchObject({ isError: true, output: expect.stringContaining('Read-only file system') });
  });

  it("takes Codex's own replay of a cut stream ('Reconnecting... 1/5', recorded) as a warning, not the run's failure", () => {
    const r = run(new CodexStreamParser(), 'codex-stream-cut.jsonl');
    expect(r.errors).toEqual([]);
    expect(r.events).toContainEqual({ type: 'log', level: 'warn', message: 'codex: Reconnecting... 1/5 (stream disconnected before completion: Transport error: network error: error decoding response body)' });
    expect(r.events.filter((e) => e.type === 'tool_result')).toEqual([expect.objectContaining({ isError: false })]);
  });

  it('reports file changes, turn failures and stream errors', () => {
    const p = new CodexStreamParser();
    expect(p.parse(JSON.stringify({ type: 'item.completed', item: { id: 'i1', type: 'file_change', changes: [{ path: 'a.txt', kind: 'add' }], status: 'completed' } })).events).toEqual([
      { type: 'tool_call', callId: 'i1', name: 'apply_patch', input: { changes: [{ path: 'a.txt', kind: 'add' }] } },
      { type: 'tool_result', callId: 'i1', output: 'add a.txt', isError: false },
    ]);
    expect(p.parse(JSON.stringify({ type: 'turn.failed', error: { message: 'budget exceeded' } })).error).toBe('budget exceeded');
    expect(p.parse(JSON.stringify({ type: 'error', message: 'stream disconnected' })).error).toBe('stream disconnected');
  });
});

describe('gemini-cli stream parser', () => {
  it('maps init, text deltas, write_file and its result, and the usage', () => {
    const r = run(new GeminiStreamParser(), 'gemini-cli-edit.jsonl');
    expect(r.sessions).toEqual(['cfcd394e-9d11-403a-9c83-1f41e0167a23']);
    expect(r.errors).toEqual([]);
    expect(r.events).toEqual([
      { type: 'text', text: 'Writing.' },
      { type: 'tool_call', callId: 'write_file__write_file_1795317022440_0', name: 'write_file', input: { file_path: '/tmp/exp/gws1/hello.txt', content: 'hi\n' } },
      { type: 'tool_result', callId: 'write_file__write_file_1795317022440_0', output: 'success', isError: false },
      { type: 'text', text: 'Done.' },
      { type: 'usage', inputTokens: 83, outputTokens: 12 },
    ]);
  });

  it('reports commands denied by the policy file as errors', () => {
    const r = run(new GeminiStreamParser(), 'gemini-cli-git-denied.jsonl');
    const results = r.events.filter((e) => e.type === 'tool_result');
    expect(results).toEqual([
      expect.objectContaining({ isError: true, output: 'Tool execution denied by policy.' }),
      expect.objectContaining({ isError: true, output: 'Tool execution denied by policy.' }),
    ]);
  });

  it('turns an error result and error lines into reasons or warnings', () => {
    const p = new GeminiStreamParser();
    expect(p.parse(JSON.stringify({ type: 'result', status: 'error', error: { type: 'api', message: 'quota' }, stats: {} })).error).toBe('quota');
    expect(p.parse(JSON.stringify({ type: 'error', severity: 'warning', message: 'loop detected' })).events).toEqual([{ type: 'log', level: 'warn', message: 'gemini-cli: loop detected' }]);
    expect(p.parse(JSON.stringify({ type: 'error', severity: 'error', message: 'fatal' })).error).toBe('fatal');
  });
});

describe('cursor-agent stream parser', () => {
  it('maps init, text, read/write/shell tool calls (started/completed) and the chat id', () => {
    const r = run(new CursorStreamParser(), 'cursor-agent-edit.jsonl');
    expect(r.sessions).toEqual(['c6b62c6f-7ead-4fd6-9922-e952131177ff']);
    expect(r.errors).toEqual([]);
    expect(r.events).toEqual([
      { type: 'text', text: "I'll read the file first." },
      { type: 'tool_call', callId: 'toolu_vrtx_01', name: 'read', input: { path: 'hello.txt' } },
      { type: 'tool_result', callId: 'toolu_vrtx_01', output: 'one\n', isError: false },
      { type: 'tool_call', callId: 'toolu_vrtx_02', name: 'write', input: { path: 'hello.txt', fileText: 'one\nhello\n', toolCallId: 'toolu_vrtx_02' } },
      { type: 'tool_result', callId: 'toolu_vrtx_02', output: expect.stringContaining('"linesCreated":2'), isError: false },
      { type: 'tool_call', callId: 'toolu_vrtx_03', name: 'shell', input: { command: 'git commit -am greeting' } },
      { type: 'tool_result', callId: 'toolu_vrtx_03', output: expect.stringContaining('Denied by permissions'), isError: true },
      { type: 'text', text: 'Added a greeting line to hello.txt.' },
    ]);
  });

  it('turns an error result into the failure reason', () => {
    const r = run(new CursorStreamParser(), 'cursor-agent-error.jsonl');
    expect(r.errors).toEqual(['Usage limit reached for this billing period']);
  });

  it('maps generic function tool calls and usage when present', () => {
    const p = new CursorStreamParser();
    expect(p.parse(JSON.stringify({ type: 'tool_call', subtype: 'started', call_id: 'c1', tool_call: { function: { name: 'grep', arguments: '{"q":"x"}' } } })).events)
      .toEqual([{ type: 'tool_call', callId: 'c1', name: 'grep', input: '{"q":"x"}' }]);
    expect(p.parse(JSON.stringify({ type: 'result', subtype: 'success', is_error: false, result: 'ok', session_id: 's', usage: { inputTokens: 10, outputTokens: 2 } })).events)
      .toEqual([{ type: 'usage', inputTokens: 10, outputTokens: 2 }]);
  });
});
