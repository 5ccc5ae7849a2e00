/**
 * What `j` / `k` and `/` do on the page: move focus between the task page's run cards (the card
 * holding focus is the current one) and scroll the new one into view, or focus the message box.
 * `stepIndex` is pure and unit-tested; the rest reads the DOM by the cards' test ids.
 */

/** Next index after `current` (-1: none yet) moving by `delta`, held at the ends; null when nothing to move to. */
export function stepIndex(current: number, delta: 1 | -1, length: number): number | null {
  if (length === 0) return null;
  if (current < 0) return delta > 0 ? 0 : length - 1;
  return Math.min(length - 1, Math.max(0, current + delta));
}

/** Focuses the next (1) or previous (-1) run card; false when the page has none. */
export function focusAttempt(delta: 1 | -1): boolean {
  const cards = [...document.querySelectorAll<HTMLElement>('[data-testid="run-card"]')];
  const active = document.activeElement;
  const current = cards.findIndex((c) => c === active || c.contains(active));
  const next = stepIndex(current, delta, cards.length);
  if (next === null) return false;
  const card = cards[next];
  card.focus({ preventScroll: true });
  const reduce = matchMedia('(prefers-reduced-motion: reduce)').matches;
  card.scrollIntoView({ block: 'nearest', behavior: reduce ? 'auto' : 'smooth' });
  return true;
}

/** The follow-up box on a task page, the instruction on the new-task page; false when neither is there. */
export function focusMessageBox(): boolean {
  const box = document.querySelector<HTMLTextAreaElement>('[data-testid="follow-up"] textarea, [data-testid="new-task-form"] textarea');
  if (!box) return false;
  box.focus();
  box.scrollIntoView({ block: 'center' });
  return true;
}
