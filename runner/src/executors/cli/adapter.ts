/**
 * What one agent CLI contributes to the shared CLI executor (cli-executor.ts): how to call it,
 * the env vars and settings files it needs, how to read its JSONL stream, and where it keeps the
 * session files a follow-up resumes from. Everything here but `prepare`/`restore` is pure.
 */
import type { ExecutorId } from '../../../../protocol/src/index.ts';
import type { ExecutorEvent, ExecutorRequest } from '../types.ts';
import type { StoredFile } from './session-store.ts';

export interface CliContext {
  req: ExecutorRequest;
  /** Per-run HOME (settings, caches, sessions of this run). */
  home: string;
  /** Real path of the workspace, the CLI's cwd. */
  cwd: string;
}

/** What one stdout line meant. */
export interface ParsedLine {
  events: ExecutorEvent[];
  /** The agent's session id, when this line reports it. */
  sessionId?: string;
  /** The CLI reported a failure of the whole run (kept for the failure reason). */
  error?: string;
}

export interface StreamParser {
  parse(line: string): ParsedLine;
}

export interface CliAdapter {
  id: ExecutorId;
  /** Executable name as installed by npm (or the Cursor installer). */
  bin: string;
  /** Throws ExecutorError when the spec lacks what this CLI needs (model, gateway, key). */
  validate(req: ExecutorRequest): void;
  /** Writes the CLI's settings (auth mode, git denial) into the per-run HOME. */
  prepare(ctx: CliContext): Promise<void>;
  args(ctx: CliContext, prompt: string, resume: ResumePlan | null): string[];
  /** The executor's own variables, added to the scrubbed base env. */
  env(ctx: CliContext): Record<string, string>;
  parser(): StreamParser;
  /** Paths (relative to HOME) of the session's files after a run. */
  sessionFiles(home: string, sessionId: string): Promise<string[]>;
  /** Puts stored session files where this run's CLI looks for them; returns how to resume. */
  restore(ctx: CliContext, sessionId: string, files: StoredFile[]): Promise<ResumePlan>;
}

export interface ResumePlan {
  sessionId: string;
  /** Gemini resumes from a session file rather than an id. */
  file?: string;
}
