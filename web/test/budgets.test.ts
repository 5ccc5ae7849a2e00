import { describe, expect, it } from 'vitest';
import { budgetField } from '../src/lib/budgets.ts';

describe('budget fields', () => {
  it('read empty as no cap, a positive number as dollars, anything else as a readable error', () => {
    expect(budgetField('  ', 'Default task budget')).toBeNull();
    expect(budgetField('2.5', 'Default task budget')).toBe(2.5);
    expect(() => budgetField('-1', 'Default task budget')).toThrow(/Default task budget: a positive amount/);
    expect(() => budgetField('ten', 'Default attempt budget')).toThrow(/Default attempt budget/);
  });
});
