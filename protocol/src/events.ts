/**
 * RunEvent: the one event type (docs/architecture.md §5). The runner emits it, TaskRoom stores it with a
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

/**
 * One tool call of a finished patch-agent turn, as the model made it: the provider's call id (or the
 * adapter's own), the tool name and the arguments as the model's JSON text. `signature` is an opaque
 * token some providers require back with the call (Gemini's thoughtSignature).
 */
export const TurnCall = z.object({
  id: z.string().max(256),
  name: z.string().max(256),
  args: z.string(),
  signature: z.string().max(16_384).optional(),
});
export type TurnCall = z.infer<typeof TurnCall>;

/**
 * A finished patch-agent turn (the model's answer and every tool result of it are done), so a run
 * re-queued after its runner was lost can continue after it (Assignment.resume). Tool results are
 * not carried: a resumed run replays the calls on an identical workspace and gets the same outputs.
 * `omitted`: the turn was too large to record (LIMITS.turnEventMaxBytes); a resume stops before it.
 * Emitted only to Workers that speak PROTOCOL_VERSION ≥ TURN_EVENTS_PROTOCOL; the web app ignores it.
 */
export const TurnEvent = z.object({
  ...base,
  type: z.literal('turn'),
  /** 1-based turn number within the run (replayed turns count). */
  turn: z.number().int().positive().max(10_000),
  text: z.string(),
  calls: z.array(TurnCall).max(256),
  /** Input + output tokens the provider reported for this turn (the turn budget of a resume counts them). */
  tokens: z.number().int().nonnegative().optional(),
  /** The commit the run's workspace started from; a resume on another commit starts over. */
  baseCommit: z.string().max(64).optional(),
  omitted: z.literal(true).optional(),
});
export type TurnEvent = z.infer<typeof TurnEvent>;

export const RunEvent = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('status'), status: RunStatus, reason: z.string().optional() }),
  z.object({ ...base, type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  z.object({ ...base, type: z.literal('text'), text: z.string() }),
  z.object({ ...base, type: z.literal('tool_call'), callId: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ ...base, type: z.literal('tool_result'), callId: z.string(), output: z.string(), isError: z.boolean() }),
  z.object({ ...base, type: z.literal('usage'), inputTokens: z.number().int().nonnegative(), outputTokens: z.number().int().nonnegative() }),
  z.object({ ...base, type: z.literal('result'), result: RunResult }),
  TurnEvent,
]);
export type RunEvent = z.infer<typeof RunEvent>;
export type RunEventType = RunEvent['type'];

/** A RunEvent as stored by TaskRoom: `seq` is gapless per task, starting at 1. */
export const StoredEvent = z.intersection(RunEvent, z.object({ seq: z.number().int().positive() }));
export type StoredEvent = RunEvent & { seq: number };
