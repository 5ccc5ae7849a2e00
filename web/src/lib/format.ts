/** Small display helpers (pure, unit-tested). */

/** 0:07, 2:05, 1:02:03: compact elapsed time for run cards. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One line describing a tool call's input, e.g. `path: src/a.ts` or the first string field. */
export function summarizeInput(input: unknown, max = 80): string {
  let s: string;
  if (input === null || input === undefined) s = '';
  else if (typeof input === 'string') s = input;
  else if (typeof input === 'object' && !Array.isArray(input)) {
    const obj = input as Record<string, unknown>;
    const key = ['path', 'file_path', 'pattern', 'query', 'command', 'cmd'].find((k) => typeof obj[k] === 'string');
    if (key) s = `${key}: ${obj[key] as string}`;
    else s = JSON.stringify(input);
  } else s = JSON.stringify(input);
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Input shown inside a tool call's details: pretty JSON, cut so a huge write does not flood the card. */
export function prettyInput(input: unknown, max = 4000): string {
  const s = typeof input === 'string' ? input : JSON.stringify(input, null, 2) ?? '';
  return s.length > max ? s.slice(0, max) + `\n… (${s.length - max} more characters)` : s;
}

/** The exact command that registers and starts a runner against this dursor. */
export function runnerCommand(origin: string, token: string): string {
  return `npm run runner -- --url ${origin} --token ${token}`;
}

/** $0.0042, $1.27: costs are small, so keep significant digits below a cent. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(2)}`;
}

/** 850 ms, 3.2 s, 2:05 — durations from milliseconds. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatElapsed(ms);
}
