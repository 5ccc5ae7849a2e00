/**
 * The patch agent (DESIGN §3): dursor's own multi-turn tool loop over the official `openai` SDK,
 * pointed at the Worker's LLM gateway with the per-run token as its key. Each turn streams the
 * model's text (as `text` events) and tool-call deltas, assembles the calls, runs the tools
 * (`tool_call` / `tool_result`), feeds the results back, and stops when the model answers
 * without tools. Turn and token budgets end the run with a clear reason; the AbortSignal is
 * passed to the SDK so a cancel interrupts a streaming request at once.
 */
import OpenAI from 'openai';
import { ExecutorError, PolicyViolationError, type Executor, type ExecutorEvent, type ExecutorRequest } from '../types.ts';
import { runTool, TOOL_DEFINITIONS } from './tools.ts';

const SYSTEM = `You are dursor's coding agent working in a git repository checked out in your workspace.
Use the tools to inspect and change files. Paths are relative to the repository root; never use
absolute paths or leave the repository, and do not touch .git. Make the smallest change that fully
does what the user asks. dursor commits and pushes your changes itself: do not describe git
commands. When you are done, reply with a short summary of what you changed and no tool calls.`;

interface PendingCall { id: string; name: string; args: string }

/** How often one turn's stream may break before the run fails, and the pause between tries. */
const STREAM_ATTEMPTS = 3;
const STREAM_RETRY_MS = 250;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

export class PatchAgent implements Executor {
  async *run(req: ExecutorRequest, signal: AbortSignal): AsyncGenerator<ExecutorEvent> {
    const model = req.spec.model;
    if (!model) throw new ExecutorError('patch-agent needs a model in the executor spec');
    if (!req.spec.gatewayPath) throw new ExecutorError('patch-agent needs the LLM gateway path in the executor spec');
    const client = new OpenAI({ baseURL: `${req.gatewayBaseUrl}${req.spec.gatewayPath}`, apiKey: req.runToken, maxRetries: 2, timeout: 300_000 });
    const ctx = { root: req.workspaceDir, violations: [] as string[] };
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: req.instruction },
    ];
    let tokens = 0;

    for (let turn = 1; turn <= req.limits.maxTurns; turn++) {
      let text = '';
      let calls: PendingCall[] = [];
      let usage: OpenAI.CompletionUsage | null | undefined;
      // A stream cut mid-turn (network drop, proxy restart) replays the whole turn: the request is
      // the same conversation, so nothing of the cut attempt is kept but the text already shown.
      for (let attempt = 1; ; attempt++) {
        text = '';
        calls = [];
        usage = undefined;
        try {
          const stream = await this.#create(client, model, messages, signal);
          for await (const chunk of stream) {
            if (chunk.usage) usage = chunk.usage;
            const delta = chunk.choices[0]?.delta;
            if (!delta) continue;
            if (delta.content) {
              text += delta.content;
              yield { type: 'text', text: delta.content };
            }
            for (const tc of delta.tool_calls ?? []) {
              const c = (calls[tc.index] ??= { id: '', name: '', args: '' });
              if (tc.id) c.id = tc.id;
              if (tc.function?.name) c.name += tc.function.name;
              if (tc.function?.arguments) c.args += tc.function.arguments;
            }
          }
          break;
        } catch (e) {
          // Refusals (#create wraps API errors) and cancels are final; only a broken stream is retried.
          if (signal.aborted || e instanceof ExecutorError) throw e;
          if (attempt >= STREAM_ATTEMPTS) throw new ExecutorError(`model stream broke ${attempt} times in turn ${turn}: ${(e as Error).message}`);
          yield { type: 'log', level: 'warn', message: `model stream interrupted (${(e as Error).message}); retrying turn ${turn} (${attempt + 1}/${STREAM_ATTEMPTS})` };
          await sleep(STREAM_RETRY_MS * attempt, signal);
        }
      }
      if (usage) {
        yield { type: 'usage', inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
        tokens += usage.prompt_tokens + usage.completion_tokens;
      }
      const toolCalls = calls.filter(Boolean).map((c, i) => ({ ...c, id: c.id || `call_${turn}_${i}` }));
      messages.push({
        role: 'assistant',
        content: text || null,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.args } })) } : {}),
      });
      if (toolCalls.length === 0) return;
      if (tokens > req.limits.maxTokens) {
        throw new ExecutorError(`token budget exhausted: used ${tokens} of ${req.limits.maxTokens} tokens before the agent finished`);
      }
      for (const call of toolCalls) {
        if (signal.aborted) return;
        yield { type: 'tool_call', callId: call.id, name: call.name, input: parseInput(call.args) };
        const result = await runTool(ctx, call.name, call.args);
        yield { type: 'tool_result', callId: call.id, output: result.output, isError: result.isError };
        messages.push({ role: 'tool', tool_call_id: call.id, content: result.output });
        // A path escape fails the run at once: nothing it did afterwards could be pushed.
        if (ctx.violations.length > 0) throw new PolicyViolationError(`policy: ${ctx.violations[0]}`);
      }
    }
    throw new ExecutorError(`turn limit reached: the agent used all ${req.limits.maxTurns} turns without finishing`);
  }

  async #create(client: OpenAI, model: string, messages: OpenAI.ChatCompletionMessageParam[], signal: AbortSignal) {
    try {
      return await client.chat.completions.create(
        { model, messages, tools: TOOL_DEFINITIONS, stream: true, stream_options: { include_usage: true } },
        { signal },
      );
    } catch (e) {
      if (signal.aborted) throw e;
      if (e instanceof OpenAI.APIError) throw new ExecutorError(`model call failed: ${e.status ?? ''} ${e.message}`.replace(/\s+/g, ' ').trim());
      throw new ExecutorError(`model call failed: ${(e as Error).message}`);
    }
  }
}

function parseInput(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}
