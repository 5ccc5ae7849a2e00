/**
 * After a forwarded call's stream has ended (in waitUntil): price its tokens with the price table
 * (pricing.ts), write an llm_calls row and add tokens and cost to its run and task in one D1
 * batch (db/queries/usage.ts), and tell TaskRoom when the call took the run or task to its budget.
 * Never throws: a failed write is logged (ids only) and the call's answer stands.
 */
import { getDb } from '../db/client.ts';
import { getPrice } from '../db/queries/prices.ts';
import { recordLlmCall } from '../db/queries/usage.ts';
import type { Env } from '../env.ts';
import { newId } from '../lib/ids.ts';
import { notifyBudget, overBudget } from './budget.ts';
import { costMicros } from './pricing.ts';
import type { Tokens } from './pricing.ts';
import type { RunAccess } from './run-access.ts';

export interface ForwardedCall {
  access: RunAccess;
  model: string;
  status: number;
  started: number;
  firstByteMs: number;
}

export async function recordCall(env: Env, call: ForwardedCall, usage: Promise<Tokens>): Promise<void> {
  const { run, profile } = call.access;
  try {
    const tokens = await usage;
    const db = getDb(env.DB);
    const cost = costMicros(tokens, await getPrice(db, profile.provider, call.model));
    const spend = await recordLlmCall(db, {
      id: newId(), runId: run.id, taskId: run.taskId, provider: profile.provider, model: call.model, status: call.status,
      inputTokens: tokens.input, outputTokens: tokens.output, costMicros: cost,
      firstByteMs: call.firstByteMs, durationMs: Date.now() - call.started, createdAt: call.started,
    });
    const over = overBudget(spend.run, spend.task);
    if (over) await notifyBudget(env, run.taskId, run.id, over);
  } catch (err) {
    console.error('llm gateway: could not record a call:', run.id, err instanceof Error ? err.message : String(err));
  }
}
