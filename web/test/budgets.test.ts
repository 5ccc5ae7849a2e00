import { describe, expect, it } from 'vitest';
import { parseBudget } from '../src/lib/budgets.ts';

describe('budget fields', () => {
  it('read empty as no cap, a positive number as dollars, anything else as a readable error', () => {
    expect(parseBudget('  ', 'Default task budget')).toBeNull();
    expect(parseBudget('2.5', 'Default task budget')).toBe(2.5);
    expect(() => parseBudget('-1', 'Default task budget')).toThrow(/Default task budget: a positive amount/);
    expect(() => parseBudget('ten', 'Default attempt budget')).toThrow(/Default attempt budget/);
  });
});
