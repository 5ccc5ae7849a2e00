/**
 * RunnerPool: one Durable Object per pool name (idFromName(pool)). Entry points only; the work
 * lives in the modules beside this file (see README.md). Runner sockets use the Hibernation API;
 * offers live in SQLite and each runner's live record in its socket attachment. A runner's
 * keep-alive ping is answered by the runtime itself (an auto-response), so an idle pool stays
 * asleep; the runner, not the DO, watches for silence (runner/src/connection/watchdog.ts).
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';
import type { LiveRunner, OfferReply, RunOffer } from '../task-room/types.ts';
import { answerPings, closeQuietly, jsonError, requireUpgrade } from '../durable/sockets.ts';
import { canTake, Dispatcher } from './dispatcher.ts';
import { deleteOffer, upsertOffer } from './offers.ts';
import type { Pool } from './pool.ts';
import { onPoolMessage, onPoolSocketGone, openPoolSocket } from './pool-socket.ts';
import { migratePoolDb, openPoolDb } from './storage.ts';
import { coverage, readyRunners, runnerTag, toLiveRunner } from './runner-sockets.ts';
import { CLOSE_CODES } from '../../../protocol/src/index.ts';

export class RunnerPool extends DurableObject<Env> {
  readonly #pool: Pool;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    answerPings(ctx);
    const base = { ctx, env, db: openPoolDb(ctx) };
    this.#pool = { ...base, dispatcher: new Dispatcher(base) };
    void ctx.blockConcurrencyWhile(() => migratePoolDb(ctx));
  }

  async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname !== '/connect') return jsonError(404, 'not_found', 'no such runner pool endpoint');
    return requireUpgrade(request) ?? openPoolSocket(this.#pool, request);
  }

  /** Set when a connection took a live one's place: its takeover quiet is over, hand it work. */
  async alarm(): Promise<void> {
    await this.#pool.dispatcher.run();
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    await onPoolMessage(this.#pool, ws, message);
  }

  async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    closeQuietly(ws, code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, 'closed');
    await onPoolSocketGone(this.#pool, ws);
  }

  async webSocketError(ws: WebSocket): Promise<void> {
    closeQuietly(ws, 1011, 'socket error');
    await onPoolSocketGone(this.#pool, ws);
  }

  /**
   * Queue a run (or re-open its offer) and hand it out if a runner has room. Says whether any
   * connected runner offers its agent, so the TaskRoom can tell the user (and give up in time).
   */
  async offer(offer: RunOffer): Promise<OfferReply> {
    upsertOffer(this.#pool.db, offer, Date.now());
    await this.#pool.dispatcher.run();
    return coverage(this.ctx, offer.executor);
  }

  /**
   * Whether a connected runner other than `except` could start a run of `executor` right now
   * (TaskRoom asks before it takes a run from a runner whose socket closed: issue 9).
   */
  async canTake(executor: string, except: string | null): Promise<boolean> {
    return canTake(this.#pool, executor, except);
  }

  /** Drop a run's offer (it was cancelled while queued). */
  async withdraw(runId: string): Promise<void> {
    deleteOffer(this.#pool.db, runId);
  }

  /** Close a removed runner's sockets for good (`unauthorized`: its credential is gone). */
  async disconnect(runnerId: string, reason: string): Promise<void> {
    for (const ws of this.ctx.getWebSockets(runnerTag(runnerId))) closeQuietly(ws, CLOSE_CODES.unauthorized, reason);
  }

  async listRunners(): Promise<LiveRunner[]> {
    return [...readyRunners(this.ctx).values()].map(({ att }) => toLiveRunner(att));
  }
}
