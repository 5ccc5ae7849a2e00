/** One tool call in a run's transcript: name and input summary, expandable to input and result. */
import type { ToolCallView } from '../state/task-model.ts';
import { prettyInput, summarizeInput } from '../lib/format.ts';

export function ToolCall(props: { call: ToolCallView }) {
  const { call } = props;
  const state = call.result === null ? 'pending' : call.result.isError ? 'error' : 'ok';
  return (
    <details class={`tool-call tool-${state}`} data-testid="tool-call" data-tool={call.name}>
      <summary>
        <span class="tool-name">{call.name}</span>
        <span class="tool-input">{summarizeInput(call.input)}</span>
        <span class="tool-state">{state === 'pending' ? 'running…' : state === 'error' ? 'error' : 'done'}</span>
      </summary>
      <div class="tool-body">
        <p class="tool-label">Input</p>
        <pre>{prettyInput(call.input)}</pre>
        {call.result && (
          <>
            <p class="tool-label">{call.result.isError ? 'Error' : 'Result'}</p>
            <pre>{prettyInput(call.result.output)}</pre>
          </>
        )}
      </div>
    </details>
  );
}
