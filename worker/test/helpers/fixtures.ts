/**
 * Fixtures built through the API (repo, model profile, task), plus a second user inserted
 * straight into D1 — there is no route to invite members yet, and scoping needs one.
 */
import { env } from 'cloudflare:test';
import type { ModelProfile, Repo, Task } from '../../../protocol/src/index.ts';
import { sha256Hex } from '../../src/lib/hash.ts';
import type { Client } from './api.ts';
import { client, json } from './api.ts';

export const TEST_API_KEY = 'sk-test-0123456789-PLAINTEXT-KEY-zyxw';

export async function createRepo(c: Client, cloneUrl = 'https://github.com/acme/widgets.git'): Promise<Repo> {
  return (await json<{ repo: Repo }>(await c.post('/v1/repos', { cloneUrl, defaultBranch: 'trunk' }), 201)).repo;
}

export async function createProfile(c: Client, body: Record<string, unknown> = {}): Promise<ModelProfile> {
  const res = await c.post('/v1/model-profiles', {
    provider: 'openai-compatible', model: 'fake-model', baseUrl: 'http://127.0.0.1:9/v1', apiKey: TEST_API_KEY, ...body,
  });
  return (await json<{ modelProfile: ModelProfile }>(res, 201)).modelProfile;
}

export async function createTask(c: Client, repoId: string, instruction = 'Add a README\nwith details'): Promise<Task> {
  return (await json<{ task: Task }>(await c.post('/v1/tasks', { repoId, instruction }), 201)).task;
}

/** A member user with a live session, created directly in D1. */
export async function createMember(email: string): Promise<Client> {
  const id = crypto.randomUUID().replaceAll('-', '');
  const now = Date.now();
  const cookieValue = `member-session-${id}`;
  await env.DB.batch([
    env.DB.prepare(`INSERT INTO users (id, email, password_hash, password_salt, role, created_at) VALUES (?, ?, 'x', 'x', 'member', ?)`)
      .bind(id, email, now),
    env.DB.prepare('INSERT INTO sessions (id, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)')
      .bind(await sha256Hex(cookieValue), id, now + 3600_000, now),
  ]);
  return client({ cookie: `dursor_session=${cookieValue}` });
}
