/**
 * Lookup of a run's runner sockets (tags `run` and `run:<runId>`) and their attachments. The
 * attachment survives hibernation, so a woken room still knows which run, assignment and
 * runner each socket belongs to.
 */
import { send } from '../../../protocol/src/index.ts';
import type { Outgoing } from '../../../protocol/src/index.ts';
import { closeQuietly } from '../durable/sockets.ts';

export interface RunSocketAttachment {
  kind: 'run';
  runId: string;
  assignment: number;
  runnerId: string;
}
export interface ViewerAttachment {
  kind: 'viewer';
  userId: string;
}
export type Attachment = RunSocketAttachment | ViewerAttachment;

export const runTag = (runId: string) => `run:${runId}`;

export function attachmentOf(ws: WebSocket): Attachment | null {
  return (ws.deserializeAttachment() as Attachment | null) ?? null;
}

/** Sockets of `runId` (optionally only those of one assignment). */
export function runSockets(ctx: DurableObjectState, runId: string, assignment?: number): WebSocket[] {
  return ctx.getWebSockets(runTag(runId)).filter((ws) => {
    const att = attachmentOf(ws);
    return att?.kind === 'run' && (assignment === undefined || att.assignment === assignment);
  });
}

export function closeRunSockets(ctx: DurableObjectState, runId: string, code: number, reason: string): void {
  for (const ws of runSockets(ctx, runId)) closeQuietly(ws, code, reason);
}

export function sendToRun(ctx: DurableObjectState, runId: string, assignment: number, msg: Outgoing<'roomToRunner'>): void {
  for (const ws of runSockets(ctx, runId, assignment)) send(ws, 'roomToRunner', msg);
}
