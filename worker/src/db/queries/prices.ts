/** The editable price table (owner-managed): micro-dollars per million tokens per provider and model. */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { modelPrices } from '../schema.ts';

export type PriceRow = typeof modelPrices.$inferSelect;

export async function listPrices(db: Db): Promise<PriceRow[]> {
  return db.select().from(modelPrices).orderBy(asc(modelPrices.provider), asc(modelPrices.model));
}

export async function getPrice(db: Db, provider: string, model: string): Promise<PriceRow | undefined> {
  return db.select().from(modelPrices).where(and(eq(modelPrices.provider, provider), eq(modelPrices.model, model))).get();
}

export async function putPrice(db: Db, row: PriceRow): Promise<void> {
  await db.insert(modelPrices).values(row).onConflictDoUpdate({
    target: [modelPrices.provider, modelPrices.model],
    set: { inputMicrosPerMTok: row.inputMicrosPerMTok, outputMicrosPerMTok: row.outputMicrosPerMTok, updatedAt: row.updatedAt },
  });
}

export async function deletePrice(db: Db, provider: string, model: string): Promise<boolean> {
  const res = await db.delete(modelPrices).where(and(eq(modelPrices.provider, provider), eq(modelPrices.model, model))).run();
  return res.meta.changes > 0;
}
