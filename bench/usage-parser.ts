/**
 * Benchmark: the gateway's usage parser on one huge answer (issue 11). A model answer whose tool
 * call carries an N MiB argument in one SSE event (OpenAI Chat, then the usage chunk), fed in
 * 16 KiB chunks as a socket delivers them, through the gateway's own `tapUsage` (eventsource-parser
 * underneath) — and through the parser it replaced (kept below, as it was) for comparison.
 *
 * Prints, per size (1, 2, 4, 8, 16 MiB), the time and the time per MiB, and the ratio of that
 * figure to the 1 MiB one of the same parser in the same run: ≈ 1 everywhere means linear; the old
 * parser's ratio grows with the size (it rebuilt and rescanned its whole buffer on every chunk).
 *
 *   node_modules/.bin/node bench/usage-parser.ts [--rounds 7] [--old-max-mib 16]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { UsageReader } from '../worker/src/gateway/usage-tap.ts';
import { tapUsage } from '../worker/src/gateway/usage-tap.ts';
import { median, reportRow } from './rows.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, 'old-max-mib': { type: 'string', default: '16' } } });
const ROUNDS = Number(values.rounds);
const OLD_MAX_MIB = Number(values['old-max-mib']);
const SIZES_MIB = [1, 2, 4, 8, 16];
const CHUNK = 16 * 1024;
const MiB = 1024 * 1024;

/** The answer's bytes: a tool call with `mib` MiB of argument in one `data:` line, then the usage chunk. */
function answer(mib: number): Uint8Array {
  const head = 'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"write_file","arguments":"';
  const tail = '"}}]},"finish_reason":null}],"usage":null}\n\n'
    + 'data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30}}\n\ndata: [DONE]\n\n';
  return new TextEncoder().encode(head + 'x'.repeat(mib * MiB) + tail);
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(ctrl) {
      if (at >= bytes.length) return ctrl.close();
      ctrl.enqueue(bytes.subarray(at, at + CHUNK));
      at += CHUNK;
    },
  });
}

/** OpenAI Chat's usage, as the gateway's reader takes it. */
function reader(): UsageReader {
  let tokens = { input: 0, output: 0 };
  const take = (b: unknown) => {
    const u = (b as { usage?: { prompt_tokens?: number; completion_tokens?: number } } | null)?.usage;
    if (u?.prompt_tokens !== undefined) tokens = { input: u.prompt_tokens, output: u.completion_tokens ?? 0 };
  };
  return { event: (_n, d) => take(d), json: take, tokens: () => tokens };
}

// ---- The parser the gateway used before issue 11 (worker/src/gateway/sse.ts + usage-tap.ts), as it was.

class OldSseParser {
  #buffer = '';
  #event: string | undefined;
  #data: string[] = [];

  push(text: string): { event: string | undefined; data: string }[] {
    const buf = this.#buffer + text;
    const out: { event: string | undefined; data: string }[] = [];
    const eol = /\r\n|\r|\n/g;
    let start = 0;
    for (let m = eol.exec(buf); m; m = eol.exec(buf)) {
      if (m[0] === '\r' && m.index === buf.length - 1) break;
      this.#line(buf.slice(start, m.index), out);
      start = m.index + m[0].length;
    }
    this.#buffer = buf.slice(start);
    return out;
  }

  end(): { event: string | undefined; data: string }[] {
    const out: { event: string | undefined; data: string }[] = [];
    if (this.#buffer) this.#line(this.#buffer, out);
    this.#buffer = '';
    this.#line('', out);
    return out;
  }

  #line(line: string, out: { event: string | undefined; data: string }[]): void {
    if (line === '') {
      if (this.#data.length) out.push({ event: this.#event, data: this.#data.join('\n') });
      this.#event = undefined;
      this.#data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
  }
}

async function oldTapUsage(body: ReadableStream<Uint8Array>, r: UsageReader) {
  const parser = new OldSseParser();
  const decoder = new TextDecoder();
  const onEvents = (events: { event: string | undefined; data: string }[]) => {
    for (const ev of events) {
      if (!ev.data.includes('"usage')) continue;
      try {
        r.event(ev.event, JSON.parse(ev.data));
      } catch { /* not JSON */ }
    }
  };
  const stream = body.getReader();
  for (;;) {
    const { done, value } = await stream.read();
    if (done) break;
    onEvents(parser.push(decoder.decode(value, { stream: true })));
  }
  onEvents([...parser.push(decoder.decode()), ...parser.end()]);
  return r.tokens();
}

// ---- Measure.

type Tap = (body: ReadableStream<Uint8Array>, r: UsageReader) => Promise<{ input: number; output: number }>;
const taps: [string, Tap, number][] = [
  ['new (eventsource-parser)', (b, r) => tapUsage(b, 'text/event-stream', r), ROUNDS],
  ['old (rescans its buffer)', oldTapUsage, 1],
];

async function timeOnce(tap: Tap, bytes: Uint8Array): Promise<number> {
  const t0 = performance.now();
  const got = await tap(streamOf(bytes), reader());
  const ms = performance.now() - t0;
  if (got.input !== 10 || got.output !== 20) throw new Error(`usage not read: ${JSON.stringify(got)}`);
  return ms;
}


console.log(`usage parser, one N MiB tool-call argument in one SSE event, ${CHUNK / 1024} KiB chunks (new: median of ${ROUNDS}; old: 1 run)`);
console.log('parser                      size     time ms   ms/MiB   ratio to 1 MiB');
for (const [name, tap, rounds] of taps) {
  await timeOnce(tap, answer(1)); // warm-up
  let base = 0;
  let largest = { mib: 0, perMib: 0 };
  for (const mib of SIZES_MIB) {
    if (name.startsWith('old') && mib > OLD_MAX_MIB) continue;
    const bytes = answer(mib);
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) times.push(await timeOnce(tap, bytes));
    const ms = median(times);
    const perMib = ms / mib;
    if (mib === 1) base = perMib;
    console.log(`${name.padEnd(26)} ${String(mib).padStart(3)} MiB ${ms.toFixed(1).padStart(10)} ${perMib.toFixed(1).padStart(8)}   ×${(perMib / base).toFixed(2)}`);
    largest = { mib, perMib };
  }
  // Linear means the time per MiB at the largest size stays near the 1 MiB figure.
  const linear = name.startsWith('new');
  reportRow('usage-parser', { measure: `${name}: time per MiB at ${largest.mib} MiB`, figure: `${largest.perMib.toFixed(1)} ms/MiB`,
    baseline: `at 1 MiB ${base.toFixed(1)} ms/MiB`, ratio: largest.perMib / base, ...(linear ? { goal: '≤ ×2 (linear)', met: largest.perMib / base <= 2 } : {}) });
}
