/**
 * TaskRoom: one Durable Object per task (idFromName(taskId)). Entry points only; the work lives in
 * the modules beside this file. (Skeleton: filled in by the TaskRoom work.)
 */
import { DurableObject } from 'cloudflare:workers';
import type { Assignment, RunStatus } from '../../../protocol/src/index.ts';
import type { Env } from '../env.ts';
import type { NewRun } from './types.ts';

export class TaskRoom extends DurableObject<Env> {
  /** Store queued runs (already in D1), emit their `queued` events, offer them to the pool. */
  async createRuns(taskId: string, runs: NewRun[]): Promise<void> {
    void taskId; void runs;
    throw new Error('not implemented');
  }
  /** Cancel a run in any non-terminal state; returns the status after the call. */
  async cancelRun(runId: string): Promise<RunStatus> {
    void runId;
    throw new Error('not implemented');
  }
  /** Called by RunnerPool before pushing an assignment; null if the run is no longer queued. */
  async claim(runId: string, runnerId: string): Promise<Assignment | null> {
    void runId; void runnerId;
    throw new Error('not implemented');
  }
  /** Called by RunnerPool when the runner declined or vanished before accepting. */
  async release(runId: string, assignment: number, reason: string): Promise<void> {
    void runId; void assignment; void reason;
    throw new Error('not implemented');
  }
}
