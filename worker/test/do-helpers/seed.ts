/**
 * Seeds the D1 rows TaskRoom and RunnerPool write back to (users, repos, tasks, runs, runners),
 * the way the routes would have created them, and builds the matching NewRun specs.
 */
import { env } from 'cloudflare:test';
import type { ExecutorId } from '../../../protocol/src/index.ts';
import type { NewRun } from '../../src/task-room/types.ts';

export interface SeededTask {
  taskId: string;
  userId: string;
  runs: NewRun[];
}

const uid = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

export async function seedTask(runCount: number, executor: ExecutorId = 'patch-agent'): Promise<SeededTask> {
  const now = Date.now();
  const userId = uid('u');
  const repoId = uid('repo');
  const taskId = uid('task');
  const messageId = uid('msg');
  const runs: NewRun[] = Array.from({ length: runCount }, (_, i) => {
    const runId = uid('run');
    return {
      runId,
      attempt: i + 1,
      branch: `dursor/${taskId}/${runId}`,
      instruction: 'add a README',
      history: [],
      repo: { cloneUrl: 'http://127.0.0.1:9/repo.git', baseRef: 'main' },
      executor: { id: executor, provider: 'openai-compatible', model: 'fake-model', gatewayPath: '/v1/llm/openai' },
      limits: { maxTurns: 10, maxTokens: 10_000, maxFileBytes: 1024 * 1024 },
    };
  });
  await env.DB.batch([
    env.DB.prepare(`INSERT INTO users (id, email, password_hash, password_salt, role, created_at) VALUES (?, ?, 'h', 's', 'owner', ?)`)
      .bind(userId, `${userId}@example.test`, now),
    env.DB.prepare(`INSERT INTO repos (id, user_id, clone_url, default_branch, display_name, created_at) VALUES (?, ?, 'http://127.0.0.1:9/repo.git', 'main', 'repo', ?)`)
      .bind(repoId, userId, now),
    env.DB.prepare(`INSERT INTO tasks (id, user_id, repo_id, base_ref, title, status, created_at, updated_at) VALUES (?, ?, ?, 'main', 'test task', 'idle', ?, ?)`)
      .bind(taskId, userId, repoId, now, now),
    env.DB.prepare(`INSERT INTO messages (id, task_id, role, content, created_at) VALUES (?, ?, 'user', 'add a README', ?)`)
      .bind(messageId, taskId, now),
    ...runs.map((r) =>
      env.DB.prepare(`INSERT INTO runs (id, task_id, message_id, executor, attempt, status, branch, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`)
        .bind(r.runId, taskId, messageId, executor, r.attempt, r.branch, now, now)),
  ]);
  return { taskId, userId, runs };
}

export async function seedRunner(name = 'runner'): Promise<string> {
  const id = uid('rn');
  await env.DB.prepare(`INSERT INTO runners (id, name, pool, credential_hash, created_by, created_at) VALUES (?, ?, 'default', ?, 'test', ?)`)
    .bind(id, name, `hash-${id}`, Date.now())
    .run();
  return id;
}

export async function d1Run(runId: string) {
  return env.DB.prepare('SELECT * FROM runs WHERE id = ?').bind(runId).first<Record<string, unknown>>();
}

export async function d1TaskStatus(taskId: string): Promise<string | undefined> {
  const row = await env.DB.prepare('SELECT status FROM tasks WHERE id = ?').bind(taskId).first<{ status: string }>();
  return row?.status;
}
