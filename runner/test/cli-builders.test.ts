/** Pure parts of the CLI executors: args, env, settings files, git denial, history prompt. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/executors/cli/adapter.ts';
import { baseEnv } from '../src/executors/cli/cli-env.ts';
import { promptWithHistory } from '../src/executors/cli/history-prompt.ts';
import { isSafeSessionId } from '../src/executors/cli/session-store.ts';
import { claudeCode, claudeProjectDir } from '../src/executors/claude-code/claude-code.ts';
import { codex } from '../src/executors/codex/codex.ts';
import { geminiCli } from '../src/executors/gemini-cli/gemini-cli.ts';
import { cursorAgent } from '../src/executors/cursor-agent/cursor-agent.ts';
import type { ExecutorRequest } from '../src/executors/types.ts';
import { ExecutorError } from '../src/executors/types.ts';

const homes: string[] = [];
afterEach(async () => {
  for (const h of homes.splice(0)) await rm(h, { recursive: true, force: true });
});

async function ctx(spec: ExecutorRequest['spec']): Promise<CliContext> {
  const home = await mkdtemp(join(tmpdir(), 'cli-home-'));
  homes.push(home);
  const req: ExecutorRequest = {
    runId: 'run_1', workspaceDir: '/work/runs/run_1-1', instruction: 'Do it', spec,
    limits: { maxTurns: 5, maxTokens: 1000, maxFileBytes: 1000 }, gatewayBaseUrl: 'http://127.0.0.1:8787', runToken: 'drt_run_token_123',
  };
  return { req, home, cwd: req.workspaceDir };
}

describe('claude-code builders', () => {
  it('args: print mode, stream-json, acceptEdits, model, git denied, prompt after --; resume when asked', async () => {
    const c = await ctx({ id: 'claude-code', provider: 'anthropic', model: 'claude-x', gatewayPath: '/v1/llm/anthropic' });
    const args = claudeCode.args(c, '- a bullet prompt', null);
    expect(args.slice(0, 8)).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--model', 'claude-x']);
    expect(args.slice(-2)).toEqual(['--', '- a bullet prompt']);
    expect(args).toContain('Bash(git commit:*)');
    expect(args).toContain('Bash(git push:*)');
    expect(args).toContain('Bash(git -c:*)');
    expect(args).not.toContain('--resume');
    const resumed = claudeCode.args(c, 'next', { sessionId: 'abc' });
    expect(resumed.slice(resumed.indexOf('--resume'), resumed.indexOf('--resume') + 2)).toEqual(['--resume', 'abc']);
  });

  it('env: gateway base URL and the run token as the key, nonessential traffic off', async () => {
    const c = await ctx({ id: 'claude-code', model: 'm', gatewayPath: '/v1/llm/anthropic' });
    expect(claudeCode.env(c)).toEqual({
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:8787/v1/llm/anthropic', ANTHROPIC_API_KEY: 'drt_run_token_123',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1',
    });
  });

  it('settings: permissions deny git writes in the per-run HOME', async () => {
    const c = await ctx({ id: 'claude-code', model: 'm', gatewayPath: '/g' });
    await claudeCode.prepare(c);
    const s = JSON.parse(await readFile(join(c.home, '.claude', 'settings.json'), 'utf8'));
    expect(s.permissions.deny).toEqual(expect.arrayContaining(['Bash(git commit:*)', 'Bash(git push:*)', 'Bash(git add:*)', 'Bash(git reset:*)']));
  });

  it('validates model and gateway; project dir mirrors Claude Code', () => {
    const base = { runId: 'r', workspaceDir: '/w', instruction: 'x', limits: { maxTurns: 1, maxTokens: 1, maxFileBytes: 1 }, gatewayBaseUrl: 'u', runToken: 't' };
    expect(() => claudeCode.validate({ ...base, spec: { id: 'claude-code', gatewayPath: '/g' } })).toThrow(ExecutorError);
    expect(() => claudeCode.validate({ ...base, spec: { id: 'claude-code', model: 'm' } })).toThrow(/gateway/);
    expect(claudeProjectDir('/tmp/exp/ws1')).toBe('-tmp-exp-ws1');
    expect(claudeProjectDir('/a/b_c-1.2')).toBe('-a-b-c-1-2');
  });
});

describe('codex builders', () => {
  it('args: exec --json in a workspace-write sandbox with the dursor provider on the gateway; resume <thread>', async () => {
    const c = await ctx({ id: 'codex', provider: 'openai', model: 'gpt-x', gatewayPath: '/v1/llm/openai' });
    expect(codex.args(c, 'Do it', null)).toEqual([
      'exec', '--json', '--skip-git-repo-check', '--sandbox', 'workspace-write',
      '-c', 'model_provider=dursor',
      '-c', 'model_providers.dursor={name="dursor",base_url="http://127.0.0.1:8787/v1/llm/openai",wire_api="responses",env_key="DURSOR_RUN_TOKEN"}',
      '-m', 'gpt-x', '--', 'Do it',
    ]);
    expect(codex.args(c, 'More', { sessionId: 't-1' }).slice(-5)).toEqual(['gpt-x', 'resume', 't-1', '--', 'More']);
  });

  it('env and rules: run token under env_key, CODEX_HOME in the per-run HOME, git writes forbidden', async () => {
    const c = await ctx({ id: 'codex', model: 'm', gatewayPath: '/v1/llm/openai' });
    expect(codex.env(c)).toEqual({ DURSOR_RUN_TOKEN: 'drt_run_token_123', CODEX_HOME: join(c.home, '.codex') });
    await codex.prepare(c);
    const rules = await readFile(join(c.home, '.codex', 'rules', 'dursor.rules'), 'utf8');
    expect(rules).toMatch(/prefix_rule\(pattern = \["git", \[[^\]]*"commit"[^\]]*"push"[^\]]*\]\], decision = "forbidden"/);
    expect(rules).toContain('"-c", "-C"');
  });
});

describe('gemini-cli builders', () => {
  it('args: headless prompt, stream-json, yolo, skip-trust, pinned model; --session-file to resume', async () => {
    const c = await ctx({ id: 'gemini-cli', provider: 'google', model: 'gemini-x', gatewayPath: '/v1/llm/google' });
    expect(geminiCli.args(c, '-dash', null)).toEqual(['--prompt=-dash', '--output-format', 'stream-json', '--yolo', '--skip-trust', '-m', 'gemini-x']);
    expect(geminiCli.args(c, 'x', { sessionId: 's', file: '/h/s.jsonl' }).slice(-2)).toEqual(['--session-file', '/h/s.jsonl']);
  });

  it('env, settings and policy: API-key auth against the gateway, git denied by policy', async () => {
    const c = await ctx({ id: 'gemini-cli', model: 'm', gatewayPath: '/v1/llm/google' });
    expect(geminiCli.env(c)).toEqual({ GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:8787/v1/llm/google', GEMINI_API_KEY: 'drt_run_token_123' });
    await geminiCli.prepare(c);
    const settings = JSON.parse(await readFile(join(c.home, '.gemini', 'settings.json'), 'utf8'));
    expect(settings.security.auth.selectedType).toBe('gemini-api-key');
    const policy = await readFile(join(c.home, '.gemini', 'policies', 'dursor.toml'), 'utf8');
    expect(policy).toContain('toolName = "run_shell_command"');
    expect(policy).toMatch(/commandPrefix = \[.*"git commit".*"git push".*\]/);
    expect(policy).toContain('decision = "deny"');
  });
});

describe('cursor-agent builders', () => {
  it('args: print, stream-json, force, model, resume <chatId>, prompt after --', async () => {
    const c = await ctx({ id: 'cursor-agent', provider: 'cursor', model: 'sonnet-4', directApiKey: 'key_cursor_secret_1' });
    expect(cursorAgent.args(c, 'Do it', null)).toEqual(['--print', '--output-format', 'stream-json', '--force', '--model', 'sonnet-4', '--', 'Do it']);
    expect(cursorAgent.args(c, 'Do it', { sessionId: 'chat-1' })).toEqual(['--print', '--output-format', 'stream-json', '--force', '--model', 'sonnet-4', '--resume', 'chat-1', '--', 'Do it']);
  });

  it('env carries the direct Cursor key (the documented exception); config denies git', async () => {
    const c = await ctx({ id: 'cursor-agent', directApiKey: 'key_cursor_secret_1' });
    expect(cursorAgent.env(c)).toEqual({ CURSOR_API_KEY: 'key_cursor_secret_1' });
    await cursorAgent.prepare(c);
    const cfg = JSON.parse(await readFile(join(c.home, '.cursor', 'cli-config.json'), 'utf8'));
    expect(cfg.permissions.deny).toContain('Shell(git)');
    expect(() => cursorAgent.validate({ ...c.req, spec: { id: 'cursor-agent' } })).toThrow(/Cursor API key/);
  });
});

describe('shared pieces', () => {
  it('base env holds only PATH, HOME, TMPDIR, LANG, git/ci switches and the executor vars', () => {
    const env = baseEnv({ home: '/s/home', tmp: '/s/tmp' }, { X_KEY: 'v' }, '/usr/bin:/bin');
    expect(Object.keys(env).sort()).toEqual(['CI', 'GIT_OPTIONAL_LOCKS', 'GIT_TERMINAL_PROMPT', 'HOME', 'LANG', 'NO_COLOR', 'PATH', 'TMPDIR', 'X_KEY']);
    expect(env.PATH.split(':')[0]).toBe(join(process.execPath, '..'));
    expect(env.PATH).toContain('/usr/bin:/bin');
    expect(env.GIT_OPTIONAL_LOCKS).toBe('0');
  });

  it('a fresh session carries the conversation so far, then the instruction', () => {
    expect(promptWithHistory('Do it', [])).toBe('Do it');
    const p = promptWithHistory('Now add tests', [{ role: 'user', content: 'Add a greeting' }, { role: 'assistant', content: 'Added hello.txt' }]);
    expect(p).toContain('[user]\nAdd a greeting');
    expect(p).toContain('[assistant]\nAdded hello.txt');
    expect(p.endsWith('New instruction:\nNow add tests')).toBe(true);
  });

  it('only plain session ids become paths', () => {
    expect(isSafeSessionId('460f7e11-57ff-4006-8f1b-656ae6e12ad2')).toBe(true);
    expect(isSafeSessionId('../../etc')).toBe(false);
    expect(isSafeSessionId('a/b')).toBe(false);
    expect(isSafeSessionId('')).toBe(false);
  });
});

describe('CLI versions', () => {
  it('the runner image installs the versions scripts/install-clis.ts pins', async () => {
    const root = join(import.meta.dirname, '..', '..');
    const script = await readFile(join(root, 'scripts', 'install-clis.ts'), 'utf8');
    const pins = [...script.matchAll(/'(@[a-z-]+\/[a-z-]+)': '(\d+\.\d+\.\d+)'/g)].map((m) => `${m[1]}@${m[2]}`);
    expect(pins).toHaveLength(3);
    const dockerfile = await readFile(join(root, 'runner', 'Dockerfile'), 'utf8');
    for (const pin of pins) expect(dockerfile).toContain(pin);
  });
});
