/**
 * Claude Code (`@anthropic-ai/claude-code`): `claude -p <prompt> --output-format stream-json
 * --verbose --permission-mode acceptEdits --model <m>` in the workspace, pointed at the Worker's
 * Anthropic gateway (`ANTHROPIC_BASE_URL`, the run token as `ANTHROPIC_API_KEY`). Shell commands
 * are allowed, git write commands denied (flags and user settings). Sessions live in
 * `~/.claude/projects/<cwd with non-alphanumerics as ->/<id>.jsonl`; a follow-up's workspace has
 * another path, so the stored file is placed under the new cwd's project folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecutorError, type ExecutorRequest } from '../types.ts';
import type { CliAdapter, CliContext, ResumePlan } from '../cli/adapter.ts';
import { deniedGitPrefixes, GIT_POLICY_NOTE } from '../cli/git-deny.ts';
import { copyInto, findFiles, type StoredFile } from '../cli/session-store.ts';
import { ClaudeStreamParser } from './stream-parser.ts';

/** Claude Code's project folder name for a cwd. */
export function claudeProjectDir(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, '-');
}

export function claudeDeniedTools(): string[] {
  return deniedGitPrefixes().map((p) => `Bash(${p}:*)`);
}

export const claudeCode: CliAdapter = {
  id: 'claude-code',
  bin: 'claude',
  validate(req: ExecutorRequest) {
    if (!req.spec.model) throw new ExecutorError('claude-code needs a model in the executor spec');
    if (!req.spec.gatewayPath) throw new ExecutorError('claude-code needs the LLM gateway path in the executor spec');
  },
  async prepare(ctx: CliContext) {
    const dir = join(ctx.home, '.claude');
    await mkdir(dir, { recursive: true });
    const settings = { permissions: { allow: ['Bash'], deny: claudeDeniedTools() }, includeCoAuthoredBy: false };
    await writeFile(join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
  },
  args(ctx: CliContext, prompt: string, resume: ResumePlan | null) {
    return [
      '-p',
      '--output-format', 'stream-json', '--verbose',
      '--permission-mode', 'acceptEdits',
      '--model', ctx.req.spec.model!,
      '--allowedTools', 'Bash',
      '--disallowedTools', ...claudeDeniedTools(),
      '--append-system-prompt', GIT_POLICY_NOTE,
      ...(resume ? ['--resume', resume.sessionId] : []),
      // `--` ends the options (some are variadic): a prompt starting with `-` stays the prompt.
      '--', prompt,
    ];
  },
  env(ctx: CliContext) {
    return {
      ANTHROPIC_BASE_URL: `${ctx.req.gatewayBaseUrl}${ctx.req.spec.gatewayPath}`,
      ANTHROPIC_API_KEY: ctx.req.runToken,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
    };
  },
  parser: () => new ClaudeStreamParser(),
  sessionFiles(home: string, sessionId: string) {
    return findFiles(join(home, '.claude', 'projects'), (rel) => rel.endsWith(`/${sessionId}.jsonl`) || rel.includes(`/${sessionId}/`))
      .then((rels) => rels.map((r) => `.claude/projects/${r}`));
  },
  async restore(ctx: CliContext, sessionId: string, files: StoredFile[]) {
    const project = `.claude/projects/${claudeProjectDir(ctx.cwd)}`;
    for (const f of files) {
      // `.claude/projects/<old cwd>/<rest>` → `.claude/projects/<this cwd>/<rest>`
      const rest = f.rel.split('/').slice(3).join('/');
      if (rest) await copyInto(ctx.home, `${project}/${rest}`, f.abs);
    }
    return { sessionId };
  },
};
