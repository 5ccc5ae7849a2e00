/**
 * The contract between the patch agent's tool loop (tool-loop.ts) and one wire API (OpenAI Chat,
 * OpenAI Responses, Anthropic Messages, Gemini). An adapter owns the conversation in its wire
 * format; the loop owns turns, budgets, tools, events and retries. Also the readable failure
 * reasons every adapter gives when a model call is refused or cannot be made.
 */
import { ExecutorError } from '../../types.ts';

export interface ModelCall {
  /** The provider's call id, or one the adapter made up when the wire format has none. */
  id: string;
  name: string;
  /** Arguments as JSON text (the tools parse and validate it). */
  args: string;
  /** An opaque token the provider wants back with the call (Gemini's thoughtSignature on the functionCall part). */
  signature?: string;
}
export interface ModelTurn {
  text: string;
  calls: ModelCall[];
  /** The provider's own usage fields for this turn, if it reported them. */
  usage?: { inputTokens: number; outputTokens: number };
}
export interface ToolResult { call: ModelCall; output: string; isError: boolean }

/** A streamed turn: yields text deltas, returns the assembled turn. */
export type TurnStream = AsyncGenerator<string, ModelTurn, undefined>;

export interface ModelAdapter {
  /**
   * Streams one model turn over the conversation so far and, once it completed, appends the
   * assistant's turn to the conversation. A refused or impossible request throws ExecutorError
   * (final: the SDK already retried); a stream that breaks after it opened throws anything else,
   * and the loop may call streamTurn again (the conversation is unchanged then).
   */
  streamTurn(signal: AbortSignal): TurnStream;
  /** Appends the results of the last turn's calls, in call order. */
  addToolResults(results: ToolResult[]): void;
  /**
   * Appends a turn the model gave in an earlier assignment of the run (a resume), in this wire's
   * format, as streamTurn appends a turn it received; its tool results follow with addToolResults.
   */
  recordTurn(turn: PastTurn): void;
}

/** A finished turn as a `turn` event records it (protocol TurnCall: id, name, args, signature?). */
export interface PastTurn { text: string; calls: ModelCall[] }

/** Connection settings every adapter gets: the gateway route and the per-run token as the key. */
export interface AdapterInit {
  /** `${gatewayBaseUrl}${gatewayPath}` verbatim. */
  baseURL: string;
  apiKey: string;
  model: string;
  system: string;
  /** Conversation before the first model turn: history, then the instruction (user last). */
  seed: Array<{ role: 'user' | 'assistant'; content: string }>;
}

/** SDK retries for refused-but-retryable calls (429, 5xx) and connection failures. */
export const SDK_RETRIES = 2;
export const REQUEST_TIMEOUT_MS = 300_000;

/** Innermost useful detail of an error's cause chain (e.g. "connect ECONNREFUSED 127.0.0.1:9"). */
export function causeText(e: unknown): string {
  let cur: any = e;
  let text = '';
  for (let i = 0; cur && i < 5; i++, cur = cur.cause) {
    if (typeof cur.message === 'string' && cur.message) text = cur.message;
    else if (typeof cur.code === 'string') text = cur.code;
  }
  return text;
}

export function unreachable(baseURL: string, e: unknown): ExecutorError {
  const detail = causeText(e);
  return new ExecutorError(`model call failed: cannot reach the LLM gateway at ${baseURL}${detail ? ` (${detail})` : ''}`);
}

export function refused(status: number | undefined, message: string): ExecutorError {
  // SDK messages often start with the status already ("401 Incorrect API key…").
  const text = status !== undefined && message.startsWith(`${status} `) ? message.slice(String(status).length + 1) : message;
  // The run's gateway relay gave up on an unreachable Worker (runner/src/gateway-relay/): its 502 is
  // not an answer from anyone, so the reason reads like the unreachable() one, without a status.
  const shown = text.startsWith(RELAY_GAVE_UP) ? undefined : status;
  return new ExecutorError(`model call failed: ${shown ?? ''} ${text}`.replace(/\s+/g, ' ').trim().slice(0, 1000));
}

/** How the relay's give-up message starts. */
const RELAY_GAVE_UP = 'cannot reach the LLM gateway at ';

/** Parses tool arguments for wire formats that want an object back (Anthropic, Gemini); bad JSON → {}. */
export function argsObject(args: string): Record<string, unknown> {
  try {
    const v = JSON.parse(args);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}
