/**
 * How a run that is being stopped ends. A user's cancel ends it `cancelled`; a stop TaskRoom was
 * asked for because the run went over its budget (budget.ts) ends it `failed` with the stored
 * reason — whether the runner confirms (`result` cancelled or failed), the cancel deadline passes,
 * or the runner is lost meanwhile.
 */
import type { RunState } from './run-store.ts';
import type { StatusChange } from './run-lifecycle.ts';

export function stopChange(run: RunState, cancelReason: string | undefined): StatusChange {
  return run.failReason ? { to: 'failed', reason: run.failReason } : { to: 'cancelled', ...(cancelReason ? { reason: cancelReason } : {}) };
}
