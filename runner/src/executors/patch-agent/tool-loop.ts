/**
 * The patch agent's one tool loop, shared by every wire API: per turn it streams the model's text
 * (as `text` events) through the adapter, reports the turn's `usage`, runs the tools the model
 * called (`tool_call` / `tool_result`), hands the results back, and stops when the model answers
 * without tools. A stream that breaks mid-turn replays the turn (bounded); turn and token budgets
 * and tool paths that break policy end the run with a clear reason. Each finished turn is reported as a
 * `turn` event; a resumed run first replays the turns an earlier assignment finished (resume.ts).
 */
import { ExecutorError, PolicyViolationError, type ExecutorEvent } from '../types.ts';
import type { ModelAdapter, ModelTurn, ToolResult } from './adapters/model-adapter.ts';
import { replayTurns, turnEvent, type ResumePlan } from './resume.ts';
import { runTool } from './tools.ts';

/** How often one turn's stream may break before the run fails, and the pause between tries. */
const STREAM_ATTEMPTS = 3;
const STREAM_RETRY_MS = 250;

export interface LoopLimits { maxTurns: number; maxTokens: number }

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

function parseInput(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** One turn, with the stream-cut retry; yields text deltas as events and returns the turn. */
async function* oneTurn(adapter: ModelAdapter, turn: number, signal: AbortSignal): AsyncGenerator<ExecutorEvent, ModelTurn> {
  for (let attempt = 1; ; attempt++) {
    const stream = adapter.streamTurn(signal);
    try {
      for (;;) {
        const next = await stream.next();
        if (next.done) return next.value;
        yield { type: 'text', text: next.value };
      }
    } catch (e) {
      // Refusals (ExecutorError) and cancels are final; only a broken stream is retried. The
      // adapter changed nothing then, so the retry sends the same conversation; the text already
      // shown stays shown.
      if (signal.aborted || e instanceof ExecutorError) throw e;
      if (attempt >= STREAM_ATTEMPTS) throw new ExecutorError(`model stream broke ${attempt} times in turn ${turn}: ${(e as Error).message}`);
      yield { type: 'log', level: 'warn', message: `model stream interrupted (${(e as Error).message}); retrying turn ${turn} (${attempt + 1}/${STREAM_ATTEMPTS})` };
      await sleep(STREAM_RETRY_MS * attempt, signal);
    } finally {
      await stream.return?.(undefined as never)?.catch?.(() => {});
    }
  }
}

/** Where a run starts: the workspace's base commit (recorded in each `turn` event) and a resume, if any. */
export interface LoopStart { baseCommit?: string; resume?: ResumePlan | null }

export async function* runToolLoop(adapter: ModelAdapter, root: string, limits: LoopLimits, signal: AbortSignal, start: LoopStart = {}): AsyncGenerator<ExecutorEvent> {
  const ctx = { root, violations: [] as string[] };
  const replayed = start.resume?.turns ?? [];
  if (start.resume) yield { type: 'log', level: 'info', message: start.resume.note };
  // Replayed turns count against both budgets: they are turns of this run.
  let tokens = await replayTurns(adapter, ctx, replayed, signal);
  for (let turn = replayed.length + 1; turn <= limits.maxTurns; turn++) {
    const result = yield* oneTurn(adapter, turn, signal);
    if (result.usage) {
      yield { type: 'usage', inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens };
      tokens += result.usage.inputTokens + result.usage.outputTokens;
    }
    if (result.calls.length === 0) return;
    if (tokens > limits.maxTokens) {
      throw new ExecutorError(`token budget exhausted: used ${tokens} of ${limits.maxTokens} tokens before the agent finished`);
    }
    const results: ToolResult[] = [];
    for (const call of result.calls) {
      if (signal.aborted) return;
      yield { type: 'tool_call', callId: call.id, name: call.name, input: parseInput(call.args) };
      const out = await runTool(ctx, call.name, call.args);
      yield { type: 'tool_result', callId: call.id, output: out.output, isError: out.isError };
      results.push({ call, ...out });
      // A path escape fails the run at once: nothing it did afterwards could be pushed.
      if (ctx.violations.length > 0) throw new PolicyViolationError(`policy: ${ctx.violations[0]}`);
    }
    adapter.addToolResults(results);
    // The turn is finished: what a later assignment of this run continues from (resume.ts).
    yield turnEvent(turn, result, start.baseCommit);
  }
  throw new ExecutorError(`turn limit reached: the agent used all ${limits.maxTurns} turns without finishing`);
}
