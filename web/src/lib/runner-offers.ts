/**
 * Which agents the connected runners offer (pure, unit-tested), from GET /v1/runners: each runner
 * advertises the executors it has installed and the pool only hands it those, so an attempt for
 * an agent no online runner offers waits in the queue however many slots are free. New task marks
 * such agents, and a queued or failed card says that is why, instead of "waiting for a free slot".
 * Tasks go to the `default` pool until they can choose one (worker/src/task-room/pool-client.ts).
 */
import type { ExecutorId, Runner } from '../../../protocol/src/index.ts';
import { EXECUTOR_LABELS } from './new-task.ts';

export const TASK_POOL = 'default';

/** Executors some online runner of the task pool offers; null while the runner list is unknown. */
export function offeredAgents(runners: readonly Pick<Runner, 'online' | 'pool' | 'executors'>[] | null): Set<string> | null {
  if (!runners) return null;
  return new Set(runners.filter((r) => r.online && r.pool === TASK_POOL).flatMap((r) => r.executors));
}

/** The agent picker's option text: the agent, marked when no connected runner offers it. */
export function agentOptionLabel(executor: ExecutorId, offered: Set<string> | null): string {
  return offered && !offered.has(executor) ? `${EXECUTOR_LABELS[executor]} — no connected runner offers it` : EXECUTOR_LABELS[executor];
}

/** One line over the attempts: what the connected runners offer (null while unknown). */
export function offersSummary(offered: Set<string> | null): string | null {
  if (!offered) return null;
  if (offered.size === 0) return 'No runner is connected: attempts wait in the queue until one connects (Settings → Runners shows how to start one).';
  const names = (Object.keys(EXECUTOR_LABELS) as ExecutorId[]).filter((x) => offered.has(x)).map((x) => EXECUTOR_LABELS[x]);
  return `Connected runners offer: ${names.join(', ')}.`;
}

/** Under a row whose agent no connected runner offers; null when it is offered or unknown. */
export function agentWarning(executor: ExecutorId, offered: Set<string> | null): string | null {
  if (!offered || offered.has(executor)) return null;
  return `No connected runner offers ${EXECUTOR_LABELS[executor]}: this attempt waits for a runner that has it installed, and fails if none connects within a few minutes.`;
}

/** What a queued card says while it waits. */
export function queuedHint(executor: ExecutorId, offered: Set<string> | null): string {
  if (offered && offered.size === 0) return 'Waiting for a runner: none is connected.';
  if (offered && !offered.has(executor)) return `Waiting: no connected runner offers ${EXECUTOR_LABELS[executor]}. It starts when a runner that has it installed connects, and fails if none does within a few minutes.`;
  return 'Waiting for a runner with a free slot…';
}

/**
 * The TaskRoom fails an attempt nobody can run with "no connected runner offers <agent> (waited …)"
 * or "no runner is connected to run <agent> (waited …)" (task-room/pool-client.ts).
 */
export function isNoRunnerError(error: string | null): boolean {
  return error !== null && /no connected runner offers|no runner is connected to run/i.test(error);
}
