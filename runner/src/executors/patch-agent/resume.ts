/**
 * Continuing a run whose earlier assignment was lost with its runner (Assignment.resume): instead of
 * paying for its model turns again, the patch agent replays the finished turns — each turn's tool
 * calls run again in order on the fresh workspace (write/edit recreate the files; read/list/search
 * give the outputs the model saw, as the workspace is at the same commit and the tools are
 * deterministic) and the adapter's conversation gets the turn and those outputs in its wire format —
 * then asks the model for the next turn. A resume made on another base commit (the base branch
 * moved) cannot be replayed faithfully: the run starts over and says why. Also builds the `turn`
 * event the loop emits after each finished turn, which is what a later resume is made of.
 */
import { LIMITS, type Resume, type ResumeTurn } from '../../../../protocol/src/index.ts';
import { PolicyViolationError, type ExecutorEvent } from '../types.ts';
import type { ModelAdapter, ModelTurn, ToolResult } from './adapters/model-adapter.ts';
import { runTool, type ToolContext } from './tools.ts';

export interface ResumePlan {
  turns: ResumeTurn[];
  /** The log line that tells the user what happens (continue, or start over and why). */
  note: string;
}

const short = (sha: string | undefined) => (sha ? sha.slice(0, 12) : 'an unknown commit');

/** What to do with an assignment's resume on a workspace at `baseCommit`; null when there is none. */
export function planResume(resume: Resume | undefined, baseCommit: string | undefined): ResumePlan | null {
  if (!resume) return null;
  const k = resume.turns.length;
  const leftOut = resume.turnsLeftOut ? `; ${resume.turnsLeftOut} later turn(s) could not be carried over and run again` : '';
  if (k === 0) return { turns: [], note: `continuing a run whose previous assignment was lost before it finished a turn: starting from turn 1${leftOut}` };
  if (resume.baseCommit && baseCommit && resume.baseCommit !== baseCommit) {
    return { turns: [], note: `the previous assignment's ${k} finished turn(s) were made on ${short(resume.baseCommit)}, but the base is now at ${short(baseCommit)}: starting over from turn 1` };
  }
  return { turns: resume.turns, note: `continuing from turn ${k + 1} of the previous assignment (${k} turn${k === 1 ? '' : 's'} replayed, no model calls${leftOut})` };
}

/** Replays the plan's turns into the adapter and the workspace; returns the tokens those turns used. */
export async function replayTurns(adapter: ModelAdapter, ctx: ToolContext, turns: ResumeTurn[], signal: AbortSignal): Promise<number> {
  let tokens = 0;
  for (const t of turns) {
    if (signal.aborted) break;
    adapter.recordTurn({ text: t.text, calls: t.calls });
    const results: ToolResult[] = [];
    for (const call of t.calls) {
      results.push({ call, ...(await runTool(ctx, call.name, call.args)) });
      if (ctx.violations.length > 0) throw new PolicyViolationError(`policy: ${ctx.violations[0]}`);
    }
    adapter.addToolResults(results);
    tokens += t.tokens ?? 0;
  }
  return tokens;
}

/**
 * The `turn` event for a finished turn (its tool results are done). Over LIMITS.turnEventMaxBytes
 * it is sent as `omitted` (a resume then stops before it) so it always fits a frame.
 */
export function turnEvent(n: number, turn: ModelTurn, baseCommit: string | undefined): ExecutorEvent {
  const base = { type: 'turn' as const, turn: n, ...(baseCommit ? { baseCommit } : {}) };
  const calls = turn.calls.map((c) => ({ id: c.id, name: c.name, args: c.args, ...(c.signature ? { signature: c.signature } : {}) }));
  const full = { ...base, text: turn.text, calls, ...(turn.usage ? { tokens: turn.usage.inputTokens + turn.usage.outputTokens } : {}) };
  const fits = Buffer.byteLength(JSON.stringify(full)) <= LIMITS.turnEventMaxBytes
    && calls.every((c) => c.id.length <= 256 && c.name.length <= 256 && (c.signature?.length ?? 0) <= 16_384);
  return fits ? full : { ...base, text: '', calls: [], omitted: true };
}
