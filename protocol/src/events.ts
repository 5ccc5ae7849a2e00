/**
 * RunEvent: the one event type (DESIGN §5). The runner emits it, TaskRoom stores it with a
 * gapless per-task `seq`, and the web UI renders it. No mapping in between.
 */
import { z } from 'zod';
import { RunStatus } from './run-status.ts';

const base = {
  runId: z.string().min(1).max(64),
  /** Milliseconds since the epoch, set by whoever created the event. */
  ts: z.number().int().nonnegative(),
};

export const FileChange = z.object({
  path: z.string(),
  status: z.enum(['added', 'modified', 'deleted']),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  binary: z.boolean().optional(),
});
export type FileChange = z.infer<typeof FileChange>;

export const DiffStats = z.object({
  files: z.number().int().nonnegative(),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
});
export type DiffStats = z.infer<typeof DiffStats>;

export const RunOutcome = z.enum(['succeeded', 'failed', 'cancelled']);
export type RunOutcome = z.infer<typeof RunOutcome>;

export const RunResult = z.object({
  outcome: RunOutcome,
  /** Human-readable reason when outcome is failed/cancelled (e.g. "policy: .env may not be committed"). */
  error: z.string().max(4000).optional(),
  branch: z.string().optional(),
  baseCommit: z.string().optional(),
  headCommit: z.string().optional(),
  /** Unified patch of the change, cut at LIMITS.patchMaxBytes (then patchTruncated is true). */
  patch: z.string().optional(),
  patchTruncated: z.boolean().optional(),
  files: z.array(FileChange).default([]),
  stats: DiffStats.default({ files: 0, additions: 0, deletions: 0 }),
  /** Final assistant message of the agent, if any. */
  summary: z.string().max(16_000).optional(),
  /** The agent's own session id (CLI executors), so a follow-up can resume it. */
  agentSession: z.string().max(200).optional(),
});
export type RunResult = z.infer<typeof RunResult>;

export const RunEvent = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('status'), status: RunStatus, reason: z.string().optional() }),
  z.object({ ...base, type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  z.object({ ...base, type: z.literal('text'), text: z.string() }),
  z.object({ ...base, type: z.literal('tool_call'), callId: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ ...base, type: z.literal('tool_result'), callId: z.string(), output: z.string(), isError: z.boolean() }),
  z.object({ ...base, type: z.literal('usage'), inputTokens: z.number().int().nonnegative(), outputTokens: z.number().int().nonnegative() }),
  z.object({ ...base, type: z.literal('result'), result: RunResult }),
]);
export type RunEvent = z.infer<typeof RunEvent>;
export type RunEventType = RunEvent['type'];

/** A RunEvent as stored by TaskRoom: `seq` is gapless per task, starting at 1. */
export const StoredEvent = z.intersection(RunEvent, z.object({ seq: z.number().int().positive() }));
export type StoredEvent = RunEvent & { seq: number };
