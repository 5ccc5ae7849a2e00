/**
 * What the patch agent tells the model before the first turn: the system prompt, and the seed
 * conversation — the run's history (a follow-up on an earlier exchange) then the instruction.
 */
import type { Assignment } from '../../../../protocol/src/index.ts';

export const SYSTEM_PROMPT = `You are dursor's coding agent working in a git repository checked out in your workspace.
Use the tools to inspect and change files. Paths are relative to the repository root; never use
absolute paths or leave the repository, and do not touch .git. Make the smallest change that fully
does what the user asks. dursor commits and pushes your changes itself: do not describe git
commands. When you are done, reply with a short summary of what you changed and no tool calls.`;

export type SeedMessage = { role: 'user' | 'assistant'; content: string };

/**
 * History then the instruction, as alternating turns starting with the user: consecutive
 * messages of one role are joined (Anthropic and Gemini expect alternation), empty ones dropped,
 * and a history that starts with the assistant gets a short user opener.
 */
export function seedConversation(history: Assignment['history'] | undefined, instruction: string): SeedMessage[] {
  const out: SeedMessage[] = [];
  for (const m of [...(history ?? []), { role: 'user' as const, content: instruction }]) {
    if (!m.content.trim()) continue;
    const last = out.at(-1);
    if (last && last.role === m.role) last.content += `\n\n${m.content}`;
    else out.push({ role: m.role, content: m.content });
  }
  if (out[0]?.role === 'assistant') out.unshift({ role: 'user', content: '(Earlier in this conversation.)' });
  return out;
}
