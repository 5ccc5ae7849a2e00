/** Executors this runner can run, by id; the runner advertises exactly these in `hello`. */
import type { ExecutorId } from '../../../protocol/src/index.ts';
import type { Executor } from './types.ts';
import { PatchAgent } from './patch-agent/patch-agent.ts';

export function defaultExecutors(): Map<ExecutorId, Executor> {
  return new Map<ExecutorId, Executor>([['patch-agent', new PatchAgent()]]);
}
