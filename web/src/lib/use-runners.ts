/**
 * The shared runner list (GET /v1/runners), kept fresh while a page needs it live: loaded when the
 * page mounts and whenever `live` changes (a task's last queued attempt leaving the queue means a
 * runner took it: the list from before may say none was connected), and re-read every 10 s while
 * `live` and the tab is visible (runners connect and leave at any time; Settings → Runners, New
 * task and a task with a queued attempt show that).
 */
import { useEffect } from 'preact/hooks';
import type { Runner } from '../../../protocol/src/index.ts';
import { runners } from '../state/lists.ts';

export const RUNNERS_REFRESH_MS = 10_000;

export function useRunners(live = true): Runner[] | null {
  useEffect(() => {
    void runners.load();
    if (!live) return;
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') void runners.load();
    }, RUNNERS_REFRESH_MS);
    return () => clearInterval(t);
  }, [live]);
  return runners.state.value.data;
}
