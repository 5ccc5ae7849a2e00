/**
 * Why a process of `npm start` stopped, in words a newcomer can act on (issue 9: wrangler dev used
 * to die with an empty `✘ [ERROR]` and take the runner with it). Pure: the exit code or signal and
 * the last lines the process printed in, one sentence out.
 */

const KNOWN: Array<[RegExp, string]> = [
  [/EADDRINUSE|address already in use/i, 'its port is already in use — another dursor or program is listening there'],
  [/Error in ProxyController|Error inside ProxyWorker|Network connection lost/i,
    "wrangler's dev proxy lost its connection to the Worker runtime (workerd)"],
  [/out of memory|heap out of memory|ENOMEM/i, 'it ran out of memory'],
  [/ENOSPC|no space left on device/i, 'the disk is full'],
  [/Wrangler requires at least Node\.js/i, 'it needs Node.js ≥ 22.12 (run it through npm, which uses the Node from node_modules/.bin)'],
];

/** The last line that reads like an error, without colour codes or log decoration. */
export function lastErrorLine(output: string): string | null {
  const lines = output
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*(✘\s*)?\[ERROR\]\s*/, '').trim())
    .filter((l) => l && !/^at\s/.test(l) && !/Logs were written to/.test(l));
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/error|failed|fatal|exception|refused|lost/i.test(lines[i])) return lines[i].slice(0, 300);
  }
  return null;
}

export function explainExit(code: number | null, signal: NodeJS.Signals | null, output: string): string {
  const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
  for (const [re, why] of KNOWN) if (re.test(output)) return `${how}: ${why}`;
  if (signal === 'SIGKILL') return `${how} — killed by hand or by the system when memory ran out`;
  const line = lastErrorLine(output);
  return line ? `${how}; its last error: ${line}` : `${how} without saying why`;
}
