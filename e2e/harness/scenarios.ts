/** Scripted agent turns shared by the end-to-end tests (tool names are the patch agent's). */
import type { ScriptedTurn } from '../../testkit/src/index.ts';

export const call = (name: string, args: Record<string, unknown>) => ({ name, arguments: args });

/** A turn that edits files, then a closing text turn. */
export function editThenSay(calls: ReturnType<typeof call>[], say: string, usage = { prompt_tokens: 100, completion_tokens: 20 }): ScriptedTurn[] {
  return [{ text: 'Let me look.', toolCalls: calls, usage }, { text: say, usage }];
}

/** The smallest run that proves a runner works: write one file, then say so. */
export function writeOneFile(path: string, content: string): ScriptedTurn[] {
  return [{ text: 'Writing.', toolCalls: [call('write_file', { path, content })] }, { text: 'Done.' }];
}
