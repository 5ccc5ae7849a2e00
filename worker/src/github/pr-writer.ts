/**
 * Title and body of a pull request, written by a model from the task's conversation, the chosen
 * attempt's summary and diff, following the repository's PR template when it has one. The model
 * is the attempt's own profile (any provider but Cursor), called once, without streaming, with
 * the key that never leaves the Worker; its tokens and cost count on the attempt and task like any
 * gateway call. Without a usable model — or when it fails — the draft is
 * written from the task itself and says why; the user edits either before submitting.
 */
import type { PullRequestDraft } from '../../../protocol/src/index.ts';
import type { ModelProfileRow, RunRow, TaskRow } from '../db/rows.ts';
import type { Tokens } from '../gateway/pricing.ts';
import { callProvider, providerTarget } from '../lib/provider-call.ts';

/** What the writer's one model call cost, for the task's usage (priced and stored by the caller). */
export interface WriterCall { model: string; status: number; tokens: Tokens; started: number; firstByteMs: number }

const PATCH_CHARS = 24_000;

export interface DraftInput {
  task: TaskRow;
  run: RunRow;
  conversation: Array<{ role: string; content: string }>;
  template: string | null;
}

const SYSTEM = 'You write GitHub pull request titles and descriptions for changes made by a coding agent. '
  + 'Answer with one JSON object {"title": string, "body": string} and nothing else. The title is imperative, under 72 characters. '
  + 'The body is GitHub Markdown: what changed and why, then how it was verified if known. When a PR template is given, fill in its sections.';

export function draftPrompt(d: DraftInput): string {
  const files = (JSON.parse(d.run.files || '[]') as Array<{ path: string; additions?: number; deletions?: number }>)
    .map((f) => `- ${f.path} (+${f.additions ?? 0} −${f.deletions ?? 0})`).join('\n');
  return [
    `Task: ${d.task.title}`,
    'Conversation:', ...d.conversation.map((m) => `${m.role}: ${m.content}`),
    d.run.summary ? `Agent's summary: ${d.run.summary}` : '',
    `Files changed:\n${files || '(none listed)'}`,
    `Diff (may be cut):\n${(d.run.patch ?? '').slice(0, PATCH_CHARS)}`,
    d.template ? `PR template of the repository:\n${d.template}` : '',
  ].filter(Boolean).join('\n\n');
}

/** The model's reply → title and body; a reply that is not the JSON asked for still gives both. */
export function parseDraft(text: string): { title: string; body: string } | null {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  if (json) {
    try {
      const v = JSON.parse(json) as { title?: unknown; body?: unknown };
      if (typeof v.title === 'string' && v.title.trim()) return { title: v.title.trim().slice(0, 256), body: typeof v.body === 'string' ? v.body : '' };
    } catch { /* fall through to plain text */ }
  }
  const [first, ...rest] = text.trim().split('\n');
  return first?.trim() ? { title: first.replace(/^#+\s*/, '').trim().slice(0, 256), body: rest.join('\n').trim() } : null;
}

/** The draft written without a model: the task title, the agent's summary, the files. */
export function fallbackDraft(d: DraftInput, note: string): PullRequestDraft {
  const files = (JSON.parse(d.run.files || '[]') as Array<{ path: string }>).map((f) => `- \`${f.path}\``).join('\n');
  const body = [d.run.summary ?? '', files ? `### Files\n${files}` : ''].filter(Boolean).join('\n\n');
  return { title: d.task.title, body: d.template ? `${body}\n\n${d.template}`.trim() : body, writtenBy: null, note, template: d.template };
}

async function callModel(profile: ModelProfileRow, apiKey: string, prompt: string, onCall?: (call: WriterCall) => Promise<void>): Promise<string> {
  const target = providerTarget(profile);
  if (!target) throw new Error(`${profile.provider} profiles cannot be called from the Worker`);
  const post = async (path: string, body: object) => {
    const started = Date.now();
    const res = await callProvider(target, apiKey, path, { body });
    const firstByteMs = Date.now() - started;
    const json = res.ok ? await res.json() as Record<string, unknown> : null;
    const usage = target.adapter.usageReader();
    if (json) usage.json(json);
    await onCall?.({ model: profile.model, status: res.status, tokens: usage.tokens(), started, firstByteMs });
    if (!json) throw new Error(`${profile.provider} answered ${res.status}`);
    return json;
  };
  if (target.family === 'openai') {
    const r = await post('/chat/completions', {
      model: profile.model, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: prompt }],
    }) as { choices?: Array<{ message?: { content?: string } }> };
    return r.choices?.[0]?.message?.content ?? '';
  }
  if (target.family === 'anthropic') {
    const r = await post('/v1/messages', {
      model: profile.model, max_tokens: 2048, system: SYSTEM, messages: [{ role: 'user', content: prompt }],
    }) as { content?: Array<{ type: string; text?: string }> };
    return (r.content ?? []).filter((b) => b.type === 'text').map((b) => b.text ?? '').join('');
  }
  const r = await post(`/v1beta/models/${encodeURIComponent(profile.model)}:generateContent`, {
    systemInstruction: { parts: [{ text: SYSTEM }] }, contents: [{ role: 'user', parts: [{ text: prompt }] }],
  }) as { candidates?: Array<{ content?: { parts?: Array<{ text?: string }> } }> };
  return (r.candidates?.[0]?.content?.parts ?? []).map((p) => p.text ?? '').join('');
}

export async function writeDraft(
  d: DraftInput, model: { profile: ModelProfileRow; apiKey: string } | null, onCall?: (call: WriterCall) => Promise<void>,
): Promise<PullRequestDraft> {
  if (!model) return fallbackDraft(d, 'no model profile that the Worker can call is attached to this attempt');
  try {
    const parsed = parseDraft(await callModel(model.profile, model.apiKey, draftPrompt(d), onCall));
    if (!parsed) return fallbackDraft(d, `${model.profile.displayName} returned nothing usable`);
    return { ...parsed, writtenBy: model.profile.displayName, note: null, template: d.template };
  } catch (err) {
    return fallbackDraft(d, `${model.profile.displayName} could not write it: ${err instanceof Error ? err.message : String(err)}`);
  }
}
