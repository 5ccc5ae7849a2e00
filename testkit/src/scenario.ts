/**
 * The one scenario engine behind every fake provider (OpenAI Chat + Responses, Anthropic, Gemini).
 * Each wire module reduces its request to a provider-neutral `Conversation` (user text entries,
 * model turns, everything else); the engine picks the scenario and the scripted turn from it.
 *
 * Scenario: for each scenario, its *anchor* is the latest user text entry that contains `match`
 * (and the request's model equals `model`, if set). The scenario with the latest anchor wins; ties
 * go to the one added first. Turn index: the number of model turns after the anchor. For a plain
 * conversation whose first user message is the instruction this is "the number of prior assistant
 * turns"; it also stays right when a client injects a preamble exchange before the instruction
 * (Gemini CLI) or a follow-up instruction is appended after an earlier exchange (the follow-up's
 * scenario starts at turn 0). Past the script's end the turn is `{ text: 'done' }`.
 */
import { randomBytes } from 'node:crypto';

export interface ScriptedToolCall { name: string; arguments: Record<string, unknown> }
export interface ScriptedTurn {
  text?: string;
  toolCalls?: ScriptedToolCall[];
  /** Input / output tokens reported for this turn, under every wire format (Anthropic input_tokens, Gemini promptTokenCount, …). */
  usage?: { prompt_tokens: number; completion_tokens: number };
  chunkDelayMs?: number;
  /** Stream the first event, then wait for this before the rest (non-streaming: wait before answering). */
  hold?: Promise<void>;
  /**
   * Streamed: how many events go out before `hold` is awaited (default 1). More than 1 lets a test
   * see the held turn arrive at the agent (its first text piece) before it acts on the hold.
   */
  holdAfterChunks?: number;
  /** The first time this turn is served, cut the connection after this many streamed events (a network drop mid-stream). */
  cutAfterChunks?: number;
  /**
   * Stream each tool call's arguments in pieces of this many characters (default 16, as the real
   * APIs do); `Infinity` sends them in one event (issue 11: one huge answer in one SSE event).
   * Gemini always sends a call whole.
   */
  argumentPieceChars?: number;
}
export interface Scenario {
  /** Substring of a user message (see the module comment for which one anchors the script). */
  match: string;
  /** Only for requests with this model. */
  model?: string;
  turns: ScriptedTurn[];
}

/** One entry of a request's conversation, as the engine sees it. */
export type ConversationEntry = { kind: 'user'; text: string } | { kind: 'model' } | { kind: 'other' };

export interface TurnUsage { input: number; output: number }
export interface PickedTurn {
  /** The scenario's `match`, or null when nothing matched and the fallback turn is served. */
  scenario: string | null;
  turnIndex: number;
  turn: ScriptedTurn;
  usage: TurnUsage;
}

export interface ScenarioEngine {
  scenarios: Scenario[];
  add(s: Scenario): void;
  /** The scripted turn for this request, or undefined when no scenario matches. */
  pick(conversation: ConversationEntry[], model: string, requestBody: unknown): PickedTurn | undefined;
  /** Where to cut this turn's stream (`cutAfterChunks`) the first time it is served; -1 after that or without a cut. */
  takeCut(turn: ScriptedTurn): number;
}

/** Rough usage when a turn does not script one: ~4 characters per token. */
export function estimateUsage(requestBody: unknown, turn: ScriptedTurn): TurnUsage {
  if (turn.usage) return { input: turn.usage.prompt_tokens, output: turn.usage.completion_tokens };
  const out = (turn.text ?? '') + JSON.stringify(turn.toolCalls ?? []);
  return {
    input: Math.max(1, Math.ceil(JSON.stringify(requestBody ?? '').length / 4)),
    output: Math.max(1, Math.ceil(out.length / 4)),
  };
}

export function createScenarioEngine(initial: Scenario[] = []): ScenarioEngine {
  const scenarios = [...initial];
  const cutDone = new WeakSet<ScriptedTurn>();
  return {
    scenarios,
    add: (s) => void scenarios.push(s),
    pick(conversation, model, requestBody) {
      let best: { scenario: Scenario; anchor: number } | undefined;
      for (const s of scenarios) {
        if (s.model !== undefined && s.model !== model) continue;
        let anchor = -1;
        conversation.forEach((e, i) => {
          if (e.kind === 'user' && e.text.includes(s.match)) anchor = i;
        });
        if (anchor >= 0 && (!best || anchor > best.anchor)) best = { scenario: s, anchor };
      }
      if (!best) return undefined;
      const turnIndex = conversation.slice(best.anchor + 1).filter((e) => e.kind === 'model').length;
      const turn = best.scenario.turns[turnIndex] ?? { text: 'done' };
      return { scenario: best.scenario.match, turnIndex, turn, usage: estimateUsage(requestBody, turn) };
    },
    takeCut(turn) {
      if (turn.cutAfterChunks === undefined || cutDone.has(turn)) return -1;
      cutDone.add(turn);
      return turn.cutAfterChunks;
    },
  };
}

/** The turn served when nothing matches and the fake is not strict (side requests of CLIs). */
export function fallbackTurn(requestBody: unknown, turn: ScriptedTurn = { text: 'ok' }): PickedTurn {
  return { scenario: null, turnIndex: 0, turn, usage: estimateUsage(requestBody, turn) };
}

/** Text of a message content that is a string or an array of parts with `text`. */
export function contentText(content: unknown, partTypes?: string[]): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((p) => p && typeof p === 'object' && typeof p.text === 'string' && (!partTypes || partTypes.includes(p.type)))
    .map((p) => p.text as string)
    .join('\n');
}

/** Splits text into small pieces, like a model's token stream (keeps the whitespace). */
export function fragments(text: string, size = 12): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** A provider-style id: prefix + random hex. */
export const newId = (prefix: string, bytes = 12): string => `${prefix}${randomBytes(bytes).toString('hex')}`;
