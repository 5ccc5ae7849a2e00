/**
 * The executor spec of a fake assignment: what TaskRoom would put there for the agent a test asks
 * for — the provider its model profile would have and the gateway path of that provider.
 */
import type { ExecutorSpec } from '../../protocol/src/index.ts';
import type { AssignInput } from './fake-worker.ts';

const DEFAULT_PROVIDER: Record<ExecutorSpec['id'], ExecutorSpec['provider']> = {
  'patch-agent': 'openai-compatible', 'claude-code': 'anthropic', codex: 'openai', 'gemini-cli': 'google', 'cursor-agent': 'cursor',
};
const GATEWAY_PATH: Partial<Record<NonNullable<ExecutorSpec['provider']>, string>> = {
  openai: '/v1/llm/openai', 'openai-compatible': '/v1/llm/openai', anthropic: '/v1/llm/anthropic', google: '/v1/llm/google',
};
export function executorFor(input: AssignInput): ExecutorSpec {
  const id = input.executor?.id ?? 'patch-agent';
  const provider = input.executor?.provider ?? DEFAULT_PROVIDER[id];
  const gatewayPath = provider ? GATEWAY_PATH[provider] : undefined;
  return { id, provider, model: input.model ?? 'fake-model', ...(gatewayPath ? { gatewayPath } : {}), ...input.executor };
}
