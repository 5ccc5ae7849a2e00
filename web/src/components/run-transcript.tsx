/**
 * The streamed transcript of a run: text and tool calls in arrival order. While the run is
 * active it stays scrolled to the bottom unless the reader scrolled up to read.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { RunView } from '../state/task-model.ts';
import { ToolCall } from './tool-call.tsx';

export function RunTranscript(props: { view: RunView; active: boolean }) {
  const { view } = props;
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  useLayoutEffect(() => {
    const el = box.current;
    if (el && props.active && pinned.current) el.scrollTop = el.scrollHeight;
  });
  if (view.timeline.length === 0) return null;
  const onScroll = () => {
    const el = box.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };
  return (
    <div class="transcript" ref={box} onScroll={onScroll} data-testid="run-transcript" tabIndex={0} aria-label="Transcript">
      {view.timeline.map((item, i) => {
        if (item.kind === 'text') return <p key={i} class="transcript-text">{item.text}</p>;
        if (item.kind === 'note') return <p key={i} class="transcript-note">{item.text}</p>;
        const call = view.toolCalls[item.callId];
        return call ? <ToolCall key={item.callId} call={call} /> : null;
      })}
    </div>
  );
}
