/**
 * Recording stand-ins for the TaskRoom and RunnerPool namespaces, so route logic is tested on
 * its own: what the routes hand to the DOs, and how they react when a DO fails.
 */
import type { RunStatus } from '../../../protocol/src/index.ts';
import type { Env } from '../../src/env.ts';
import type { LiveRunner, NewRun } from '../../src/task-room/types.ts';

/** A real 101 response, as a DO would return for an accepted WebSocket. */
function acceptedUpgrade(): Response {
  const pair = new WebSocketPair();
  pair[1].accept();
  return new Response(null, { status: 101, webSocket: pair[0] });
}

function namespace<T>(stub: T, names: string[]) {
  return {
    idFromName: (name: string) => ({ name, toString: () => name }),
    get: (id: { name: string }) => {
      names.push(id.name);
      return stub;
    },
  };
}

/** holdMs keeps createRuns busy, so a concurrent duplicate request surely overlaps it. */
export function fakeTaskRoom(opts: { fail?: boolean; cancelStatus?: RunStatus; holdMs?: number } = {}) {
  const calls = {
    names: [] as string[],
    createRuns: [] as { taskId: string; runs: NewRun[] }[],
    cancelRun: [] as string[],
    fetch: [] as Request[],
  };
  const stub = {
    async createRuns(taskId: string, runs: NewRun[]) {
      if (opts.fail) throw new Error('fake task room is down');
      calls.createRuns.push({ taskId, runs });
      if (opts.holdMs) await new Promise((r) => setTimeout(r, opts.holdMs));
    },
    async cancelRun(runId: string) {
      if (opts.fail) throw new Error('fake task room is down');
      calls.cancelRun.push(runId);
      return opts.cancelStatus ?? 'cancelled';
    },
    async fetch(req: Request) {
      if (opts.fail) throw new Error('fake task room is down');
      calls.fetch.push(req);
      return acceptedUpgrade();
    },
  };
  return { TASK_ROOM: namespace(stub, calls.names) as unknown as Env['TASK_ROOM'], calls };
}

export function fakeRunnerPool(opts: { live?: LiveRunner[]; fail?: boolean } = {}) {
  const calls = { names: [] as string[], fetch: [] as Request[] };
  const stub = {
    async listRunners() {
      if (opts.fail) throw new Error('fake runner pool is down');
      return opts.live ?? [];
    },
    async fetch(req: Request) {
      calls.fetch.push(req);
      return acceptedUpgrade();
    },
  };
  return { RUNNER_POOL: namespace(stub, calls.names) as unknown as Env['RUNNER_POOL'], calls };
}
