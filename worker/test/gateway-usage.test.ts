/**
 * The gateway's stream pieces on their own: the SSE parser under any chunking, each provider's
 * usage reader fed its wire body one byte at a time (multi-byte text split mid-character), a
 * stream that breaks off, and the integer cost math.
 */
import { describe, expect, it } from 'vitest';
import { anthropicAdapter } from '../src/gateway/anthropic.ts';
import { googleAdapter, modelFromPath } from '../src/gateway/google.ts';
import { openaiAdapter } from '../src/gateway/openai.ts';
import { costMicros, formatUsd } from '../src/gateway/pricing.ts';
import { SseParser } from '../src/gateway/sse.ts';
import { tapUsage } from '../src/gateway/usage-tap.ts';
import { wire } from './gateway-fixtures.ts';

function streamOf(text: string, chunkBytes: number, breakAfter?: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(ctrl) {
      if (breakAfter !== undefined && at >= breakAfter) return ctrl.error(new Error('connection reset'));
      if (at >= bytes.length) return ctrl.close();
      ctrl.enqueue(bytes.slice(at, at + chunkBytes));
      at += chunkBytes;
    },
  });
}

describe('SseParser', () => {
  it('yields the same events however the text is split, for LF, CRLF and CR line ends', () => {
    const text = ': comment\nevent: a\ndata: {"x":1}\ndata: {"y":2}\n\nid: 7\ndata: plain\r\n\r\nevent: b\rdata:no-space\r\rdata: last';
    const expected = [
      { event: 'a', data: '{"x":1}\n{"y":2}' },
      { event: undefined, data: 'plain' },
      { event: 'b', data: 'no-space' },
      { event: undefined, data: 'last' },
    ];
    for (const size of [1, 2, 3, 7, text.length]) {
      const p = new SseParser();
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...p.push(text.slice(i, i + size)));
      got.push(...p.end());
      expect(got, `chunks of ${size}`).toEqual(expected);
    }
  });
});

describe('usage readers', () => {
  const sse = 'text/event-stream';
  it('read each provider’s usage from its stream fed byte by byte', async () => {
    const cases = [
      [openaiAdapter, wire.openaiChat('héllo ✓', { prompt_tokens: 11, completion_tokens: 22 }), { input: 11, output: 22 }],
      [openaiAdapter, wire.responses('日本語', { input_tokens: 33, output_tokens: 44 }), { input: 33, output: 44 }],
      [anthropicAdapter, wire.anthropic('ünïcode 🚀', { input_tokens: 55, output_tokens: 66 }), { input: 55, output: 66, cacheWrite: 0, cacheRead: 0 }],
      // Prompt-cache tokens are input the call processed (Claude Code caches its long system prompt).
      [anthropicAdapter, wire.anthropic('cached', { input_tokens: 10, cache_creation_input_tokens: 200, cache_read_input_tokens: 3000, output_tokens: 5 }),
        { input: 3210, output: 5, cacheWrite: 200, cacheRead: 3000 }],
      [googleAdapter, wire.gemini('ok ✓', { promptTokenCount: 77, candidatesTokenCount: 88 }), { input: 77, output: 88 }],
      // Thinking models bill their thoughts as output.
      [googleAdapter, wire.gemini('thought', { promptTokenCount: 7, candidatesTokenCount: 8, thoughtsTokenCount: 90 }), { input: 7, output: 98 }],
    ] as const;
    for (const [adapter, chunks, want] of cases) {
      expect(await tapUsage(streamOf(chunks.join(''), 1), sse, adapter.usageReader()), adapter.family).toEqual(want);
    }
  });

  it('keep what was seen when the stream breaks off, and ignore bodies that are not JSON', async () => {
    const text = wire.anthropic('x', { input_tokens: 5, output_tokens: 9 }).join('');
    const cut = text.indexOf('event: content_block_delta');
    expect(await tapUsage(streamOf(text, 16, cut), sse, anthropicAdapter.usageReader())).toEqual({ input: 5, output: 1, cacheWrite: 0, cacheRead: 0 });
    expect(await tapUsage(streamOf('<html>bad gateway</html>', 4), 'text/html', openaiAdapter.usageReader())).toEqual({ input: 0, output: 0 });
    expect(await tapUsage(streamOf('data: {"usage": nope}\n\n', 4), sse, openaiAdapter.usageReader())).toEqual({ input: 0, output: 0 });
  });

  it('gemini model from the URL path', () => {
    expect(modelFromPath('/v1beta/models/gemini-2.5-pro:streamGenerateContent')).toBe('gemini-2.5-pro');
    expect(modelFromPath('/v1beta/models/gemini-2.5-flash-lite:generateContent')).toBe('gemini-2.5-flash-lite');
    expect(modelFromPath('/v1beta/tunedModels/my-model:generateContent')).toBe('tunedModels/my-model');
    expect(modelFromPath('/v1beta/models')).toBeUndefined();
  });
});

describe('pricing', () => {
  it('is exact integer math, rounded up, and free without a price', () => {
    const price = { provider: 'openai', model: 'm', inputMicrosPerMTok: 150_000, outputMicrosPerMTok: 600_000, updatedAt: 0 };
    expect(costMicros({ input: 1234, output: 56 }, price)).toBe(219);
    expect(costMicros({ input: 0, output: 0 }, price)).toBe(0);
    expect(costMicros({ input: 1, output: 0 }, price)).toBe(1);
    expect(costMicros({ input: 1_000_000, output: 0 }, price)).toBe(150_000);
    const huge = { ...price, inputMicrosPerMTok: 10_000_000_000, outputMicrosPerMTok: 10_000_000_000 };
    expect(costMicros({ input: 9_999_999, output: 9_999_999 }, huge)).toBe(199_999_980_000);
    expect(costMicros({ input: 5, output: 5 }, undefined)).toBe(0);
    // Cache writes cost 1.25× and reads 0.1× the input price: 1M written + 1M read = 1.35M plain.
    expect(costMicros({ input: 3_000_000, output: 0, cacheWrite: 1_000_000, cacheRead: 1_000_000 }, price)).toBe(150_000 + 187_500 + 15_000);
    expect([formatUsd(219), formatUsd(500_000), formatUsd(1_250_000), formatUsd(0)]).toEqual(['$0.000219', '$0.5', '$1.25', '$0']);
  });
});
