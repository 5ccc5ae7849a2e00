/**
 * Builds Gemini API (generativelanguage v1beta) payloads for one scripted turn: the
 * `streamGenerateContent?alt=sse` chunks (text fragments, then one chunk with the function
 * calls; the last carries `finishReason: STOP` and the full `usageMetadata`, earlier ones only
 * the prompt count, as the real API streams) and the `generateContent` response. Also reduces a
 * request's `contents` to the scenario engine's conversation. Pure functions; fake-gemini.ts owns HTTP.
 */
import { fragments, newId, type ConversationEntry, type ScriptedTurn, type TurnUsage } from './scenario.ts';

/** User contents with text parts are user entries (functionResponse-only ones are not), model contents are model turns. */
export function geminiConversation(contents: unknown[]): ConversationEntry[] {
  return contents.map((c: any): ConversationEntry => {
    if (c?.role === 'model') return { kind: 'model' };
    const texts = Array.isArray(c?.parts) ? c.parts.filter((p: any) => typeof p?.text === 'string' && !p.thought).map((p: any) => p.text) : [];
    return texts.length > 0 ? { kind: 'user', text: texts.join('\n') } : { kind: 'other' };
  });
}

export interface GeminiPayloads {
  /** Each element is one SSE `data:` JSON object. */
  chunks: object[];
  response: object;
}

export function buildGeminiTurn(model: string, turn: ScriptedTurn, u: TurnUsage): GeminiPayloads {
  const responseId = newId('', 10);
  const modelVersion = model.replace(/^models\//, '');
  const calls = (turn.toolCalls ?? []).map((c) => ({ functionCall: { name: c.name, args: c.arguments } }));
  const partial = { promptTokenCount: u.input, totalTokenCount: u.input };
  const final = { promptTokenCount: u.input, candidatesTokenCount: u.output, totalTokenCount: u.input + u.output, promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.input }] };
  const chunk = (parts: object[], last: boolean) => ({
    candidates: [{ content: { parts, role: 'model' }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
    usageMetadata: last ? final : partial,
    modelVersion,
    responseId,
  });

  const groups: object[][] = fragments(turn.text ?? '').map((text) => [{ text }]);
  if (calls.length > 0) groups.push(calls);
  if (groups.length === 0) groups.push([{ text: '' }]);
  const chunks = groups.map((parts, i) => chunk(parts, i === groups.length - 1));
  const parts = [...(turn.text ? [{ text: turn.text }] : []), ...calls];
  const response = chunk(parts.length > 0 ? parts : [{ text: '' }], true);
  return { chunks, response };
}
