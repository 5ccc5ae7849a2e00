/**
 * Codex (`@openai/codex`): `codex exec --json --skip-git-repo-check --sandbox workspace-write` with
 * a custom model provider `dursor` whose `base_url` is the Worker's OpenAI gateway (Codex appends
 * `/responses`, so requests land on `<gateway>/v1/llm/openai/responses`) and whose key is the run
 * token in `DURSOR_RUN_TOKEN` (Codex keeps *TOKEN* vars out of the commands it runs). Git write
 * commands are `forbidden` by an execpolicy rules file in CODEX_HOME; the workspace-write sandbox
 * also keeps `.git` read-only. Sessions are `$CODEX_HOME/sessions/Y/M/D/rollout-…-<thread>.jsonl`,
 * found by id from any cwd, so they are restored at the same relative path.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecutorError, type ExecutorRequest } from '../types.ts';
import type { CliAdapter, CliContext, ResumePlan } from '../cli/adapter.ts';
import { GIT_ESCAPE_OPTIONS, GIT_POLICY_NOTE, GIT_WRITE_SUBCOMMANDS } from '../cli/git-deny.ts';
import { copyInto, findFiles, type StoredFile } from '../cli/session-store.ts';
import { CodexStreamParser } from './stream-parser.ts';

/** TOML basic strings accept JSON's escapes for everything a URL or name contains. */
const toml = (s: string) => JSON.stringify(s);

export function codexRules(): string {
  const list = (xs: readonly string[]) => `[${xs.map(toml).join(', ')}]`;
  return [
    '# dursor: the orchestrator owns git; agents only edit files.',
    `prefix_rule(pattern = ["git", ${list(GIT_WRITE_SUBCOMMANDS)}], decision = "forbidden", justification = ${toml(GIT_POLICY_NOTE)})`,
    `prefix_rule(pattern = ["git", ${list(GIT_ESCAPE_OPTIONS)}], decision = "forbidden", justification = ${toml(GIT_POLICY_NOTE)})`,
    '',
  ].join('\n');
}

export const codex: CliAdapter = {
  id: 'codex',
  bin: 'codex',
  validate(req: ExecutorRequest) {
    if (!req.spec.model) throw new ExecutorError('codex needs a model in the executor spec');
    if (!req.spec.gatewayPath) throw new ExecutorError('codex needs the LLM gateway path in the executor spec');
  },
  async prepare(ctx: CliContext) {
    const rules = join(ctx.home, '.codex', 'rules');
    await mkdir(rules, { recursive: true });
    await writeFile(join(rules, 'dursor.rules'), codexRules());
  },
  args(ctx: CliContext, prompt: string, resume: ResumePlan | null) {
    const baseUrl = `${ctx.req.gatewayBaseUrl}${ctx.req.spec.gatewayPath}`;
    return [
      'exec', '--json', '--skip-git-repo-check',
      // Inside dursor's sandbox Codex's own cannot nest (no command would run): dursor's is the boundary.
      '--sandbox', ctx.req.sandbox ? 'danger-full-access' : 'workspace-write',
      '-c', 'model_provider=dursor',
      '-c', `model_providers.dursor={name="dursor",base_url=${toml(baseUrl)},wire_api="responses",env_key="DURSOR_RUN_TOKEN"}`,
      '-m', ctx.req.spec.model!,
      ...(resume ? ['resume', resume.sessionId] : []),
      // `--` ends the options: a prompt starting with `-` stays the prompt.
      '--', prompt,
    ];
  },
  env(ctx: CliContext) {
    return { DURSOR_RUN_TOKEN: ctx.req.runToken, CODEX_HOME: join(ctx.home, '.codex') };
  },
  parser: () => new CodexStreamParser(),
  sessionFiles(home: string, sessionId: string) {
    return findFiles(join(home, '.codex', 'sessions'), (rel) => rel.endsWith(`-${sessionId}.jsonl`)).then((rels) => rels.map((r) => `.codex/sessions/${r}`));
  },
  async restore(ctx: CliContext, sessionId: string, files: StoredFile[]) {
    for (const f of files) await copyInto(ctx.home, f.rel, f.abs);
    return { sessionId };
  },
};
