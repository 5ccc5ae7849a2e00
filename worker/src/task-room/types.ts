/** What the Worker's routes hand to TaskRoom, and what TaskRoom hands to RunnerPool. */
import type { Assignment, ExecutorId, ExecutorSpec, SandboxMode } from '../../../protocol/src/index.ts';

/** A run the route has already inserted into D1 (status queued); TaskRoom takes it from here. */
export interface NewRun {
  runId: string;
  attempt: number;
  branch: string;
  instruction: string;
  /** Conversation before `instruction`, for executors that start fresh instead of resuming. */
  history: Assignment['history'];
  repo: { cloneUrl: string; baseRef: string; credentials?: 'none' | 'worker' };
  executor: ExecutorSpec;
  limits: Assignment['limits'];
  /** The repository's sandbox settings at the time the round started (issue 10). */
  sandbox?: Assignment['sandbox'];
  /** The repository's workflow allowance at the time the round started (issue 11). */
  allowWorkflowChanges?: boolean;
}

/** What RunnerPool keeps in its queue; the full Assignment is built by TaskRoom at claim time. */
export interface RunOffer {
  runId: string;
  taskId: string;
  executor: ExecutorId;
}

/** RunnerPool's answer to an offer: ready runners, and whether any of them offers the run's agent. */
export interface OfferReply {
  runners: number;
  offered: boolean;
}

/** Live view of a connected runner, from RunnerPool. */
export interface LiveRunner {
  runnerId: string;
  name: string;
  slots: number;
  executors: string[];
  labels: string[];
  protocolVersion: number;
  activeRuns: string[];
  connectedAt: number;
  sandbox?: SandboxMode;
}
