/** Elapsed time of a run; ticks every second only while the run is still going. */
import { useEffect, useState } from 'preact/hooks';
import { formatElapsed } from '../lib/format.ts';

export function Elapsed(props: { start: number | null; end: number | null }) {
  const [now, setNow] = useState(() => Date.now());
  const ticking = props.start !== null && props.end === null;
  useEffect(() => {
    if (!ticking) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [ticking]);
  if (props.start === null) return <span class="elapsed" data-testid="run-elapsed">not started</span>;
  const ms = (props.end ?? Math.max(now, props.start)) - props.start;
  return (
    <span class="elapsed" data-testid="run-elapsed" title="Elapsed time">
      <span class="visually-hidden">Elapsed </span>{formatElapsed(ms)}
    </span>
  );
}
