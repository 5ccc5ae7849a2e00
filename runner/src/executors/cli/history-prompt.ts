/**
 * The prompt of a fresh session that continues a conversation the CLI cannot resume (no stored
 * session, or the stored one is gone): the conversation so far, then the new instruction.
 */
import type { Assignment } from '../../../../protocol/src/index.ts';

export type History = Assignment['history'];

/** Each earlier message is cut so a long history cannot crowd out the instruction. */
const MAX_MESSAGE_CHARS = 20_000;

export function promptWithHistory(instruction: string, history: History | undefined): string {
  if (!history || history.length === 0) return instruction;
  const turns = history.map((m) => {
    const text = m.content.length > MAX_MESSAGE_CHARS ? `${m.content.slice(0, MAX_MESSAGE_CHARS)}…` : m.content;
    return `[${m.role}]\n${text}`;
  });
  return [
    'This continues an earlier conversation about this repository; its files already contain the changes made so far.',
    '<conversation>',
    turns.join('\n\n'),
    '</conversation>',
    '',
    'New instruction:',
    instruction,
  ].join('\n');
}
