/**
 * A runner's per-run socket (`/run-stream?runId=…&assignment=N`, docs/architecture.md §5). Before the upgrade
 * the room checks the assignment is current: an unknown run is refused with 404, a stale one
 * (ended, another runner's, an older assignment) with 409, as JSON — a socket closed before its
 * 101 is returned never delivers that close to the runner, which then waited for `attached`
 * (issue 11). Otherwise it replaces any older socket of the run, renews the lease and sends
 * `attached {lastFrame, cancelRequested}`.
 * Frames are stored once per (run, frame): a frame ≤ last_frame is only acked again; the next one
 * (frame-gate.ts: exactly last_frame + 1, inside the runner's promised limits) is ingested in ONE
 * transaction with the last_frame and lease update, then acked, then broadcast to viewers.
 * Heartbeats renew the lease. A bad message closes with badMessage; a frame the room's storage
 * refuses closes with storeFailed (4500) and its reason, nothing of it stored or acked.
 * When the current assignment's last socket closes, the lease is cut to LIMITS.runSocketGraceMs:
 * a runner that reconnects in time renews it; one that died loses the run within seconds instead
 * of a whole lease (issue 9) — if another runner can take it then (alarm.ts asks the pool).
 */
import { CLOSE_CODES, LIMITS, decode, isLeased, send } from '../../../protocol/src/index.ts';
import type { Frame, StoredEvent } from '../../../protocol/src/index.ts';
import { HEADER_RUNNER_ID } from '../lib/internal-headers.ts';
import { broadcast } from './fanout.ts';
import { armAlarm, leaseMs, renewLease } from './leases.ts';
import type { Room } from './room.ts';
import { refuseFrame } from './frame-gate.ts';
import { ingestFrame } from './frame-ingest.ts';
import { runSockets, runTag } from './run-sockets.ts';
import type { RunSocketAttachment } from './run-sockets.ts';
import { getRun, updateRun } from './run-store.ts';
import type { RunState } from './run-store.ts';
import { closeQuietly, isOpen, jsonError } from '../durable/sockets.ts';

/**
 * Why a socket of `att` may no longer speak for its run, or null if it may. Also the rule for
 * who gets the run's git credentials (task-room.ts `holdsRun`).
 */
export function staleReason(run: RunState | null, att: RunSocketAttachment): string | null {
  if (!run) return 'unknown run';
  if (run.assignment !== att.assignment) return `assignment ${att.assignment} is not current`;
  if (!isLeased(run.status)) return `run is ${run.status}`;
  if (run.runnerId !== att.runnerId) return 'run is assigned to another runner';
  return null;
}

export function openRunSocket(room: Room, request: Request): Response {
  const url = new URL(request.url);
  const runId = url.searchParams.get('runId') ?? '';
  const assignment = Number(url.searchParams.get('assignment'));
  const runnerId = request.headers.get(HEADER_RUNNER_ID) ?? '';
  if (!runId || runId.length > 64 || !runnerId || !Number.isSafeInteger(assignment) || assignment < 1) {
    return jsonError(400, 'bad_request', 'runId, a positive assignment and a runner id are required');
  }
  const att: RunSocketAttachment = { kind: 'run', runId, assignment, runnerId };
  const run = getRun(room.db, runId);
  const stale = staleReason(run, att);
  if (!run) return jsonError(404, 'not_found', 'this task room does not know the run');
  if (stale) return jsonError(409, 'stale_assignment', stale);

  const [client, server] = Object.values(new WebSocketPair());
  room.ctx.acceptWebSocket(server, ['run', runTag(runId)]);
  server.serializeAttachment(att);
  for (const old of runSockets(room.ctx, runId)) {
    if (old !== server) closeQuietly(old, CLOSE_CODES.replaced, 'replaced by a newer connection');
  }
  renewLease(room, run);
  // answersPing: the runtime answers SOCKET_PING for us (answerPings in task-room.ts), so the runner may ping.
  send(server, 'roomToRunner', { type: 'attached', lastFrame: run.lastFrame, cancelRequested: run.cancelRequested, answersPing: true });
  return new Response(null, { status: 101, webSocket: client });
}

export async function onRunMessage(room: Room, ws: WebSocket, att: RunSocketAttachment, data: string | ArrayBuffer): Promise<void> {
  // Too large or too deep to parse (a `policy:` reason), not JSON, or not a frame or heartbeat.
  const decoded = decode('runnerToRoom', data);
  if (!decoded.ok) {
    closeQuietly(ws, decoded.code, decoded.reason);
    return;
  }
  const msg = decoded.msg;
  const run = getRun(room.db, att.runId);
  const stale = staleReason(run, att);
  if (stale || !run) {
    closeQuietly(ws, CLOSE_CODES.staleAssignment, stale ?? 'unknown run');
    return;
  }
  if (msg.type === 'heartbeat') {
    renewLease(room, run);
    return;
  }
  if (msg.frame <= run.lastFrame) {
    // A resend after a reconnect: already stored, just confirm it again.
    renewLease(room, run);
    send(ws, 'roomToRunner', { type: 'ack', frame: run.lastFrame });
    return;
  }
  const refused = refuseFrame(msg, run.lastFrame);
  if (refused) {
    closeQuietly(ws, CLOSE_CODES.badMessage, `policy: ${refused}`);
    return;
  }
  let stored: StoredEvent[];
  try {
    stored = storeFrame(room, run, msg);
  } catch (e) {
    // The transaction rolled back: nothing of the frame is stored and it is not acked, so the
    // runner resends it after reconnecting. Say why instead of throwing out of webSocketMessage,
    // which left the runner with neither an ack nor a close.
    closeQuietly(ws, CLOSE_CODES.storeFailed, `could not store frame ${msg.frame}: ${(e as Error)?.message ?? String(e)}`);
    return;
  }
  send(ws, 'roomToRunner', { type: 'ack', frame: msg.frame });
  broadcast(room.ctx, stored);
  await room.d1.flush();
}

export async function onRunSocketGone(room: Room, ws: WebSocket, att: RunSocketAttachment): Promise<void> {
  const run = getRun(room.db, att.runId);
  if (!run || staleReason(run, att) || run.leaseUntil === null) return;
  if (runSockets(room.ctx, att.runId, att.assignment).some((other) => other !== ws && isOpen(other))) return;
  const now = Date.now();
  const until = now + Math.min(LIMITS.runSocketGraceMs, leaseMs(room.env));
  if (run.leaseUntil <= until) return;
  updateRun(room.db, run, { leaseUntil: until, socketGoneAt: now }, { sync: false });
  await armAlarm(room, until);
}

function storeFrame(room: Room, run: RunState, frame: Frame): StoredEvent[] {
  const now = Date.now();
  return room.ctx.storage.transactionSync(() => {
    const stored = ingestFrame(room, run, frame.events, now);
    updateRun(room.db, run, {
      lastFrame: frame.frame,
      leaseUntil: isLeased(run.status) ? now + leaseMs(room.env) : null,
      socketGoneAt: null,
    }, { sync: false });
    return stored;
  });
}
