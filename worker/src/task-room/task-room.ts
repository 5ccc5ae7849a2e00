/**
 * TaskRoom: one Durable Object per task (idFromName(taskId)). Entry points only; the work lives
 * in the modules beside this file (see README.md). Every socket uses the Hibernation API and all
 * state needed after a wake lives in SQLite or in socket attachments; the only timer is the alarm.
 * Runners' keep-alive pings on their run sockets are answered by the runtime (answerPings).
 */
import { DurableObject } from 'cloudflare:workers';
import type { Assignment, RunStatus } from '../../../protocol/src/index.ts';
import type { Env } from '../env.ts';
import { runAlarm } from './alarm.ts';
import { claim, release } from './assignments.ts';
import { budgetExceeded } from './budget.ts';
import { stopRunAsFailed } from './gateway-stop.ts';
import { cancelRun } from './cancel.ts';
import { createRuns } from './create-runs.ts';
import { createRoom } from './room.ts';
import type { Room } from './room.ts';
import { attachmentOf } from './run-sockets.ts';
import { onRunMessage, onRunSocketGone, openRunSocket, staleReason } from './run-socket.ts';
import { getRun } from './run-store.ts';
import { migrateRoomDb } from './storage.ts';
import { answerPings, closeQuietly, jsonError, requireUpgrade } from '../durable/sockets.ts';
import type { NewRun } from './types.ts';
import { openViewerSocket } from './viewer-socket.ts';

export class TaskRoom extends DurableObject<Env> {
  readonly #room: Room;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    answerPings(ctx);
    this.#room = createRoom(ctx, env);
    void ctx.blockConcurrencyWhile(() => migrateRoomDb(ctx));
  }

  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path !== '/live' && path !== '/run-stream') return jsonError(404, 'not_found', 'no such task room endpoint');
    const refused = requireUpgrade(request);
    if (refused) return refused;
    return path === '/live' ? openViewerSocket(this.#room, request) : openRunSocket(this.#room, request);
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const att = attachmentOf(ws);
    // Viewers only listen; anything they send is ignored.
    if (att?.kind === 'run') await onRunMessage(this.#room, ws, att, message);
  }

  async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    closeQuietly(ws, code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, 'closed');
    await this.#socketGone(ws);
  }

  async webSocketError(ws: WebSocket): Promise<void> {
    closeQuietly(ws, 1011, 'socket error');
    await this.#socketGone(ws);
  }

  /** A runner whose run socket went away gets a short grace to come back before its run is lost. */
  async #socketGone(ws: WebSocket): Promise<void> {
    const att = attachmentOf(ws);
    if (att?.kind === 'run') await onRunSocketGone(this.#room, ws, att);
  }

  async alarm(): Promise<void> {
    await runAlarm(this.#room);
  }

  /** Store queued runs (already in D1), emit their `queued` events, offer them to the pool. */
  async createRuns(taskId: string, runs: NewRun[]): Promise<void> {
    await createRuns(this.#room, taskId, runs);
  }

  /** Cancel a run in any non-terminal state; returns the status after the call. */
  async cancelRun(runId: string): Promise<RunStatus> {
    return cancelRun(this.#room, runId);
  }

  /**
   * The LLM gateway saw the run (or its task) reach its budget: stop the run; it ends `failed`
   * with `budget exceeded: <reason>`. Null for a run this room does not know.
   */
  async budgetExceeded(runId: string, reason: string): Promise<RunStatus | null> {
    return budgetExceeded(this.#room, runId, reason);
  }

  /**
   * The LLM gateway cut one of the run's model answers at its response cap (issue 11): stop the
   * run; it ends `failed` with `reason`. Null for a run this room does not know.
   */
  async answerTooLarge(runId: string, reason: string): Promise<RunStatus | null> {
    return stopRunAsFailed(this.#room, runId, reason);
  }

  /** Called by RunnerPool before pushing an assignment; null if the run is no longer queued. */
  async claim(runId: string, runnerId: string): Promise<Assignment | null> {
    return claim(this.#room, runId, runnerId);
  }

  /**
   * Whether `runnerId` holds assignment `assignment` of the run now — current, its own, and
   * active (assigned … finishing): the same rule as its run socket. GET /v1/git/credential hands
   * out a run's git credentials only then (issue "Seal every attempt").
   */
  async holdsRun(runId: string, runnerId: string, assignment: number): Promise<boolean> {
    return staleReason(getRun(this.#room.db, runId), { kind: 'run', runId, assignment, runnerId }) === null;
  }

  /** Called by RunnerPool when the runner declined or vanished before accepting. */
  async release(runId: string, assignment: number, reason: string): Promise<void> {
    await release(this.#room, runId, assignment, reason);
  }
}
