/**
 * Executors a runner can advertise and an attempt can ask for (DESIGN §3).
 * Issue 2 ships the patch agent; CLI agents arrive with their own issue.
 */
import { z } from 'zod';

export const EXECUTOR_IDS = ['patch-agent', 'claude-code', 'codex', 'gemini-cli', 'cursor-agent'] as const;
export const ExecutorId = z.enum(EXECUTOR_IDS);
export type ExecutorId = z.infer<typeof ExecutorId>;

export const PROVIDERS = ['openai', 'openai-compatible', 'anthropic', 'google'] as const;
export const Provider = z.enum(PROVIDERS);
export type Provider = z.infer<typeof Provider>;

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
});
export type ExecutorSpec = z.infer<typeof ExecutorSpec>;
