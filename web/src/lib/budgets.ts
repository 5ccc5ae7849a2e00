/** Budget fields of Settings → Budgets. */
/** '' → null (no default); otherwise a positive number, or a readable error. */
export function parseBudget(text: string, what: string): number | null {
  const t = text.trim();
  if (!t) return null;
  const n = Number(t);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${what}: a positive amount in US dollars, or empty for none`);
  return n;
}

