/**
 * The patch agent (docs/architecture.md §3): dursor's own multi-turn tool loop (tool-loop.ts) over the official
 * SDKs, pointed at the Worker's LLM gateway (`${gatewayBaseUrl}${gatewayPath}`) with the per-run
 * token as its key. This module checks the spec and picks the wire adapter: Anthropic Messages
 * (`@anthropic-ai/sdk`), Gemini (`@google/genai`), or for openai / openai-compatible profiles
 * Chat Completions (default) or the Responses API (`wireApi: 'responses'`) on the `openai` SDK.
 */
import type { ExecutorSpec } from '../../../../protocol/src/index.ts';
import { ExecutorError, type Executor, type ExecutorEvent, type ExecutorRequest } from '../types.ts';
import type { AdapterInit, ModelAdapter } from './adapters/model-adapter.ts';
import { AnthropicAdapter } from './adapters/anthropic.ts';
import { GoogleAdapter } from './adapters/google.ts';
import { OpenAIChatAdapter } from './adapters/openai-chat.ts';
import { OpenAIResponsesAdapter } from './adapters/openai-responses.ts';
import { seedConversation, SYSTEM_PROMPT } from './prompt.ts';
import { planResume } from './resume.ts';
import { runToolLoop } from './tool-loop.ts';

function adapterFor(spec: ExecutorSpec, init: AdapterInit): ModelAdapter {
  switch (spec.provider ?? 'openai-compatible') {
    case 'anthropic': return new AnthropicAdapter(init);
    case 'google': return new GoogleAdapter(init);
    case 'openai':
    case 'openai-compatible':
      return spec.wireApi === 'responses' ? new OpenAIResponsesAdapter(init) : new OpenAIChatAdapter(init);
    default:
      throw new ExecutorError(`patch-agent cannot run on a ${spec.provider} model profile (it speaks openai, openai-compatible, anthropic and google)`);
  }
}

export class PatchAgent implements Executor {
  async *run(req: ExecutorRequest, signal: AbortSignal): AsyncGenerator<ExecutorEvent> {
    const model = req.spec.model;
    if (!model) throw new ExecutorError('patch-agent needs a model in the executor spec');
    if (!req.spec.gatewayPath) throw new ExecutorError('patch-agent needs the LLM gateway path in the executor spec');
    const adapter = adapterFor(req.spec, {
      baseURL: `${req.gatewayBaseUrl}${req.spec.gatewayPath}`,
      apiKey: req.runToken,
      model,
      system: SYSTEM_PROMPT,
      seed: seedConversation(req.history, req.instruction),
    });
    yield* runToolLoop(adapter, req.workspaceDir, req.limits, signal, { baseCommit: req.baseCommit, resume: planResume(req.resume, req.baseCommit) });
  }
}
