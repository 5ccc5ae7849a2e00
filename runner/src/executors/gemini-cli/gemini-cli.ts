/**
 * Gemini CLI (`@google/gemini-cli`): `gemini --prompt=<p> --output-format stream-json --yolo
 * --skip-trust -m <model>` in the workspace, pointed at the Worker's Google gateway
 * (`GOOGLE_GEMINI_BASE_URL`, the run token as `GEMINI_API_KEY`). The per-run HOME holds
 * `.gemini/settings.json` (API-key auth, no usage statistics) and a policy file denying git write
 * commands to `run_shell_command` (the deprecated `tools.exclude` is not enforced in yolo mode).
 * Sessions are `.gemini/tmp/<project>/chats/session-…-<id8>.jsonl`; a follow-up loads the stored
 * file with `--session-file` (the CLI then reports a new session id, which the next follow-up uses).
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecutorError, type ExecutorRequest } from '../types.ts';
import type { CliAdapter, CliContext, ResumePlan } from '../cli/adapter.ts';
import { deniedGitPrefixes } from '../cli/git-deny.ts';
import { copyInto, findFiles, type StoredFile } from '../cli/session-store.ts';
import { GeminiStreamParser } from './stream-parser.ts';

export const GEMINI_SETTINGS = {
  security: { auth: { selectedType: 'gemini-api-key' } },
  privacy: { usageStatisticsEnabled: false },
};

export function geminiPolicy(): string {
  return [
    '# dursor: the orchestrator owns git; agents only edit files.',
    '[[rule]]',
    'toolName = "run_shell_command"',
    `commandPrefix = [${deniedGitPrefixes().map((p) => JSON.stringify(p)).join(', ')}]`,
    'decision = "deny"',
    'priority = 999',
    '',
  ].join('\n');
}

export const geminiCli: CliAdapter = {
  id: 'gemini-cli',
  bin: 'gemini',
  validate(req: ExecutorRequest) {
    if (!req.spec.model) throw new ExecutorError('gemini-cli needs a model in the executor spec');
    if (!req.spec.gatewayPath) throw new ExecutorError('gemini-cli needs the LLM gateway path in the executor spec');
  },
  async prepare(ctx: CliContext) {
    const dir = join(ctx.home, '.gemini');
    await mkdir(join(dir, 'policies'), { recursive: true });
    await writeFile(join(dir, 'settings.json'), JSON.stringify(GEMINI_SETTINGS, null, 2));
    await writeFile(join(dir, 'policies', 'dursor.toml'), geminiPolicy());
  },
  args(ctx: CliContext, prompt: string, resume: ResumePlan | null) {
    return [
      // `--prompt=` keeps a prompt that starts with `-` from being read as an option.
      `--prompt=${prompt}`,
      '--output-format', 'stream-json', '--yolo', '--skip-trust',
      '-m', ctx.req.spec.model!,
      ...(resume?.file ? ['--session-file', resume.file] : []),
    ];
  },
  env(ctx: CliContext) {
    return {
      GOOGLE_GEMINI_BASE_URL: `${ctx.req.gatewayBaseUrl}${ctx.req.spec.gatewayPath}`,
      GEMINI_API_KEY: ctx.req.runToken,
    };
  },
  parser: () => new GeminiStreamParser(),
  async sessionFiles(home: string, sessionId: string) {
    // An imported session is written twice (a stub and the full log): keep the largest.
    const rels = await findFiles(join(home, '.gemini', 'tmp'), (rel) => /\/chats\/session-[^/]*\.jsonl$/.test(rel) && rel.endsWith(`-${sessionId.slice(0, 8)}.jsonl`));
    let best: { rel: string; size: number } | null = null;
    for (const rel of rels) {
      const size = (await stat(join(home, '.gemini', 'tmp', rel))).size;
      if (!best || size > best.size) best = { rel, size };
    }
    return best ? [`.gemini/tmp/${best.rel}`] : [];
  },
  async restore(ctx: CliContext, sessionId: string, files: StoredFile[]) {
    const file = await copyInto(ctx.home, `.dursor-resume/${sessionId}.jsonl`, files[0].abs);
    return { sessionId, file };
  },
};
