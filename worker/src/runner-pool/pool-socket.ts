/**
 * A runner's pool socket (`/connect`, docs/architecture.md §1, §6). The runner says `hello` (refused with
 * protocolTooOld below MIN_RUNNER_PROTOCOL, checked before the full parse because an old runner's
 * hello may not match today's schema), then reports `capacity`, and `accept`s or `reject`s each
 * pushed `assign`. When its socket closes, offers it had not accepted go back to TaskRoom and on
 * to other runners; accepted runs stay with TaskRoom's lease, since the runner may reconnect.
 */
import { CLOSE_CODES, PROTOCOL_VERSION, decode, send } from '../../../protocol/src/index.ts';
import type { Hello } from '../../../protocol/src/index.ts';
import { HEADER_CREDENTIAL_WON_BACK, HEADER_POOL, HEADER_RUNNER_ID, HEADER_RUNNER_NAME } from '../lib/internal-headers.ts';
import { closeQuietly, isOpen, jsonError } from '../durable/sockets.ts';
import { issueCredential, onCredentialSaved } from './credential-rotation.ts';
import { addRejected, deleteOffer, getOffer, offersTo } from './offers.ts';
import { releaseOffer } from './pool.ts';
import type { Pool } from './pool.ts';
import { attachmentOf, runnerTag, TAKEOVER_QUIET_MS, updateAttachment } from './runner-sockets.ts';
import type { RunnerAttachment } from './runner-sockets.ts';
import { recordHello, recordSeen } from './runners-d1.ts';

/**
 * Attachments are capped at 16 KiB by workerd: keep at most 64 run ids (Hello.slots ≤ 64) of
 * at most 64 characters (ids are ≤ 64) so a runner's record always fits.
 */
const MAX_ACTIVE_RUNS = 64;
const activeList = (runs: string[]) => runs.filter((r) => r.length <= 64).slice(0, MAX_ACTIVE_RUNS);

export function openPoolSocket(pool: Pool, request: Request): Response {
  const runnerId = request.headers.get(HEADER_RUNNER_ID) ?? '';
  const name = request.headers.get(HEADER_RUNNER_NAME) ?? '';
  const poolName = request.headers.get(HEADER_POOL) ?? '';
  if (!runnerId || !name || !poolName) return jsonError(400, 'bad_request', 'runner id, name and pool are required');

  const wonBack = request.headers.get(HEADER_CREDENTIAL_WON_BACK) === '1';
  const live = pool.ctx.getWebSockets(runnerTag(runnerId)).filter((ws) => isOpen(ws) && attachmentOf(ws)?.ready);
  const [client, server] = Object.values(new WebSocketPair());
  pool.ctx.acceptWebSocket(server, ['runner', runnerTag(runnerId)]);
  const att: RunnerAttachment = {
    runnerId, name, pool: poolName, ready: false,
    executors: [], slots: 0, labels: [], activeRuns: [], protocolVersion: 0, connectedAt: Date.now(),
    tookOver: live.length > 0 && !wonBack,
  };
  server.serializeAttachment(att);
  // A connection that won the place back from a copy of the credential ends the copy's socket for
  // good: its credential is burned (lib/runner-credential.ts), so it is told so, not to redial.
  const [code, reason] = wonBack
    ? [CLOSE_CODES.unauthorized, 'runner credential used from two places; the runner won its place back']
    : [CLOSE_CODES.replaced, 'replaced by a newer connection'];
  for (const old of pool.ctx.getWebSockets(runnerTag(runnerId))) {
    if (old !== server) closeQuietly(old, code, reason);
  }
  // Dispatch again when its takeover quiet ends (dispatcher.ts skips it until then).
  if (att.tookOver) void pool.ctx.storage.setAlarm(att.connectedAt + TAKEOVER_QUIET_MS);
  return new Response(null, { status: 101, webSocket: client });
}

export async function onPoolMessage(pool: Pool, ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
  const att = attachmentOf(ws);
  if (!att) return;
  const decoded = decode('runnerToPool', data);
  if (!decoded.ok) return closeQuietly(ws, decoded.code, decoded.reason);
  const msg = decoded.msg;
  switch (msg.type) {
    case 'hello':
      return onHello(pool, ws, att, msg);
    case 'capacity':
      updateAttachment(ws, { activeRuns: activeList(msg.activeRuns) });
      return pool.dispatcher.run();
    case 'accept': {
      const offer = getOffer(pool.db, msg.runId);
      if (offer?.offeredTo === att.runnerId) deleteOffer(pool.db, msg.runId);
      if (!att.activeRuns.includes(msg.runId)) updateAttachment(ws, { activeRuns: activeList([...att.activeRuns, msg.runId]) });
      return;
    }
    case 'reject':
      return onReject(pool, att, msg.runId, msg.reason);
    case 'credentialSaved':
      return onCredentialSaved(pool, ws, att);
  }
}

async function onHello(pool: Pool, ws: WebSocket, att: RunnerAttachment, hello: Hello): Promise<void> {
  const firstHello = !att.ready;
  updateAttachment(ws, {
    ready: true,
    executors: hello.executors,
    slots: hello.slots,
    labels: hello.labels,
    activeRuns: activeList(hello.activeRuns),
    ...(hello.sandbox ? { sandbox: hello.sandbox } : {}),
    protocolVersion: hello.protocolVersion,
  });
  // answersPing: the runtime answers SOCKET_PING for us (runner-pool.ts), so the runner may ping.
  send(ws, 'poolToRunner', { type: 'welcome', runnerId: att.runnerId, pool: att.pool, protocolVersion: PROTOCOL_VERSION, answersPing: true });
  // Each connection gets a fresh credential (README.md, "Credential rotation"); older runners cannot keep one.
  if (firstHello && hello.rotatesCredential) await issueCredential(pool, ws, att);
  if (firstHello) {
    // Assignments pushed on an older socket: kept if the runner reports them as active, else
    // they never arrived (or were dropped) and go back to TaskRoom.
    for (const offer of offersTo(pool.db, att.runnerId)) {
      if (offer.assignment === null || offer.claimId === null) continue; // still being claimed
      if (hello.activeRuns.includes(offer.runId)) deleteOffer(pool.db, offer.runId);
      else await releaseOffer(pool, { ...offer, claimId: offer.claimId, assignment: offer.assignment }, 'runner reconnected without it');
    }
  }
  await recordHello(pool.env.DB, att.runnerId, hello.executors, hello.protocolVersion, Date.now());
  await pool.dispatcher.run();
}

async function onReject(pool: Pool, att: RunnerAttachment, runId: string, reason: string): Promise<void> {
  const offer = getOffer(pool.db, runId);
  if (!offer || offer.offeredTo !== att.runnerId || offer.assignment === null || offer.claimId === null) return;
  // Before awaiting: TaskRoom's re-offer arrives while we wait and must not pick this runner again.
  addRejected(pool.db, runId, att.runnerId);
  await releaseOffer(pool, { ...offer, claimId: offer.claimId, assignment: offer.assignment }, reason);
  await pool.dispatcher.run();
}

export async function onPoolSocketGone(pool: Pool, ws: WebSocket): Promise<void> {
  const att = attachmentOf(ws);
  if (!att) return;
  // A newer socket of the same runner takes over; its hello reconciles the offers.
  const successor = pool.ctx.getWebSockets(runnerTag(att.runnerId)).some((other) => other !== ws && isOpen(other));
  if (!successor) {
    for (const offer of offersTo(pool.db, att.runnerId)) {
      if (offer.assignment === null || offer.claimId === null) continue; // the claim in flight sees the socket gone
      await releaseOffer(pool, { ...offer, claimId: offer.claimId, assignment: offer.assignment }, 'runner disconnected before accepting');
    }
  }
  if (att.ready) await recordSeen(pool.env.DB, att.runnerId, Date.now());
  await pool.dispatcher.run();
}
