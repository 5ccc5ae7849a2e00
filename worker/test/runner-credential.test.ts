/**
 * Issue 11, item 5: a stolen runner credential must not take the runner over. Through the real
 * Worker (`/v1/runners/connect` → RunnerPool, D1): each pool connection is answered with a fresh
 * credential that replaces the old one once the runner confirms it saved it; a crash on either side
 * of that save does not lock the runner out; a copy that takes the runner's place is thrown out
 * when the runner reconnects, and the owner sees the runner's credential was used from two places.
 */
import { env, SELF } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES, PROTOCOL_VERSION } from '../../protocol/src/index.ts';
import type { Runner } from '../../protocol/src/index.ts';
import { sha256Hex } from '../src/lib/hash.ts';
import { anonymous, BASE, client, json, setupOwner } from './helpers/api.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { createMember } from './helpers/fixtures.ts';
import { seedTask } from './do-helpers/seed.ts';
import { cleanup, roomStub } from './do-helpers/stubs.ts';
import { TestSocket } from './do-helpers/test-socket.ts';

const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await cleanup();
});

let owner: Client;
beforeAll(async () => {
  owner = await setupOwner();
});

async function register(name: string): Promise<{ runnerId: string; credential: string }> {
  const reg = await json<{ registrationToken: { token: string } }>(await owner.post('/v1/runners/registration-tokens', {}), 201);
  return json(await anonymous().post('/v1/runners/register', { registrationToken: reg.registrationToken.token, name }), 201);
}

/** Dials the pool socket with a credential: the socket, or the refusal. */
async function dial(credential: string): Promise<TestSocket | Response> {
  const res = await SELF.fetch(`${BASE}/v1/runners/connect`, { headers: { upgrade: 'websocket', authorization: `Bearer ${credential}` } });
  if (res.status !== 101 || !res.webSocket) return res;
  const sock = new TestSocket(res.webSocket);
  sockets.push(sock);
  return sock;
}

async function connect(credential: string): Promise<TestSocket> {
  const sock = await dial(credential);
  if (!(sock instanceof TestSocket)) throw new Error(`pool socket refused: ${sock.status} ${await sock.text()}`);
  return sock;
}

/** Says hello as a runner that keeps rotated credentials; returns the credential it was given. */
async function hello(sock: TestSocket, runnerId: string, rotatesCredential = true): Promise<string> {
  sock.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, name: 'r', executors: ['patch-agent'], slots: 1, labels: [], activeRuns: [], ...(rotatesCredential ? { rotatesCredential } : {}) });
  expect(await sock.next()).toMatchObject({ type: 'welcome', runnerId });
  const msg = await sock.next();
  expect(msg.type).toBe('credential');
  expect(msg.credential).toMatch(/^drc_/);
  return msg.credential as string;
}

const currentHash = async (runnerId: string) =>
  (await env.DB.prepare('SELECT credential_hash FROM runners WHERE id = ?').bind(runnerId).first<{ credential_hash: string }>())!.credential_hash;

/** Confirms the save and waits until D1 holds `credential` as the runner's current one. */
async function saved(sock: TestSocket, runnerId: string, credential: string): Promise<void> {
  sock.send({ type: 'credentialSaved' });
  const hash = await sha256Hex(credential);
  await vi.waitFor(async () => expect(await currentHash(runnerId)).toBe(hash));
}

async function refused(credential: string): Promise<string> {
  const res = await dial(credential);
  if (res instanceof TestSocket) throw new Error('the pool socket admitted a credential it should refuse');
  return (await json<ApiErrorBody>(res, 401)).error.message;
}

async function listed(runnerId: string): Promise<Runner> {
  const { runners } = await json<{ runners: Runner[] }>(await owner.fetch('/v1/runners'), 200);
  return runners.find((r) => r.id === runnerId)!;
}

describe('runner credential rotation', () => {
  it('answers each connection with a fresh credential; the one it dialled with dies once the new one is saved', async () => {
    const { runnerId, credential: first } = await register('rotating');
    const sock = await connect(first);
    const second = await hello(sock, runnerId);
    expect(second).not.toBe(first);
    // Until the runner says it saved the new one, the old one still works (it may crash before saving).
    expect((await client({ authorization: `Bearer ${first}` }).fetch('/v1/git/credential?runId=none&assignment=1')).status).toBe(403);
    await saved(sock, runnerId, second);
    sock.close();

    // Dead everywhere: the pool socket, the run socket, git credentials.
    const asFirst = client({ authorization: `Bearer ${first}` });
    expect((await asFirst.fetch('/v1/git/credential?runId=none&assignment=1')).status).toBe(401);
    expect((await asFirst.fetch('/v1/runs/none/stream?assignment=1', { headers: { upgrade: 'websocket' } })).status).toBe(401);
    expect(await refused(first)).toMatch(/used from two places/);
    // A copy from before the runner's latest connection: refused, and the owner is told.
    expect((await listed(runnerId)).credentialConflictAt).toBeTypeOf('number');

    // The runner itself carries on with the new one, and is rotated again.
    const again = await connect(second);
    const third = await hello(again, runnerId);
    await saved(again, runnerId, third);
    expect(await refused(second)).toMatch(/used from two places/);
  });

  it('a runner that crashes before saving keeps its old credential; one that crashes after saving gets in with the new one', async () => {
    const { runnerId, credential: first } = await register('crashing');
    // Crash before saving: the confirm never comes, the runner still holds `first`.
    const a = await connect(first);
    const unsaved = await hello(a, runnerId);
    a.close();
    const b = await connect(first);
    const savedButUnconfirmed = await hello(b, runnerId);
    b.close();
    // The newer connection's credential replaced the unsaved one: nobody may use that.
    expect(await refused(unsaved)).toMatch(/unknown or revoked/);
    // Crash after saving, before the confirm reached the Worker: the saved one is its credential now.
    const c = await connect(savedButUnconfirmed);
    expect(await currentHash(runnerId)).toBe(await sha256Hex(savedButUnconfirmed));
    const next = await hello(c, runnerId);
    await saved(c, runnerId, next);
    expect((await listed(runnerId)).credentialConflictAt).toBeNull();
  });

  it('a copy that takes the runner over is thrown out when the runner reconnects, and the owner sees it', async () => {
    const { runnerId, credential: registered } = await register('victim');
    const real = await connect(registered);
    const inStateFile = await hello(real, runnerId);
    await saved(real, runnerId, inStateFile);

    // A thief copies the state file and connects with it: the real runner's socket is replaced.
    const thief = await connect(inStateFile);
    expect((await real.waitClose()).code).toBe(CLOSE_CODES.replaced);
    const thiefs = await hello(thief, runnerId);
    await saved(thief, runnerId, thiefs);
    expect((await listed(runnerId)).credentialConflictAt).toBeNull(); // nothing tells a copy from a reconnect yet
    // Work queued now is not handed to the connection that took the place (its takeover quiet).
    const task = await seedTask(1);
    await roomStub(task.taskId).createRuns(task.taskId, task.runs);

    // The real runner redials with the credential it saved: it wins its place back, the copy is shut out.
    const back = await connect(inStateFile);
    expect((await thief.waitClose()).code).toBe(CLOSE_CODES.unauthorized);
    const fresh = await hello(back, runnerId);
    await saved(back, runnerId, fresh);
    expect((await listed(runnerId)).credentialConflictAt).toBeTypeOf('number');
    expect(await refused(thiefs)).toMatch(/unknown or revoked/);
    expect(await refused(inStateFile)).toMatch(/unknown or revoked/);

    // The queued work goes to the runner that won; the copy was never handed any.
    const assign = await back.nextOfType('assign');
    expect(assign.assignment.runId).toBe(task.runs[0].runId);
    expect(thief.received.filter((m) => m.type === 'assign')).toEqual([]);
  });

  it('a runner reconnecting over its own live socket gets new work once its takeover quiet is over', async () => {
    const { runnerId, credential } = await register('half-open');
    const old = await connect(credential);
    const c1 = await hello(old, runnerId);
    await saved(old, runnerId, c1);
    const again = await connect(c1);
    expect((await old.waitClose()).code).toBe(CLOSE_CODES.replaced);
    await saved(again, runnerId, await hello(again, runnerId));
    const task = await seedTask(1);
    await roomStub(task.taskId).createRuns(task.taskId, task.runs);
    // Handed over by the pool's alarm when the quiet ends (5 s), not by any message of the runner.
    expect((await again.nextOfType('assign', 15_000)).assignment.runId).toBe(task.runs[0].runId);
    expect((await listed(runnerId)).credentialConflictAt).toBeNull();
  }, 20_000);

  it('the replaced one wins back only once: a second try with a burned credential is refused', async () => {
    const { runnerId, credential } = await register('ping-pong');
    const real = await connect(credential);
    const c1 = await hello(real, runnerId);
    await saved(real, runnerId, c1);
    const thief = await connect(c1);
    const t1 = await hello(thief, runnerId);
    await saved(thief, runnerId, t1);
    const back = await connect(c1);
    await thief.waitClose();
    await hello(back, runnerId);
    // The thief kept the copied file too: it cannot win anything back with it.
    expect(await refused(c1)).toMatch(/unknown or revoked/);
    expect(back.closed).toBeNull();
  });

  it('runners that do not keep rotated credentials are not rotated', async () => {
    const { runnerId, credential } = await register('old');
    const sock = await connect(credential);
    sock.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, name: 'r', executors: ['patch-agent'], slots: 1, labels: [], activeRuns: [] });
    expect(await sock.next()).toMatchObject({ type: 'welcome', runnerId });
    sock.send({ type: 'credentialSaved' }); // an unasked confirm changes nothing
    await vi.waitFor(async () => expect((await env.DB.prepare('SELECT protocol_version FROM runners WHERE id = ?').bind(runnerId).first())?.protocol_version).toBe(PROTOCOL_VERSION));
    expect(sock.unread()).toEqual([]);
    expect(await currentHash(runnerId)).toBe(await sha256Hex(credential));
  });

  it('the owner removes a runner: its socket is closed for good and its credential opens nothing', async () => {
    const { runnerId, credential } = await register('removed');
    const sock = await connect(credential);
    const next = await hello(sock, runnerId);
    await saved(sock, runnerId, next);
    const member = await createMember('member-remove@example.com');
    expect((await member.fetch(`/v1/runners/${runnerId}`, { method: 'DELETE' })).status).toBe(403);
    expect((await json<{ ok: true }>(await owner.fetch(`/v1/runners/${runnerId}`, { method: 'DELETE' }), 200)).ok).toBe(true);
    expect(await sock.waitClose()).toMatchObject({ code: CLOSE_CODES.unauthorized, reason: 'the owner removed this runner' });
    expect(await refused(next)).toMatch(/unknown or revoked/);
    expect(await listed(runnerId)).toBeUndefined();
    expect((await json<ApiErrorBody>(await owner.fetch(`/v1/runners/${runnerId}`, { method: 'DELETE' }), 404)).error.code).toBe('not_found');
  });
});
