/**
 * New-task form logic kept out of the component (pure, unit-tested): validating the attempts
 * editor into a CreateRunsRequest, and reusing idempotency keys across retries so a retried or
 * double submit makes one task and one set of runs (docs/architecture.md §6).
 */
import { EXECUTOR_NAMES, EXECUTOR_PROVIDERS, LIMITS } from '../../../protocol/src/index.ts';
import type { CreateRunsRequest, ExecutorId, ModelProfile } from '../../../protocol/src/index.ts';
import { newIdempotencyKey } from './api.ts';

export type AttemptRow = { key: number; executor: ExecutorId; modelProfileId: string; count: number };

/** The agents a user can pick, with their display names (shared with the Worker's reasons). */
export const EXECUTOR_LABELS = EXECUTOR_NAMES;

/**
 * Said in the attempts editor while a row runs the Cursor agent (issue "Seal every attempt"):
 * every other agent reaches its model through dursor's gateway with a token for its own run and
 * never sees a key; the Cursor agent cannot use the gateway, so its runner gets the user's key.
 */
export const CURSOR_KEY_NOTE =
  'The Cursor agent is the one exception to how dursor keeps your keys: it cannot use dursor\'s LLM gateway, so the runner that takes a Cursor attempt gets your Cursor API key directly, and the agent runs with it. Every other agent only holds a token for its own attempt and never sees a key.';

export const cursorKeyNote = (rows: readonly Pick<AttemptRow, 'executor'>[]): string | null =>
  rows.some((r) => r.executor === 'cursor-agent') ? CURSOR_KEY_NOTE : null;

/** Model profiles an executor can run on (EXECUTOR_PROVIDERS). */
export function profilesFor<P extends Pick<ModelProfile, 'id' | 'provider'>>(executor: ExecutorId, profiles: readonly P[]): P[] {
  return profiles.filter((p) => EXECUTOR_PROVIDERS[executor].includes(p.provider));
}

export function buildAttempts(rows: AttemptRow[], profiles: readonly Pick<ModelProfile, 'id' | 'provider'>[]):
  { ok: true; attempts: CreateRunsRequest['attempts']; total: number } | { ok: false; message: string } {
  if (rows.length === 0) return { ok: false, message: 'Add at least one attempt row.' };
  let total = 0;
  for (const [i, r] of rows.entries()) {
    if (!r.modelProfileId || !profilesFor(r.executor, profiles).some((p) => p.id === r.modelProfileId)) {
      return { ok: false, message: `Choose a model for attempt row ${i + 1} that ${EXECUTOR_LABELS[r.executor]} can use.` };
    }
    if (!Number.isInteger(r.count) || r.count < 1 || r.count > 8) return { ok: false, message: `Count in attempt row ${i + 1} must be a whole number from 1 to 8.` };
    total += r.count;
  }
  if (total > LIMITS.maxAttemptsPerRound) return { ok: false, message: `At most ${LIMITS.maxAttemptsPerRound} attempts per task; you asked for ${total}.` };
  return {
    ok: true,
    total,
    attempts: rows.map((r) => ({ executor: r.executor, modelProfileId: r.modelProfileId, count: r.count })),
  };
}

/** "" → no budget; "2.5" → 2.5; anything else (or ≤ 0) is invalid. */
export function parseBudget(text: string): number | null | 'invalid' {
  const t = text.trim().replace(/^\$/, '');
  if (t === '') return null;
  if (!/^\d+(\.\d+)?$/.test(t)) return 'invalid';
  const n = Number(t);
  return n > 0 ? n : 'invalid';
}

/**
 * One submission in progress. The task key stays the same while the task fields do not change,
 * and once the task exists a retry only re-posts the runs (same key while attempts are the same).
 */
export type Submission = { taskFields: string; taskKey: string; taskId: string | null; runsFields: string; runsKey: string };

export function nextSubmission(prev: Submission | null, taskFields: string, runsFields: string): Submission {
  // Changed task fields mean a new task (if an earlier one was created but its runs failed, it
  // stays without runs; the user asked for something else).
  if (!prev || prev.taskFields !== taskFields) {
    return { taskFields, taskKey: newIdempotencyKey(), taskId: null, runsFields, runsKey: newIdempotencyKey() };
  }
  if (prev.runsFields !== runsFields) return { ...prev, runsFields, runsKey: newIdempotencyKey() };
  return prev;
}

/**
 * The "Issue" field: "" → none; "12" or "#12" → 12; an issue page URL without its #fragment or
 * ?query (a pasted comment link still names the issue); anything else is invalid.
 */
export function parseIssue(text: string): number | string | null | 'invalid' {
  const t = text.trim();
  if (t === '') return null;
  const n = /^#?(\d{1,9})$/.exec(t);
  if (n) return Number(n[1]) > 0 ? Number(n[1]) : 'invalid';
  const u = /^(https?:\/\/[^\s?#]+\/issues\/\d+)\/?(?:[?#]\S*)?$/.exec(t);
  return u ? u[1] : 'invalid';
}
