/**
 * The executor contract (docs/architecture.md §3): an executor edits files in the workspace and yields
 * RunEvents; it never runs git write commands. A failure it wants reported as the run's reason
 * is thrown as ExecutorError; a policy breach it caught itself (e.g. a tool path escaping the
 * workspace) is thrown as PolicyViolationError so the run fails with that reason.
 */
import type { Assignment, ExecutorSpec, RunEvent } from '../../../protocol/src/index.ts';
import type { SandboxPlan } from '../sandbox/attempt-sandbox.ts';

/** An event as an executor emits it; the job adds runId and ts. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/**
 * `session` is not a RunEvent: it tells the job the agent's own session id (CLI executors), which
 * the job puts into RunResult.agentSession so a follow-up can resume it.
 */
export type ExecutorEvent = DistributiveOmit<RunEvent, 'runId' | 'ts'> | { type: 'session'; id: string };

export interface ExecutorRequest {
  runId: string;
  /** Real path of the workspace (the repository's working tree). */
  workspaceDir: string;
  instruction: string;
  spec: ExecutorSpec;
  limits: Assignment['limits'];
  /**
   * Base URL of the run's gateway relay (runner/src/gateway-relay/), a local stand-in for the Worker's
   * LLM gateway at `${gatewayBaseUrl}${spec.gatewayPath}` that rides out Worker outages.
   */
  gatewayBaseUrl: string;
  /**
   * The API key for that relay: a relay-local random token, never the run token itself (the relay
   * swaps it in). Empty for an executor without a gateway path (the Cursor agent).
   */
  runToken: string;
  /** The conversation before `instruction`, for executors that start a fresh session with it. */
  history?: Assignment['history'];
  /** Runner-wide directory for executor state outside any workspace (CLI scratch HOMEs, stored sessions). */
  stateDir?: string;
  /** The commit the workspace was checked out at. */
  baseCommit?: string;
  /** What earlier assignments of this run finished (it was re-queued after its runner was lost). */
  resume?: Assignment['resume'];
  /** The attempt's sandbox: every process the executor starts runs inside it (issue 10). Absent: `--no-sandbox`. */
  sandbox?: SandboxPlan;
}

export interface Executor {
  run(req: ExecutorRequest, signal: AbortSignal): AsyncIterable<ExecutorEvent>;
}

export class ExecutorError extends Error {}

export class PolicyViolationError extends Error {}
