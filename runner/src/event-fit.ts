/**
 * Makes one event keep the run socket's promises before it is batched (protocol/src/limits.ts,
 * issue 11): TaskRoom refuses a whole frame that carries an event over LIMITS.eventMaxBytes or
 * nested deeper than LIMITS.eventMaxDepth, so the runner must never send one.
 * - free text (text, log, tool output, status reason) is cut at the text cap;
 * - a tool input over the text cap or nested too deep becomes `{ truncated, preview }`;
 * - a `result` over the byte limit loses its patch from the last whole file on (patchTruncated),
 *   then its file list from the end (stats still count every file) — never its outcome;
 * - anything else still over a limit becomes a `log` warning saying what was dropped and why.
 */
import { LIMITS, eventBytes, eventViolation, nestsDeeperThan, type RunEvent, type RunResult } from '../../protocol/src/index.ts';

/** Cuts `s` to at most `max` UTF-8 bytes (never inside a character) and says so. */
export function cutText(s: string, max: number): string {
  const bytes = Buffer.byteLength(s);
  if (bytes <= max) return s;
  const note = ` … [cut ${bytes - max} bytes]`;
  let buf = Buffer.from(s).subarray(0, Math.max(0, max - Buffer.byteLength(note)));
  // Step back over a partial multi-byte character (continuation bytes are 10xxxxxx).
  let end = buf.length;
  while (end > 0 && (buf[end - 1] & 0xc0) === 0x80) end--;
  if (end > 0 && buf[end - 1] >= 0xc0) end--;
  buf = buf.subarray(0, end);
  return buf.toString('utf8') + note;
}

/** The UTF-8 bytes `s` takes inside a JSON string (escapes included, quotes not). */
export const jsonStringBytes = (s: string): number => Buffer.byteLength(JSON.stringify(s)) - 2;

/** A tool input as sent: as is when it is small and shallow; else a cut preview of its JSON. */
function fitInput(input: unknown, max: number): unknown {
  // The event is level 1 and `input` sits at level 2.
  if (nestsDeeperThan(input, LIMITS.eventMaxDepth - 1)) {
    return { truncated: true, preview: `[input nested deeper than ${LIMITS.eventMaxDepth - 1} levels]` };
  }
  const json = JSON.stringify(input ?? null);
  return Buffer.byteLength(json) <= max ? input : { truncated: true, preview: cutText(json, max - 64) };
}

/** Applies the per-event text cap to every free-text field of an event. */
export function capEvent(e: RunEvent, max: number): RunEvent {
  switch (e.type) {
    case 'text':
      return { ...e, text: cutText(e.text, max) };
    case 'log':
      return { ...e, message: cutText(e.message, max) };
    case 'tool_result':
      return { ...e, output: cutText(e.output, max) };
    case 'tool_call':
      return { ...e, input: fitInput(e.input, max) };
    case 'status':
      return e.reason === undefined ? e : { ...e, reason: cutText(e.reason, max) };
    default:
      return e;
  }
}

/** How many of the leading `sizes` fit in `budget` together. */
function prefixWithin(sizes: number[], budget: number): number {
  let used = 0;
  for (let i = 0; i < sizes.length; i++) {
    used += sizes[i];
    if (used > budget) return i;
  }
  return sizes.length;
}
const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);

/** A result shrunk to `max` bytes: whole files of its patch dropped from the end, then file-list entries. */
function fitResult(e: Extract<RunEvent, { type: 'result' }>, max: number): RunEvent {
  let result: RunResult = e.result;
  let over = eventBytes(e) - max;
  if (over > 0 && result.patch) {
    // A git patch is a run of per-file sections, each starting with `diff --git` (ASCII, so the
    // sections' escaped sizes add up to the whole's).
    const sections = result.patch.split(/(?=^diff --git )/m);
    const sizes = sections.map(jsonStringBytes);
    result = { ...result, patch: sections.slice(0, prefixWithin(sizes, sum(sizes) - over)).join(''), patchTruncated: true };
    over = eventBytes({ ...e, result }) - max;
  }
  if (over > 0 && result.files.length > 0) {
    const sizes = result.files.map((f) => Buffer.byteLength(JSON.stringify(f)) + 1); // + its comma
    result = { ...result, files: result.files.slice(0, prefixWithin(sizes, sum(sizes) - over)) };
  }
  return { ...e, result };
}

/** `e` as it may travel: capped, shrunk or replaced so that it keeps every promise of the run socket. */
export function fitEvent(e: RunEvent, maxTextBytes: number = LIMITS.eventMaxTextBytes): RunEvent {
  let fitted = capEvent(e, maxTextBytes);
  if (fitted.type === 'result' && eventBytes(fitted) > LIMITS.eventMaxBytes) fitted = fitResult(fitted, LIMITS.eventMaxBytes);
  const why = eventViolation(fitted);
  if (!why) return fitted;
  if (fitted.type === 'result') {
    // A run's outcome must arrive whatever else is lost.
    const { outcome, error, branch, baseCommit, headCommit, stats } = fitted.result;
    const result: RunResult = { outcome, branch, baseCommit, headCommit, patchTruncated: true, files: [], stats };
    return { ...fitted, result: error === undefined ? result : { ...result, error: cutText(error, 1000) } };
  }
  return { type: 'log', runId: e.runId, ts: e.ts, level: 'warn', message: `dropped a ${e.type} event: ${why}` };
}
