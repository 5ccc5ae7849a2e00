/**
 * Executors this runner can run, by id; the runner advertises exactly these in `hello`:
 * the patch agent always, and each agent CLI that capabilities.ts found installed.
 */
import type { ExecutorId } from '../../../protocol/src/index.ts';
import type { Executor } from './types.ts';
import { PatchAgent } from './patch-agent/patch-agent.ts';
import type { CliAdapter } from './cli/adapter.ts';
import { CliExecutor } from './cli/cli-executor.ts';
import { claudeCode } from './claude-code/claude-code.ts';
import { codex } from './codex/codex.ts';
import { geminiCli } from './gemini-cli/gemini-cli.ts';
import { cursorAgent } from './cursor-agent/cursor-agent.ts';

export const CLI_ADAPTERS: CliAdapter[] = [claudeCode, codex, geminiCli, cursorAgent];

export function defaultExecutors(clis: Array<{ adapter: CliAdapter; binPath: string }> = []): Map<ExecutorId, Executor> {
  const map = new Map<ExecutorId, Executor>([['patch-agent', new PatchAgent()]]);
  for (const c of clis) map.set(c.adapter.id, new CliExecutor(c.adapter, { binPath: c.binPath }));
  return map;
}
