/**
 * Runner pool sockets (tags `runner` and `runner:<id>`) and their attachments. The attachment is
 * the runner's live record — what it can run, its slots and active runs — so it survives
 * hibernation without a table. A runner counts only once it said `hello` (ready) and while its
 * socket is open; with several sockets of one runner the newest ready one wins.
 */
import type { SandboxMode } from '../../../protocol/src/index.ts';
import type { LiveRunner } from '../task-room/types.ts';
import { isOpen } from '../durable/sockets.ts';

export interface RunnerAttachment {
  runnerId: string;
  name: string;
  pool: string;
  ready: boolean;
  executors: string[];
  slots: number;
  labels: string[];
  activeRuns: string[];
  protocolVersion: number;
  connectedAt: number;
  /** From hello (issue 10); absent for runners older than the field. */
  sandbox?: SandboxMode;
  /** Hash of the credential this socket was given and the runner has not confirmed yet (credential-rotation.ts). */
  issuedCredentialHash?: string;
  /** This connection replaced a live, greeted one of the same runner (a copy of its credential, or a half-open socket). */
  tookOver?: boolean;
}

export const runnerTag = (runnerId: string) => `runner:${runnerId}`;

/**
 * A connection that took a live one's place gets no new work for this long (issue 11): if it is a
 * copy of the runner's credential, the runner it replaced wins its place back first (it redials
 * after 2 s) and the copy is never handed a run. A runner merely reconnecting over its own
 * half-open socket waits this long for new work; its running runs are unaffected.
 */
export const TAKEOVER_QUIET_MS = 5_000;

export function inTakeoverQuiet(att: RunnerAttachment, now: number): boolean {
  return att.tookOver === true && now - att.connectedAt < TAKEOVER_QUIET_MS;
}

export function attachmentOf(ws: WebSocket): RunnerAttachment | null {
  return (ws.deserializeAttachment() as RunnerAttachment | null) ?? null;
}

export function updateAttachment(ws: WebSocket, patch: Partial<RunnerAttachment>): RunnerAttachment | null {
  const att = attachmentOf(ws);
  if (!att) return null;
  const next = { ...att, ...patch };
  ws.serializeAttachment(next);
  return next;
}

export interface LiveSocket {
  ws: WebSocket;
  att: RunnerAttachment;
}

/** Ready, open runner sockets, one per runner. */
export function readyRunners(ctx: DurableObjectState): Map<string, LiveSocket> {
  const out = new Map<string, LiveSocket>();
  for (const ws of ctx.getWebSockets('runner')) {
    const att = attachmentOf(ws);
    if (!att?.ready || !isOpen(ws)) continue;
    const prev = out.get(att.runnerId);
    if (!prev || prev.att.connectedAt <= att.connectedAt) out.set(att.runnerId, { ws, att });
  }
  return out;
}

/** What the pool can say about an agent right now: how many runners are ready, and whether one offers it. */
export function coverage(ctx: DurableObjectState, executor: string): { runners: number; offered: boolean } {
  const ready = [...readyRunners(ctx).values()];
  return { runners: ready.length, offered: ready.some(({ att }) => att.executors.includes(executor)) };
}

export function readySocketOf(ctx: DurableObjectState, runnerId: string): WebSocket | null {
  return readyRunners(ctx).get(runnerId)?.ws ?? null;
}

export function toLiveRunner(att: RunnerAttachment): LiveRunner {
  return {
    runnerId: att.runnerId,
    name: att.name,
    slots: att.slots,
    executors: att.executors,
    labels: att.labels,
    protocolVersion: att.protocolVersion,
    activeRuns: att.activeRuns,
    connectedAt: att.connectedAt,
    ...(att.sandbox ? { sandbox: att.sandbox } : {}),
  };
}
