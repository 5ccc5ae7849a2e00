/** Per-user defaults (budgets) and the spend the gateway recorded on the user's tasks. */
import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { tasks, userSettings } from '../schema.ts';

export interface BudgetDefaults { taskMicros: number | null; runMicros: number | null }

export async function getBudgetDefaults(db: Db, userId: string): Promise<BudgetDefaults> {
  const row = await db.select().from(userSettings).where(eq(userSettings.userId, userId)).get();
  return { taskMicros: row?.defaultTaskBudgetMicros ?? null, runMicros: row?.defaultRunBudgetMicros ?? null };
}

export async function putBudgetDefaults(db: Db, userId: string, d: BudgetDefaults): Promise<void> {
  const set = { defaultTaskBudgetMicros: d.taskMicros, defaultRunBudgetMicros: d.runMicros, updatedAt: Date.now() };
  await db.insert(userSettings).values({ userId, ...set }).onConflictDoUpdate({ target: userSettings.userId, set });
}

export async function spendMicros(db: Db, userId: string, since: number): Promise<{ recent: number; all: number; tasks: number }> {
  const sum = (where: ReturnType<typeof eq>) => db.select({ cost: sql<number>`coalesce(sum(${tasks.costMicros}), 0)`, n: sql<number>`count(*)` })
    .from(tasks).where(where).get();
  const [all, recent] = await Promise.all([sum(eq(tasks.userId, userId)), sum(and(eq(tasks.userId, userId), gte(tasks.updatedAt, since))!)]);
  return { recent: recent?.cost ?? 0, all: all?.cost ?? 0, tasks: all?.n ?? 0 };
}
