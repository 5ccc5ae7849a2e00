/**
 * Messages to the browser's live sockets.
 *
 * TaskRoom → viewer on `GET /v1/tasks/:id/live?after=<seq>` (docs/architecture.md §5): replay first (events
 * with seq > after), then one `sync`, then live `events`. The client drops any event with seq ≤
 * the last it has, so resends are harmless.
 *
 * UserFeed → viewer on `GET /v1/live` (one socket per tab, all of the user's tasks): `task` with
 * the task's list row whenever it is created or its status is written. No replay: a client
 * (re)loads `GET /v1/tasks` after each `hello` and applies `task` messages on top, newest
 * `updatedAt` winning.
 *
 * Written and read through codec.ts (roles `roomToViewer`, `feedToViewer`).
 */
import { z } from 'zod';
import { Task } from './api.ts';
import { StoredEvent } from './events.ts';

export const ViewerEvents = z.object({ type: z.literal('events'), events: z.array(StoredEvent) });
export const ViewerSync = z.object({ type: z.literal('sync'), seq: z.number().int().nonnegative() });

export const RoomToViewer = z.discriminatedUnion('type', [ViewerEvents, ViewerSync]);
export type RoomToViewer = z.infer<typeof RoomToViewer>;

export const FeedHello = z.object({ type: z.literal('hello') });
export const FeedTask = z.object({ type: z.literal('task'), task: Task });

export const FeedToViewer = z.discriminatedUnion('type', [FeedHello, FeedTask]);
export type FeedToViewer = z.infer<typeof FeedToViewer>;
