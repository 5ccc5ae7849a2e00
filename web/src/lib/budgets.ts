/** Budget fields of Settings → Budgets: the New task form's parsing, with a readable error. */
import { parseBudget } from './new-task.ts';

/** '' → null (no default); otherwise a positive number of US dollars, or an error naming the field. */
export function budgetField(text: string, what: string): number | null {
  const v = parseBudget(text);
  if (v === 'invalid') throw new Error(`${what}: a positive amount in US dollars, or empty for none`);
  return v;
}
