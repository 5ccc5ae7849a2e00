/**
 * A live viewer, as the browser holds one: WebSocket to /v1/tasks/:id/live?after=N, every message
 * parsed with the protocol schema, events kept in arrival order.
 */
import { RoomToViewer, type StoredEvent } from '../../../protocol/src/index.ts';
import { waitFor } from '../wait.ts';

export interface Viewer {
  events: StoredEvent[];
  syncs: number[];
  waitFor(what: string, pred: (events: StoredEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
  closed: Promise<void>;
}

export async function openViewer(url: string, taskId: string, cookie: string, after = 0): Promise<Viewer> {
  const wsUrl = `${url.replace(/^http/, 'ws')}/v1/tasks/${taskId}/live?after=${after}`;
  // Node 22's WebSocket cannot set headers; `ws` can (the cookie authenticates the viewer).
  const { default: WebSocket } = await import('ws');
  const ws = new WebSocket(wsUrl, { headers: { cookie } });
  const events: StoredEvent[] = [];
  const syncs: number[] = [];
  ws.on('message', (data) => {
    const msg = RoomToViewer.parse(JSON.parse(String(data)));
    if (msg.type === 'sync') syncs.push(msg.seq);
    else events.push(...(msg.events as StoredEvent[]));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`viewer upgrade refused: ${res.statusCode}`)));
  });
  const closed = new Promise<void>((r) => ws.once('close', () => r()));
  return {
    events,
    syncs,
    waitFor: async (what, pred, timeoutMs = 60_000) => { await waitFor(what, async () => pred(events), timeoutMs, 50); },
    close: () => ws.close(),
    closed,
  };
}

/** The run's status events in order. */
export function statuses(events: StoredEvent[], runId: string): string[] {
  return events.filter((e) => e.runId === runId && e.type === 'status').map((e) => (e as { status: string }).status);
}

export function isDone(events: StoredEvent[], runId: string): boolean {
  const s = statuses(events, runId);
  return ['succeeded', 'failed', 'cancelled'].includes(s[s.length - 1]);
}
