/** A run's log lines, collapsed by default so the transcript stays readable; warnings are counted in the summary. */
import type { LogLine } from '../state/task-model.ts';

export function RunLogs(props: { logs: LogLine[] }) {
  const { logs } = props;
  if (logs.length === 0) return null;
  const problems = logs.filter((l) => l.level !== 'info').length;
  return (
    <details class="run-logs" data-testid="run-logs">
      <summary>
        Log ({logs.length} {logs.length === 1 ? 'line' : 'lines'}{problems > 0 ? `, ${problems} warnings or errors` : ''})
      </summary>
      <ol class="log-lines">
        {logs.map((l, i) => (
          <li key={i} class={`log-${l.level}`}>
            <time dateTime={new Date(l.ts).toISOString()}>{new Date(l.ts).toLocaleTimeString()}</time> {l.message}
          </li>
        ))}
      </ol>
    </details>
  );
}
