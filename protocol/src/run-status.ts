/**
 * Run status machine (docs/architecture.md §2). `transition` is the only place that decides whether a
 * status change is legal; TaskRoom calls it for every change it stores.
 *
 *   queued → assigned → preparing → running → finishing → succeeded | failed | cancelled
 *   any active state → lost (lease expired) → queued (bounded retries) | failed
 *   assigned → queued when the runner declines the assignment
 */
import { z } from 'zod';

export const RUN_STATUSES = [
  'queued', 'assigned', 'preparing', 'running', 'finishing',
  'succeeded', 'failed', 'cancelled', 'lost',
] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const TERMINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];
/** States in which a runner holds the run and must keep its lease alive. */
export const LEASED_STATUSES: readonly RunStatus[] = ['assigned', 'preparing', 'running', 'finishing'];

export function isTerminal(s: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(s);
}
export function isLeased(s: RunStatus): boolean {
  return LEASED_STATUSES.includes(s);
}

const NEXT: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['assigned', 'cancelled', 'failed'],
  assigned: ['queued', 'preparing', 'running', 'finishing', 'succeeded', 'failed', 'cancelled', 'lost'],
  preparing: ['running', 'finishing', 'succeeded', 'failed', 'cancelled', 'lost'],
  running: ['finishing', 'succeeded', 'failed', 'cancelled', 'lost'],
  finishing: ['succeeded', 'failed', 'cancelled', 'lost'],
  lost: ['queued', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

export type TransitionResult =
  | { ok: true; status: RunStatus }
  | { ok: false; reason: string };

/** Whether `from → to` is allowed. Same-state is not a transition and is refused. */
export function transition(from: RunStatus, to: RunStatus): TransitionResult {
  if (NEXT[from].includes(to)) return { ok: true, status: to };
  return { ok: false, reason: `illegal run transition ${from} → ${to}` };
}
