/**
 * The usage parser on huge answers (issue 11): each provider's stream format — OpenAI Chat and
 * Responses, Anthropic, Google — carrying a tool call whose multi-megabyte argument (multi-byte
 * text) comes in one SSE event, split at awkward chunk boundaries: inside that line, inside a
 * UTF-8 character, between a CR and its LF, every few bytes. The events come out whole and the
 * usage is read, including from the events that carry both the huge argument and the usage
 * (Responses' `response.completed`, Gemini's last chunk). And the parser holds no event past its
 * bound.
 */
import { describe, expect, it } from 'vitest';
import type { ProviderAdapter } from '../src/gateway/adapter.ts';
import { anthropicAdapter } from '../src/gateway/anthropic.ts';
import { googleAdapter } from '../src/gateway/google.ts';
import { openaiAdapter } from '../src/gateway/openai.ts';
import type { Tokens } from '../src/gateway/pricing.ts';
import { SseParser } from '../src/gateway/sse.ts';
import { tapUsage } from '../src/gateway/usage-tap.ts';

/** ~1.5 MB (0.9M characters) of argument text with 2-, 3- and 4-byte characters all through it. */
const ARG = 'héllo ✓ 日本語 🚀 '.repeat(60_000);
const ARGS = JSON.stringify({ file_path: 'big.txt', content: ARG });

const data = (obj: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(obj)}\n\n`;

interface Format {
  name: string;
  adapter: ProviderAdapter;
  body: string;
  want: Tokens;
  /** The huge argument as it appears in the parsed events (first match). */
  argOf: (events: unknown[]) => string | undefined;
}

const formats: Format[] = [
  {
    name: 'openai chat',
    adapter: openaiAdapter,
    body: [
      data({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }], usage: null }),
      data({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'write_file', arguments: ARGS } }] }, finish_reason: null }], usage: null }),
      data({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage: null }),
      data({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 101, completion_tokens: 202, total_tokens: 303 } }),
      'data: [DONE]\n\n',
    ].join(''),
    want: { input: 101, output: 202 },
    argOf: (evs) => evs.map((e) => (e as { choices?: { delta?: { tool_calls?: { function: { arguments: string } }[] } }[] }).choices?.[0]?.delta?.tool_calls?.[0]?.function.arguments).find(Boolean),
  },
  {
    name: 'openai responses',
    adapter: openaiAdapter,
    body: [
      data({ type: 'response.created', response: { id: 'r1', status: 'in_progress', output: [], usage: null } }, 'response.created'),
      data({ type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: ARGS }, 'response.function_call_arguments.delta'),
      data({ type: 'response.function_call_arguments.done', item_id: 'fc_1', output_index: 0, arguments: ARGS }, 'response.function_call_arguments.done'),
      data({
        type: 'response.completed',
        response: {
          id: 'r1', status: 'completed', output: [{ id: 'fc_1', type: 'function_call', status: 'completed', arguments: ARGS, call_id: 'call_1', name: 'write_file' }],
          usage: { input_tokens: 303, output_tokens: 404, total_tokens: 707 },
        },
      }, 'response.completed'),
    ].join(''),
    want: { input: 303, output: 404 },
    argOf: (evs) => evs.map((e) => (e as { delta?: string }).delta).find(Boolean),
  },
  {
    name: 'anthropic',
    adapter: anthropicAdapter,
    body: [
      data({ type: 'message_start', message: { id: 'm1', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 505, output_tokens: 1 } } }, 'message_start'),
      data({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'Write', input: {} } }, 'content_block_start'),
      data({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: ARGS } }, 'content_block_delta'),
      data({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      data({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 606 } }, 'message_delta'),
      data({ type: 'message_stop' }, 'message_stop'),
    ].join(''),
    want: { input: 505, output: 606, cacheWrite: 0, cacheRead: 0 },
    argOf: (evs) => evs.map((e) => (e as { delta?: { partial_json?: string } }).delta?.partial_json).find(Boolean),
  },
  {
    // Gemini sends a call whole, in the last chunk with the final usage, and ends lines with CRLF.
    name: 'google',
    adapter: googleAdapter,
    body: [
      data({ candidates: [{ content: { parts: [{ text: 'Writing.' }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 707, candidatesTokenCount: 1 } }),
      data({
        candidates: [{ content: { parts: [{ functionCall: { name: 'write_file', args: JSON.parse(ARGS) } }], role: 'model' }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 707, candidatesTokenCount: 808, totalTokenCount: 1515 },
      }),
    ].join('').replaceAll('\n', '\r\n'),
    want: { input: 707, output: 808 },
    argOf: (evs) => evs.map((e) => {
      const args = (e as { candidates?: { content: { parts: { functionCall?: { args: unknown } }[] } }[] }).candidates?.[0]?.content.parts[0]?.functionCall?.args;
      return args ? JSON.stringify(args) : undefined;
    }).find(Boolean),
  },
];

/** The body's bytes cut at `cuts` (sorted byte offsets). */
function chunksAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > at) out.push(bytes.subarray(at, cut));
    at = Math.max(at, cut);
  }
  return out;
}

/** Awkward places: inside the huge line, inside each kind of multi-byte character, between CR and LF. */
function awkwardCuts(bytes: Uint8Array): number[] {
  const cuts = new Set<number>();
  const middle = Math.floor(bytes.length / 2);
  cuts.add(middle);
  for (const lead of [0xc3, 0xe2, 0xf0]) {
    // The first lead byte of a 2-, 3- and 4-byte character after the middle: cut after it, and inside.
    let i = middle;
    while (i < bytes.length && bytes[i] !== lead) i++;
    if (i < bytes.length) {
      cuts.add(i + 1);
      if (lead === 0xf0) cuts.add(i + 3);
    }
  }
  // Between each CR and its LF, and inside each line's field name ("dat" | "a:").
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] === 0x0d) cuts.add(i + 1);
    if (bytes[i] === 0x0a) cuts.add(i + 4);
  }
  return [...cuts].sort((a, b) => a - b);
}

function everyN(bytes: Uint8Array, n: number): number[] {
  const cuts: number[] = [];
  for (let i = n; i < bytes.length; i += n) cuts.push(i);
  return cuts;
}

const streamOf = (chunks: Uint8Array[]) => new ReadableStream<Uint8Array>({
  start(ctrl) {
    for (const c of chunks) ctrl.enqueue(c);
    ctrl.close();
  },
});

/** What the parser makes of the chunks, decoded as the tap decodes them. */
function parse(chunks: Uint8Array[]): unknown[] {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const events = chunks.flatMap((c) => parser.push(decoder.decode(c, { stream: true })));
  events.push(...parser.push(decoder.decode()), ...parser.end());
  return events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));
}

describe('huge answers through the usage parser', () => {
  for (const f of formats) {
    it(`${f.name}: a ${(ARGS.length / 1e6).toFixed(1)}M-character tool-call argument in one event, at awkward chunk boundaries`, async () => {
      const bytes = new TextEncoder().encode(f.body);
      const chunkings: [string, number[]][] = [
        ['awkward', awkwardCuts(bytes)],
        ['every 1,021 bytes', everyN(bytes, 1021)],
        ['every 16,383 bytes', everyN(bytes, 16_383)],
        ['whole', []],
      ];
      for (const [how, cuts] of chunkings) {
        const chunks = chunksAt(bytes, cuts);
        expect(await tapUsage(streamOf(chunks), 'text/event-stream', f.adapter.usageReader()), `${f.name}, ${how}`).toEqual(f.want);
        expect(f.argOf(parse(chunks)) === ARGS, `${f.name}, ${how}: the argument comes out whole`).toBe(true);
      }
    }, 60_000);
  }

  it('holds no event past its bound: an event over it stops the parser, what came before stands', () => {
    const parser = new SseParser(1000);
    const before = parser.push('data: {"usage":{"prompt_tokens":1}}\n\ndata: ');
    expect(before).toEqual([{ event: undefined, data: '{"usage":{"prompt_tokens":1}}' }]);
    for (let i = 0; i < 10; i++) expect(parser.push('x'.repeat(300))).toEqual([]);
    expect(parser.overflowed).toBe(true);
    expect(parser.push('\n\ndata: {"usage":{"prompt_tokens":2}}\n\n')).toEqual([]);
    expect(parser.end()).toEqual([]);
  });
});
