/**
 * TaskRoom → viewer messages on `GET /v1/tasks/:id/live?after=<seq>` (DESIGN §5).
 * Replay first (events with seq > after), then one `sync`, then live `events`.
 * The client drops any event with seq ≤ the last it has, so resends are harmless.
 */
import { z } from 'zod';
import { StoredEvent } from './events.ts';

export const ViewerEvents = z.object({ type: z.literal('events'), events: z.array(StoredEvent) });
export const ViewerSync = z.object({ type: z.literal('sync'), seq: z.number().int().nonnegative() });

export const RoomToViewer = z.discriminatedUnion('type', [ViewerEvents, ViewerSync]);
export type RoomToViewer = z.infer<typeof RoomToViewer>;
