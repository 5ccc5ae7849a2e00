/**
 * Executors a runner can advertise and an attempt can ask for (docs/architecture.md §3), and which model-profile
 * providers each can run on.
 */
import { z } from 'zod';

export const EXECUTOR_IDS = ['patch-agent', 'claude-code', 'codex', 'gemini-cli', 'cursor-agent'] as const;
export const ExecutorId = z.enum(EXECUTOR_IDS);
export type ExecutorId = z.infer<typeof ExecutorId>;

export const PROVIDERS = ['openai', 'openai-compatible', 'anthropic', 'google', 'cursor'] as const;
export const Provider = z.enum(PROVIDERS);
export type Provider = z.infer<typeof Provider>;

/** OpenAI wire API a profile speaks: Chat Completions (default) or Responses. */
export const WireApi = z.enum(['chat', 'responses']);
export type WireApi = z.infer<typeof WireApi>;

/** What people call each agent (UI labels, reasons the Worker writes). */
export const EXECUTOR_NAMES: Record<ExecutorId, string> = {
  'patch-agent': 'Patch agent (dursor)',
  'claude-code': 'Claude Code',
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
  'cursor-agent': 'Cursor agent',
};

/**
 * Which providers' model profiles each executor runs on. A `cursor` profile only holds the key the
 * Cursor agent needs: it is the one executor that cannot be pointed at dursor's gateway.
 */
export const EXECUTOR_PROVIDERS: Record<ExecutorId, readonly Provider[]> = {
  'patch-agent': ['openai', 'openai-compatible', 'anthropic', 'google'],
  'claude-code': ['anthropic'],
  codex: ['openai', 'openai-compatible'],
  'gemini-cli': ['google'],
  'cursor-agent': ['cursor'],
};

/**
 * What the runner needs to drive an executor. The runner never gets the user's API key: it
 * talks to the Worker's LLM gateway at `gatewayPath` (relative to the Worker URL) with the
 * assignment's short-lived `runToken` as its key.
 */
export const ExecutorSpec = z.object({
  id: ExecutorId,
  provider: Provider.optional(),
  model: z.string().optional(),
  gatewayPath: z.string().optional(),
  /** openai / openai-compatible only; default chat. */
  wireApi: WireApi.optional(),
  /** The agent's own session to resume (CLI executors), from the parent run's result. */
  resumeSession: z.string().max(200).optional(),
  /**
   * cursor-agent only: the user's Cursor key, because the Cursor agent cannot be pointed at the
   * gateway — the one documented exception to "keys never leave the Worker".
   */
  directApiKey: z.string().optional(),
});
export type ExecutorSpec = z.infer<typeof ExecutorSpec>;
