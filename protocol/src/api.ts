/**
 * REST shapes under /v1: request bodies (validated by the Worker's zod validators) and the
 * objects it returns (parsed by the web app). Errors are always `ApiError` with a 4xx/5xx status.
 */
import { z } from 'zod';
import { ExecutorId, Provider } from './executors.ts';
import { DiffStats, FileChange } from './events.ts';
import { RunStatus } from './run-status.ts';

export const ApiError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiError = z.infer<typeof ApiError>;

const id = z.string().min(1).max(64);
const email = z.string().trim().toLowerCase().email().max(254);
const password = z.string().min(8, 'password must be at least 8 characters').max(256);

// ---------- requests ----------

export const SetupRequest = z.object({ email, password });
export const LoginRequest = z.object({ email, password: z.string().min(1).max(256) });
export const CreateApiTokenRequest = z.object({ name: z.string().trim().min(1).max(100) });

export const CreateModelProfileRequest = z.object({
  provider: Provider,
  model: z.string().trim().min(1).max(200),
  displayName: z.string().trim().min(1).max(100).optional(),
  /** Upstream API base URL, e.g. https://api.openai.com/v1. Required for openai-compatible. */
  baseUrl: z.string().trim().url().max(500).optional(),
  apiKey: z.string().trim().min(1).max(1000),
});
export const UpdateModelProfileRequest = CreateModelProfileRequest.partial();

export const CreateRepoRequest = z.object({
  cloneUrl: z.string().trim().url().max(500),
  defaultBranch: z.string().trim().min(1).max(255).default('main'),
  displayName: z.string().trim().min(1).max(100).optional(),
});

export const CreateTaskRequest = z.object({
  repoId: id,
  baseRef: z.string().trim().min(1).max(255).optional(),
  instruction: z.string().trim().min(1).max(100_000),
  title: z.string().trim().min(1).max(200).optional(),
});

export const PostMessageRequest = z.object({ content: z.string().trim().min(1).max(100_000) });

export const AttemptRequest = z.object({
  executor: ExecutorId,
  /** Required for patch-agent. */
  modelProfileId: id.optional(),
  count: z.number().int().min(1).max(8).default(1),
});
export const CreateRunsRequest = z.object({
  attempts: z.array(AttemptRequest).min(1).max(16),
  /** A follow-up instruction; without it the runs answer the task's latest user message. */
  message: z.string().trim().min(1).max(100_000).optional(),
});
export type CreateRunsRequest = z.infer<typeof CreateRunsRequest>;

export const CreateRegistrationTokenRequest = z.object({
  pool: z.string().trim().regex(/^[a-z0-9-]{1,40}$/).default('default'),
  expiresInHours: z.number().int().min(1).max(24 * 30).default(24),
});
export const RegisterRunnerRequest = z.object({
  registrationToken: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(100),
  labels: z.array(z.string().max(64)).max(32).default([]),
});

// ---------- responses ----------

export const User = z.object({ id, email: z.string(), role: z.enum(['owner', 'member']) });
export type User = z.infer<typeof User>;

export const AuthState = z.object({ setupRequired: z.boolean(), user: User.nullable() });
export type AuthState = z.infer<typeof AuthState>;

export const ModelProfile = z.object({
  id,
  provider: Provider,
  model: z.string(),
  displayName: z.string(),
  baseUrl: z.string().nullable(),
  /** Last four characters of the key, for recognition. The key itself is never returned. */
  keyHint: z.string(),
  createdAt: z.number(),
});
export type ModelProfile = z.infer<typeof ModelProfile>;

export const Repo = z.object({
  id,
  cloneUrl: z.string(),
  defaultBranch: z.string(),
  displayName: z.string(),
  createdAt: z.number(),
});
export type Repo = z.infer<typeof Repo>;

export const TaskStatus = z.enum(['idle', 'running', 'done', 'failed']);
export const Task = z.object({
  id,
  repoId: id,
  baseRef: z.string(),
  title: z.string(),
  status: TaskStatus,
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Task = z.infer<typeof Task>;

export const Message = z.object({
  id,
  taskId: id,
  role: z.enum(['user', 'assistant', 'system']),
  content: z.string(),
  runId: z.string().nullable(),
  createdAt: z.number(),
});
export type Message = z.infer<typeof Message>;

export const Run = z.object({
  id,
  taskId: id,
  messageId: id,
  executor: ExecutorId,
  modelProfileId: z.string().nullable(),
  attempt: z.number().int(),
  status: RunStatus,
  branch: z.string(),
  baseCommit: z.string().nullable(),
  headCommit: z.string().nullable(),
  stats: DiffStats,
  files: z.array(FileChange),
  /** Only on GET /v1/runs/:id. */
  patch: z.string().nullable().optional(),
  summary: z.string().nullable(),
  error: z.string().nullable(),
  runnerId: z.string().nullable(),
  retries: z.number().int(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
export type Run = z.infer<typeof Run>;

export const Runner = z.object({
  id,
  name: z.string(),
  pool: z.string(),
  labels: z.array(z.string()),
  executors: z.array(z.string()),
  protocolVersion: z.number().int().nullable(),
  online: z.boolean(),
  slots: z.number().int().nullable(),
  activeRuns: z.array(z.string()),
  lastSeenAt: z.number().nullable(),
  createdAt: z.number(),
});
export type Runner = z.infer<typeof Runner>;

export const RegistrationToken = z.object({
  id,
  pool: z.string(),
  expiresAt: z.number(),
  createdAt: z.number(),
  /** Present only in the response that created it. */
  token: z.string().optional(),
});
export type RegistrationToken = z.infer<typeof RegistrationToken>;

export const RegisterRunnerResponse = z.object({ runnerId: id, credential: z.string(), pool: z.string() });
export type RegisterRunnerResponse = z.infer<typeof RegisterRunnerResponse>;
