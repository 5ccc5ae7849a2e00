/** drizzle over the D1 binding; cheap to create per request. */
import { drizzle } from 'drizzle-orm/d1';

export type Db = ReturnType<typeof drizzle>;

export function getDb(d1: D1Database): Db {
  return drizzle(d1);
}
