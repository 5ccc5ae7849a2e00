/** A coloured pill for a run or task status; the text is always there, colour only adds to it. */
const LABELS: Record<string, string> = {
  queued: 'Queued', assigned: 'Assigned', preparing: 'Preparing', running: 'Running', finishing: 'Finishing',
  succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled', lost: 'Lost — retrying',
  idle: 'Idle', done: 'Done', unknown: 'Waiting',
};

export function StatusBadge(props: { status: string | null; testId?: string }) {
  const s = props.status ?? 'unknown';
  return (
    <span class={`badge badge-${s}`} data-testid={props.testId} data-status={s}>
      {LABELS[s] ?? s}
    </span>
  );
}
