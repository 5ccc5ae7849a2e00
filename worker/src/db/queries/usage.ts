/**
 * Usage recorded by the LLM gateway: one llm_calls row per forwarded call, and atomic increments
 * of the run's and the task's token and cost columns (`SET x = x + ?`, so parallel calls of one
 * task never lose an update). All in one D1 batch; returns the spend and budgets after it.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { llmCalls, runs, tasks } from '../schema.ts';

export type LlmCallInsert = typeof llmCalls.$inferInsert;

export interface Spend {
  costMicros: number;
  budgetMicros: number | null;
}

export async function recordLlmCall(db: Db, call: LlmCallInsert & { inputTokens: number; outputTokens: number; costMicros: number }): Promise<{ run?: Spend; task?: Spend }> {
  const { inputTokens: i, outputTokens: o, costMicros: c } = call;
  const [, runRows, taskRows] = await db.batch([
    db.insert(llmCalls).values(call),
    db.update(runs).set({
      inputTokens: sql`${runs.inputTokens} + ${i}`, outputTokens: sql`${runs.outputTokens} + ${o}`, costMicros: sql`${runs.costMicros} + ${c}`,
    }).where(eq(runs.id, call.runId)).returning({ costMicros: runs.costMicros, budgetMicros: runs.budgetMicros }),
    db.update(tasks).set({
      inputTokens: sql`${tasks.inputTokens} + ${i}`, outputTokens: sql`${tasks.outputTokens} + ${o}`, costMicros: sql`${tasks.costMicros} + ${c}`,
    }).where(eq(tasks.id, call.taskId)).returning({ costMicros: tasks.costMicros, budgetMicros: tasks.budgetMicros }),
  ]);
  return { run: runRows[0], task: taskRows[0] };
}
