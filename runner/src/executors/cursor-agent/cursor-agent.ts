/**
 * Cursor agent (`cursor-agent`, installed from cursor.com, not npm): `cursor-agent --print
 * --output-format stream-json --force [--model m] [--resume <chatId>] -- <prompt>`. Its backend
 * cannot be pointed at dursor's gateway, so it gets the user's Cursor key (`CURSOR_API_KEY` from
 * spec.directApiKey) — the one documented exception to "keys never leave the Worker"; the key is
 * redacted from failure reasons like the run token. Git is denied with a `Shell(git)` rule in the
 * per-run `~/.cursor/cli-config.json` (Cursor's rules match the command base, so read-only git
 * is denied too). Chats live under `~/.cursor/chats/…/<chatId>/`; they are stored and restored
 * at the same relative path, and a chat that no longer resolves falls back to a fresh session.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecutorError, type ExecutorRequest } from '../types.ts';
import type { CliAdapter, CliContext, ResumePlan } from '../cli/adapter.ts';
import { copyInto, findFiles, type StoredFile } from '../cli/session-store.ts';
import { CursorStreamParser } from './stream-parser.ts';

export const CURSOR_CONFIG = {
  version: 1,
  editor: { vimMode: false },
  permissions: { allow: ['Shell(**)', 'Read(**)', 'Write(**)'], deny: ['Shell(git)'] },
};

export const cursorAgent: CliAdapter = {
  id: 'cursor-agent',
  bin: 'cursor-agent',
  validate(req: ExecutorRequest) {
    if (!req.spec.directApiKey) throw new ExecutorError('cursor-agent needs the Cursor API key of its model profile');
  },
  async prepare(ctx: CliContext) {
    const dir = join(ctx.home, '.cursor');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'cli-config.json'), JSON.stringify(CURSOR_CONFIG, null, 2));
  },
  args(ctx: CliContext, prompt: string, resume: ResumePlan | null) {
    return [
      '--print', '--output-format', 'stream-json', '--force',
      ...(ctx.req.spec.model ? ['--model', ctx.req.spec.model] : []),
      ...(resume ? ['--resume', resume.sessionId] : []),
      '--', prompt,
    ];
  },
  env(ctx: CliContext) {
    return { CURSOR_API_KEY: ctx.req.spec.directApiKey! };
  },
  parser: () => new CursorStreamParser(),
  sessionFiles(home: string, sessionId: string) {
    return findFiles(join(home, '.cursor', 'chats'), (rel) => rel.split('/').includes(sessionId)).then((rels) => rels.map((r) => `.cursor/chats/${r}`));
  },
  async restore(ctx: CliContext, sessionId: string, files: StoredFile[]) {
    for (const f of files) await copyInto(ctx.home, f.rel, f.abs);
    return { sessionId };
  },
};
