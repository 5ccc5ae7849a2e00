/** Says when the live view is not live: first connect, or reconnecting after a drop (resume point shown). */
import type { LiveInfo } from '../state/task-store.ts';

export function ConnectionBanner(props: { live: LiveInfo }) {
  const { state, lastSeq } = props.live;
  if (state === 'live' || state === 'closed') return null;
  const text = state === 'reconnecting'
    ? `Reconnecting… resuming from event ${lastSeq}`
    : 'Connecting to live updates…';
  return (
    <div class={`banner banner-${state}`} role="status" aria-live="polite" data-testid="connection-banner" data-state={state}>
      {text}
    </div>
  );
}
